// Category scales and predicates as data (the domain's predicates): regions differ, so a scale is
// a value an administrator can replace, never a chain of ifs.

/**
 * One band of a scale, bounded below the way regions publish it: `atLeast: 85` is "≥ 85", `above: 85`
 * is "> 85". A band reaches up to the next band's bound (the top band is open: a capaian over 100
 * that the cap allows stays in it). `min` is the shape stored before bands had two kinds and means
 * `atLeast`; it is still read, never written.
 */
export type ScaleBand =
  | { label: string; atLeast: number }
  | { label: string; above: number }
  | { label: string; min: number };

/**
 * Bands in any order. A value below every band's bound falls into the lowest band, so the lowest
 * band's bound only documents the scale (finite, so rules survive JSON).
 */
export interface CategoryScale {
  name: string;
  bands: ScaleBand[];
}

/** A band's lower bound: the number and whether the number itself belongs to the band. */
export function bandBound(band: ScaleBand): { value: number; inclusive: boolean } {
  if ('above' in band) return { value: band.above, inclusive: false };
  if ('atLeast' in band) return { value: band.atLeast, inclusive: true };
  return { value: band.min, inclusive: true };
}

/** Highest band first; at the same number "> n" is above "≥ n" (it starts just after n). */
export function bandsDescending(scale: CategoryScale): ScaleBand[] {
  return [...scale.bands].sort((a, b) => {
    const x = bandBound(a);
    const y = bandBound(b);
    if (x.value !== y.value) return y.value - x.value;
    return Number(x.inclusive) - Number(y.inclusive);
  });
}

/**
 * Default 5-level scale: ≥ 91 Sangat Baik; 76–90 Baik; 66–75 Cukup; 51–65 Kurang; ≤ 50 Sangat Kurang.
 * The published bands are integers; a value in a gap (90.5) belongs to the lower band, because a
 * band starts at its published minimum ("≥ 91").
 */
export const DEFAULT_CAPAIAN_SCALE: CategoryScale = {
  name: 'lima-tingkat',
  bands: [
    { label: 'Sangat Baik', atLeast: 91 },
    { label: 'Baik', atLeast: 76 },
    { label: 'Cukup', atLeast: 66 },
    { label: 'Kurang', atLeast: 51 },
    { label: 'Sangat Kurang', atLeast: 0 },
  ],
};

/**
 * A 6-level scale as some regions publish it, with bounds that exclude their number:
 * ">85–100 Memuaskan; >75–85 Sangat Baik; >65–75 Baik; >50–65 Cukup Baik; >30–50 Agak Kurang; 0–30 Kurang".
 * Given to show that a scale is only data (README "Rules per cycle").
 */
export const SIX_LEVEL_CAPAIAN_SCALE_EXAMPLE: CategoryScale = {
  name: 'enam-tingkat',
  bands: [
    { label: 'Memuaskan', above: 85 },
    { label: 'Sangat Baik', above: 75 },
    { label: 'Baik', above: 65 },
    { label: 'Cukup Baik', above: 50 },
    { label: 'Agak Kurang', above: 30 },
    { label: 'Kurang', atLeast: 0 },
  ],
};

/** The category of a capaian on a scale; null for "tidak dinilai" (no capaian). */
export function categorize(capaian: number | null, scale: CategoryScale = DEFAULT_CAPAIAN_SCALE): string | null {
  if (capaian === null) return null;
  const bands = bandsDescending(scale);
  const band = bands.find((candidate) => {
    const bound = bandBound(candidate);
    return bound.inclusive ? capaian >= bound.value : capaian > bound.value;
  });
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
