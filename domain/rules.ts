// The rules an organisation may set for itself where sources disagree (DOMAIN.md), with the
// defaults named there and a zod schema so administrators can override any part of them.
// (Deadlines and the reminder ladder are part of the cycle calendar: domain/schedule.ts.)
import { z } from 'zod';
import type { LowerIsBetterFormula, QuarterAggregation, Weighting } from './achievement';
import { DEFAULT_CAPAIAN_SCALE, DEFAULT_STAFF_DISTRIBUTION, type CategoryScale, type StaffDistributionRule } from './predicates';
import type { Validated } from './problem';
import { problemsFromZodIssues } from './schema-problems';

export interface Rules {
  lowerIsBetter: LowerIsBetterFormula;
  /** Capaian cap in percent; null = uncapped. */
  cap: number | null;
  scale: CategoryScale;
  /** How an indicator without its own `aggregation` combines quarters; 'by_unit' infers it from the Satuan. */
  quarterAggregation: QuarterAggregation | 'by_unit';
  indicatorWeighting: Weighting;
  staffDistribution: StaffDistributionRule[];
}

export const DEFAULT_RULES: Rules = {
  lowerIsBetter: 'reflected',
  cap: 120,
  scale: DEFAULT_CAPAIAN_SCALE,
  quarterAggregation: 'by_unit',
  indicatorWeighting: 'when_given',
  staffDistribution: DEFAULT_STAFF_DISTRIBUTION,
};

const predikat = z.enum(['Sangat Baik', 'Baik', 'Butuh Perbaikan', 'Kurang', 'Sangat Kurang']);
const share = z.number().min(0).max(1);

/** Every field optional: what an administrator leaves out keeps its default. */
export const rulesSchema = z.object({
  lowerIsBetter: z.enum(['reflected', 'inverse']).default(DEFAULT_RULES.lowerIsBetter),
  cap: z.number().positive().nullable().default(DEFAULT_RULES.cap),
  scale: z
    .object({
      name: z.string().min(1),
      // The lowest band catches everything below it, so its min may be any number.
      bands: z.array(z.object({ label: z.string().min(1), min: z.number() })).min(1),
    })
    .default(DEFAULT_RULES.scale),
  quarterAggregation: z.enum(['cumulative', 'last', 'by_unit']).default(DEFAULT_RULES.quarterAggregation),
  indicatorWeighting: z.enum(['when_given', 'never']).default(DEFAULT_RULES.indicatorWeighting),
  staffDistribution: z
    .array(
      z.object({
        unitPredicates: z.array(z.string().min(1)).min(1),
        bounds: z.array(
          z.object({ predikats: z.array(predikat).min(1), max: share.optional(), min: share.optional(), minCount: z.number().int().min(0).optional() }),
        ),
      }),
    )
    .default(DEFAULT_RULES.staffDistribution),
});

/** Reads an administrator's overrides (a partial rules object) into complete rules, or lists the problems. */
export function parseRules(input: unknown = {}): Validated<Rules> {
  const parsed = rulesSchema.safeParse(input ?? {});
  if (!parsed.success) return { ok: false, problems: problemsFromZodIssues(parsed.error.issues) };
  const value: Rules = parsed.data;
  return { ok: true, value };
}
