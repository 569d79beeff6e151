// Passphrases never persist: after a full year of two PKs — signed by both parties (after wrong
// passphrases too), four quarters reported and verified, evaluated and closed — the passphrases are
// searched for, as they are and base64- and hex-encoded, in the Temporal history of every workflow
// (the CLI's JSON export and every payload's bytes), in every row of every table, and in the logs
// of the worker and the API (at debug level).
import { execFileSync } from 'node:child_process';
import { sampleOrganisation, enc } from '../support/api-client';
import { resolveTemporalCli } from '../../scripts/temporal-binaries';
import { type FaultStack, withFaultStack, report, until } from './harness';
import { agreementIdOf, partiesOf, passphraseOf, phaseIs, toSigning } from './drive';

const NAME = 'passphrase-leak';
const org = sampleOrganisation('kab-faults-secret', new Date().getFullYear() - 1);
let stack: FaultStack;

jest.setTimeout(900_000);

withFaultStack(NAME, { org, start: { env: { LOG_LEVEL: 'debug' } } }, (s) => (stack = s));

/** The forms a secret takes in text, bytes shown as hex, and base64 at each of the three alignments. */
function encodings(secret: string): string[] {
  const forms = [secret, Buffer.from(secret).toString('hex')];
  for (let k = 0; k < 3; k++) {
    const b64 = Buffer.from(secret.slice(k)).toString('base64');
    forms.push(b64.slice(0, Math.floor((secret.length - k) / 3) * 4));
  }
  return forms;
}

/** Every string and every byte array in a protobuf-shaped object, as text. */
function texts(value: unknown, out: string[] = []): string[] {
  if (value === null || value === undefined) return out;
  if (value instanceof Uint8Array) {
    out.push(Buffer.from(value).toString('utf8'), Buffer.from(value).toString('latin1'));
  } else if (typeof value === 'string') {
    out.push(value);
  } else if (Array.isArray(value)) {
    for (const v of value) texts(v, out);
  } else if (typeof value === 'object') {
    for (const v of Object.values(value as Record<string, unknown>)) texts(v, out);
  }
  return out;
}

