// Cycles: start (import an organisation), list, status per phase and unit, calendar change, report.
import { z } from 'zod';
import type { ApiDeps } from '../deps';
import { startCycle, startCycleFromTables } from '../cycle-import';
import { CSV_TYPE, readCsv, readXlsx, XLSX_TYPE } from '../spreadsheet';
import { HttpProblem } from '../problem';
import { PHASES } from '../../workflows/messages';
import { route, type RouteDef } from '../route';
import { calendarBody, cycleImportDocumentedBody, rulesBody } from '../schemas';
import { changeRules, storedRules } from '../rules-change';
import { verifyAuditChain } from '../../db/audit-log';
import { principalKey } from '../principal';
import { applyCalendarPatch } from '../../domain/calendar-patch';
import { calendarChangeWorkflow } from '../../workflows/calendar-change';
import { calendarChangeWorkflowId, type CalendarChangeInput } from '../../workflows/changes';
import { changeStatus, newChangeId, startChange } from '../background-change';
import { cycleReport, reportCsv, reportXlsx } from '../report';
import { DOWNLOAD_QUERY_DOC, DOWNLOAD_SUCCESS, downloadQuery, sendDownload } from '../download-format';
import { parseQuery } from '../validation';
import { jsonObject } from '../json-object';

const ADMIN = { kind: 'roles', roles: ['admin'] } as const;
const OVERSIGHT = { kind: 'roles', roles: ['admin', 'evaluator'] } as const;

