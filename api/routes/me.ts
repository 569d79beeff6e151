// The caller: who they are, what they hold, and their inbox (what they must do now, oldest first).
import { z } from 'zod';
import { INBOX_TASKS_AT_MOST } from '../../domain/limits';
import type { ApiDeps } from '../deps';
import { route, type RouteDef } from '../route';
import { parseQuery } from '../validation';
import { MIN_PASSPHRASE_LENGTH } from '../../signing/passphrase-policy';
import { inboxTask, type InboxTask } from '../../domain/deadline-item';
import { UTC_OFFSET_HOURS_SQL } from '../../db/cycle-calendar';
import { AWAITED_QUARTER_SQL } from '../../db/awaited-quarter';

/**
 * What the awaited action is, from the phase and whether the awaited position is the first party.
 * Only PKs awaiting someone are listed, so the phase is one with a deadline.
 */
function taskOf(phase: string, awaiting: string, positionId: string): InboxTask {
  return inboxTask(phase as Parameters<typeof inboxTask>[0], awaiting === positionId);
}

/**
 * At most this many tasks in one answer by default, and at most (`?limit=`): the oldest due first,
 * with `total` saying how many there are. An official has a handful; the evaluation team has every
 * PK in evaluation, a thousand at a Pemda's year end, which is a list to filter (GET /api/agreements,
 * the dashboard), not an inbox to send whole on every visit. Shared with the page (domain/limits.ts).
 */
const TASKS_SHOWN = INBOX_TASKS_AT_MOST;
const tasksQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(TASKS_SHOWN).default(TASKS_SHOWN) });

/** At most this many escalated items in one inbox, the oldest due first (the rest follow as those are done). */
export const ESCALATIONS_SHOWN = 100;

// Which organisation and year a task belongs to: in January an official drafts the new year's PK
// while last year's Q4 is still due, two items with the same title. And the cycle's zone, in which
// the page shows the due date (an official of a WITA region reads "23.59 WITA").
const CYCLE_OF_COLUMNS = `g.name AS organisation_name, c.year AS cycle_year, ${UTC_OFFSET_HOURS_SQL} AS utc_offset_hours`;
const CYCLE_OF_JOIN = 'JOIN cycles c ON c.id = a.cycle_id JOIN organisations g ON g.id = c.organisation_id';
const cycleOf = (a: { organisation_name: string; cycle_year: number; utc_offset_hours: number }) => (
  { organisation: a.organisation_name, year: a.cycle_year, utcOffsetHours: Number(a.utc_offset_hours) });

// A report or a verification names its quarter ("Laporkan realisasi Triwulan I"): read from the
// audit log for the PKs in reporting only (the query's `a` and `o`, the PK's own position).
const QUARTER_COLUMN = `CASE WHEN a.phase = 'reporting' THEN ${AWAITED_QUARTER_SQL} END AS awaited_quarter`;
const quarterOf = (a: { awaited_quarter?: number | null }) => (a.awaited_quarter ? { quarter: a.awaited_quarter } : {});

/**
 * A draft or a quarter's report the superior sent back is the owner's task again: the inbox says
 * so, with the reason, rather than reading like a new task. The PK's last hand-over of that work is
 * a return (drafts: returned after the last submission; reports: the awaited quarter returned after
 * its last report). Joined after LIMIT: at most a page's rows look into the audit log.
 */
const RETURNED_JOIN = `LEFT JOIN LATERAL (
    SELECT l.action, l.data, l.at FROM audit_log l
     WHERE l.agreement_id = mine.id
       AND ((mine.phase = 'drafting' AND l.action IN ('draft.submitted', 'draft.returned'))
         OR (mine.phase = 'reporting' AND l.action IN ('realization.reported', 'realization.returned') AND (l.data->>'quarter')::int = mine.awaited_quarter))
     ORDER BY l.seq DESC LIMIT 1) last_hand_over ON true`;
