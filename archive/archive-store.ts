// The history archive in PostgreSQL (migration 010_history_archive.sql): one row per closed run.
import type { Pool, PoolClient } from 'pg';
import { compress, decodeHistory, decompress, encodeHistory, runFacts, type History } from './history-codec';

export interface ArchivedRun {
  runId: string;
  workflowId: string;
  workflowType: string;
  continuedFromRunId: string | null;
  status: string;
  firstEventAt: Date;
  lastEventAt: Date;
  eventCount: number;
  buildId: string | null;
}

/**
 * Stores a closed run's history once: a second call for the same run id changes nothing (the
 * archiver may see a run twice after a crash or from two workers). Returns whether it was new.
 */
export async function archiveRun(db: Pool | PoolClient, namespace: string, workflowId: string, runId: string, history: History): Promise<boolean> {
  const facts = runFacts(history);
  if (!facts.status) throw new Error(`run ${runId} of ${workflowId} is still open: only closed runs are archived`);
  const bytes = encodeHistory(history);
  const { rowCount } = await db.query(
    `INSERT INTO history_archive (run_id, namespace, workflow_id, workflow_type, continued_from_run_id, status,
                                  first_event_at, last_event_at, event_count, build_id, history_bytes, history_gzip)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (run_id) DO NOTHING`,
    [runId, namespace, workflowId, facts.workflowType, facts.continuedFromRunId, facts.status,
      facts.firstEventAt, facts.lastEventAt, facts.eventCount, facts.buildId, bytes.length, compress(bytes)],
  );
  return rowCount === 1;
}

const COLUMNS = `run_id, workflow_id, workflow_type, continued_from_run_id, status, first_event_at, last_event_at, event_count, build_id`;

function toRun(r: any): ArchivedRun {
  return {
    runId: r.run_id, workflowId: r.workflow_id, workflowType: r.workflow_type, continuedFromRunId: r.continued_from_run_id,
    status: r.status, firstEventAt: r.first_event_at, lastEventAt: r.last_event_at, eventCount: r.event_count, buildId: r.build_id,
  };
}

/** Every archived run of one workflow id, oldest first, with its history. */
export async function archivedRunsOf(db: Pool, workflowId: string): Promise<Array<ArchivedRun & { history: History }>> {
  const { rows } = await db.query(
    `SELECT ${COLUMNS}, history_gzip FROM history_archive WHERE workflow_id = $1 ORDER BY first_event_at, run_id`,
    [workflowId],
  );
  return rows.map((r) => ({ ...toRun(r), history: decodeHistory(decompress(r.history_gzip)) }));
}

/** Which of these run ids are archived. */
export async function archivedRunIds(db: Pool | PoolClient, runIds: string[]): Promise<Set<string>> {
  if (runIds.length === 0) return new Set();
  const { rows } = await db.query('SELECT run_id FROM history_archive WHERE run_id = ANY($1::text[])', [runIds]);
  return new Set(rows.map((r) => r.run_id));
}

export interface ReplaySelection {
  /** Only the cycle's workflow and its agreements' runs. */
  cycleId?: string;
  /** Only runs that were still running at or after this time. */
  since?: Date;
  /** At most this many runs (the latest) per workflow type and build id. */
  samplePerVersion?: number;
}

/** Archived runs to replay, oldest first; histories are read one at a time by `loadHistory`. */
export async function runsForReplay(db: Pool, selection: ReplaySelection): Promise<ArchivedRun[]> {
  const { rows } = await db.query(
    `SELECT ${COLUMNS} FROM (
       SELECT h.*, row_number() OVER (PARTITION BY workflow_type, coalesce(build_id, '') ORDER BY last_event_at DESC) AS nth
         FROM history_archive h
        WHERE ($1::text IS NULL OR workflow_id = $1 OR workflow_id IN (SELECT id FROM agreements WHERE cycle_id = $1))
          AND ($2::timestamptz IS NULL OR last_event_at >= $2)
     ) s
     WHERE $3::int IS NULL OR nth <= $3
     ORDER BY first_event_at, run_id`,
    [selection.cycleId ?? null, selection.since ?? null, selection.samplePerVersion ?? null],
  );
  return rows.map(toRun);
}

export async function loadHistory(db: Pool, runId: string): Promise<History> {
  const { rows } = await db.query('SELECT history_gzip FROM history_archive WHERE run_id = $1', [runId]);
  if (rows.length === 0) throw new Error(`run ${runId} is not archived`);
  return decodeHistory(decompress(rows[0].history_gzip));
}
