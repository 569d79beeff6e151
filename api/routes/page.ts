// Reads the page (web/) needs that the other routes do not give: the superior's indicators a draft
// may link to, a PK's quarterly reports and evaluation record with the cycle's achievement rules,
// the PDF about to be signed, and achievement per unit per quarter for the evaluation dashboard.
// Every number here comes from the pure domain modules, the same ones the workflows use.
import type { Pool } from 'pg';
import { PdfRenderThread, RenderTimeout } from '../../documents/render-thread';
import type { AgreementPdfInput } from '../../documents';
import { loadAgreementPdfSource } from '../../db/agreement-pdf-source';
import { budgetAbsorption } from '../../domain/achievement';
import { bandsDescending, categorize } from '../../domain/predicates';
import { evaluateAgreement, evaluateUnit } from '../../domain/evaluation';
import type { Rules } from '../../domain/rules';
import { storedRules } from '../rules-change';
import type { AgreementContent, Indicator, QuarterReport } from '../../domain/types';
import { stateQuery } from '../../workflows/messages';
import type { ApiDeps } from '../deps';
import { HttpProblem } from '../problem';
import { route, type RouteDef } from '../route';
import { jsonObject } from '../json-object';
import { listEvidence } from '../evidence';
import { UNIT_HEAD_IDS_SQL } from '../../db/unit-heads';
import { describeParentIndicators } from '../parent-indicators';

const READ = { kind: 'agreement', roles: ['admin', 'evaluator', 'official'] } as const;
const OVERSIGHT = { kind: 'roles', roles: ['admin', 'evaluator'] } as const;

async function cycleRules(db: Pool, cycleId: string): Promise<Rules> {
  const row = (await db.query('SELECT rules FROM cycles WHERE id = $1', [cycleId])).rows[0];
  if (!row) throw new HttpProblem(404, 'not_found', `No cycle ${cycleId}.`);
  return storedRules(row.rules);
}

const reportOf = (r: Record<string, any>): QuarterReport => ({
  quarter: r.quarter, realizations: r.realizations, budgetSpent: r.budget_spent, note: r.note ?? undefined,
});

/** The rules the browser needs to compute a capaian exactly as the evaluation does. */
const achievementRules = (r: Rules) => ({ lowerIsBetter: r.lowerIsBetter, cap: r.cap, quarterAggregation: r.quarterAggregation, indicatorWeighting: r.indicatorWeighting, scale: r.scale });

