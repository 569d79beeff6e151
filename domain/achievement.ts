// The domain's achievement (capaian) formulas. Decisions for the edge
// cases the sources leave open are written next to the code that makes them.
import type { Direction, Indicator } from './types';

/** 'reflected': (2 × target − realisasi) / target × 100 (PermenPANRB 8/2021, default); 'inverse': target / realisasi × 100. */
export type LowerIsBetterFormula = 'reflected' | 'inverse';
export type QuarterAggregation = 'cumulative' | 'last';

export interface AchievementRules {
  lowerIsBetter: LowerIsBetterFormula;
  /** Upper bound on a capaian, default 120; null means uncapped. */
  cap: number | null;
}

export const DEFAULT_ACHIEVEMENT_RULES: AchievementRules = { lowerIsBetter: 'reflected', cap: 120 };

export type NotAssessedReason = 'no_target' | 'no_realization';

/** A capaian, or "tidak dinilai" (null with a reason): never 0, never part of an average. */
export type Achievement =
  | { status: 'assessed'; capaian: number }
  | { status: 'not_assessed'; capaian: null; reason: NotAssessedReason };

export interface TargetSpec {
  target: number | null;
  range?: [number, number] | null;
  direction: Direction;
}

/** Float noise (e.g. 90.99999999999999) must not move a value across a category boundary. */
const clean = (value: number) => Math.round(value * 1e6) / 1e6;

const notAssessed = (reason: NotAssessedReason): Achievement => ({ status: 'not_assessed', capaian: null, reason });

/**
 * Capaian of one realisasi against one target.
 * - Higher is better: realisasi / target × 100.
 * - Lower is better: the configured formula.
 * - Range [low, high]: inside → 100; below → as higher-is-better against low; above → as
 *   lower-is-better against high (the nearer bound is the one crossed).
 * - Target 0: a ratio is undefined. Higher-is-better: any realisasi ≥ 0 meets it → 100.
 *   Lower-is-better (e.g. zero deaths): realisasi ≤ 0 → 100, anything above → 0.
 * - Inverse formula with realisasi 0 (the best possible): the cap, or 200 when uncapped (what the
 *   reflected formula gives), since target / 0 is infinite.
 * - Results below 0 (realisasi far worse than target, or a negative growth rate) clamp at 0; then
 *   the cap applies.
 */
export function achievement(spec: TargetSpec, realisasi: number | null, rules: AchievementRules = DEFAULT_ACHIEVEMENT_RULES): Achievement {
  const range = spec.range ?? null;
  if (spec.target === null && range === null) return notAssessed('no_target');
  if (realisasi === null) return notAssessed('no_realization');
  let raw: number;
  if (range !== null) {
    const [low, high] = range;
    if (realisasi >= low && realisasi <= high) raw = 100;
    else if (realisasi < low) raw = higherIsBetter(low, realisasi);
    else raw = lowerIsBetter(high, realisasi, rules);
  } else {
    const target = spec.target as number;
    raw = spec.direction === 'up' ? higherIsBetter(target, realisasi) : lowerIsBetter(target, realisasi, rules);
  }
  const clamped = Math.max(0, raw);
  const capped = rules.cap === null ? clamped : Math.min(rules.cap, clamped);
  return { status: 'assessed', capaian: clean(capped) };
}

function higherIsBetter(target: number, realisasi: number): number {
  if (target === 0) return realisasi >= 0 ? 100 : 0;
  return (realisasi / target) * 100;
}

function lowerIsBetter(target: number, realisasi: number, rules: AchievementRules): number {
  if (target === 0) return realisasi <= 0 ? 100 : 0;
  if (rules.lowerIsBetter === 'reflected') return ((2 * target - realisasi) / target) * 100;
  if (realisasi <= 0) return rules.cap ?? 200;
  return (target / realisasi) * 100;
}

// ---- across quarters ------------------------------------------------------------------------

/**
 * Units of measure that describe a level (a percentage, an index, a rate, an average) rather than
 * a count; their yearly value is the last reported quarter. Used only when an indicator does not
 * say how it aggregates.
 */
const LEVEL_UNIT = /%|persen|indeks|index|nilai|skor|rasio|rata|angka|predikat|tahun|hari|\bper\b/i;

export function inferAggregation(unitOfMeasure: string): QuarterAggregation {
  return LEVEL_UNIT.test(unitOfMeasure) ? 'last' : 'cumulative';
}

