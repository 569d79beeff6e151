// Time to archive closed runs: BENCH_ARCHIVE_RUNS (1,000) runs of the bench's empty workflow are
// started and completed on a throwaway dev server, then one pass of the history archiver
// (archive/archiver.ts, as the worker runs it) stores them all. Per run: the gaps between
// consecutive rows' archived_at (each row is its own transaction), median and p90. Ceiling, same
// run: fetching the same histories one after another with the client and nothing else (what the
// archiver cannot beat, since it fetches each run the same way). The histories are tiny (5 events),
// so these are per-run overheads; a PK run's 150 events and 35 KiB add their bytes on top.
// Run alone: `npx tsx bench/archive.ts`.
import { performance } from 'node:perf_hooks';
import { Client, Connection } from '@temporalio/client';
import { createHistoryArchiver } from '../archive/archiver';
import { createPool } from '../db/pool';
import { mapConcurrently, quantile, round, runWhenMain, sizeFrom, type BenchResult } from './support/results';
import { cleanupAll, onCleanup, startCeilingWorker, startServers } from './support/stack';

export async function runArchive(): Promise<BenchResult> {
  const runs = sizeFrom('BENCH_ARCHIVE_RUNS', 1000);
  const startedAt = new Date();
  const t0 = performance.now();
  try {
    const servers = await startServers();
    const taskQueue = 'bench-archive';
    await startCeilingWorker(servers, taskQueue);
    const connection = await Connection.connect({ address: servers.temporalAddress });
    onCleanup(() => connection.close());
    const client = new Client({ connection });
    const db = createPool(servers.databaseUrl, 4);
    onCleanup(() => db.end());

    const ids = Array.from({ length: runs }, (_, i) => `bench-archive-${i}`);
    const made = performance.now();
    await mapConcurrently(ids, 20, async (workflowId) => {
      await client.workflow.execute('benchEmptyWorkflow', { taskQueue, workflowId });
    });
    const makeSeconds = (performance.now() - made) / 1000;
    // visibility lags: the pass must see every closed run, as it would a while after they closed
    const closed = async () => (await client.workflow.count(`TaskQueue = '${taskQueue}' AND ExecutionStatus != 'Running'`)).count;
    while ((await closed()) < runs) await new Promise((r) => setTimeout(r, 500));

    const archiver = createHistoryArchiver({
      db, client, namespace: 'default', taskQueue, pollMs: 3_600_000, logger: { info() {}, warn: console.warn, debug() {} } as any,
    });
    const a = performance.now();
    const pass = await archiver.runOnce();
    const archiveSeconds = (performance.now() - a) / 1000;
    if (pass.archived !== runs) throw new Error(`the pass archived ${pass.archived} of ${runs} runs`);
    const { rows } = await db.query(
      `SELECT extract(epoch FROM archived_at - lag(archived_at) OVER (ORDER BY archived_at)) * 1000 AS gap_ms,
              event_count, history_bytes, length(history_gzip) AS gzip_bytes
         FROM history_archive ORDER BY archived_at`);
    const gaps = rows.slice(1).map((r) => Number(r.gap_ms));

    // ceiling: the same histories, fetched one after another
    const fetchMs: number[] = [];
    const c = performance.now();
    for (const workflowId of ids) {
      const f = performance.now();
      await client.workflow.getHandle(workflowId).fetchHistory();
      fetchMs.push(performance.now() - f);
    }
    const fetchSeconds = (performance.now() - c) / 1000;

    return {
      name: 'archive',
      startedAt: startedAt.toISOString(),
      seconds: round((performance.now() - t0) / 1000, 1),
      params: { runs, eventsPerRun: rows[0]?.event_count, bytesPerRun: rows[0]?.history_bytes, gzipBytesPerRun: rows[0]?.gzip_bytes },
      rows: [
        { figure: `archive ${runs} closed runs (one pass)`, value: round(archiveSeconds, 2), unit: 's', ceiling: round(fetchSeconds, 2), ceilingLabel: 'fetch the same histories, sequentially', ratio: round(archiveSeconds / fetchSeconds, 2), ratioOf: 'archive / fetch' },
        { figure: 'archive, per run (median)', value: round(quantile(gaps, 0.5), 2), unit: 'ms', ceiling: round(quantile(fetchMs, 0.5), 2), ceilingLabel: 'fetchHistory per run (median)' },
        { figure: 'archive, per run (p90)', value: round(quantile(gaps, 0.9), 2), unit: 'ms', ceiling: round(quantile(fetchMs, 0.9), 2), ceilingLabel: 'fetchHistory per run (p90)' },
      ],
      details: { makeSeconds: round(makeSeconds, 1), listed: pass.seen },
    };
  } finally {
    await cleanupAll();
  }
}

runWhenMain(module, runArchive);
