// kill -9 the worker while signing activities run — one agreement's first party and another's second
// party signing at the same moment — then start it again: each PK ends with exactly one signature
// per party and one stored document version per signature, and every PDF verifies.
import { sampleOrganisation } from '../support/api-client';
import { verifyDocument } from '../../signing/verify';
import { stateQuery } from '../../workflows/messages';
import { FaultStack, report, until } from './harness';
import { agreementIdOf, phaseIs, sign, signatureUnderWay, toSigning } from './drive';

const NAME = 'worker-kill-signing';
const org = sampleOrganisation('kab-faults-sign');
let stack: FaultStack;

jest.setTimeout(900_000);

beforeAll(async () => {
  stack = await FaultStack.start();
  const posted = await stack.call('POST', '/api/cycles', { token: stack.tokens.admin, body: org });
  expect(posted.status).toBe(201);
});
afterAll(async () => {
  report(NAME, `faults injected: ${stack?.faultsInjected ?? 0}`);
  await stack?.stop();
});

const signingRunning = (id: string) => signatureUnderWay(stack, id);

test('a kill -9 during signing leaves one signature per party and one document per signature', async () => {
  // candidates: the Bupati's direct reports, open for drafting at once
  const candidates = org.positions.filter((p: any) => p.parent === 'bupati').map((p: any) => p.id as string).slice(0, 6);
  const [a, b] = [candidates[0], candidates[1]];
  await Promise.all([toSigning(stack, org, a), toSigning(stack, org, b)]);
  const first = await sign(stack, org, b, 'first');
  expect(first.status).toBe(200);
  const [idA, idB] = [agreementIdOf(org, a), agreementIdOf(org, b)];

  // A's first party and B's second party sign at once; kill the worker while an activity runs
  const requests = [sign(stack, org, a, 'first'), sign(stack, org, b, 'second')];
  // kill when both run, or when one has run for 2 s without the other starting
  let firstSeen = 0;
  const running = await until('a signing activity to be running', async () => {
    const r = [await signingRunning(idA), await signingRunning(idB)];
    if ((r[0] || r[1]) && !firstSeen) firstSeen = Date.now();
    return r;
  }, (r) => (r[0] && r[1]) || ((r[0] || r[1]) && Date.now() - firstSeen > 2000), 60_000, 20);
  const pid = await stack.kill9('worker');
  report(NAME, `kill -9 worker pid ${pid} while signAgreement ran for ${[running[0] && `${idA} (first party)`, running[1] && `${idB} (second party)`].filter(Boolean).join(' and ')}`);
  const docsAtKill = (await stack.db.query('SELECT count(*)::int AS n FROM documents WHERE agreement_id = ANY($1)', [[idA, idB]])).rows[0].n;
  report(NAME, `documents stored at the moment of the kill: ${docsAtKill}`);

  const restarted = Date.now();
  await stack.startWorker();
  // the workflow task the dead worker held (the signature is its local activity) is retried once its timeout (10 s) expires
  const answers = await Promise.all(requests);
  report(NAME, `worker restarted; the two sign requests answered ${answers.map((r) => r.status).join(' and ')} after ${Math.round((Date.now() - restarted) / 1000)} s`);
  for (const r of answers) expect(r.status).toBe(200);
  await phaseIs(stack, idA, 'signing'); // A still needs its second party
  await until(`${idB} past signing`, async () => (await stack.call('GET', `/api/agreements/${encodeURIComponent(idB)}`, { token: stack.tokens.evaluator })).body.phase, (p) => p !== 'signing');
  // and A's second party can still sign
  expect((await sign(stack, org, a, 'second')).status).toBe(200);

  const roots = (await stack.db.query('SELECT certificate_pem FROM signing_ca')).rows.map((r) => r.certificate_pem as string);
  let checked = 0;
  for (const id of [idA, idB]) {
    const docs = (await stack.db.query('SELECT id, version, party, bytes, sha256 FROM documents WHERE agreement_id = $1 ORDER BY version, party', [id])).rows;
    const versions = (await stack.client.workflow.getHandle(id).query(stateQuery)).versions;
    const signatures = (await stack.db.query(`SELECT count(*)::int AS n, count(DISTINCT data->>'party')::int AS parties FROM audit_log WHERE agreement_id = $1 AND action = 'document.signed'`, [id])).rows[0];
    report(NAME, `${id}: documents ${docs.map((d) => `v${d.version}:${d.party}`).join(', ')}; audit document.signed ${signatures.n} for ${signatures.parties} parties`);
    expect(docs.map((d) => `${d.version}:${d.party}`)).toEqual(['1:first', '1:second']);
    expect(signatures).toEqual({ n: 2, parties: 2 });
    expect(versions.flatMap((v) => v.signatures).map((x) => x.party).sort()).toEqual(['first', 'second']);
    // the second document carries both signatures, the first exactly one; all valid
    for (const [i, d] of docs.entries()) {
      const result = verifyDocument(new Uint8Array(d.bytes), { trustedRoots: roots });
      expect(result.signatures.map((x) => x.valid)).toEqual(i === 0 ? [true] : [true, true]);
      expect(result.ok).toBe(true);
      checked++;
    }
  }
  report(NAME, `records checked: ${checked} documents verified, 2 agreements' signatures counted`);
});
