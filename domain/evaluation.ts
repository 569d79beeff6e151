// Year-end evaluation of a PK (the domain's achievement formulas and predicates): per-indicator
// capaian over the quarters, the PK score and predicate, budget absorption and efficiency; a
// unit's score from its PKs; and the evaluation team's adjustments kept beside the computed values.
import {
  averageCapaian,
  budgetAbsorption,
  efficiency as efficiencyOf,
  yearAchievement,
  type NotAssessedReason,
  type QuarterAggregation,
} from './achievement';
import { categorize } from './predicates';
import { problem, type Problem, type Validated } from './problem';
import { DEFAULT_RULES, type Rules } from './rules';
import type { AgreementContent, QuarterReport } from './types';

export interface IndicatorEvaluation {
  indicatorId: string;
  capaian: number | null;
  status: 'assessed' | 'not_assessed';
  /** Why an indicator is "tidak dinilai". */
  reason?: NotAssessedReason;
  category: string | null;
  realisasi: number | null;
  target: number | null;
  aggregation: QuarterAggregation;
  weight: number | null;
}

export interface AgreementEvaluation {
  indicators: IndicatorEvaluation[];
  /** Average capaian (weighted when the PK gives weights); null when nothing is assessed. */
  score: number | null;
  predicate: string | null;
  budget: { pagu: number; spent: number; absorption: number | null };
  /** score − absorption; null if either is missing. */
  efficiency: number | null;
}

/**
 * Evaluates a PK against its quarterly reports. When a quarter was reported more than once (a
 * correction), the later report in the list wins for each indicator it mentions; budget spent is
 * summed over the last report of each quarter.
 */
export function evaluateAgreement(
  content: AgreementContent,
  reports: ReadonlyArray<QuarterReport>,
  rules: Rules = DEFAULT_RULES,
): AgreementEvaluation {
  const latestByQuarter = new Map<number, QuarterReport>();
  const valuesByIndicator = new Map<string, Array<number | null>>();
  for (const report of reports) {
    latestByQuarter.set(report.quarter, report);
    for (const realization of report.realizations) {
      const values = valuesByIndicator.get(realization.indicatorId) ?? [null, null, null, null];
      values[report.quarter - 1] = realization.value;
      valuesByIndicator.set(realization.indicatorId, values);
    }
  }

  const achievementRules = { lowerIsBetter: rules.lowerIsBetter, cap: rules.cap };
  const indicators = content.objectives.flatMap((objective) =>
    objective.indicators.map((indicator): IndicatorEvaluation => {
      const values = valuesByIndicator.get(indicator.id) ?? [null, null, null, null];
      const year = yearAchievement(indicator, values, achievementRules, rules.quarterAggregation);
      const result = year.achievement;
      return {
        indicatorId: indicator.id,
        capaian: result.capaian,
        status: result.status,
        ...(result.status === 'not_assessed' ? { reason: result.reason } : {}),
        category: categorize(result.capaian, rules.scale),
        realisasi: year.realisasi,
        target: year.target,
        aggregation: year.aggregation,
        weight: indicator.weight ?? null,
      };
    }),
  );

  const score = averageCapaian(indicators, rules.indicatorWeighting);
  const pagu = content.budget.reduce((sum, line) => sum + line.amount, 0);
  let spent = 0;
  for (const report of latestByQuarter.values()) {
    spent += report.budgetSpent.reduce((sum, amount) => sum + amount, 0);
  }
  const absorption = budgetAbsorption(pagu, spent);
  return {
    indicators,
    score,
    predicate: categorize(score, rules.scale),
    budget: { pagu, spent, absorption },
    efficiency: efficiencyOf(score, absorption),
  };
}

/** A unit's score: the simple average of its PKs' scores (PKs without a score left out). */
export function evaluateUnit(
  agreementScores: ReadonlyArray<number | null>,
  rules: Rules = DEFAULT_RULES,
): { score: number | null; predicate: string | null } {
  const score = averageCapaian(agreementScores.map((capaian) => ({ capaian })), 'never');
  return { score, predicate: categorize(score, rules.scale) };
}

// ---- adjustments by the evaluation team -----------------------------------------------------

export interface Adjustment {
  /** The indicator adjusted; null adjusts the PK score itself. */
  indicatorId: string | null;
  /** The capaian (or score) the team sets, in percent. */
  value: number;
  /** The written reason: required, it goes on the record. */
  reason: string;
  /** Who adjusted (NIP or user id), for the record. */
  by?: string;
}

export interface AdjustedIndicator extends IndicatorEvaluation {
  /** What the formulas gave, kept beside the final value. */
  computedCapaian: number | null;
  adjustment?: Adjustment;
}

export interface AdjustedEvaluation extends Omit<AgreementEvaluation, 'indicators'> {
  indicators: AdjustedIndicator[];
  computedScore: number | null;
  computedPredicate: string | null;
  scoreAdjustment?: Adjustment;
}

/**
 * Applies the team's adjustments. An adjusted indicator counts with the team's value (even one the
 * formulas could not assess) and the score is recomputed from the final values, unless the score
 * itself is adjusted. The team's value is not capped: it is their judgement, with a reason. When
 * the same item is adjusted twice the later adjustment wins.
 */
export function applyAdjustments(
  evaluation: AgreementEvaluation,
  adjustments: ReadonlyArray<Adjustment>,
  rules: Rules = DEFAULT_RULES,
): Validated<AdjustedEvaluation> {
  const problems: Problem[] = [];
  const known = new Set(evaluation.indicators.map((indicator) => indicator.indicatorId));
  adjustments.forEach((adjustment, i) => {
    if (adjustment.reason.trim() === '') problems.push(problem([i, 'reason'], 'missing_reason', 'An adjustment needs a written reason'));
    if (!Number.isFinite(adjustment.value) || adjustment.value < 0) {
      problems.push(problem([i, 'value'], 'invalid_value', 'An adjusted value must be a number ≥ 0'));
    }
    if (adjustment.indicatorId !== null && !known.has(adjustment.indicatorId)) {
      problems.push(problem([i, 'indicatorId'], 'unknown_indicator', `Indicator "${adjustment.indicatorId}" is not in this PK`));
    }
  });
  if (problems.length > 0) return { ok: false, problems };

  const byIndicator = new Map<string | null, Adjustment>();
  for (const adjustment of adjustments) byIndicator.set(adjustment.indicatorId, adjustment);

  const indicators = evaluation.indicators.map((indicator): AdjustedIndicator => {
    const adjustment = byIndicator.get(indicator.indicatorId);
    if (!adjustment) return { ...indicator, computedCapaian: indicator.capaian };
    const { reason: _notAssessedReason, ...rest } = indicator;
    return {
      ...rest,
      capaian: adjustment.value,
      status: 'assessed',
      category: categorize(adjustment.value, rules.scale),
      computedCapaian: indicator.capaian,
      adjustment,
    };
  });
  const scoreAdjustment = byIndicator.get(null);
  const score = scoreAdjustment ? scoreAdjustment.value : averageCapaian(indicators, rules.indicatorWeighting);
  return {
    ok: true,
    value: {
      ...evaluation,
      indicators,
      score,
      predicate: categorize(score, rules.scale),
      efficiency: efficiencyOf(score, evaluation.budget.absorption),
      computedScore: evaluation.score,
      computedPredicate: evaluation.predicate,
      ...(scoreAdjustment ? { scoreAdjustment } : {}),
    },
  };
}