test('no passphrase in Temporal history, the database or the logs after a full cycle', async () => {
  const positions: string[] = org.positions.filter((p: any) => p.parent === 'bupati').map((p: any) => p.id).slice(0, 2);
  const secrets = new Set<string>();
  for (const positionId of positions) {
    const id = agreementIdOf(org, positionId);
    const { first, second } = partiesOf(org, positionId);
    await toSigning(stack, org, positionId);
    for (const [party, nip] of [['first', first], ['second', second]] as const) {
      // the first signature enrols the official; a wrong passphrase after that is refused
      const right = passphraseOf(nip);
      secrets.add(right);
      const signed = await stack.call('POST', `/api/agreements/${enc(id)}/sign`, { token: stack.tokens.official(nip), body: { passphrase: right } });
      if (signed.status !== 200) throw new Error(`${party} signature answered ${signed.status}: ${JSON.stringify(signed.body)}`);
    }
    await phaseIs(stack, id, 'reporting');
    const content = org.drafts[positionId];
    const indicators = content.objectives.flatMap((o: any) => o.indicators);
    for (const quarter of [1, 2, 3, 4]) {
      await until(`Q${quarter} to open`, async () => (await stack.call('GET', `/api/agreements/${enc(id)}`, { token: stack.tokens.evaluator })).body, (a) => a?.state?.quarters?.[quarter - 1]?.status === 'open');
      const body = { realizations: indicators.map((i: any) => ({ indicatorId: i.id, value: i.target })), budgetSpent: content.budget.map((b: any) => Math.round(b.amount / 5)) };
      expect((await stack.call('POST', `/api/agreements/${enc(id)}/realizations/${quarter}`, { token: stack.tokens.official(first), body })).status).toBe(200);
      expect((await stack.call('POST', `/api/agreements/${enc(id)}/realizations/${quarter}/verify`, { token: stack.tokens.official(second) })).status).toBe(200);
    }
    await phaseIs(stack, id, 'evaluation');
    const closed = await stack.call('POST', `/api/agreements/${enc(id)}/evaluation`, { token: stack.tokens.evaluator, body: { adjustments: [], close: true } });
    expect(closed.status).toBe(200);
    await phaseIs(stack, id, 'closed');
  }
  // wrong passphrases, each a secret of its own that must not be kept either
  const third = org.positions.filter((p: any) => p.parent === 'bupati')[2].id;
  await toSigning(stack, org, third);
  const bupati = partiesOf(org, third).second; // enrolled above as a second party
  const thirdFirst = partiesOf(org, third).first;
  secrets.add(passphraseOf(thirdFirst));
  expect((await stack.call('POST', `/api/agreements/${enc(agreementIdOf(org, third))}/sign`, { token: stack.tokens.official(thirdFirst), body: { passphrase: passphraseOf(thirdFirst) } })).status).toBe(200);
  for (let i = 0; i < 3; i++) {
    const wrong = `keliru-${i}-${bupati}-Zq`;
    secrets.add(wrong);
    const r = await stack.call('POST', `/api/agreements/${enc(agreementIdOf(org, third))}/sign`, { token: stack.tokens.official(bupati), body: { passphrase: wrong } });
    expect([r.status, r.body.code]).toEqual([422, 'wrong_passphrase']);
  }

  const needles = [...secrets].flatMap((s) => encodings(s).map((form) => ({ secret: s, form })));
  const found: string[] = [];
  // canaries the same search must find, so it is shown to work: an official's NIP (in history and
  // rows) and the task queue's name (in the worker's log)
  const canaries = [partiesOf(org, positions[0]).first, stack.taskQueue];
  const canarySeen = new Set<string>();
  const search = (where: string, haystack: string) => {
    if (canaries.some((c) => haystack.includes(c))) canarySeen.add(where.split(' ')[0]);
    for (const { secret, form } of needles) if (haystack.includes(form)) found.push(`${where}: ${secret} (as ${form === secret ? 'text' : form})`);
  };

  // 1. Temporal: every execution's full history, payload bytes decoded, and the CLI's JSON export
  let workflows = 0;
  let events = 0;
  const cli = resolveTemporalCli();
  const address = `127.0.0.1:${stack.temporalPort}`;
  for await (const wf of stack.client.workflow.list({ query: '' })) {
    const history = await stack.client.workflow.getHandle(wf.workflowId, wf.runId).fetchHistory();
    workflows++;
    events += history.events?.length ?? 0;
    search(`history of ${wf.workflowId}`, texts(history).join('\n'));
    if (wf.workflowId.startsWith('pk:') && positions.concat(third).some((p) => wf.workflowId.endsWith(`:${p}`))) {
      const exported = execFileSync(cli, ['workflow', 'show', '--workflow-id', wf.workflowId, '--run-id', wf.runId, '--address', address, '--output', 'json'], { maxBuffer: 256 << 20 }).toString();
      search(`temporal workflow show ${wf.workflowId}`, exported);
    }
  }
  // 2. PostgreSQL: every row of every table, as JSON (bytea as hex)
  const tables = (await stack.db.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`)).rows.map((r) => r.tablename as string);
  let rows = 0;
  for (const table of tables) {
    const dump = (await stack.db.query(`SELECT row_to_json(t)::text AS j FROM "${table}" t`)).rows.map((r) => r.j as string);
    rows += dump.length;
    search(`table ${table}`, dump.join('\n'));
  }
  const documents = (await stack.db.query('SELECT bytes FROM documents')).rows;
  for (const d of documents) search('a stored PDF', Buffer.from(d.bytes).toString('latin1'));
  // 3. the logs of every process
  const logs = stack.logs();
  search('logs', logs);

  report(NAME, `${secrets.size} passphrases (${needles.length} encodings) searched in ${workflows} workflow histories (${events} events, + CLI JSON export), ${rows} rows of ${tables.length} tables + ${documents.length} PDFs, ${(logs.length / 1024).toFixed(0)} KB of logs: ${found.length} found`);
  report(NAME, `canaries ${canaries.join(', ')} found by the same search in: ${[...canarySeen].sort().join(', ')}`);
  expect(found).toEqual([]);
  expect([...canarySeen]).toEqual(expect.arrayContaining(['history', 'table', 'logs']));
  // the search would have found them: the sealed passphrase did travel, and the logs are not empty
  expect(events).toBeGreaterThan(100);
  expect(logs.length).toBeGreaterThan(1000);
});
