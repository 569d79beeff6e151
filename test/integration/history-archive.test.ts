// The history archive, on the real dev server and PostgreSQL, over HTTP: a PK is taken through a
// compressed year (continuing as new on the way) while the worker's archiver is stopped for part of
// it; every run lands in the archive once; the runs are then deleted from Temporal, as retention
// would, and the timeline, the export and `kinerja replay` work from the archive alone.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { Worker } from '@temporalio/worker';
import { historyFromJson } from '../../archive/history-json';
import type { Stack } from '../support/stack';
import { BUPATI_NIP, client, enc, startStackWithCycle, tokens, waitFor, type Reply } from '../support/api-client';
import { agreementIdIn, compressedYearOrganisation, driveCompressedYear, verifyKeyOf } from '../support/compressed-year';
import { resolveTemporalCli } from '../../scripts/temporal-binaries';
import { workflowBundle } from '../../worker/create-worker';
import { replayCommand } from '../../cli/commands/replay';
import { doctorCommand } from '../../cli/commands/doctor';
import { archiveRun } from '../../archive/archive-store';
import { archiveScope, createHistoryArchiver } from '../../archive/archiver';
import { createLogger } from '../../logger';
import { Pool } from 'pg';
import { createPayloadCodec } from '../../security/payload-codec';

jest.setTimeout(420_000);

const DAY = 86_400_000;
const ORG = 'kab-archive';
const org = compressedYearOrganisation(ORG, ['kepala-dinkes', 'kepala-dikbud', 'asisten-1']);
const cycleId = `cycle:${ORG}:${org.year}`;
const dinkes = agreementIdIn(org, 'kepala-dinkes');
const dikbud = agreementIdIn(org, 'kepala-dikbud');

let stack: Stack;
let call: ReturnType<typeof client>;
let t: ReturnType<typeof tokens>;
let out: string[] = [];
const verifyRetries: number[] = [];

beforeAll(async () => {
  ({ stack, call, t } = await startStackWithCycle(org, (s) => s.status === 'running'));
});
afterAll(async () => stack?.stop());

const ok = (r: Reply) => {
  if (r.status !== 200) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};

