import { applyAdjustments, evaluateAgreement, evaluateUnit } from '../../domain/evaluation';
import { parseRules, DEFAULT_RULES } from '../../domain/rules';
import type { AgreementContent, Indicator, QuarterReport } from '../../domain/types';

const ind = (id: string, overrides: Partial<Indicator>): Indicator => ({
  id, name: id, unit: '%', direction: 'up', target: 100, parentIndicatorId: 'p', ...overrides,
});

const content: AgreementContent = {
  objectives: [
    {
      text: 'Meningkatnya derajat kesehatan',
      indicators: [
        ind('persalinan', { unit: '%', target: 95 }), // level: last quarter
        ind('aki', { unit: 'per 100.000 KH', direction: 'down', target: 180 }),
        ind('posyandu', { unit: 'unit', target: 400 }), // count: cumulative
        ind('survei', { unit: 'indeks', target: null }), // no target → tidak dinilai
      ],
    },
  ],
  budget: [
    { program: 'Program A', amount: 600_000_000 },
    { program: 'Program B', amount: 400_000_000 },
  ],
};

const report = (quarter: 1 | 2 | 3 | 4, values: Record<string, number | null>, spent: number[]): QuarterReport => ({
  quarter,
  realizations: Object.entries(values).map(([indicatorId, value]) => ({ indicatorId, value })),
  budgetSpent: spent,
});

const reports = [
  report(1, { persalinan: 80, aki: 200, posyandu: 100 }, [100_000_000, 50_000_000]),
  report(2, { persalinan: 85, aki: 190, posyandu: 100 }, [150_000_000, 100_000_000]),
  report(3, { persalinan: 90, aki: 185, posyandu: 100 }, [150_000_000, 100_000_000]),
  report(4, { persalinan: 95, aki: 171, posyandu: 120, survei: 3.2 }, [100_000_000, 100_000_000]),
];

describe('evaluateAgreement', () => {
  const evaluation = evaluateAgreement(content, reports);

  it.each([
    ['persalinan: last quarter 95 of 95', 'persalinan', 100, 'Sangat Baik', 'assessed'],
    ['aki: last quarter, (360−171)/180 = 105', 'aki', 105, 'Sangat Baik', 'assessed'],
    ['posyandu: cumulative 420/400 = 105', 'posyandu', 105, 'Sangat Baik', 'assessed'],
    ['survei: no target → tidak dinilai', 'survei', null, null, 'not_assessed'],
  ])('%s', (_name, indicatorId, capaian, category, status) => {
    const found = evaluation.indicators.find((i) => i.indicatorId === indicatorId)!;
    expect(found.capaian === null ? null : Number(found.capaian.toFixed(6))).toBe(capaian);
    expect(found.category).toBe(category);
    expect(found.status).toBe(status);
  });

  it('scores the PK without the unassessed indicator, with budget and efficiency', () => {
    expect(evaluation.score).toBeCloseTo((100 + 105 + 105) / 3, 6);
    expect(evaluation.predicate).toBe('Sangat Baik');
    expect(evaluation.budget).toEqual({ pagu: 1_000_000_000, spent: 850_000_000, absorption: 85 });
    expect(evaluation.efficiency).toBeCloseTo((100 + 105 + 105) / 3 - 85, 6);
  });

  it('a corrected report for a quarter replaces the earlier one', () => {
    const corrected = evaluateAgreement(content, [...reports, report(4, { persalinan: 76 }, [0, 0])]);
    expect(corrected.indicators[0].capaian).toBeCloseTo(80, 6);
    expect(corrected.budget.spent).toBe(650_000_000);
  });

  it('follows the organisation’s rules: inverse formula, no cap', () => {
    const rules = parseRules({ lowerIsBetter: 'inverse', cap: null });
    if (!rules.ok) throw new Error('rules');
    const custom = evaluateAgreement(content, reports, rules.value);
    expect(custom.indicators[1].capaian).toBeCloseTo((180 / 171) * 100, 4);
  });

  it('weights the score when the PK gives weights', () => {
    const weighted: AgreementContent = {
      objectives: [{ text: 'x', indicators: [ind('a', { weight: 3 }), ind('b', { weight: 1 })] }],
      budget: [],
    };
    const result = evaluateAgreement(weighted, [report(4, { a: 80, b: 100 }, [])]);
    expect(result.score).toBe(85);
    expect(result.budget.absorption).toBeNull();
    expect(result.efficiency).toBeNull();
  });
});

describe('evaluateUnit', () => {
  it.each([
    [[90, 80, null], 85, 'Baik'],
    [[95, 91], 93, 'Sangat Baik'],
    [[null], null, null],
  ])('%o → %p %p', (scores, score, predicate) => {
    expect(evaluateUnit(scores)).toEqual({ score, predicate });
  });
});