const RETURNED_COLUMNS = `CASE WHEN last_hand_over.action IN ('draft.returned', 'realization.returned') THEN last_hand_over.data->>'reason' END AS returned_reason,
  CASE WHEN last_hand_over.action IN ('draft.returned', 'realization.returned') THEN last_hand_over.at END AS returned_at`;
const returnedOf = (a: { returned_reason?: string | null; returned_at?: Date | null }) =>
  (a.returned_reason != null && a.returned_at ? { returned: { reason: a.returned_reason, at: new Date(a.returned_at).toISOString() } } : {});

/**
 * Overdue items escalated to one of the caller's positions: the read model's `escalated_to` holds
 * the chain up to the level reached (activities/store.ts), GIN-indexed, so this is one lookup.
 * An item stays in the inbox of every level it has reached until it is done or its due date moves.
 * The most overdue first, up to ESCALATIONS_SHOWN, with how many there are in all.
 */
async function escalatedTo(db: ApiDeps['db'], officialId: string) {
  const { rows } = await db.query(
    `SELECT a.id, a.cycle_id, a.phase, a.position_id, a.awaiting_position, a.due_at, a.escalation_level,
            me.id AS as_position, array_position(a.escalated_to, me.id) AS reached_at_level,
            late.title AS late_title, late.official_name AS late_name, o.title AS owner_title, o.official_name AS owner_name,
            ${CYCLE_OF_COLUMNS}, ${QUARTER_COLUMN},
            greatest(0, floor(extract(epoch FROM now() - a.due_at)))::bigint AS late_seconds,
            count(*) OVER () AS total
       FROM positions me
       JOIN agreements a ON a.escalated_to @> ARRAY[me.id] AND a.cycle_id = me.cycle_id AND a.overdue
       JOIN positions late ON late.cycle_id = a.cycle_id AND late.id = a.awaiting_position
       JOIN positions o ON o.cycle_id = a.cycle_id AND o.id = a.position_id
       ${CYCLE_OF_JOIN}
      WHERE me.official_id = $1
      ORDER BY a.due_at, a.id
      LIMIT ${ESCALATIONS_SHOWN}`,
    [officialId],
  );
  const items = rows.map((a) => ({
    agreementId: a.id,
    cycleId: a.cycle_id,
    task: taskOf(a.phase, a.awaiting_position, a.position_id),
    ...quarterOf(a),
    phase: a.phase,
    asPositionId: a.as_position,
    lateOfficial: { positionId: a.awaiting_position, title: a.late_title, official: a.late_name },
    agreementOf: { positionId: a.position_id, title: a.owner_title, official: a.owner_name },
    cycleOf: cycleOf(a),
    dueAt: a.due_at,
    lateSeconds: Number(a.late_seconds),
    escalationLevel: a.escalation_level,
    reachedYouAtLevel: a.reached_at_level,
    href: `/api/agreements/${encodeURIComponent(a.id)}`,
  }));
  return { items, total: rows.length ? Number(rows[0].total) : 0 };
}