/** The runs of a workflow id Temporal's visibility lists (what retention has not deleted yet). */
async function temporalRuns(workflowId: string): Promise<string[]> {
  const runs: string[] = [];
  for await (const e of stack.client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(e.runId);
  return runs;
}
async function archivedRows(workflowId: string) {
  const { rows } = await stack.db.query(
    `SELECT run_id, continued_from_run_id, status, event_count, history_bytes, length(history_gzip) AS gzip_bytes
       FROM history_archive WHERE workflow_id = $1 ORDER BY first_event_at`, [workflowId]);
  return rows;
}
const temporalEntriesOf = (timeline: any) => timeline.entries.filter((e: any) => e.source === 'temporal');

/** Runs `kinerja` subcommands against this stack (its database, task queue, server secret). */
async function kinerja(command: typeof replayCommand, args: string[], env: Record<string, string> = {}): Promise<{ code: number; text: string }> {
  out = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const saved = { ...process.env };
  Object.assign(process.env, { TEMPORAL_TASK_QUEUE: stack.config.TEMPORAL_TASK_QUEUE, ...env });
  try {
    const code = await command.run(args);
    return { code, text: out.join('\n') };
  } finally {
    process.env = saved;
    log.mockRestore();
  }
}

test('npm start and the tests\' dev server keep closed runs 30 days, not the dev server\'s 24 hours', async () => {
  const ns = await stack.client.workflowService.describeNamespace({ namespace: stack.config.TEMPORAL_NAMESPACE });
  expect(Number(ns.config?.workflowExecutionRetentionTtl?.seconds)).toBe(30 * 86_400);
});

test('every run of a PK\'s year is archived once, even across an archiver outage; the timeline, the export and kinerja replay outlive Temporal', async () => {
  await driveCompressedYear({
    call, tokens: t, org, positionId: 'kepala-dinkes',
    beforeQuarter: async (quarter) => {
      if (quarter !== 4) return;
      // The archiver is down for the last quarter (a crashed worker, PostgreSQL away), once the
      // first run is archived (a lean run continues as new at the quiet point before Q3 or Q4).
      await waitFor(() => archivedRows(dinkes), (rows) => rows.length >= 1, 60_000);
      await stack.archiver.stop();
      console.log(`[archive] archiver stopped with ${(await archivedRows(dinkes)).length} run(s) archived`);
    },
    // The Bupati's page lost the answer to the last verification (PostgreSQL went away as it was
    // stored: the key stays in flight) and sends it again with its Idempotency-Key, by now often to
    // the PK's next run: the answer is the first one, not "wrong quarter".
    onQuarterOpened: async (quarter) => {
      if (quarter === 1) return;
      const key = verifyKeyOf(dinkes, quarter - 1);
      const stored = (await stack.db.query('SELECT status, body FROM api_idempotency WHERE key = $1', [key])).rows[0];
      expect(stored.status).toBe(200);
      await stack.db.query(`UPDATE api_idempotency SET status = NULL, body = NULL, created_at = now() - interval '1 hour' WHERE key = $1`, [key]);
      const again = await call('POST', `/api/agreements/${enc(dinkes)}/realizations/${quarter - 1}/verify`, { token: t.official(BUPATI_NIP), headers: { 'idempotency-key': key } });
      expect({ status: again.status, body: again.body }).toEqual({ status: 200, body: JSON.parse(stored.body.toString('utf8')) });
      verifyRetries.push(quarter - 1);
    },
  });
  expect(verifyRetries).toEqual([1, 2, 3]);
  // Kepala Dinas Pendidikan's PK is ended by an operator: a terminated run is archived too.
  await stack.client.workflow.getHandle(dikbud).terminate('unit dissolved (test)');

  // Completed: the PK continued as new at least once (a year is two runs since each transition is
  // one write), and the year's runs are all in Temporal.
  const runs = await waitFor(() => temporalRuns(dinkes), (r) => r.length >= 2, 30_000);
  console.log(`[archive] ${dinkes}: ${runs.length} runs in Temporal`);
  expect(runs.length).toBeGreaterThanOrEqual(2);
  // At least one retried verification reached a later run than its first answer: its Update id was
  // accepted in two runs, and the later run answered from what it carried.
  const updateIdsByRun = await Promise.all(runs.map(async (runId) => {
    const h = await stack.client.workflow.getHandle(dinkes, runId).fetchHistory();
    return new Set(h.events!.flatMap((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId ?? []));
  }));
  const acceptedInTwoRuns = [...new Set(updateIdsByRun.flatMap((ids) => [...ids]))].filter((id) => updateIdsByRun.filter((ids) => ids.has(id)).length > 1);
  console.log(`[archive] retried verifications answered by a later run: ${acceptedInTwoRuns.length} of ${verifyRetries.length}`);
  expect(acceptedInTwoRuns.length).toBeGreaterThanOrEqual(1);
  const verified = (await stack.db.query(`SELECT data->>'quarter' AS quarter FROM audit_log WHERE agreement_id = $1 AND action = 'realization.verified' ORDER BY 1`, [dinkes])).rows;
  expect(verified.map((r) => r.quarter)).toEqual(['1', '2', '3', '4']); // each quarter verified once: a retry writes nothing

  // While the archiver is down, the timeline already shows every run (Temporal still has them) and
  // doctor warns about the closed runs the archive lacks.
  const whileDown = ok(await call('GET', `/api/agreements/${enc(dinkes)}/history`, { token: t.evaluator }));
  expect(whileDown.runs.map((r: any) => r.runId).sort()).toEqual([...runs].sort());
  const warned = await kinerja(doctorCommand, ['--api', stack.baseUrl], { HISTORY_ARCHIVE_WARN_MINUTES: '0' });
  expect(warned.text).toMatch(/WARN\s+history archive\s+\d+ of \d+ runs closed/);
  expect(warned.code).toBe(0); // a warning, not a failure: nothing is lost yet

  // Back up: the next passes archive everything, each run once.
  const started = performance.now();
  stack.archiver.start();
  const archived = await waitFor(() => archivedRows(dinkes), (rows) => rows.length === runs.length, 60_000);
  console.log(`[archive] caught up with ${runs.length} runs of ${dinkes} in ${Math.round(performance.now() - started)} ms after the restart`);
  expect(archived.map((r) => r.run_id).sort()).toEqual([...runs].sort());
  expect(archived.filter((r) => r.status === 'continued_as_new')).toHaveLength(runs.length - 1);
  expect(archived[archived.length - 1].status).toBe('completed');
  // each run names the one it continued from: one chain from the first run to the last
  expect(archived.slice(1).map((r) => r.continued_from_run_id)).toEqual(archived.slice(0, -1).map((r) => r.run_id));
  await waitFor(() => archivedRows(dikbud), (rows) => rows.some((r) => r.status === 'terminated'), 60_000);
  // a second pass, or a second archiver, adds nothing
  expect((await stack.archiver.runOnce()).archived).toBe(0);
  // A pass holds one connection (its lock's): an archiver on a pool of one reads every closed run
  // again (its cursor cleared) and adds nothing.
  await stack.archiver.stop();
  await stack.db.query('DELETE FROM history_archive_cursor WHERE scope = $1', [archiveScope(stack.config.TEMPORAL_NAMESPACE, stack.config.TEMPORAL_TASK_QUEUE)]);
  const one = new Pool({ connectionString: stack.config.DATABASE_URL, max: 1, connectionTimeoutMillis: 3_000 });
  try {
    const single = createHistoryArchiver({
      db: one, client: stack.client, namespace: stack.config.TEMPORAL_NAMESPACE, taskQueue: stack.config.TEMPORAL_TASK_QUEUE, logger: createLogger('test', 'silent'), pollMs: 60_000,
    });
    const pass = await single.runOnce();
    expect(pass).toMatchObject({ ran: true, archived: 0 });
    expect(pass.seen).toBeGreaterThanOrEqual(runs.length);
  } finally {
    await one.end();
    stack.archiver.start();
  }
  const history = await stack.client.workflow.getHandle(dinkes, runs[0]).fetchHistory();
  expect(await archiveRun(stack.db, stack.config.TEMPORAL_NAMESPACE, dinkes, runs[0], history)).toBe(false);
  expect(await archivedRows(dinkes)).toHaveLength(runs.length);
  const cleared = await kinerja(doctorCommand, ['--api', stack.baseUrl], { HISTORY_ARCHIVE_WARN_MINUTES: '0' });
  expect(cleared.text).toMatch(/ok\s+history archive\s+every run closed/);

  const sizes = archived.reduce((a, r) => ({ events: a.events + r.event_count, raw: a.raw + r.history_bytes, gzip: a.gzip + r.gzip_bytes }), { events: 0, raw: 0, gzip: 0 });
  console.log(`[archive] one PK-year: ${archived.length} runs, ${sizes.events} events, ${(sizes.raw / 1024).toFixed(1)} KiB protobuf, ${(sizes.gzip / 1024).toFixed(1)} KiB archived (gzip)`);

  // The timeline marks each continue-as-new: the old run's last entry and the new run's first.
  const before = ok(await call('GET', `/api/agreements/${enc(dinkes)}/history`, { token: t.evaluator }));
  expect(before.runs.map((r: any) => r.runId)).toEqual(archived.map((r) => r.run_id));
  const continued = temporalEntriesOf(before).filter((e: any) => e.kind === 'workflow.continued');
  expect(continued.map((e: any) => e.data.newRunId)).toEqual(archived.slice(1).map((r) => r.run_id));
  expect(temporalEntriesOf(before).filter((e: any) => e.kind === 'workflow.run_started')).toHaveLength(runs.length - 1);

  // The export is what the Temporal CLI prints for each run.
  const exportReply = await call('GET', `/api/agreements/${enc(dinkes)}/history/export`, { token: t.evaluator });
  // a file to keep, named for the PK (what a browser or `curl -OJ` saves it as)
  expect(exportReply.headers.get('content-disposition')).toBe(`attachment; filename="riwayat-${dinkes.replace(/:/g, '-')}.json"`);
  const exported = ok(exportReply);
  expect(exported.runs.map((r: any) => r.runId)).toEqual(archived.map((r) => r.run_id));
  const cli = JSON.parse(execFileSync(resolveTemporalCli(), [
    'workflow', 'show', '--address', stack.config.TEMPORAL_ADDRESS, '--namespace', stack.config.TEMPORAL_NAMESPACE,
    '--workflow-id', dinkes, '--run-id', runs[0], '--output', 'json',
  ], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
  expect(exported.runs.find((r: any) => r.runId === runs[0]).history).toEqual(cli);

  // Retention ends (here: deleted on purpose): Temporal no longer has any run of the PK.
  for (const runId of runs) {
    await stack.client.workflowService.deleteWorkflowExecution({ namespace: stack.config.TEMPORAL_NAMESPACE, workflowExecution: { workflowId: dinkes, runId } });
  }
  await waitFor(() => temporalRuns(dinkes), (r) => r.length === 0, 60_000);
  await expect(stack.client.workflow.getHandle(dinkes).fetchHistory()).rejects.toThrow();

  // The timeline is the same, from the archive alone.
  const after = ok(await call('GET', `/api/agreements/${enc(dinkes)}/history`, { token: t.evaluator }));
  expect(after.temporalAvailable).toBe(true);
  expect(after.runs.every((r: any) => r.archived)).toBe(true);
  expect(temporalEntriesOf(after)).toEqual(temporalEntriesOf(before));
  expect(after.entries).toEqual(before.entries);

  // The export still loads in the replayer (with the server secret's codec: the sign inputs are encrypted).
  const again = ok(await call('GET', `/api/agreements/${enc(dinkes)}/history/export`, { token: t.evaluator }));
  expect(again.runs).toEqual(exported.runs);
  const replayed = Worker.runReplayHistories({
    workflowBundle: await workflowBundle(), replayName: 'archive-export', dataConverter: { payloadCodecs: [createPayloadCodec(stack.config.KINERJA_SECRET)] },
  },
    again.runs.map((r: any) => ({ workflowId: dinkes, history: historyFromJson(r.history) })));
  for await (const result of replayed) expect(result.error).toBeUndefined();

  // kinerja replay passes on the cycle's archive, and names the PK once the workflow code changes incompatibly.
  const pass = await kinerja(replayCommand, ['--cycle', cycleId]);
  console.log(`[archive] ${pass.text}`);
  expect(pass.text).toMatch(/Replayed \d+ histories .*: all deterministic\./);
  expect(pass.code).toBe(0);
  const sinceTomorrow = await kinerja(replayCommand, ['--cycle', cycleId, '--since', new Date(Date.now() + DAY).toISOString()]);
  expect(sinceTomorrow.text).toContain('No histories to replay.');
  const broken = await kinerja(replayCommand, ['--cycle', cycleId, '--workflows', resolve(__dirname, '../fixtures/incompatible-workflows/index.ts')]);
  expect(broken.code).toBe(1);
  expect(broken.text).toMatch(new RegExp(`FAIL  ${dinkes.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(run [0-9a-f-]+\\) at event \\d+: nondeterminism`));
  expect(broken.text).toContain(`FAILED (`);
});