describe('applyAdjustments', () => {
  const evaluation = evaluateAgreement(content, reports);

  it('keeps the computed value beside the team’s, and rescores', () => {
    const result = applyAdjustments(evaluation, [{ indicatorId: 'aki', value: 90, reason: 'Data Q4 belum diverifikasi Dinkes Provinsi', by: '197001011990011001' }]);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    const aki = result.value.indicators.find((i) => i.indicatorId === 'aki')!;
    expect(aki.capaian).toBe(90);
    expect(aki.computedCapaian).toBeCloseTo(105, 6);
    expect(aki.adjustment?.reason).toMatch(/belum diverifikasi/);
    expect(result.value.computedScore).toBe(evaluation.score);
    expect(result.value.score).toBeCloseTo((100 + 90 + 105) / 3, 6);
  });

  it('the team may assess an indicator the formulas could not, and may set the score itself', () => {
    const result = applyAdjustments(evaluation, [
      { indicatorId: 'survei', value: 70, reason: 'Dinilai dari laporan survei' },
      { indicatorId: null, value: 88, reason: 'Keputusan tim evaluasi' },
    ]);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.value.indicators[3]).toMatchObject({ capaian: 70, status: 'assessed', category: 'Cukup', computedCapaian: null });
    expect(result.value.score).toBe(88);
    expect(result.value.predicate).toBe('Baik');
    expect(result.value.computedPredicate).toBe('Sangat Baik');
  });

  it.each([
    ['no reason', { indicatorId: 'aki', value: 90, reason: '  ' }, 'missing_reason', '/0/reason'],
    ['negative value', { indicatorId: 'aki', value: -1, reason: 'x' }, 'invalid_value', '/0/value'],
    ['unknown indicator', { indicatorId: 'ghost', value: 90, reason: 'x' }, 'unknown_indicator', '/0/indicatorId'],
  ])('rejects an adjustment with %s', (_name, adjustment, code, path) => {
    const result = applyAdjustments(evaluation, [adjustment]);
    expect(result.ok ? [] : result.problems).toEqual([expect.objectContaining({ code, path })]);
  });
});

describe('rules', () => {
  it('defaults are DOMAIN.md’s', () => {
    const parsed = parseRules();
    expect(parsed.ok && parsed.value).toEqual(DEFAULT_RULES);
    expect(DEFAULT_RULES).toMatchObject({ lowerIsBetter: 'reflected', cap: 120, quarterAggregation: 'by_unit' });
  });

  it('an override keeps the other defaults and survives JSON', () => {
    const parsed = parseRules(JSON.parse(JSON.stringify({ ...DEFAULT_RULES, lowerIsBetter: 'inverse', cap: null })));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(parsed.value.lowerIsBetter).toBe('inverse');
    expect(parsed.value.cap).toBeNull();
    expect(parsed.value.scale).toEqual(DEFAULT_RULES.scale);
  });

  it.each([
    [{ cap: -5 }, '/cap'],
    [{ lowerIsBetter: 'guess' }, '/lowerIsBetter'],
    [{ quarterAggregation: 'sum' }, '/quarterAggregation'],
    [{ scale: { name: 'x', bands: [] } }, '/scale/bands'],
    [{ scale: { name: 'x', bands: [{ label: 'A', atLeast: 0 }, { label: 'B', above: '85' }] } }, '/scale/bands/1/above'],
    [{ scale: { name: 'x', bands: [{ label: 'A', atLeast: 0 }, { label: 'B', above: 85, atLeast: 85 }] } }, '/scale/bands/1/above'],
    [{ scale: { name: 'x', bands: [{ label: 'A', atLeast: 0 }, { label: 'B' }] } }, '/scale/bands/1'],
    [{ scale: { name: 'x', bands: [{ label: 'A', atLeast: 0 }, { label: 'A', above: 50 }] } }, '/scale/bands/1/label'],
    [{ scale: { name: 'x', bands: [{ label: 'A', above: 50 }, { label: 'B', above: 50 }] } }, '/scale/bands/1/above'],
    [{ lowerIsbetter: 'inverse' }, ''],
  ])('rejects %o at %s', (input, path) => {
    const parsed = parseRules(input);
    expect(parsed.ok ? [] : parsed.problems.map((p) => p.path)).toEqual([path]);
  });

  it('names a band with two bounds, or none, and a repeated label or bound, with its own code', () => {
    const parsed = parseRules({ scale: { name: 'x', bands: [{ label: 'A', atLeast: 0 }, { label: 'B', above: 85, atLeast: 85 }, { label: 'A', atLeast: 0 }] } });
    expect(parsed.ok ? [] : parsed.problems.map((p) => [p.code, p.path])).toEqual([
      ['invalid_band_bound', '/scale/bands/1/above'],
      ['duplicate_band_label', '/scale/bands/2/label'],
      ['duplicate_band_bound', '/scale/bands/2/atLeast'],
    ]);
  });

  it('reads the older band shape { label, min } as atLeast and writes bands back as atLeast/above only', () => {
    const parsed = parseRules({ scale: { name: 'lama', bands: [{ label: 'Baik', min: 80 }, { label: 'Sangat Baik', above: 90 }] } });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(parsed.value.scale.bands).toEqual([{ label: 'Baik', atLeast: 80 }, { label: 'Sangat Baik', above: 90 }]);
  });
});
