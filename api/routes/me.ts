// The caller: who they are, what they hold, and their inbox (what they must do now, oldest first).
import type { ApiDeps } from '../deps';
import { route, type RouteDef } from '../route';

/** What the awaited action is, from the phase and whether the awaited position is the first party. */
function taskOf(phase: string, awaiting: string, positionId: string): string {
  switch (phase) {
    case 'drafting': return 'draft';
    case 'review': return 'review';
    case 'signing': return awaiting === positionId ? 'sign:first' : 'sign:second';
    case 'reporting': return awaiting === positionId ? 'report' : 'verify';
    case 'evaluation': return 'evaluate';
    default: return phase;
  }
}

export function meRoutes({ db }: ApiDeps): RouteDef[] {
  return [
    route({
      method: 'get', path: '/api/me', tag: 'me', summary: 'The caller and the positions they hold',
      access: { kind: 'roles', roles: ['admin', 'evaluator', 'official'] },
      rateLimit: 'sign-in', // the page's sign-in: a pasted token is checked here
      async handler(_req, res, ctx) {
        const p = ctx.principal;
        const positions = p.role === 'official'
          ? (await db.query('SELECT cycle_id, id, title, unit_id FROM positions WHERE nip = $1 ORDER BY cycle_id, id', [p.nip])).rows
              .map((r) => ({ cycleId: r.cycle_id, positionId: r.id, title: r.title, unitId: r.unit_id }))
          : [];
        res.json({ role: p.role, id: p.id, nip: p.nip, positions });
      },
    }),
    route({
      method: 'get', path: '/api/me/tasks', tag: 'me', summary: 'What the caller must do now, with due dates, oldest first',
      access: { kind: 'roles', roles: ['official', 'evaluator'] },
      async handler(_req, res, ctx) {
        const p = ctx.principal;
        const { rows } = p.role === 'official'
          ? await db.query(
              `SELECT a.*, p.title, o.title AS owner_title, o.official_name AS owner_name FROM agreements a
                 JOIN positions p ON p.cycle_id = a.cycle_id AND p.id = a.awaiting_position AND p.nip = $1
                 JOIN positions o ON o.cycle_id = a.cycle_id AND o.id = a.position_id
                WHERE a.phase NOT IN ('closed', 'waiting_superior')
                ORDER BY a.due_at NULLS LAST, a.id`,
              [p.nip],
            )
          : await db.query(
              `SELECT a.*, o.title AS owner_title, o.official_name AS owner_name FROM agreements a
                 JOIN positions o ON o.cycle_id = a.cycle_id AND o.id = a.position_id
                WHERE a.phase = 'evaluation' ORDER BY a.due_at NULLS LAST, a.id`,
            );
        res.json({
          items: rows.map((a) => ({
            agreementId: a.id,
            cycleId: a.cycle_id,
            task: taskOf(a.phase, a.awaiting_position, a.position_id),
            phase: a.phase,
            asPositionId: a.awaiting_position,
            agreementOf: { positionId: a.position_id, title: a.owner_title, official: a.owner_name },
            dueAt: a.due_at,
            overdue: a.overdue,
            escalationLevel: a.escalation_level,
            href: `/api/agreements/${encodeURIComponent(a.id)}`,
          })),
        });
      },
    }),
  ];
}
