import {
  categorize,
  checkStaffDistribution,
  employeePredikat,
  SIX_LEVEL_CAPAIAN_SCALE_EXAMPLE,
  bandBound,
  bandsDescending,
  type CategoryScale,
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

});

describe('band bounds as regions publish them: "> n" (above) and "≥ n" (atLeast)', () => {
  // ">85–100 Memuaskan; >75–85 Sangat Baik; >65–75 Baik; >50–65 Cukup Baik; >30–50 Agak Kurang; 0–30 Kurang"
  it.each([
    [110, 'Memuaskan'], // over 100 (a cap of 110 allows it): the top band is open upwards
    [85.01, 'Memuaskan'],
    [85, 'Sangat Baik'], // exactly on "> 85": not in it
    [75.5, 'Sangat Baik'],
    [75, 'Baik'],
    [65.01, 'Baik'],
    [65, 'Cukup Baik'],
    [50, 'Agak Kurang'],
    [30.01, 'Agak Kurang'],
    [30, 'Kurang'],
    [0, 'Kurang'],
  ])('six levels: %p → %s', (capaian, label) => {
    expect(categorize(capaian, SIX_LEVEL_CAPAIAN_SCALE_EXAMPLE)).toBe(label);
  });

  it('"> 85" and "≥ 85" on one scale: 85 itself is in the ≥ band, anything over it in the > band, whatever the order given', () => {
    const scale: CategoryScale = { name: 'x', bands: [{ label: 'Cukup', atLeast: 0 }, { label: 'Baik', atLeast: 85 }, { label: 'Sangat Baik', above: 85 }] };
    expect(categorize(85, scale)).toBe('Baik');
    expect(categorize(85.01, scale)).toBe('Sangat Baik');
    expect(categorize(84.99, scale)).toBe('Cukup');
    expect(bandsDescending(scale).map((b) => b.label)).toEqual(['Sangat Baik', 'Baik', 'Cukup']);
  });

  it('a stored scale of the older shape ({ label, min }) still means "≥ min"', () => {
    const old: CategoryScale = { name: 'lama', bands: [{ label: 'Baik', min: 80 }, { label: 'Kurang', min: 0 }] };
    expect(categorize(80, old)).toBe('Baik');
    expect(categorize(79.99, old)).toBe('Kurang');
    expect(bandBound({ label: 'Baik', min: 80 })).toEqual({ value: 80, inclusive: true });
  });

  it('below the lowest bound is still the lowest band', () => {
    expect(categorize(-5, SIX_LEVEL_CAPAIAN_SCALE_EXAMPLE)).toBe('Kurang');
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
