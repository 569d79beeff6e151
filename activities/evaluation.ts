// Year-end evaluation: the formulas of domain/evaluation.ts over the stored content and reports;
// the evaluation team's adjustments are stored beside the computed values, never over them.
import { ApplicationFailure } from '@temporalio/activity';
import type { Pool, PoolClient } from 'pg';
import type { ActivityDeps } from './deps';
import { applyAdjustments, evaluateAgreement, type AdjustedEvaluation, type AgreementEvaluation } from '../domain/evaluation';
import { parseRules } from '../domain/rules';
import type { AgreementContent, QuarterReport } from '../domain/types';
import type { Adjustment, EvaluationState } from '../workflows/messages';
import { inTransaction } from '../db/transaction';

function toState(e: AdjustedEvaluation, closed?: { at: string; by: string }): EvaluationState {
  return {
    score: e.score,
    predicate: e.predicate,
    indicators: e.indicators.map((i) => ({
      indicatorId: i.indicatorId,
      computed: i.computedCapaian,
      ...(i.adjustment ? { adjusted: i.capaian, adjustmentReason: i.adjustment.reason } : {}),
      category: i.category,
    })),
    absorption: e.budget.absorption,
    efficiency: e.efficiency,
    ...(closed ? { closedAt: closed.at, closedBy: closed.by } : {}),
  };
}

/** `lockRules`: hold the cycle's rules (FOR SHARE) until the caller's transaction ends (see api/rules-change.ts). */
async function load(agreementId: string, q: Pool | PoolClient, lockRules = false) {
  const { rows } = await q.query(
    `SELECT v.content, c.rules FROM agreements a
       JOIN agreement_versions v ON v.agreement_id = a.id AND v.version = a.version
       JOIN cycles c ON c.id = a.cycle_id WHERE a.id = $1${lockRules ? ' FOR SHARE OF c' : ''}`,
    [agreementId],
  );
  if (rows.length === 0) throw new Error(`agreement ${agreementId} has no content`);
  const reports = await q.query(
    `SELECT quarter, realizations, budget_spent, note FROM realizations WHERE agreement_id = $1 ORDER BY quarter`,
    [agreementId],
  );
  const rules = parseRules(rows[0].rules);
  if (!rules.ok) throw ApplicationFailure.nonRetryable('the cycle rules are invalid', 'InvalidData', rules.problems);
  return {
    content: rows[0].content as AgreementContent,
    reports: reports.rows.map((r): QuarterReport => ({ quarter: r.quarter, realizations: r.realizations, budgetSpent: r.budget_spent, note: r.note ?? undefined })),
    rules: rules.value,
  };
}

export interface StoreEvaluationArgs {
  agreementId: string;
  adjustments: Adjustment[];
  close: boolean;
  actorId: string;
  at: string;
}

/** The evaluation team's adjustments (and the closing) over the computed values; `q` may be a transaction. */
export async function storeEvaluationWith(q: Pool | PoolClient, args: StoreEvaluationArgs): Promise<EvaluationState> {
  const { content, reports, rules } = await load(args.agreementId, q);
  const computed = evaluateAgreement(content, reports, rules);
  const stored = (await q.query('SELECT adjustments FROM evaluations WHERE agreement_id = $1', [args.agreementId])).rows[0];
  const earlier: Adjustment[] = stored?.adjustments ?? [];
  // a retried activity must not append the same adjustments twice: they carry the workflow's time
  const fresh = args.adjustments.filter((a) => !earlier.some((e: any) => e.at === args.at && e.indicatorId === a.indicatorId && e.reason === a.reason));
  const all = [...earlier, ...fresh.map((a) => ({ ...a, by: args.actorId, at: args.at }))];
  const result = applyAdjustments(computed, all, rules);
  if (!result.ok) throw ApplicationFailure.nonRetryable('the adjustments have problems', 'InvalidData', result.problems);
  const closed = args.close ? { at: args.at, by: args.actorId } : undefined;
  await q.query(
    `INSERT INTO evaluations (agreement_id, computed, adjustments, result, closed_at, closed_by) VALUES ($1,$2,$3,$4,$5,$6)
     ON CONFLICT (agreement_id) DO UPDATE SET computed = $2, adjustments = $3, result = $4, closed_at = $5, closed_by = $6`,
    [args.agreementId, JSON.stringify(computed), JSON.stringify(all), JSON.stringify(result.value), closed?.at ?? null, closed?.by ?? null],
  );
  return toState(result.value, closed);
}

export function createEvaluationActivities({ db }: ActivityDeps) {
  return {
    // The rules are read and the evaluation stored in one transaction holding the cycle row FOR
    // SHARE: a concurrent rules change either commits first (and this evaluation uses the new
    // rules) or waits and then finds this evaluation (409 rules_frozen). Never a score computed with
    // rules that were replaced after it.
    async computeEvaluation({ agreementId }: { agreementId: string }): Promise<EvaluationState> {
      return inTransaction(db, async (client) => {
        const { content, reports, rules } = await load(agreementId, client, true);
        const computed: AgreementEvaluation = evaluateAgreement(content, reports, rules);
        const result = applyAdjustments(computed, [], rules);
        if (!result.ok) throw new Error('unreachable: no adjustments');
        await client.query(
          `INSERT INTO evaluations (agreement_id, computed, result) VALUES ($1, $2, $3)
           ON CONFLICT (agreement_id) DO UPDATE SET computed = $2, result = $3`,
          [agreementId, JSON.stringify(computed), JSON.stringify(result.value)],
        );
        return toState(result.value);
      });
    },

    async storeEvaluation(args: StoreEvaluationArgs): Promise<EvaluationState> {
      return storeEvaluationWith(db, args);
    },
  };
}
