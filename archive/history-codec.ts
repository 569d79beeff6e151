// A workflow run's history as the archive keeps it: Temporal's protobuf bytes, gzip-compressed, and
// the facts read from its events (how it closed, which run it continued from, its time span).
import { gunzipSync, gzipSync } from 'node:zlib';
import { temporal as proto } from '@temporalio/proto';

export type History = proto.api.history.v1.IHistory;
export type HistoryEvent = proto.api.history.v1.IHistoryEvent;

const EVENT = proto.api.enums.v1.EventType;

/** How a run ended, from its last event; `null` while it is still open. */
export type CloseStatus = 'completed' | 'continued_as_new' | 'terminated' | 'failed' | 'timed_out' | 'canceled';

const CLOSE_EVENTS: Partial<Record<number, CloseStatus>> = {
  [EVENT.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED]: 'completed',
  [EVENT.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW]: 'continued_as_new',
  [EVENT.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED]: 'terminated',
  [EVENT.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED]: 'failed',
  [EVENT.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT]: 'timed_out',
  [EVENT.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED]: 'canceled',
};

export function eventTime(e: HistoryEvent): Date {
  const t = e.eventTime;
  return new Date(t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : 0);
}

export interface RunFacts {
  workflowType: string;
  continuedFromRunId: string | null;
  status: CloseStatus | null;
  firstEventAt: Date;
  lastEventAt: Date;
  eventCount: number;
  buildId: string | null;
}

export function runFacts(history: History): RunFacts {
  const events = history.events ?? [];
  if (events.length === 0) throw new Error('an empty history');
  const started = events[0].workflowExecutionStartedEventAttributes;
  if (!started) throw new Error('a history that does not begin with WorkflowExecutionStarted');
  const last = events[events.length - 1];
  let buildId: string | null = null;
  for (let i = events.length - 1; i >= 0 && buildId === null; i--) {
    const done = events[i].workflowTaskCompletedEventAttributes;
    if (done) buildId = done.workerVersion?.buildId || done.deploymentVersion?.buildId || done.binaryChecksum || null;
  }
  return {
    workflowType: started.workflowType?.name ?? 'unknown',
    continuedFromRunId: started.continuedExecutionRunId || null,
    status: CLOSE_EVENTS[Number(last.eventType)] ?? null,
    firstEventAt: eventTime(events[0]),
    lastEventAt: eventTime(last),
    eventCount: events.length,
    buildId,
  };
}

/** Temporal's wire format (what `temporal workflow show --output` and the replayer read as .pb). */
export function encodeHistory(history: History): Buffer {
  return Buffer.from(proto.api.history.v1.History.encode(history).finish());
}

export function decodeHistory(bytes: Uint8Array): proto.api.history.v1.History {
  return proto.api.history.v1.History.decode(bytes);
}

export const compress = (bytes: Buffer): Buffer => gzipSync(bytes, { level: 9 });
export const decompress = (bytes: Buffer): Buffer => gunzipSync(bytes);