export interface YearAchievement {
  aggregation: QuarterAggregation;
  /** The realisasi compared (Σ of reported quarters, or the last reported one); null if none. */
  realisasi: number | null;
  /** The target compared against (Σ quarterly targets of reported quarters, or the yearly one). */
  target: number | null;
  achievement: Achievement;
}

/**
 * Capaian of an indicator over the quarters reported so far (values[0] is Triwulan I; null = not
 * reported). Cumulative: Σ realisasi / Σ target, the targets being the quarterly ones of the
 * reported quarters when the PK gives quarterly targets (a missing one counts 0), else the yearly
 * target. Last: the last reported quarter against its quarterly target, else the yearly one.
 */
export function yearAchievement(
  indicator: Pick<Indicator, 'direction' | 'target' | 'range' | 'quarterlyTargets' | 'aggregation' | 'unit'>,
  values: ReadonlyArray<number | null>,
  rules: AchievementRules = DEFAULT_ACHIEVEMENT_RULES,
  defaultAggregation: QuarterAggregation | 'by_unit' = 'by_unit',
): YearAchievement {
  const aggregation =
    indicator.aggregation ?? (defaultAggregation === 'by_unit' ? inferAggregation(indicator.unit) : defaultAggregation);
  const reported = [0, 1, 2, 3].filter((q) => values[q] !== null && values[q] !== undefined);
  const quarterly = indicator.quarterlyTargets ?? null;
  const hasQuarterly = quarterly !== null && quarterly.some((t) => t !== null);
  if (reported.length === 0) {
    const target = indicator.target;
    return { aggregation, realisasi: null, target, achievement: achievement(indicator, null, rules) };
  }
  if (aggregation === 'cumulative') {
    const realisasi = clean(reported.reduce((sum, q) => sum + (values[q] as number), 0));
    if (hasQuarterly) {
      const target = clean(reported.reduce((sum, q) => sum + (quarterly![q] ?? 0), 0));
      return { aggregation, realisasi, target, achievement: achievement({ direction: indicator.direction, target }, realisasi, rules) };
    }
    return { aggregation, realisasi, target: indicator.target, achievement: achievement(indicator, realisasi, rules) };
  }
  const last = reported[reported.length - 1];
  const realisasi = values[last] as number;
  const quarterTarget = hasQuarterly ? quarterly![last] : null;
  if (quarterTarget !== null) {
    return { aggregation, realisasi, target: quarterTarget, achievement: achievement({ direction: indicator.direction, target: quarterTarget }, realisasi, rules) };
  }
  return { aggregation, realisasi, target: indicator.target, achievement: achievement(indicator, realisasi, rules) };
}

// ---- across indicators ----------------------------------------------------------------------

export type Weighting = 'when_given' | 'never';

export interface Scored {
  capaian: number | null;
  weight?: number | null;
}

/**
 * The PK score: the average of the assessed capaian ("tidak dinilai" left out). Weighted when the
 * weighting allows it and any indicator carries a weight; an indicator without a weight then weighs
 * 0 (the bobot split says what counts). If the weights of the assessed indicators sum to 0 the
 * simple average is used rather than no score at all. Null when nothing is assessed.
 */
export function averageCapaian(items: ReadonlyArray<Scored>, weighting: Weighting = 'when_given'): number | null {
  const assessed = items.filter((item) => item.capaian !== null) as Array<Scored & { capaian: number }>;
  if (assessed.length === 0) return null;
  const weighted = weighting === 'when_given' && items.some((item) => item.weight !== null && item.weight !== undefined);
  if (weighted) {
    const totalWeight = assessed.reduce((sum, item) => sum + (item.weight ?? 0), 0);
    if (totalWeight > 0) return clean(assessed.reduce((sum, item) => sum + item.capaian * (item.weight ?? 0), 0) / totalWeight);
  }
  return clean(assessed.reduce((sum, item) => sum + item.capaian, 0) / assessed.length);
}

// ---- budget ---------------------------------------------------------------------------------

/** serapan = realisasi anggaran / pagu × 100; null without a pagu (nothing to absorb). Not capped: overspending shows. */
export function budgetAbsorption(pagu: number, spent: number): number | null {
  if (pagu <= 0) return null;
  return clean((spent / pagu) * 100);
}

/** Efficiency = average capaian − serapan (positive: more achieved than spent); null if either is missing. */
export function efficiency(averageCapaianValue: number | null, absorption: number | null): number | null {
  if (averageCapaianValue === null || absorption === null) return null;
  return clean(averageCapaianValue - absorption);
}
