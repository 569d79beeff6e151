// The history archiver: a loop in the worker process that reads the runs closed on our task queue
// from Temporal's visibility and stores each one's full history in PostgreSQL (archive-store.ts).
//
// Why here and not in a workflow: it leaves the agreement workflow untouched (no patch, every
// recorded history still replays), it archives every way a run can close (continue-as-new,
// completion, termination by an operator) the same way, and it makes no history of its own to
// archive. Idempotent per run id, so after a crash, an outage or with several workers (only the
// one holding the advisory lock reads at a time) a run is archived late, never twice or not at all,
// as long as Temporal still keeps it: the retention (npm start sets 30 days) is the time it has.
import type { Client } from '@temporalio/client';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import { archiveRun, archivedRunIds } from './archive-store';
import { createPoller } from '../poller';

/** Visibility is eventually consistent: each pass reads again from this long before the cursor. */
export const VISIBILITY_OVERLAP_MS = 60_000;
const LOCK_KEY = 72_617_015; // arbitrary, constant: "kinerja history archiver"

export interface ArchiverOptions {
  db: Pool;
  client: Client;
  namespace: string;
  taskQueue: string;
  logger: Pick<Logger, 'info' | 'warn' | 'debug'>;
  pollMs: number;
}

export interface PassResult {
  /** Closed runs visibility listed in this pass. */
  seen: number;
  archived: number;
  /** False when another process held the lock. */
  ran: boolean;
}

export interface HistoryArchiver {
  start(): void;
  stop(): Promise<void>;
  /** One pass now (tests and `kinerja` tooling); the loop calls the same. */
  runOnce(): Promise<PassResult>;
}

export const archiveScope = (namespace: string, taskQueue: string) => `${namespace}/${taskQueue}`;

/** Visibility query for runs of the task queue that closed at or after `since`. */
export function closedRunsQuery(taskQueue: string, since: Date | null): string {
  const q = `TaskQueue = '${taskQueue.replace(/'/g, "\\'")}' AND ExecutionStatus != 'Running'`;
  return since ? `${q} AND CloseTime >= '${since.toISOString()}'` : q;
}

export function createHistoryArchiver(options: ArchiverOptions): HistoryArchiver {
  const { db, client, namespace, taskQueue, logger } = options;
  const scope = archiveScope(namespace, taskQueue);

  async function pass(lock: PoolClient): Promise<PassResult> {
    const cursor = await lock.query('SELECT archived_through FROM history_archive_cursor WHERE scope = $1', [scope]);
    const since = cursor.rows[0] ? new Date(cursor.rows[0].archived_through.getTime() - VISIBILITY_OVERLAP_MS) : null;
    const passStart = new Date();
    let seen = 0;
    let archived = 0;
    let page: Array<{ workflowId: string; runId: string }> = [];
    const flush = async () => {
      // on the lock's connection: a pass holds one, not two
      const known = await archivedRunIds(lock, page.map((r) => r.runId));
      for (const run of page.filter((r) => !known.has(r.runId))) {
        const history = await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
        if (await archiveRun(lock, namespace, run.workflowId, run.runId, history)) archived++;
      }
      page = [];
    };
    for await (const execution of client.workflow.list({ query: closedRunsQuery(taskQueue, since) })) {
      seen++;
      page.push({ workflowId: execution.workflowId, runId: execution.runId });
      if (page.length >= 100) await flush();
    }
    await flush();
    // Everything closed before this pass began is archived now (less what visibility had not yet
    // shown, which the next pass's overlap reads again).
    await lock.query(
      `INSERT INTO history_archive_cursor (scope, archived_through) VALUES ($1, $2)
       ON CONFLICT (scope) DO UPDATE SET archived_through = GREATEST(history_archive_cursor.archived_through, EXCLUDED.archived_through), updated_at = now()`,
      [scope, passStart],
    );
    if (archived > 0) logger.info({ archived, seen }, 'workflow histories archived');
    return { seen, archived, ran: true };
  }

  async function runOnce(): Promise<PassResult> {
    const lock = await db.connect();
    try {
      const { rows } = await lock.query('SELECT pg_try_advisory_lock($1, hashtext($2)) AS got', [LOCK_KEY, scope]);
      if (!rows[0].got) return { seen: 0, archived: 0, ran: false };
      try {
        return await pass(lock);
      } finally {
        await lock.query('SELECT pg_advisory_unlock($1, hashtext($2))', [LOCK_KEY, scope]);
      }
    } finally {
      lock.release();
    }
  }

  const poller = createPoller({
    pass: runOnce,
    delayMs: () => options.pollMs,
    onError: (err) => logger.warn({ err }, 'history archive pass failed'), // Temporal or PostgreSQL away: the next pass catches up
  });
  return {
    start: poller.start,
    stop: poller.stop,
    runOnce,
  };
}