export function cycleRoutes(deps: ApiDeps): RouteDef[] {
  const { db } = deps;
  const loadCycle = async (id: string) => {
    const cycle = (await db.query('SELECT c.*, g.name AS organisation_name FROM cycles c JOIN organisations g ON g.id = c.organisation_id WHERE c.id = $1', [id])).rows[0];
    if (!cycle) throw new HttpProblem(404, 'not_found', `No cycle ${id}.`);
    return cycle;
  };

  return [
    route({
      method: 'post', path: '/api/cycles', tag: 'cycles', summary: 'Start a cycle from an organisation import (same body twice finds the same cycle)',
      access: ADMIN, body: z.unknown(), documentedBody: cycleImportDocumentedBody, bodyLimit: deps.config.API_IMPORT_BODY_LIMIT,
      rawBodyTypes: [CSV_TYPE, XLSX_TYPE],
      query: {
        organisation: 'with a CSV or XLSX body: the organisation id',
        name: 'with a CSV or XLSX body: the organisation name',
        place: 'with a CSV or XLSX body: the place printed on the PK',
        year: 'with a CSV or XLSX body: the year',
      },
      success: { status: 201, description: 'cycle created (200 when it already existed)', also: [200] },
      async handler(req, res, ctx) {
        const temporalDeps = { db, temporal: deps.temporal, taskQueue: deps.config.TEMPORAL_TASK_QUEUE, actorId: principalKey(ctx.principal) };
        if (Buffer.isBuffer(ctx.body)) {
          // a spreadsheet: one row per position (CSV, or the positions and plan sheets of a workbook)
          const fields = parseQuery(spreadsheetFields, req.query);
          // an empty file is neither a table without columns nor an unreadable workbook
          if (ctx.body.length === 0) throw new HttpProblem(400, 'empty_file', 'The file is empty; nothing was stored.');
          const sheets = req.is(XLSX_TYPE) ? await readXlsx(ctx.body) : { positions: readCsv(ctx.body), plan: undefined };
          const result = await startCycleFromTables(temporalDeps, fields, sheets.positions, sheets.plan);
          res.status(result.created ? 201 : 200).location(`/api/cycles/${encodeURIComponent(result.cycleId)}`).json(result);
          return;
        }
        if (Object.keys(req.query).length > 0) throw new HttpProblem(400, 'invalid_query', 'Query parameters are for a CSV or XLSX body; a JSON import carries its organisation and year inside.');
        const body = ctx.body as Record<string, unknown> | undefined;
        // The organisation may come bare (the shape of data/*.json) or wrapped as `import`; either
        // way `calendar` and `rules` sit beside it. A body without `import` is read as bare, so what
        // it lacks is named (`/positions`), not "expected object" for a wrapper it never meant.
        const isObject = body !== null && typeof body === 'object' && !Array.isArray(body);
        const bare = isObject && (('organisation' in body && 'positions' in body) || !('import' in body));
        if (isObject && !bare && 'import' in body) rejectUnknownWrapperKeys(body);
        const organisation = bare ? body : isObject ? body.import : body;
        const calendar = isObject && body.calendar !== undefined ? parseCalendar(body.calendar) : undefined;
        const rules = isObject ? body.rules : undefined;
        const result = await startCycle(temporalDeps, organisation, calendar, rules);
        res.status(result.created ? 201 : 200).location(`/api/cycles/${encodeURIComponent(result.cycleId)}`).json(result);
      },
    }),

    route({
      method: 'get', path: '/api/cycles', tag: 'cycles', summary: 'List cycles (an official: the cycles they hold a position in)',
      access: { kind: 'roles', roles: ['admin', 'evaluator', 'official'] },
      async handler(_req, res, ctx) {
        // Administrators and evaluators oversee every organisation; an official sees only the
        // cycles where their NIP holds a position (other organisations' cycles are not theirs).
        const official = ctx.principal.role === 'official';
        const { rows } = await db.query(
          `SELECT c.id, c.organisation_id, g.name AS organisation_name, c.year, c.status, c.position_count, c.started_count, c.created_at, c.calendar_version
             FROM cycles c JOIN organisations g ON g.id = c.organisation_id
            WHERE NOT $1::boolean OR c.id IN (SELECT cycle_id FROM positions WHERE official_id = $2)
            ORDER BY c.year DESC, c.organisation_id`,
          [official, official ? ctx.principal.id : null],
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
          rules: storedRules(cycle.rules),
        });
      },
    }),

    route({
      method: 'patch', path: '/api/cycles/:cycleId/rules', tag: 'cycles',
      summary: 'Change the cycle rules (formula, cap, scale, aggregation; audited) until its first evaluation is computed, then 409 rules_frozen',
      access: ADMIN, body: rulesBody,
      async handler(req, res, ctx) {
        res.json(await changeRules(db, String(req.params.cycleId), ctx.body, principalKey(ctx.principal)));
      },
    }),

    route({
      method: 'get', path: '/api/cycles/:cycleId/audit', tag: 'history', summary: 'The cycle-wide audit log (rules changes: who, old, new; calendar changes; changes of official of a position without PK) and whether its hash chain verifies',
      access: OVERSIGHT,
      async handler(req, res) {
        const cycle = await loadCycle(String(req.params.cycleId));
        const { rows } = await db.query('SELECT seq, action, actor, data, at, hash FROM audit_log WHERE agreement_id = $1 ORDER BY seq', [cycle.id]);
        const chain = await verifyAuditChain(db, cycle.id);
        res.json({
          cycleId: cycle.id,
          chain,
          items: rows.map((r) => ({ seq: Number(r.seq), action: r.action, actor: r.actor, at: new Date(r.at).toISOString(), data: r.data, hash: r.hash })),
        });
      },
    }),

    route({
      method: 'patch', path: '/api/cycles/:cycleId/calendar', tag: 'cycles',
      summary: 'Change the cycle calendar (audited); every running agreement then recomputes its due dates. 200 with the outcome when done within a few seconds, else 202 with its status URL',
      access: ADMIN, body: calendarBody,
      success: { status: 200, description: 'the change is stored and every running PK was told', accepted: 'the change is under way (a worker or the database is busy or briefly away); follow `statusUrl`' },
      async handler(req, res, ctx) {
        const cycle = await loadCycle(String(req.params.cycleId));
        const changeId = newChangeId();
        const input: CalendarChangeInput = { cycleId: cycle.id, changeId, patch: ctx.body, actorId: principalKey(ctx.principal) };
        await startChange(deps.temporal, calendarChangeWorkflow, {
          workflowId: calendarChangeWorkflowId(cycle.id, changeId), taskQueue: deps.config.TEMPORAL_TASK_QUEUE, input,
          statusUrl: `/api/cycles/${encodeURIComponent(cycle.id)}/calendar/changes/${encodeURIComponent(changeId)}`, waitMs: deps.config.API_CHANGE_WAIT_MS,
        }, res, changeId);
      },
    }),

    route({
      method: 'get', path: '/api/cycles/:cycleId/calendar/changes/:changeId', tag: 'cycles',
      summary: 'A calendar change: running, or done with its outcome (as the change answered)',
      access: ADMIN,
      async handler(req, res) {
        const cycleId = String(req.params.cycleId);
        const changeId = String(req.params.changeId);
        res.json(await changeStatus(deps.temporal, calendarChangeWorkflowId(cycleId, changeId), changeId));
      },
    }),

    route({
      method: 'get', path: '/api/cycles/:cycleId/report', tag: 'reports', summary: 'Per unit: agreements, average score, predicate counts, budget absorption (JSON, ?format=csv for machines or ?format=xlsx in Bahasa Indonesia)',
      access: OVERSIGHT, query: DOWNLOAD_QUERY_DOC, success: DOWNLOAD_SUCCESS,
      async handler(req, res) {
        const { format } = parseQuery(downloadQuery, req.query);
        const cycle = await loadCycle(String(req.params.cycleId));
        const units = await cycleReport(db, cycle.id, storedRules(cycle.rules));
        const fileName = `laporan-${cycle.organisation_id}-${cycle.year}`;
        if (format === 'csv') return sendDownload(res, format, fileName, reportCsv(units));
        if (format === 'xlsx') return sendDownload(res, format, fileName, await reportXlsx(units));
        res.json({ cycleId: cycle.id, organisationId: cycle.organisation_id, year: cycle.year, units });
      },
    }),
  ];
}

/** The organisation's fields a table has no room for; missing ones are reported with the table's problems. */
const spreadsheetFields = z.strictObject({
  organisation: z.string().optional(),
  name: z.string().optional(),
  place: z.string().optional(),
  year: z.string().optional(),
});

const WRAPPER_KEYS = new Set(['import', 'calendar', 'rules']);

/** A misspelt `rules` or `calendar` must not be dropped silently: the wrapper has exactly these keys. */
function rejectUnknownWrapperKeys(body: Record<string, unknown>) {
  const unknown = Object.keys(body).filter((key) => !WRAPPER_KEYS.has(key));
  if (unknown.length === 0) return;
  throw new HttpProblem(422, 'invalid_data', 'The request has keys that are not import, calendar or rules; nothing was stored.', {
    problems: unknown.map((key) => ({ path: `/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, code: 'unrecognized_keys', message: `Unrecognized key "${key}"` })),
  });
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
    organisationName: c.organisation_name,
    year: c.year,
    status: c.status,
    positions: c.position_count,
    started: c.started_count,
    calendarVersion: c.calendar_version,
    createdAt: c.created_at,
  };
}

