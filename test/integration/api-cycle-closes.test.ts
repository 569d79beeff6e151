// A cycle's status follows its PKs: `running` once they are all started, `closed` when the last one
// closes. The smallest organisation there is (the Kepala Daerah alone, whose statement has no
// superior) goes through a past year over HTTP: drafted, signed, four quarters reported, evaluated
// and closed; the administrator's list and the status route then say the cycle is closed, and
// posting the organisation again leaves it closed.
import type { Stack } from '../support/stack';
import { BUPATI_NIP, enc, passphraseFor, startStackWithCycle, tokens, waitFor, type Reply } from '../support/api-client';
import { sampleOrganisation } from '../support/time-skipping';

jest.setTimeout(180_000);

const ORG = 'kab-closes';
const org: any = sampleOrganisation(ORG, new Date().getFullYear() - 1, ['bupati']);
org.positions.find((p: any) => p.id === 'bupati').official.nip = BUPATI_NIP;
const cycleId = `cycle:${ORG}:${org.year}`;
const statementId = `pk:${ORG}:${org.year}:bupati`;

let stack: Stack;
let call: (method: string, path: string, opts?: { token?: string; body?: unknown }) => Promise<Reply>;
let t: ReturnType<typeof tokens>;

beforeAll(async () => {
  ({ stack, call, t } = await startStackWithCycle(org, (s) => s.status === 'running'));
});
afterAll(async () => {
  await stack?.stop();
});

const statusOf = async () => (await call('GET', `/api/cycles/${enc(cycleId)}`, { token: t.admin })).body.status;
const listed = async () => (await call('GET', '/api/cycles', { token: t.admin })).body.items.find((c: any) => c.id === cycleId)?.status;
const phaseIs = (phase: string) => waitFor(() => call('GET', `/api/agreements/${enc(statementId)}`, { token: t.evaluator }), (r) => r.body.phase === phase, 60_000);

async function must(reply: Promise<Reply>, what: string): Promise<Reply> {
  const r = await reply;
  if (r.status !== 200) throw new Error(`${what} answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r;
}

test('the cycle closes with its last PK, and posting it again leaves it closed', async () => {
  expect([org.positions.length, await statusOf(), await listed()]).toEqual([1, 'running', 'running']);
  const bupati = t.official(BUPATI_NIP);
  const statement = { objectives: org.plan.objectives, budget: [{ program: 'Program Penunjang Urusan Pemerintahan Daerah', amount: 1_000_000_000 }] };
  await waitFor(() => call('GET', `/api/agreements/${enc(statementId)}`, { token: bupati }), (r) => r.body.state?.deadline?.item === 'draft');
  await must(call('PUT', `/api/agreements/${enc(statementId)}/draft`, { token: bupati, body: statement }), 'draft');
  await must(call('POST', `/api/agreements/${enc(statementId)}/submit`, { token: bupati }), 'submit');
  await phaseIs('signing');
  await must(call('POST', `/api/agreements/${enc(statementId)}/sign`, { token: bupati, body: { passphrase: passphraseFor(BUPATI_NIP) } }), 'sign');
  await phaseIs('reporting');

  const indicators = statement.objectives.flatMap((o: any) => o.indicators);
  for (const quarter of [1, 2, 3, 4]) {
    await waitFor(() => call('GET', `/api/agreements/${enc(statementId)}`, { token: bupati }), (r) => r.body.state?.quarters?.[quarter - 1]?.status === 'open');
    const realizations = indicators.map((i: any) => ({ indicatorId: i.id, value: i.target }));
    await must(call('POST', `/api/agreements/${enc(statementId)}/realizations/${quarter}`, { token: bupati, body: { realizations, budgetSpent: [200_000_000] } }), `report Q${quarter}`);
  }
  await phaseIs('evaluation');
  // the last PK is in evaluation: the cycle is still running
  expect(await statusOf()).toBe('running');
  await must(call('POST', `/api/agreements/${enc(statementId)}/evaluation`, { token: t.evaluator, body: { adjustments: [], close: true } }), 'evaluate and close');
  await phaseIs('closed');
  expect([await statusOf(), await listed()]).toEqual(['closed', 'closed']);

  // the same organisation posted again is the same cycle: its fan-out runs again, finds the PK
  // closed already, and the cycle stays closed
  const firstRun = (await stack.client.workflow.getHandle(cycleId).describe()).runId;
  const again = await call('POST', '/api/cycles', { token: t.admin, body: org });
  expect([again.status, again.body.cycleId]).toEqual([200, cycleId]);
  const latest = stack.client.workflow.getHandle(cycleId);
  expect((await latest.describe()).runId).not.toBe(firstRun);
  expect(await latest.result()).toMatchObject({ started: 1, done: true });
  expect(await statusOf()).toBe('closed');
});
