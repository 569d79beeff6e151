// The rules an organisation may set for itself where sources disagree, with
// their defaults (DEFAULT_RULES) and a zod schema so administrators can override any part of them.
// (Deadlines and the reminder ladder are part of the cycle calendar: domain/schedule.ts.)
import { z } from 'zod';
import type { LowerIsBetterFormula, QuarterAggregation, Weighting } from './achievement';
import { bandBound, DEFAULT_CAPAIAN_SCALE, DEFAULT_STAFF_DISTRIBUTION, type CategoryScale, type ScaleBand, type StaffDistributionRule } from './predicates';
import type { Problem, Validated } from './problem';
import { DEFAULT_HASIL_KERJA_MAPPING, type HasilKerjaMapping } from './employee-rating';
import { coded, problemsFromZodIssues } from './schema-problems';

export interface Rules {
  lowerIsBetter: LowerIsBetterFormula;
  /** Capaian cap in percent; null = uncapped. */
  cap: number | null;
  scale: CategoryScale;
  /** How an indicator without its own `aggregation` combines quarters; 'by_unit' infers it from the Satuan. */
  quarterAggregation: QuarterAggregation | 'by_unit';
  indicatorWeighting: Weighting;
  staffDistribution: StaffDistributionRule[];
  /** How a PK's capaian proposes the official's hasil kerja (the pejabat penilai decides). */
  hasilKerjaFromCapaian: HasilKerjaMapping;
}

export const DEFAULT_RULES: Rules = {
  lowerIsBetter: 'reflected',
  cap: 120,
  scale: DEFAULT_CAPAIAN_SCALE,
  quarterAggregation: 'by_unit',
  indicatorWeighting: 'when_given',
  staffDistribution: DEFAULT_STAFF_DISTRIBUTION,
  hasilKerjaFromCapaian: DEFAULT_HASIL_KERJA_MAPPING,
};

const predikat = z.enum(['Sangat Baik', 'Baik', 'Butuh Perbaikan', 'Kurang', 'Sangat Kurang']);
const share = z.number().min(0).max(1);
const BOUND_KEYS = ['atLeast', 'above', 'min'] as const;

/**
 * A band with exactly one lower bound: `atLeast` ("≥ n") or `above` ("> n"); `min` (the older
 * shape) is read as `atLeast`. Parsed bands are written back as atLeast/above only.
 */
const bandSchema = z
  .strictObject({
    label: z.string().trim().min(1, 'a band needs a label').max(100),
    atLeast: z.number().optional().describe('"≥ n": a capaian of n or more is in this band (up to the next band)'),
    above: z.number().optional().describe('"> n": a capaian over n is in this band (up to the next band)'),
    min: z.number().optional().describe('older name of atLeast, still read'),
  })
  .superRefine((band, ctx) => {
    const given = BOUND_KEYS.filter((key) => band[key] !== undefined);
    if (given.length === 1) return;
    ctx.addIssue({
      code: 'custom',
      path: given.length === 0 ? [] : [given[1]],
      ...coded('invalid_band_bound', 'A band has exactly one lower bound: "atLeast" (≥) or "above" (>)'),
    });
  })
  .transform((band): ScaleBand => (band.above !== undefined ? { label: band.label, above: band.above } : { label: band.label, atLeast: (band.atLeast ?? band.min) as number }));

const scaleSchema = z
  .strictObject({
    name: z.string().trim().min(1, 'a scale needs a name').max(100),
    bands: z
      .array(bandSchema)
      .min(1, 'a scale needs at least one band')
      .max(20)
      .describe('Any order; each band has one lower bound (atLeast or above); below every bound is the lowest band'),
  })
  .superRefine((scale, ctx) => {
    const labels = new Set<string>();
    const bounds = new Set<string>();
    scale.bands.forEach((band, i) => {
      if (labels.has(band.label)) ctx.addIssue({ code: 'custom', path: ['bands', i, 'label'], ...coded('duplicate_band_label', `Label "${band.label}" is used by two bands`) });
      labels.add(band.label);
      const { value, inclusive } = bandBound(band);
      const key = `${inclusive ? '≥' : '>'} ${value}`;
      if (bounds.has(key)) {
        ctx.addIssue({ code: 'custom', path: ['bands', i, inclusive ? 'atLeast' : 'above'], ...coded('duplicate_band_bound', `Two bands start at ${key}`) });
      }
      bounds.add(key);
    });
  });

/**
 * What an administrator may set, every field optional: what is left out keeps its default (at
 * import) or its stored value (a rules change). Strict, so a misspelt field is a problem, not a
 * silently ignored default.
 */
export const rulesOverridesSchema = z.strictObject({
  lowerIsBetter: z.enum(['reflected', 'inverse']).optional().describe('lower is better: reflected (2 × target − realisasi) / target × 100 (default) or inverse target / realisasi × 100'),
  cap: z.number().positive().max(1000).nullable().optional().describe('capaian cap in percent (default 120); null = uncapped'),
  scale: scaleSchema.optional(),
  quarterAggregation: z.enum(['cumulative', 'last', 'by_unit']).optional().describe('how an indicator without its own aggregation combines quarters (default by_unit: from its Satuan)'),
  indicatorWeighting: z.enum(['when_given', 'never']).optional(),
  staffDistribution: z
    .array(
      z.strictObject({
        unitPredicates: z.array(z.string().min(1)).min(1),
        bounds: z.array(
          z.strictObject({ predikats: z.array(predikat).min(1), max: share.optional(), min: share.optional(), minCount: z.number().int().min(0).optional() }),
        ),
      }),
    )
    .optional(),
  hasilKerjaFromCapaian: z
    .strictObject({
      diAtasAbove: z.number().min(0).max(1000).describe('a capaian over this proposes hasil kerja "di atas ekspektasi" (default 100)'),
      sesuaiAtLeast: z.number().min(0).max(1000).describe('a capaian of at least this proposes "sesuai ekspektasi" (default 76); below it "di bawah"'),
    })
    .refine((m) => m.sesuaiAtLeast <= m.diAtasAbove, { path: ['sesuaiAtLeast'], message: 'sesuaiAtLeast must not exceed diAtasAbove' })
    .optional(),
});
export type RulesOverrides = z.input<typeof rulesOverridesSchema>;

/** `base` with the given overrides (each given field replaces the whole field), or the problems. */
export function applyRules(base: Rules, input: unknown = {}): Validated<Rules> {
  const parsed = rulesOverridesSchema.safeParse(input ?? {});
  if (!parsed.success) return { ok: false, problems: problemsFromZodIssues(parsed.error.issues) };
  const given = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)) as Partial<Rules>;
  return { ok: true, value: { ...base, ...given } };
}

/** Reads an administrator's overrides, or stored rules (older shapes too), into complete rules, or lists the problems. */
export function parseRules(input: unknown = {}): Validated<Rules> {
  return applyRules(DEFAULT_RULES, input);
}

/** Problems of a nested rules object, addressed from the enclosing document (e.g. "/rules"). */
export const problemsUnder = (prefix: string, problems: Problem[]): Problem[] => problems.map((p) => ({ ...p, path: prefix + p.path }));
