// The readable timeline the evaluation team asks for: what Temporal recorded (updates with their
// names and who sent them, activities, timers, signals) merged with the audit log (who, what, when,
// document hashes) and the notifications (reminders, escalations). Sorted by time. Temporal's part
// covers every run of the agreement's workflow, from the history archive and from Temporal
// (archive/workflow-runs.ts), so a continue-as-new is a marked entry, not a gap, however old the run.
import { temporal as proto } from '@temporalio/proto';
import { historyToJson } from '../archive/history-json';
import type { ApiDeps } from './deps';
import { workflowRuns, type WorkflowRun } from '../archive/workflow-runs';

export interface TimelineEntry {
  at: string;
  source: 'temporal' | 'audit' | 'notification';
  kind: string;
  summary: string;
  actor?: string;
  /** An official actor's name (the holder of a position with that official id, in any cycle). */
  actorName?: string;
  /** Temporal entries: the workflow run the event belongs to. */
  runId?: string;
  data?: Record<string, unknown>;
}

type HistoryEvent = proto.api.history.v1.IHistoryEvent;
type Payload = proto.api.common.v1.IPayload;

const EVENT = proto.api.enums.v1.EventType;

function timeOf(e: HistoryEvent): string {
  const t = e.eventTime;
  const ms = t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : 0;
  return new Date(ms).toISOString();
}

