// Category scales and predicates as data (DOMAIN.md "Predicates"): regions differ, so a scale is
// a value an administrator can replace, never a chain of ifs.

/** One band of a scale: a capaian at or above `min` (and below the next band up) gets `label`. */
export interface ScaleBand {
  label: string;
  min: number;
}

/**
 * Bands in any order. A value below every band's `min` falls into the lowest band, so the lowest
 * band's min only documents the scale (finite, so rules survive JSON).
 */
export interface CategoryScale {
  name: string;
  bands: ScaleBand[];
}

/**
 * Default 5-level scale: ≥ 91 Sangat Baik; 76–90 Baik; 66–75 Cukup; 51–65 Kurang; ≤ 50 Sangat Kurang.
 * The published bands are integers; a value in a gap (90.5) belongs to the lower band, because a
 * band starts at its published minimum ("≥ 91").
 */
export const DEFAULT_CAPAIAN_SCALE: CategoryScale = {
  name: 'lima-tingkat',
  bands: [
    { label: 'Sangat Baik', min: 91 },
    { label: 'Baik', min: 76 },
    { label: 'Cukup', min: 66 },
    { label: 'Kurang', min: 51 },
    { label: 'Sangat Kurang', min: 0 },
  ],
};

/** An example 6-level scale as some regions use; given to show that a scale is only data. */
export const SIX_LEVEL_CAPAIAN_SCALE_EXAMPLE: CategoryScale = {
  name: 'enam-tingkat',
  bands: [
    { label: 'Sangat Baik', min: 90 },
    { label: 'Baik', min: 80 },
    { label: 'Cukup', min: 70 },
    { label: 'Sedang', min: 60 },
    { label: 'Kurang', min: 50 },
    { label: 'Sangat Kurang', min: 0 },
  ],
};

/** The category of a capaian on a scale; null for "tidak dinilai" (no capaian). */
export function categorize(capaian: number | null, scale: CategoryScale = DEFAULT_CAPAIAN_SCALE): string | null {
  if (capaian === null) return null;
  const bands = [...scale.bands].sort((a, b) => b.min - a.min);
  const band = bands.find((candidate) => capaian >= candidate.min);
  return band ? band.label : bands[bands.length - 1]?.label ?? null;
}

// ---- employee predikat (PermenPANRB 6/2022) -------------------------------------------------

export type Expectation = 'di_atas' | 'sesuai' | 'di_bawah';
export type EmployeePredikat = 'Sangat Baik' | 'Baik' | 'Butuh Perbaikan' | 'Kurang' | 'Sangat Kurang';

/** Rows: hasil kerja (results); columns: perilaku (behaviour). */
export const EMPLOYEE_PREDIKAT_MATRIX: Readonly<Record<Expectation, Readonly<Record<Expectation, EmployeePredikat>>>> = {
  di_atas: { di_atas: 'Sangat Baik', sesuai: 'Baik', di_bawah: 'Kurang' },
  sesuai: { di_atas: 'Baik', sesuai: 'Baik', di_bawah: 'Kurang' },
  di_bawah: { di_atas: 'Butuh Perbaikan', sesuai: 'Butuh Perbaikan', di_bawah: 'Sangat Kurang' },
};

export function employeePredikat(hasilKerja: Expectation, perilaku: Expectation): EmployeePredikat {
  return EMPLOYEE_PREDIKAT_MATRIX[hasilKerja][perilaku];
}

// ---- the unit's predicate bounds its staff's distribution -----------------------------------

/** The share (0–1) of staff whose predikat is one of `predikats` must lie within [min, max]. */
export interface ShareBound {
  predikats: EmployeePredikat[];
  max?: number;
  min?: number;
  /** "Harus ada": at least this many staff (independent of the share). */
  minCount?: number;
}

export interface StaffDistributionRule {
  /** Unit predicates this rule applies to; aliases let the capaian scale's labels match. */
  unitPredicates: string[];
  bounds: ShareBound[];
}

/**
 * Default distribution rules (SE MenPANRB on employee performance, as summarised in the guidance on
 * PermenPANRB 6/2022). Organisation predicates "Istimewa" and "Butuh Perbaikan" are aliased to the
 * capaian scale's "Sangat Baik" and "Cukup".
 */
export const DEFAULT_STAFF_DISTRIBUTION: StaffDistributionRule[] = [
  { unitPredicates: ['Istimewa', 'Sangat Baik'], bounds: [{ predikats: ['Sangat Baik'], max: 0.7 }] },
  {
    unitPredicates: ['Baik'],
    bounds: [
      { predikats: ['Baik'], max: 0.7 },
      { predikats: ['Butuh Perbaikan', 'Kurang'], minCount: 1 },
    ],
  },
  {
    unitPredicates: ['Butuh Perbaikan', 'Cukup'],
    bounds: [
      { predikats: ['Butuh Perbaikan'], min: 0.6 },
      { predikats: ['Sangat Baik'], max: 0.1 },
    ],
  },
  {
    unitPredicates: ['Kurang'],
    bounds: [
      { predikats: ['Kurang'], min: 0.6 },
      { predikats: ['Butuh Perbaikan'], min: 0.1 },
      { predikats: ['Sangat Baik'], max: 0.1 },
    ],
  },
  {
    unitPredicates: ['Sangat Kurang'],
    bounds: [
      { predikats: ['Sangat Kurang'], min: 0.6 },
      { predikats: ['Kurang', 'Butuh Perbaikan'], min: 0.1 },
      { predikats: ['Sangat Baik'], max: 0 },
    ],
  },
];

export interface DistributionViolation {
  predikats: EmployeePredikat[];
  kind: 'above_max' | 'below_min' | 'below_min_count';
  limit: number;
  actual: number;
  message: string;
}

/**
 * Checks a unit's staff predikats against its predicate's distribution rule. Shares are compared
 * exactly (3 of 4 staff is 75%, over a 70% bound): rounding in the staff's favour would let small
 * units always pass. An empty staff list or a predicate without a rule has nothing to violate.
 */
export function checkStaffDistribution(
  unitPredicate: string,
  staff: ReadonlyArray<EmployeePredikat>,
  rules: ReadonlyArray<StaffDistributionRule> = DEFAULT_STAFF_DISTRIBUTION,
): DistributionViolation[] {
  const rule = rules.find((candidate) => candidate.unitPredicates.includes(unitPredicate));
  if (!rule || staff.length === 0) return [];
  const violations: DistributionViolation[] = [];
  for (const bound of rule.bounds) {
    const count = staff.filter((predikat) => bound.predikats.includes(predikat)).length;
    const share = count / staff.length;
    const which = bound.predikats.join('/');
    if (bound.max !== undefined && share > bound.max) {
      violations.push({ predikats: bound.predikats, kind: 'above_max', limit: bound.max, actual: share,
        message: `A "${unitPredicate}" unit may rate at most ${percent(bound.max)} of staff ${which}; it rates ${percent(share)}` });
    }
    if (bound.min !== undefined && share < bound.min) {
      violations.push({ predikats: bound.predikats, kind: 'below_min', limit: bound.min, actual: share,
        message: `A "${unitPredicate}" unit must rate at least ${percent(bound.min)} of staff ${which}; it rates ${percent(share)}` });
    }
    if (bound.minCount !== undefined && count < bound.minCount) {
      violations.push({ predikats: bound.predikats, kind: 'below_min_count', limit: bound.minCount, actual: count,
        message: `A "${unitPredicate}" unit must rate at least ${bound.minCount} staff ${which}; it rates ${count}` });
    }
  }
  return violations;
}

const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;
