// Replays recorded histories against workflow code, the check to run before deploying new workflow
// code: a history that does not replay names its workflow id (the PK), run and the event where the
// code went another way. Used by `kinerja replay` (cli/commands/replay.ts).
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createPayloadCodec } from '../security/payload-codec';
import type { History } from './history-codec';

export interface ReplayItem {
  workflowId: string;
  runId: string;
  history: History;
}

export interface ReplayOutcome {
  workflowId: string;
  runId: string;
  events: number;
  ms: number;
  /** Absent when the history replayed. */
  error?: { kind: 'nondeterminism' | 'replay'; message: string; eventId: number | null };
}

export interface ReplayOptions {
  bundle: WorkflowBundleWithSourceMap;
  /** The server secret, to open the payloads the API encrypted (sign inputs); without it they stay sealed. */
  secret?: string;
}

/** The SDK's own sentence about the mismatch (`[TMPRL1100] Nondeterminism error: …`), else the whole message. */
export function coreMessage(message: string): string {
  const m = /message: "(\[TMPRL\d+\][^"]*)"/.exec(message);
  return m ? m[1] : message;
}

/**
 * The event a replay failure is about: the id the SDK's message gives (`HistoryEvent(id: 5, …)`),
 * the first scheduled activity of the type it names (`scheduled event 'loadStartContext'`), or the
 * marker of the patch it names (`patch marker encountered for change local-writes-one-at-a-time`).
 */
export function failingEventId(message: string, history?: History): number | null {
  const id = /HistoryEvent\(id: (\d+)/.exec(message) ?? /event(?:[ _]?id)?[ :#]+(\d+)/i.exec(message);
  if (id) return Number(id[1]);
  const activity = /scheduled event '([^']+)'/.exec(message);
  const patch = /patch marker encountered for change ([\w.-]+)/.exec(message);
  const event = activity
    ? history?.events?.find((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === activity[1])
    : patch
      ? history?.events?.find((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch' && patchIdOf(e) === patch[1])
      : undefined;
  return event ? Number(event.eventId) : null;
}

/** The change id a patch marker records (its `patch-data` payload: `{"id": …, "deprecated": …}`). */
function patchIdOf(event: NonNullable<History['events']>[number]): string | null {
  const data = event.markerRecordedEventAttributes?.details?.['patch-data']?.payloads?.[0]?.data;
  if (!data) return null;
  try {
    return (JSON.parse(Buffer.from(data).toString('utf8')) as { id?: string }).id ?? null;
  } catch {
    return null;
  }
}

/** One replay worker for all histories (a worker per history would bundle-load each time). */
export async function* replayHistories(items: AsyncIterable<ReplayItem> | Iterable<ReplayItem>, options: ReplayOptions): AsyncGenerator<ReplayOutcome> {
  const fed: ReplayItem[] = []; // in order: the replayer answers each history before it takes the next
  async function* feed() {
    for await (const item of items) {
      fed.push(item);
      yield { workflowId: item.workflowId, history: item.history };
    }
  }
  const results = Worker.runReplayHistories({
    workflowBundle: options.bundle,
    replayName: 'kinerja-replay',
    ...(options.secret ? { dataConverter: { payloadCodecs: [createPayloadCodec(options.secret)] } } : {}),
  }, feed());
  let last = performance.now();
  for await (const result of results) {
    const item = fed.shift()!;
    const now = performance.now();
    const err = result.error as Error | undefined;
    const message = err ? coreMessage(err.message ?? String(err)) : '';
    yield {
      workflowId: item.workflowId, runId: item.runId, events: item.history.events?.length ?? 0, ms: now - last,
      ...(err ? { error: { kind: err.name === 'DeterminismViolationError' ? 'nondeterminism' as const : 'replay' as const, message, eventId: failingEventId(message, item.history) } } : {}),
    };
    last = now;
  }
}