function decode(payload: Payload | null | undefined): unknown {
  if (!payload?.data) return undefined;
  const encoding = payload.metadata?.encoding ? Buffer.from(payload.metadata.encoding).toString() : '';
  if (encoding !== 'json/plain') return undefined; // binary or encrypted payloads stay opaque
  try {
    return JSON.parse(Buffer.from(payload.data).toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Who sent an update: only the actor's role and id (never the rest of the input, e.g. sealed passphrases). */
function updateActor(e: HistoryEvent): string | undefined {
  const arg = decode(e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.args?.payloads?.[0]) as
    | { actor?: { role?: string; id?: string } }
    | undefined;
  return arg?.actor?.role && arg.actor.id ? `${arg.actor.role}:${arg.actor.id}` : undefined;
}

function localActivityType(e: HistoryEvent): string | undefined {
  const data = decode(e.markerRecordedEventAttributes?.details?.data?.payloads?.[0]) as Record<string, unknown> | undefined;
  const type = data?.activity_type ?? data?.activityType;
  return typeof type === 'string' ? type : undefined;
}

export function temporalEntries(events: HistoryEvent[], runId?: string): TimelineEntry[] {
  const scheduled = new Map<string, string>(); // scheduled event id → activity type
  const updates = new Map<string, string>(); // update id → name
  const out: TimelineEntry[] = [];
  for (const e of events) {
    const at = timeOf(e);
    const id = String(e.eventId ?? '');
    switch (e.eventType) {
      case EVENT.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED: {
        const from = e.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
        out.push(from
          ? { at, source: 'temporal', kind: 'workflow.run_started', summary: `Agreement workflow carried on in a new run (continued from run ${from})`, data: { continuedFromRunId: from } }
          : { at, source: 'temporal', kind: 'workflow.started', summary: 'Agreement workflow started' });
        break;
      }
      case EVENT.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED: {
        const req = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest;
        const name = req?.input?.name ?? 'update';
        if (req?.meta?.updateId) updates.set(req.meta.updateId, name);
        out.push({ at, source: 'temporal', kind: 'update.accepted', summary: `Update ${name} accepted`, actor: updateActor(e), data: { update: name } });
        break;
      }
      case EVENT.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED: {
        const a = e.workflowExecutionUpdateCompletedEventAttributes;
        const name = updates.get(a?.meta?.updateId ?? '') ?? 'update';
        const failure = a?.outcome?.failure;
        out.push({
          at, source: 'temporal', kind: failure ? 'update.failed' : 'update.completed',
          summary: failure ? `Update ${name} failed: ${failure.message}` : `Update ${name} completed`, data: { update: name },
        });
        break;
      }
      case EVENT.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        scheduled.set(id, e.activityTaskScheduledEventAttributes?.activityType?.name ?? 'activity');
        break;
      case EVENT.EVENT_TYPE_ACTIVITY_TASK_COMPLETED: {
        const name = scheduled.get(String(e.activityTaskCompletedEventAttributes?.scheduledEventId ?? '')) ?? 'activity';
        out.push({ at, source: 'temporal', kind: 'activity.completed', summary: `Activity ${name} completed`, data: { activity: name } });
        break;
      }
      case EVENT.EVENT_TYPE_ACTIVITY_TASK_FAILED: {
        const name = scheduled.get(String(e.activityTaskFailedEventAttributes?.scheduledEventId ?? '')) ?? 'activity';
        out.push({ at, source: 'temporal', kind: 'activity.failed', summary: `Activity ${name} failed: ${e.activityTaskFailedEventAttributes?.failure?.message ?? ''}`, data: { activity: name } });
        break;
      }
      case EVENT.EVENT_TYPE_MARKER_RECORDED: {
        const name = localActivityType(e);
        if (name) out.push({ at, source: 'temporal', kind: 'activity.completed', summary: `Activity ${name} completed (local)`, data: { activity: name } });
        break;
      }
      case EVENT.EVENT_TYPE_TIMER_STARTED: {
        const t = e.timerStartedEventAttributes?.startToFireTimeout;
        const seconds = Number(t?.seconds ?? 0);
        out.push({ at, source: 'temporal', kind: 'timer.started', summary: `Timer set for ${new Date(Date.parse(at) + seconds * 1000).toISOString()}`, data: { seconds } });
        break;
      }
      case EVENT.EVENT_TYPE_TIMER_FIRED:
        out.push({ at, source: 'temporal', kind: 'timer.fired', summary: 'Timer fired' });
        break;
      case EVENT.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED: {
        const name = e.workflowExecutionSignaledEventAttributes?.signalName ?? 'signal';
        out.push({ at, source: 'temporal', kind: 'signal', summary: `Signal ${name} received`, data: { signal: name } });
        break;
      }
      case EVENT.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW: {
        const next = e.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ?? undefined;
        out.push({ at, source: 'temporal', kind: 'workflow.continued', summary: `History continued as new in run ${next ?? '?'} (state carried over)`, data: { newRunId: next } });
        break;
      }
      case EVENT.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED:
        out.push({ at, source: 'temporal', kind: 'workflow.terminated', summary: `Agreement workflow terminated: ${e.workflowExecutionTerminatedEventAttributes?.reason ?? ''}` });
        break;
      case EVENT.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
        out.push({ at, source: 'temporal', kind: 'workflow.completed', summary: 'Agreement workflow completed' });
        break;
      default:
        break; // workflow tasks and the like say nothing to a reader
    }
  }
  return runId ? out.map((entry) => ({ ...entry, runId })) : out;
}

/** What the timeline says about each run: where it came from, its span, how it closed. */
function runSummary(r: WorkflowRun) {
  return {
    runId: r.runId, continuedFromRunId: r.continuedFromRunId, status: r.status ?? 'running',
    firstEventAt: r.firstEventAt.toISOString(), lastEventAt: r.lastEventAt.toISOString(), eventCount: r.eventCount, archived: r.source === 'archive',
  };
}

/**
 * Every run as a Temporal JSON history (the shape `temporal workflow show --output json` prints and
 * the Temporal UI's import and the replayers read), oldest first.
 */
export async function exportHistories({ db, temporal }: ApiDeps, agreementId: string) {
  const { runs } = await workflowRuns(db, temporal, agreementId);
  return {
    agreementId,
    runs: runs.map((r) => ({ ...runSummary(r), history: historyToJson(r.history) })),
  };
}

/**
 * The names of the officials among the actor keys (`official:<id>`), so the timeline says who, not
 * an id (the Kepala Daerah's is technical, `{organisation}.{position}`). A person keeps their
 * official id across cycles: the latest cycle's name is taken.
 */
async function officialNames(db: ApiDeps['db'], actors: Array<string | undefined>): Promise<Map<string, string>> {
  const ids = [...new Set(actors.filter((a): a is string => a?.startsWith('official:') ?? false).map((a) => a.slice('official:'.length)))];
  if (ids.length === 0) return new Map();
  const { rows } = await db.query<{ official_id: string; official_name: string }>(
    `SELECT DISTINCT ON (p.official_id) p.official_id, p.official_name FROM positions p JOIN cycles c ON c.id = p.cycle_id
      WHERE p.official_id = ANY($1) ORDER BY p.official_id, c.year DESC`,
    [ids],
  );
  return new Map(rows.map((r) => [`official:${r.official_id}`, r.official_name]));
}

export async function buildTimeline({ db, temporal, config }: ApiDeps, agreementId: string) {
  let runs: WorkflowRun[] = [];
  let temporalAvailable = true;
  try {
    ({ runs, temporalAvailable } = await workflowRuns(db, temporal, agreementId));
  } catch {
    temporalAvailable = false; // the audit log alone still tells the story
  }
  const audit = await db.query('SELECT seq, action, actor, data, at, hash FROM audit_log WHERE agreement_id = $1 ORDER BY seq', [agreementId]);
  const notes = await db.query(
    `SELECT key, item, kind, level, recipient_position, recipient_name, subject, due_at, created_at, delivery_status
       FROM notifications WHERE agreement_id = $1 ORDER BY created_at`,
    [agreementId],
  );
  const entries: TimelineEntry[] = [
    ...runs.flatMap((r) => temporalEntries(r.history.events ?? [], r.runId)),
    ...audit.rows.map((r): TimelineEntry => ({
      at: new Date(r.at).toISOString(), source: 'audit', kind: r.action, actor: r.actor,
      summary: auditSummary(r.action, r.data), data: { ...r.data, seq: Number(r.seq), hash: r.hash },
    })),
    ...notes.rows.map((n): TimelineEntry => ({
      at: new Date(n.created_at).toISOString(), source: 'notification', kind: n.kind === 'escalation' ? `escalation.level${n.level}` : n.kind,
      summary: n.subject,
      data: { item: n.item, level: n.level, recipientPositionId: n.recipient_position, recipientName: n.recipient_name, dueAt: n.due_at, delivery: n.delivery_status },
    })),
  ];
  entries.sort((a, b) => a.at.localeCompare(b.at));
  const names = await officialNames(db, entries.map((e) => e.actor));
  for (const e of entries) {
    const name = names.get(e.actor ?? '');
    if (name) e.actorName = name;
  }
  return {
    agreementId,
    temporalUi: `${config.TEMPORAL_UI_URL.replace(/\/$/, '')}/namespaces/${encodeURIComponent(config.TEMPORAL_NAMESPACE)}/workflows/${encodeURIComponent(agreementId)}`,
    temporalAvailable,
    runs: runs.map(runSummary),
    entries,
  };
}

function auditSummary(action: string, data: Record<string, any>): string {
  const hash = data?.sha256 ? ` (SHA-256 ${String(data.sha256).slice(0, 16)}…)` : '';
  switch (action) {
    case 'draft.saved': return `Draft saved, version ${data.version}`;
    case 'draft.submitted': return 'Draft submitted'; // for review, or for signing when there is no second party
    case 'draft.approved': return 'Draft approved by the second party';
    case 'draft.returned': return `Draft returned: ${data.reason}`;
    case 'document.signed': return `Signed by the ${data.party} party${hash}`;
    case 'agreement.signed': return `Agreement signed by both parties${hash}`;
    case 'realization.reported': return `Quarter ${data.quarter} realization reported`;
    case 'realization.verified': return `Quarter ${data.quarter} realization verified`;
    case 'realization.returned': return `Quarter ${data.quarter} realization returned: ${data.reason}`;
    case 'evidence.added': return `Quarter ${data.quarter} evidence added: ${data.caption}${data.kind === 'link' ? ` (${data.url})` : hash}`;
    case 'evidence.removed': return `Quarter ${data.quarter} evidence removed: ${data.caption}`;
    case 'deadline.extended': return `Deadline of ${data.item} extended to ${data.dueAt}: ${data.reason}`;
    case 'deadline.escalated': return `${data.item} overdue: escalated to level ${data.level}`;
    case 'deadline.overdue': return `${data.item} overdue: nobody above to escalate to`;
    case 'revision.started': return `Revision started (${data.reason}): ${data.note}`;
    case 'signing.wrong_passphrase': return `Wrong passphrase for the ${data.party} party's signature (${data.attemptsLeft ?? 0} attempt(s) left)`;
    case 'signing.locked': return `Signing locked until ${data.lockedUntil} after repeated wrong passphrases`;
    case 'signing.unlocked': return `Signing unlocked by an administrator`;
    case 'official.changed': return `Official changed to ${data.name} (${data.nip ?? data.officialId})`;
    default: return action.replace(/\./g, ' ');
  }
}
