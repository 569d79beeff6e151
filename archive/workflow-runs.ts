// Every run of one workflow id, oldest first: the archived ones from PostgreSQL and, while
// Temporal still has them, the live run and any closed run the archiver has not reached yet
// (found by following each run's "continued from" link back until an archived run). So a reader
// sees the whole year within seconds of a continue-as-new and years after Temporal forgot it.
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { archivedRunsOf } from './archive-store';
import { runFacts, type CloseStatus, type History } from './history-codec';

export interface WorkflowRun {
  runId: string;
  continuedFromRunId: string | null;
  /** null: still running. */
  status: CloseStatus | null;
  firstEventAt: Date;
  lastEventAt: Date;
  eventCount: number;
  /** Where this history was read from. */
  source: 'archive' | 'temporal';
  history: History;
}

export interface WorkflowRuns {
  runs: WorkflowRun[];
  /** False when Temporal could not be asked (down): the archive alone answered. */
  temporalAvailable: boolean;
}

const NOT_FOUND = 5; // gRPC status: Temporal no longer has (or never had) the run

export async function workflowRuns(db: Pool, temporal: Client, workflowId: string): Promise<WorkflowRuns> {
  const archived = await archivedRunsOf(db, workflowId);
  const byId = new Map<string, WorkflowRun>(archived.map((r) => [r.runId, {
    runId: r.runId, continuedFromRunId: r.continuedFromRunId, status: r.status as CloseStatus, firstEventAt: r.firstEventAt,
    lastEventAt: r.lastEventAt, eventCount: r.eventCount, source: 'archive', history: r.history,
  }]));
  let temporalAvailable = true;
  // From the latest run back along "continued from" until a run the archive has.
  let runId: string | undefined; // undefined: the latest run
  for (let hops = 0; hops < 1000; hops++) {
    let history: History;
    try {
      history = await temporal.workflow.getHandle(workflowId, runId).fetchHistory();
    } catch (err) {
      if ((err as { code?: number }).code !== NOT_FOUND && !/not found/i.test((err as Error).message)) temporalAvailable = false;
      break;
    }
    const events = history.events ?? [];
    if (events.length === 0) break;
    const thisRunId = runId ?? events[0].workflowExecutionStartedEventAttributes?.originalExecutionRunId ?? '';
    const facts = runFacts(history);
    if (!byId.has(thisRunId)) {
      byId.set(thisRunId, { runId: thisRunId, ...facts, source: 'temporal', history });
    }
    if (!facts.continuedFromRunId || byId.has(facts.continuedFromRunId)) break;
    runId = facts.continuedFromRunId;
  }
  return { runs: orderRuns([...byId.values()]), temporalAvailable };
}

/** Oldest first along the continue-as-new chain; unlinked runs (a restarted id) by their start. */
export function orderRuns(runs: WorkflowRun[]): WorkflowRun[] {
  return [...runs].sort((a, b) => a.firstEventAt.getTime() - b.firstEventAt.getTime() || (a.continuedFromRunId === b.runId ? 1 : b.continuedFromRunId === a.runId ? -1 : 0));
}