export function pageRoutes(deps: ApiDeps): RouteDef[] {
  const { db, temporal } = deps;
  // Previews are laid out on a worker thread: a large PK never holds this process's event loop.
  const renderThread = new PdfRenderThread();
  return [
    route({
      method: 'get', path: '/api/agreements/:agreementId/parent-indicators', tag: 'drafting',
      summary: 'Indicators of the superior (or of the regional plan) a draft may link to',
      access: READ,
      async handler(_req, res, ctx) {
        const a = ctx.agreement!;
        let allowed: string[] = [];
        try {
          allowed = (await temporal.workflow.getHandle(a.id).query(stateQuery)).superiorIndicatorIds;
        } catch (err) {
          deps.logger.warn({ err, agreementId: a.id }, 'state query failed');
        }
        res.json({ items: await describeParentIndicators(db, a.id, allowed) });
      },
    }),

    route({
      method: 'get', path: '/api/agreements/:agreementId/realizations', tag: 'realization',
      summary: 'Quarterly reports, their evidence, the evaluation record and the cycle\'s achievement rules',
      access: READ,
      async handler(_req, res, ctx) {
        const a = ctx.agreement!;
        const rules = await cycleRules(db, a.cycle_id);
        const reports = await db.query(
          'SELECT quarter, version, realizations, budget_spent, note, reported_by, reported_at FROM realizations WHERE agreement_id = $1 ORDER BY quarter',
          [a.id],
        );
        const evaluation = (await db.query('SELECT computed, adjustments, result, closed_at, closed_by FROM evaluations WHERE agreement_id = $1', [a.id])).rows[0];
        res.json({
          agreementId: a.id,
          evidence: await listEvidence(db, a.id),
          rules: achievementRules(rules),
          quarters: reports.rows.map((r) => ({ ...reportOf(r), version: r.version, reportedBy: r.reported_by, reportedAt: r.reported_at })),
          evaluation: evaluation
            ? { computed: evaluation.computed, adjustments: evaluation.adjustments, result: evaluation.result, closedAt: evaluation.closed_at, closedBy: evaluation.closed_by }
            : null,
        });
      },
    }),

    route({
      method: 'get', path: '/api/agreements/:agreementId/preview.pdf', tag: 'signing',
      summary: 'The PDF about to be signed: the first party\'s signed file once it exists, else the current content rendered unsigned',
      access: READ, success: { status: 200, description: 'the PDF', mediaType: 'application/pdf' },
      async handler(_req, res, ctx) {
        const a = ctx.agreement!;
        const first = (await db.query('SELECT bytes FROM documents WHERE agreement_id = $1 AND version = $2 AND party = $3', [a.id, a.version, 'first'])).rows[0];
        let bytes: Uint8Array;
        if (first) {
          bytes = new Uint8Array(first.bytes);
        } else {
          // What the first party will sign, dated today (db/agreement-pdf-source.ts, as signing reads it).
          const source = await loadAgreementPdfSource(db, a.id, a.version);
          if (!source) throw new HttpProblem(404, 'not_found', 'This PK has no saved content yet.');
          bytes = await renderOffLoop(renderThread, source.input(new Date()));
        }
        res.setHeader('Cache-Control', 'no-store');
        res.type('application/pdf').setHeader('Content-Disposition', 'inline; filename="pratinjau.pdf"');
        res.send(Buffer.from(bytes));
      },
    }),

    route({
      method: 'get', path: '/api/cycles/:cycleId/achievement', tag: 'reports',
      summary: 'Per unit: capaian up to each quarter, capaian to date with its category (an evaluated PK counts with its evaluation score), budget absorption of the head\'s PK',
      access: OVERSIGHT,
      async handler(req, res) {
        const cycleId = String(req.params.cycleId);
        const rules = await cycleRules(db, cycleId);
        const { rows } = await db.query(
          `SELECT a.id, a.unit_id, coalesce(u.name, 'Kepala Daerah') AS unit_name, v.content, a.score::float8 AS evaluation_score,
                  a.position_id IN (${UNIT_HEAD_IDS_SQL}) AS is_head,
                  coalesce((SELECT json_agg(json_build_object('quarter', r.quarter, 'realizations', r.realizations, 'budget_spent', r.budget_spent) ORDER BY r.quarter)
                              FROM realizations r WHERE r.agreement_id = a.id), '[]') AS reports
             FROM agreements a
             LEFT JOIN units u ON u.cycle_id = a.cycle_id AND u.id = a.unit_id
             LEFT JOIN agreement_versions v ON v.agreement_id = a.id AND v.version = a.version
            WHERE a.cycle_id = $1 ORDER BY a.unit_id NULLS FIRST, a.id`,
          [cycleId],
        );
        /** PKs per category of their capaian to date (the predicate distribution while the year runs). */
        const categories = new Map<string, number>();
        const units = new Map<string, { unitId: string | null; unitName: string; agreements: number; reporting: number; evaluated: number; quarters: Array<Array<number | null>>; toDate: Array<number | null>; pagu: number | null; spent: number | null }>();
        for (const r of rows) {
          const key = r.unit_id ?? '';
          const u = units.get(key) ?? { unitId: r.unit_id, unitName: r.unit_name, agreements: 0, reporting: 0, evaluated: 0, quarters: [[], [], [], []] as Array<Array<number | null>>, toDate: [] as Array<number | null>, pagu: null, spent: null };
          units.set(key, u);
          u.agreements += 1;
          if (!r.content) continue;
          const reports = (r.reports as Array<Record<string, any>>).map(reportOf);
          if (reports.length > 0) u.reporting += 1;
          // Once the evaluation has scored a PK (computed, then adjusted by the team), its year is that
          // nilai evaluasi, as the report and the PK list show it: it is the PK's capaian to date and
          // its value s.d. TW IV. Earlier quarters stay the capaian computed from the reports.
          const evaluationScore: number | null = r.evaluation_score;
          if (evaluationScore !== null) u.evaluated += 1;
          for (const q of [1, 2, 3, 4]) {
            const upTo = reports.filter((x) => x.quarter <= q);
            if (q === 4 && evaluationScore !== null) u.quarters[3].push(evaluationScore);
            else if (upTo.some((x) => x.quarter === q)) u.quarters[q - 1].push(evaluateAgreement(r.content, upTo, rules).score);
          }
          const whole = evaluateAgreement(r.content, reports, rules);
          if (reports.length > 0 || evaluationScore !== null) {
            const score = evaluationScore ?? whole.score;
            u.toDate.push(score);
            const category = categorize(score, rules.scale);
            if (category) categories.set(category, (categories.get(category) ?? 0) + 1);
          }
          // The unit's budget is its head's PK's (db/unit-heads.ts): the lower levels break the
          // head's Programs down. Until the head's PK has budget lines (or when the unit has no head
          // PK) the unit has no pagu: budget, spent and absorption are null, never the lower
          // levels' sum (a part of the budget, at another level).
          if (r.is_head && r.content.budget.length > 0) {
            u.pagu = whole.budget.pagu;
            u.spent = whole.budget.spent;
          }
        }
        const items = [...units.values()].map((u) => {
          const toDate = evaluateUnit(u.toDate, rules);
          return {
            unitId: u.unitId, unitName: u.unitName, agreements: u.agreements, reporting: u.reporting, evaluated: u.evaluated,
            quarters: u.quarters.map((scores) => evaluateUnit(scores, rules).score),
            achievement: toDate.score, category: toDate.predicate,
            budget: u.pagu, spent: u.spent,
            absorption: u.pagu === null ? null : budgetAbsorption(u.pagu, u.spent ?? 0),
          };
        });
        res.json({ cycleId, scale: { ...rules.scale, bands: bandsDescending(rules.scale) }, units: items, categories: jsonObject(categories) });
      },
    }),
  ];
}

async function renderOffLoop(thread: PdfRenderThread, input: AgreementPdfInput): Promise<Uint8Array> {
  try {
    return await thread.render(input);
  } catch (err) {
    if (err instanceof RenderTimeout) {
      throw new HttpProblem(503, 'render_timeout', 'The preview took too long to render; retry shortly.');
    }
    throw err;
  }
}
