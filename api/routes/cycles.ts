// Cycles: start (import an organisation), list, status per phase and unit, calendar change, report.
import { z } from 'zod';
import type { ApiDeps } from '../deps';
import { startCycle } from '../cycle-import';
import { HttpProblem } from '../problem';
import { PHASES } from '../../workflows/messages';
import { route, type RouteDef } from '../route';
import { calendarBody } from '../schemas';
import { applyCalendarPatch, changeCalendar } from '../calendar-change';
import { cycleReport, reportCsv } from '../report';
import { parseQuery } from '../validation';
import { jsonObject } from '../json-object';

const ADMIN = { kind: 'roles', roles: ['admin'] } as const;
const OVERSIGHT = { kind: 'roles', roles: ['admin', 'evaluator'] } as const;

export function cycleRoutes(deps: ApiDeps): RouteDef[] {
  const { db } = deps;
  const loadCycle = async (id: string) => {
    const cycle = (await db.query('SELECT * FROM cycles WHERE id = $1', [id])).rows[0];
    if (!cycle) throw new HttpProblem(404, 'not_found', `No cycle ${id}.`);
    return cycle;
  };

  return [
    route({
      method: 'post', path: '/api/cycles', tag: 'cycles', summary: 'Start a cycle from an organisation import (same body twice finds the same cycle)',
      access: ADMIN, body: z.unknown(), bodyLimit: deps.config.API_IMPORT_BODY_LIMIT,
      success: { status: 201, description: 'cycle created (200 when it already existed)' },
      async handler(_req, res, ctx) {
        const body = ctx.body as Record<string, unknown> | undefined;
        // The organisation may come bare (the shape of shared/data) or wrapped with a calendar.
        const isObject = body !== null && typeof body === 'object' && !Array.isArray(body);
        const organisation = isObject && 'organisation' in body && 'positions' in body ? body : isObject ? body.import : body;
        const calendar = isObject && body.calendar !== undefined ? parseCalendar(body.calendar) : undefined;
        const result = await startCycle({ db, temporal: deps.temporal, taskQueue: deps.config.TEMPORAL_TASK_QUEUE }, organisation, calendar);
        res.status(result.created ? 201 : 200).location(`/api/cycles/${encodeURIComponent(result.cycleId)}`).json(result);
      },
    }),

    route({
      method: 'get', path: '/api/cycles', tag: 'cycles', summary: 'List cycles',
      access: { kind: 'roles', roles: ['admin', 'evaluator', 'official'] },
      async handler(_req, res) {
        const { rows } = await db.query(
          `SELECT id, organisation_id, year, status, position_count, started_count, created_at, calendar_version FROM cycles ORDER BY year DESC, organisation_id`,
        );
        res.json({ items: rows.map(cycleSummary) });
      },
    }),

    route({
      method: 'get', path: '/api/cycles/:cycleId', tag: 'cycles', summary: 'Cycle status: agreements per phase, overdue per unit and escalation level',
      access: OVERSIGHT,
      async handler(req, res) {
        const cycle = await loadCycle(String(req.params.cycleId));
        const phases = await db.query('SELECT phase, count(*)::int AS n FROM agreements WHERE cycle_id = $1 GROUP BY phase', [cycle.id]);
        const perUnit = await db.query(
          `SELECT coalesce(a.unit_id, '-') AS unit, a.phase, count(*)::int AS n FROM agreements a WHERE a.cycle_id = $1 GROUP BY 1, 2 ORDER BY 1`,
          [cycle.id],
        );
        const overdue = await db.query(
          `SELECT coalesce(unit_id, '-') AS unit, escalation_level AS level, count(*)::int AS n FROM agreements
            WHERE cycle_id = $1 AND overdue GROUP BY 1, 2 ORDER BY 1, 2`,
          [cycle.id],
        );
        const byPhase = countsByPhase();
        for (const r of phases.rows) byPhase.set(r.phase, r.n);
        res.json({
          ...cycleSummary(cycle),
          agreements: phases.rows.reduce((sum, r) => sum + r.n, 0),
          phases: jsonObject(byPhase),
          units: phaseCountsPerUnit(perUnit.rows),
          overdue: overdue.rows,
          calendar: cycle.calendar,
        });
      },
    }),

    route({
      method: 'patch', path: '/api/cycles/:cycleId/calendar', tag: 'cycles', summary: 'Change the cycle calendar; every running agreement recomputes its due dates',
      access: ADMIN, body: calendarBody,
      async handler(req, res, ctx) {
        res.json(await changeCalendar(deps, String(req.params.cycleId), ctx.body));
      },
    }),

    route({
      method: 'get', path: '/api/cycles/:cycleId/report', tag: 'reports', summary: 'Per unit: agreements, average score, predicate counts, budget absorption (JSON or ?format=csv)',
      access: OVERSIGHT, query: { format: 'json|csv' },
      async handler(req, res) {
        const { format } = parseQuery(z.strictObject({ format: z.enum(['json', 'csv']).default('json') }), req.query);
        const cycle = await loadCycle(String(req.params.cycleId));
        const units = await cycleReport(db, cycle.id);
        if (format === 'csv') {
          res.type('text/csv; charset=utf-8')
            .setHeader('Content-Disposition', `attachment; filename="laporan-${cycle.organisation_id}-${cycle.year}.csv"`);
          res.send(reportCsv(units));
          return;
        }
        res.json({ cycleId: cycle.id, organisationId: cycle.organisation_id, year: cycle.year, units });
      },
    }),
  ];
}

function parseCalendar(value: unknown) {
  const parsed = calendarBody.safeParse(value);
  if (parsed.success) return applyCalendarPatch({}, parsed.data);
  throw new HttpProblem(422, 'invalid_data', 'The calendar has problems; nothing was stored.', {
    problems: parsed.error.issues.map((i) => ({ path: '/calendar' + i.path.map((s) => `/${String(s)}`).join(''), code: i.code, message: i.message })),
  });
}

const countsByPhase = () => new Map<string, number>(PHASES.map((p) => [p, 0]));

/**
 * Agreements per phase per unit, as JSON. Unit ids are data: counted in Maps and returned as
 * null-prototype objects, so a unit named "__proto__" is a unit, not Object.prototype.
 */
export function phaseCountsPerUnit(rows: ReadonlyArray<{ unit: string; phase: string; n: number }>): Record<string, Record<string, number>> {
  const units = new Map<string, Map<string, number>>();
  for (const r of rows) units.set(r.unit, (units.get(r.unit) ?? countsByPhase()).set(r.phase, r.n));
  return jsonObject(new Map([...units].map(([unit, counts]) => [unit, jsonObject(counts)])));
}

function cycleSummary(c: Record<string, any>) {
  return {
    id: c.id,
    organisationId: c.organisation_id,
    year: c.year,
    status: c.status,
    positions: c.position_count,
    started: c.started_count,
    calendarVersion: c.calendar_version,
    createdAt: c.created_at,
  };
}

