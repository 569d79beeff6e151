import {
  categorize,
  checkStaffDistribution,
  employeePredikat,
  SIX_LEVEL_CAPAIAN_SCALE_EXAMPLE,
  type EmployeePredikat,
  type Expectation,
} from '../../domain/predicates';

describe('capaian category, default 5-level scale', () => {
  it.each([
    [120, 'Sangat Baik'],
    [91, 'Sangat Baik'],
    [90.5, 'Baik'],
    [90, 'Baik'],
    [76, 'Baik'],
    [75.5, 'Cukup'],
    [75, 'Cukup'],
    [66, 'Cukup'],
    [65, 'Kurang'],
    [51, 'Kurang'],
    [50.5, 'Sangat Kurang'],
    [50, 'Sangat Kurang'],
    [0, 'Sangat Kurang'],
  ])('%p → %s', (capaian, label) => {
    expect(categorize(capaian)).toBe(label);
  });

  it('tidak dinilai has no category', () => {
    expect(categorize(null)).toBeNull();
  });

  it('a 6-level scale is only data', () => {
    expect(categorize(65, SIX_LEVEL_CAPAIAN_SCALE_EXAMPLE)).toBe('Sedang');
    expect(categorize(49, SIX_LEVEL_CAPAIAN_SCALE_EXAMPLE)).toBe('Sangat Kurang');
  });
});

describe('employee predikat matrix (PermenPANRB 6/2022)', () => {
  const rows: Array<[Expectation, Expectation, EmployeePredikat]> = [
    ['di_atas', 'di_atas', 'Sangat Baik'],
    ['di_atas', 'sesuai', 'Baik'],
    ['di_atas', 'di_bawah', 'Kurang'],
    ['sesuai', 'di_atas', 'Baik'],
    ['sesuai', 'sesuai', 'Baik'],
    ['sesuai', 'di_bawah', 'Kurang'],
    ['di_bawah', 'di_atas', 'Butuh Perbaikan'],
    ['di_bawah', 'sesuai', 'Butuh Perbaikan'],
    ['di_bawah', 'di_bawah', 'Sangat Kurang'],
  ];
  it.each(rows)('hasil %s, perilaku %s → %s', (hasil, perilaku, expected) => {
    expect(employeePredikat(hasil, perilaku)).toBe(expected);
  });
});

describe('unit predicate bounds the staff distribution', () => {
  const staff = (counts: Partial<Record<EmployeePredikat, number>>): EmployeePredikat[] =>
    Object.entries(counts).flatMap(([predikat, n]) => Array(n).fill(predikat));

  it.each([
    ['Baik unit, 7 of 10 Baik, one Butuh Perbaikan', 'Baik', staff({ Baik: 7, 'Butuh Perbaikan': 1, 'Sangat Baik': 2 }), []],
    ['Baik unit, 8 of 10 Baik', 'Baik', staff({ Baik: 8, Kurang: 2 }), ['above_max Baik']],
    ['Baik unit, nobody Butuh Perbaikan/Kurang', 'Baik', staff({ Baik: 7, 'Sangat Baik': 3 }), ['below_min_count Butuh Perbaikan/Kurang']],
    ['Sangat Kurang unit rates one Sangat Baik', 'Sangat Kurang', staff({ 'Sangat Kurang': 7, Kurang: 2, 'Sangat Baik': 1 }), ['above_max Sangat Baik']],
    ['Sangat Kurang unit within bounds', 'Sangat Kurang', staff({ 'Sangat Kurang': 7, Kurang: 2, Baik: 1 }), []],
    ['unknown unit predicate has no rule', 'Luar Biasa', staff({ 'Sangat Baik': 10 }), []],
  ])('%s', (_name, unitPredicate, predikats, expected) => {
    const violations = checkStaffDistribution(unitPredicate, predikats);
    expect(violations.map((v) => `${v.kind} ${v.predikats.join('/')}`)).toEqual(expected);
  });
});
