// The API dies (kill -9) while a signature requested with an Idempotency-Key is being made and is
// started again; the client keeps retrying the same request with the same key: the signature is
// applied once, and the client finally gets the answer of that one signature.
import { sampleOrganisation, enc } from '../support/api-client';
import { type FaultStack, withFaultStack, report, until } from './harness';
import { agreementIdOf, partiesOf, passphraseOf, signatureUnderWay, toSigning } from './drive';

const NAME = 'api-restart-idempotency';
const org = sampleOrganisation('kab-faults-idem');
let stack: FaultStack;

jest.setTimeout(900_000);

withFaultStack(NAME, { org }, (s) => (stack = s));

test('a write retried with the same Idempotency-Key across an API kill -9 is applied once', async () => {
  const positionId = org.positions.find((p: any) => p.parent === 'bupati').id;
  const id = agreementIdOf(org, positionId);
  await toSigning(stack, org, positionId);
  const { first } = partiesOf(org, positionId);
  const request = { token: stack.tokens.official(first), body: { passphrase: passphraseOf(first) }, headers: { 'idempotency-key': `sign-${id}-first` } };
  const send = () => stack.call('POST', `/api/agreements/${enc(id)}/sign`, request).catch((err) => ({ status: 0, headers: new Headers(), body: String(err) }));

  const inFlight = send();
  await until('the signature to be under way', () => signatureUnderWay(stack, id), (running) => running, 60_000, 20);
  const pid = await stack.kill9('api');
  const lost = await inFlight;
  report(NAME, `kill -9 API pid ${pid} while the sign request was being handled; the client saw ${lost.status === 0 ? 'the connection drop' : lost.status}`);
  expect(lost.status).not.toBe(200);
  const restarted = Date.now();
  await stack.startApi();

  const seen: string[] = [];
  const final = await until('the retried request to be answered', async () => {
    const r = await send();
    seen.push(`${r.status}${r.body?.code ? ` ${r.body.code}` : ''}`);
    return r;
  }, (r) => r.status !== 0 && r.status !== 503 && !(r.status === 409 && r.body?.code === 'idempotency_in_progress'), 180_000, 1000);
  const counts = seen.reduce<Record<string, number>>((m, s) => ((m[s] = (m[s] ?? 0) + 1), m), {});
  report(NAME, `API restarted; ${seen.length} retries with the same key answered ${JSON.stringify(counts)}; final ${final.status} after ${Math.round((Date.now() - restarted) / 1000)} s`);
  expect(final.status).toBe(200);
  expect(final.body).toMatchObject({ party: 'first', signerNip: first });

  // once more: the stored answer is replayed, not a second signature and not a "wrong phase"
  const replay = await send();
  expect(replay.status).toBe(200);
  expect(replay.headers.get('idempotent-replayed')).toBe('true');
  expect(replay.body).toEqual(final.body);

  const docs = (await stack.db.query('SELECT id, sha256 FROM documents WHERE agreement_id = $1', [id])).rows;
  const audit = (await stack.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE agreement_id = $1 AND action = 'document.signed'`, [id])).rows[0].n;
  const history = await stack.client.workflow.getHandle(id).fetchHistory();
  const accepted = (history.events ?? []).filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'sign').length;
  report(NAME, `records checked: documents ${docs.length}, audit document.signed ${audit}, sign updates accepted in history ${accepted}`);
  expect(docs).toEqual([{ id: final.body.documentId, sha256: final.body.sha256 }]);
  expect(audit).toBe(1);
  expect(accepted).toBe(1);
});
