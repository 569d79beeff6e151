// kill -9 the worker while it is starting a 2,000-position cycle, start it again: every agreement
// exists exactly once — one workflow execution per position in Temporal, one row per position in
// PostgreSQL, no stray ids.
import { type FaultStack, withFaultStack, report, until } from './harness';
import { agreementRows, expectEveryAgreementOnce, generatedOrganisation } from './exactly-once';

const NAME = 'worker-kill-cycle-start';
const POSITIONS = 2000;
let stack: FaultStack;

jest.setTimeout(900_000);

withFaultStack(NAME, {}, (s) => (stack = s));

test('every agreement of a 2,000-position cycle exists exactly once after a kill -9 mid-start', async () => {
  const org = generatedOrganisation('kab-faults-2000', POSITIONS);
  expect(new Set(org.positions.map((p) => p.id)).size).toBe(POSITIONS);
  const cycleId = `cycle:${org.organisation.id}:${org.year}`;

  const posted = await stack.call('POST', '/api/cycles', { token: stack.tokens.admin, body: org });
  expect(posted.status).toBe(201);
  // wait until the fan-out is visibly under way, then kill the worker in the middle of it
  const before = await until('some agreements to be started', () => agreementRows(stack, cycleId), (n) => n >= 100, 300_000, 100);
  const pid = await stack.kill9('worker');
  const atKill = await agreementRows(stack, cycleId);
  const cycleAtKill = (await stack.db.query('SELECT status, started_count FROM cycles WHERE id = $1', [cycleId])).rows[0];
  report(NAME, `kill -9 worker pid ${pid} with ${atKill} of ${POSITIONS} agreement rows stored (cycle ${cycleAtKill.status}, started_count ${cycleAtKill.started_count})`);
  expect(before).toBeLessThan(POSITIONS); // the kill really landed mid-start
  expect(atKill).toBeLessThan(POSITIONS);

  const restartedAt = Date.now();
  await stack.startWorker();
  const done = await until('the cycle to finish starting', () => stack.call('GET', `/api/cycles/${encodeURIComponent(cycleId)}`, { token: stack.tokens.admin }), (r) => r.body?.status === 'running' && r.body?.agreements === POSITIONS, 600_000, 1000);
  report(NAME, `worker restarted; cycle running with ${done.body.agreements} agreements after ${Math.round((Date.now() - restartedAt) / 1000)} s`);
  report(NAME, await expectEveryAgreementOnce(stack, org));
});