export function meRoutes({ db, config }: ApiDeps): RouteDef[] {
  return [
    route({
      method: 'get', path: '/api/me', tag: 'me', summary: 'The caller and the positions they hold',
      access: { kind: 'roles', roles: ['admin', 'evaluator', 'official'] },
      rateLimit: 'sign-in', // the page's sign-in: a pasted token is checked here
      async handler(_req, res, ctx) {
        const p = ctx.principal;
        const positions = p.role === 'official'
          ? (await db.query('SELECT cycle_id, id, title, unit_id FROM positions WHERE official_id = $1 ORDER BY cycle_id, id', [p.id])).rows
              .map((r) => ({ cycleId: r.cycle_id, positionId: r.id, title: r.title, unitId: r.unit_id }))
          : [];
        // Officials: whether they have enrolled (hold a signing key) and any passphrase lock, so the page can explain enrolment,
        // and the lockout rule in force (SIGNING_MAX_FAILURES wrong passphrases lock signing for SIGNING_LOCK_MINUTES).
        let signing;
        if (p.role === 'official') {
          const enrolled = (await db.query('SELECT 1 FROM signing_credential WHERE signer_id = $1', [p.id])).rowCount !== 0;
          const lock = (await db.query('SELECT locked_until FROM signing_lockout WHERE signer_id = $1 AND locked_until > now()', [p.id])).rows[0];
          signing = { enrolled, lockedUntil: lock ? new Date(lock.locked_until).toISOString() : null, minPassphraseLength: MIN_PASSPHRASE_LENGTH,
            maxFailures: config.SIGNING_MAX_FAILURES, lockMinutes: config.SIGNING_LOCK_MINUTES };
        }
        res.json({ role: p.role, id: p.id, nip: p.nip, positions, ...(signing ? { signing } : {}) });
      },
    }),
    route({
      method: 'get', path: '/api/me/tasks', tag: 'me',
      summary: 'What the caller must do now, with due dates, oldest first (`total`: how many in all); and the overdue items escalated to the caller (`escalations`)',
      access: { kind: 'roles', roles: ['official', 'evaluator'] },
      query: { limit: `1–${TASKS_SHOWN} (${TASKS_SHOWN}): the oldest due first` },
      async handler(req, res, ctx) {
        const p = ctx.principal;
        const { limit } = parseQuery(tasksQuery, req.query);
        // both lookups at once: the inbox stays one round trip's latency
        const [{ rows }, escalations] = await Promise.all([
          p.role === 'official'
            ? db.query(
                `WITH mine AS (
                   SELECT a.*, p.title, o.title AS owner_title, o.official_name AS owner_name, ${CYCLE_OF_COLUMNS}, ${QUARTER_COLUMN}, count(*) OVER () AS total FROM agreements a
                     JOIN positions p ON p.cycle_id = a.cycle_id AND p.id = a.awaiting_position AND p.official_id = $1
                     JOIN positions o ON o.cycle_id = a.cycle_id AND o.id = a.position_id
                     ${CYCLE_OF_JOIN}
                    WHERE a.phase NOT IN ('closed', 'waiting_superior')
                    ORDER BY a.due_at NULLS LAST, a.id LIMIT $2)
                 SELECT mine.*, ${RETURNED_COLUMNS} FROM mine ${RETURNED_JOIN}
                  ORDER BY mine.due_at NULLS LAST, mine.id`,
                [p.id, limit],
              )
            : db.query(
                `SELECT a.*, o.title AS owner_title, o.official_name AS owner_name, ${CYCLE_OF_COLUMNS}, count(*) OVER () AS total FROM agreements a
                   JOIN positions o ON o.cycle_id = a.cycle_id AND o.id = a.position_id
                   ${CYCLE_OF_JOIN}
                  WHERE a.phase = 'evaluation' ORDER BY a.due_at NULLS LAST, a.id LIMIT $1`,
                [limit],
              ),
          p.role === 'official' ? escalatedTo(db, p.id) : Promise.resolve({ items: [], total: 0 }),
        ]);
        res.json({
          items: rows.map((a) => ({
            agreementId: a.id,
            cycleId: a.cycle_id,
            task: taskOf(a.phase, a.awaiting_position, a.position_id),
            ...quarterOf(a),
            phase: a.phase,
            asPositionId: a.awaiting_position,
            agreementOf: { positionId: a.position_id, title: a.owner_title, official: a.owner_name },
            cycleOf: cycleOf(a),
            ...returnedOf(a),
            dueAt: a.due_at,
            overdue: a.overdue,
            escalationLevel: a.escalation_level,
            href: `/api/agreements/${encodeURIComponent(a.id)}`,
          })),
          // the window counts the rows before LIMIT: no second query; none at all is 0
          total: rows.length ? Number(rows[0].total) : 0,
          escalations: escalations.items,
          escalationsTotal: escalations.total,
        });
      },
    }),
  ];
}
