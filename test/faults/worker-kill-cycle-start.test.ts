// kill -9 the worker while it is starting a 2,000-position cycle, start it again: every agreement
// exists exactly once — one workflow execution per position in Temporal, one row per position in
// PostgreSQL, no stray ids.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { type FaultStack, withFaultStack, repoRoot, report, until } from './harness';

const NAME = 'worker-kill-cycle-start';
const POSITIONS = 2000;
let stack: FaultStack;

jest.setTimeout(900_000);

withFaultStack(NAME, {}, (s) => (stack = s));

test('every agreement of a 2,000-position cycle exists exactly once after a kill -9 mid-start', async () => {
  const tool = resolve(repoRoot, 'data', 'make-organisation.mjs');
  const year = new Date().getFullYear() + 1;
  const org = JSON.parse(execFileSync(process.execPath, [tool, '--positions', String(POSITIONS), '--year', String(year), '--seed', '7'], { maxBuffer: 64 << 20 }).toString());
  org.organisation.id = 'kab-faults-2000';
  const positionIds: string[] = org.positions.map((p: any) => p.id);
  expect(new Set(positionIds).size).toBe(POSITIONS);
  const cycleId = `cycle:${org.organisation.id}:${year}`;

  const posted = await stack.call('POST', '/api/cycles', { token: stack.tokens.admin, body: org });
  expect(posted.status).toBe(201);
  // wait until the fan-out is visibly under way, then kill the worker in the middle of it
  const before = await until('some agreements to be started', async () => Number((await stack.db.query('SELECT count(*)::int AS n FROM agreements WHERE cycle_id = $1', [cycleId])).rows[0].n), (n) => n >= 100, 300_000, 100);
  const pid = await stack.kill9('worker');
  const atKill = Number((await stack.db.query('SELECT count(*)::int AS n FROM agreements WHERE cycle_id = $1', [cycleId])).rows[0].n);
  const cycleAtKill = (await stack.db.query('SELECT status, started_count FROM cycles WHERE id = $1', [cycleId])).rows[0];
  report(NAME, `kill -9 worker pid ${pid} with ${atKill} of ${POSITIONS} agreement rows stored (cycle ${cycleAtKill.status}, started_count ${cycleAtKill.started_count})`);
  expect(before).toBeLessThan(POSITIONS); // the kill really landed mid-start
  expect(atKill).toBeLessThan(POSITIONS);

  const restartedAt = Date.now();
  await stack.startWorker();
  const done = await until('the cycle to finish starting', () => stack.call('GET', `/api/cycles/${encodeURIComponent(cycleId)}`, { token: stack.tokens.admin }), (r) => r.body?.status === 'running' && r.body?.agreements === POSITIONS, 600_000, 1000);
  report(NAME, `worker restarted; cycle running with ${done.body.agreements} agreements after ${Math.round((Date.now() - restartedAt) / 1000)} s`);

  // PostgreSQL: one row per position, none missing, none extra
  const rows = (await stack.db.query('SELECT id, position_id FROM agreements WHERE cycle_id = $1', [cycleId])).rows;
  const rowIds = rows.map((r) => r.id);
  expect(new Set(rowIds).size).toBe(rows.length);
  expect(rows.map((r) => r.position_id).sort()).toEqual([...positionIds].sort());

  // Temporal: one execution per agreement id (a second run of the same id would be a duplicate)
  await until('visibility to list every agreement', () => stack.client.workflow.count(`WorkflowType = 'agreementV2' AND KinerjaOrg = '${org.organisation.id}'`), (c) => c.count >= POSITIONS, 120_000, 1000);
  const executions = new Map<string, number>();
  for await (const wf of stack.client.workflow.list({ query: `WorkflowType = 'agreementV2' AND KinerjaOrg = '${org.organisation.id}'` })) {
    executions.set(wf.workflowId, (executions.get(wf.workflowId) ?? 0) + 1);
  }
  const duplicates = [...executions].filter(([, n]) => n > 1);
  const expectedIds = positionIds.map((p) => `pk:${org.organisation.id}:${year}:${p}`).sort();
  report(NAME, `checked ${rows.length} agreement rows and ${executions.size} workflow ids (${[...executions.values()].reduce((a, b) => a + b, 0)} executions): duplicates ${duplicates.length}, missing ${expectedIds.filter((id) => !executions.has(id)).length}`);
  expect(duplicates).toEqual([]);
  expect([...executions.keys()].sort()).toEqual(expectedIds);
  expect(rowIds.sort()).toEqual(expectedIds);
});
