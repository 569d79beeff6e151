// kill -9 the worker while a PK's closed runs wait to be archived (its archiver polls only once an
// hour, so the runs closed so far are not archived yet), between two runs of the PK's year; a new
// worker (polling every 2 s) carries the year on: every run of the PK lands in the archive exactly
// once, with an unbroken chain of continued-from links from the first run to the last.
import { compressedYearOrganisation, driveCompressedYear, agreementIdIn } from '../support/compressed-year';
import { FaultStack, report, until } from './harness';

const NAME = 'worker-kill-archive';
let stack: FaultStack;

jest.setTimeout(900_000);

beforeAll(async () => {
  // the first worker's archiver runs one pass at start, then not for an hour
  stack = await FaultStack.start({ env: { HISTORY_ARCHIVE_POLL_MS: String(3_600_000) } });
});
afterAll(async () => {
  report(NAME, `faults injected: ${stack?.faultsInjected ?? 0}`);
  await stack?.stop();
});

async function temporalRuns(workflowId: string): Promise<Array<{ runId: string; status: string }>> {
  const runs = [];
  for await (const e of stack.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push({ runId: e.runId, status: e.status.name });
  return runs;
}
async function archivedRows(workflowId: string) {
  const { rows } = await stack.db.query(
    `SELECT run_id, continued_from_run_id, status FROM history_archive WHERE workflow_id = $1 ORDER BY first_event_at`, [workflowId]);
  return rows as Array<{ run_id: string; continued_from_run_id: string | null; status: string }>;
}

test('a kill -9 between two runs of a PK\'s year delays archiving; every run is archived exactly once, in one chain', async () => {
  const org = compressedYearOrganisation('kab-faults-archive', ['kepala-dinkes']);
  const id = agreementIdIn(org, 'kepala-dinkes');
  await stack.startCycle(org);

  await driveCompressedYear({
    call: stack.call.bind(stack), tokens: stack.tokens, org, positionId: 'kepala-dinkes',
    beforeQuarter: async (quarter) => {
      if (quarter !== 4) return;
      // Three quarters (each report returned once) made the PK continue as new (a lean run, at the
      // quiet point before Q3 or Q4); those runs are closed and, with the archiver asleep, not archived.
      const runs = await until(`${id} to have continued as new`, () => temporalRuns(id), (r) => r.some((x) => x.status === 'CONTINUED_AS_NEW'), 120_000);
      const closed = runs.filter((r) => r.status !== 'RUNNING').length;
      expect(await archivedRows(id)).toHaveLength(0);
      const pid = await stack.kill9('worker');
      report(NAME, `kill -9 worker pid ${pid} with ${closed} closed run(s) of ${id} not yet archived, before quarter 4`);
      stack.extraEnv.HISTORY_ARCHIVE_POLL_MS = String(2_000);
      await stack.startWorker();
      report(NAME, 'a new worker started (archiver every 2 s); the year goes on');
    },
  });

  // The year is over: every run of the PK is closed, and each lands in the archive.
  const runs = await temporalRuns(id);
  report(NAME, `${id}: ${runs.length} runs in Temporal (${runs.map((r) => r.status).join(', ')})`);
  // at least the run closed before the kill and the one the new worker finished (how many more
  // depends on how late the quarters are reached: the workflow continues as new only before one opens)
  expect(runs.length).toBeGreaterThanOrEqual(2);
  const archived = await until('every run of the PK archived', () => archivedRows(id), (rows) => rows.length >= runs.length, 120_000);
  expect(archived.map((r) => r.run_id).sort()).toEqual(runs.map((r) => r.runId).sort());
  // exactly once per run id
  const counts = (await stack.db.query(
    'SELECT run_id, count(*)::int AS n FROM history_archive WHERE workflow_id = $1 GROUP BY run_id', [id])).rows;
  expect(counts).toHaveLength(runs.length);
  expect(counts.every((c) => c.n === 1)).toBe(true);
  // one chain: the first run continued from nothing, each later one from the run before it
  expect(archived[0].continued_from_run_id).toBeNull();
  expect(archived.slice(1).map((r) => r.continued_from_run_id)).toEqual(archived.slice(0, -1).map((r) => r.run_id));
  expect(archived.map((r) => r.status)).toEqual([...Array(runs.length - 1).fill('continued_as_new'), 'completed']);

  // Every closed run on the task queue (the cycle's and any other) is archived, each once.
  const closedOnQueue: string[] = [];
  for await (const e of stack.client.workflow.list({ query: `TaskQueue = '${stack.taskQueue}' AND ExecutionStatus != 'Running'` })) closedOnQueue.push(e.runId);
  const held = await until('every closed run on the task queue archived',
    async () => (await stack.db.query('SELECT run_id FROM history_archive WHERE run_id = ANY($1)', [closedOnQueue])).rows.length,
    (n) => n === closedOnQueue.length, 60_000);
  report(NAME, `records checked: ${archived.length} runs of ${id} in one chain; ${held} closed runs on the task queue, each archived once`);
});
