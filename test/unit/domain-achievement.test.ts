import {
  achievement,
  averageCapaian,
  budgetAbsorption,
  efficiency,
  inferAggregation,
  yearAchievement,
  type AchievementRules,
  type TargetSpec,
} from '../../domain/achievement';

const reflected: AchievementRules = { lowerIsBetter: 'reflected', cap: 120 };
const inverse: AchievementRules = { lowerIsBetter: 'inverse', cap: 120 };
const uncapped: AchievementRules = { lowerIsBetter: 'reflected', cap: null };

describe('achievement of one value (DOMAIN.md worked examples)', () => {
  const rows: Array<[string, TargetSpec, number | null, AchievementRules, number | null]> = [
    ['up: 80 of 100', { direction: 'up', target: 100 }, 80, reflected, 80],
    ['up: target 80, realisasi 100 → 125, capped at 120', { direction: 'up', target: 80 }, 100, reflected, 120],
    ['up: uncapped 125', { direction: 'up', target: 80 }, 100, uncapped, 125],
    ['down (reflected): target 10, realisasi 12 → (20−12)/10 = 80', { direction: 'down', target: 10 }, 12, reflected, 80],
    ['down (inverse): target 10, realisasi 12 → 83.33', { direction: 'down', target: 10 }, 12, inverse, 83.333333],
    ['down (reflected): better than target, 8 of 10 → 120', { direction: 'down', target: 10 }, 8, reflected, 120],
    ['down (reflected): far worse, 25 of 10 → −50 clamped to 0', { direction: 'down', target: 10 }, 25, reflected, 0],
    ['down (inverse): realisasi 0 → the cap', { direction: 'down', target: 10 }, 0, inverse, 120],
    ['range 80–90, 85 inside → 100', { direction: 'up', target: 90, range: [80, 90] }, 85, reflected, 100],
    ['range 80–90, 70 below → 70/80 = 87.5', { direction: 'up', target: 90, range: [80, 90] }, 70, reflected, 87.5],
    ['range 80–90, 99 above → (180−99)/90 = 90', { direction: 'up', target: 90, range: [80, 90] }, 99, reflected, 90],
    ['range 80–90, bound 80 → 100', { direction: 'up', target: 90, range: [80, 90] }, 80, reflected, 100],
    ['up: target 0 met → 100', { direction: 'up', target: 0 }, 3, reflected, 100],
    ['down: target 0 (zero deaths) kept → 100', { direction: 'down', target: 0 }, 0, reflected, 100],
    ['down: target 0 missed → 0', { direction: 'down', target: 0 }, 2, reflected, 0],
    ['up: negative growth clamps at 0', { direction: 'up', target: 5.1 }, -1.2, reflected, 0],
    ['float noise does not leak: 91 of 100', { direction: 'up', target: 100 }, 91, reflected, 91],
  ];
  it.each(rows)('%s', (_name, spec, realisasi, rules, expected) => {
    const result = achievement(spec, realisasi, rules);
    expect(result.status).toBe('assessed');
    expect(result.capaian).toBeCloseTo(expected as number, 5);
  });

  it.each([
    ['no target', { direction: 'up', target: null } as TargetSpec, 5, 'no_target'],
    ['no realization', { direction: 'up', target: 10 } as TargetSpec, null, 'no_realization'],
  ])('%s → tidak dinilai (null, never 0)', (_name, spec, realisasi, reason) => {
    expect(achievement(spec, realisasi)).toEqual({ status: 'not_assessed', capaian: null, reason });
  });
});

describe('across quarters', () => {
  const count = { direction: 'up' as const, unit: 'orang', target: 400, aggregation: 'cumulative' as const };
  const level = { direction: 'up' as const, unit: '%', target: 90, aggregation: 'last' as const };

  it.each([
    ['cumulative against the yearly target: (50+100+100)/400', count, [50, 100, 100, null], 62.5, 250, 400],
    ['cumulative against quarterly targets of reported quarters', { ...count, quarterlyTargets: [50, 100, 150, 100] as [number, number, number, number] }, [50, 100, 100, null], 83.333333, 250, 300],
    ['last reported quarter for a level indicator: Q3 72 of 90', level, [60, 70, 72, null], 80, 72, 90],
    ['last reported quarter against its quarterly target', { ...level, quarterlyTargets: [60, 70, 80, 90] as [number, number, number, number] }, [60, 70, 72, null], 90, 72, 80],
    ['a gap in reporting: last is the latest reported', level, [60, null, 81, null], 90, 81, 90],
  ])('%s', (_name, indicator, values, capaian, realisasi, target) => {
    const year = yearAchievement(indicator, values);
    expect(year.achievement.capaian).toBeCloseTo(capaian, 5);
    expect(year.realisasi).toBe(realisasi);
    expect(year.target).toBe(target);
  });

  it('nothing reported → tidak dinilai', () => {
    expect(yearAchievement(count, [null, null, null, null]).achievement.status).toBe('not_assessed');
  });

  it.each([
    ['%', 'last'],
    ['per 100.000 KH', 'last'],
    ['indeks', 'last'],
    ['orang', 'cumulative'],
    ['km', 'cumulative'],
    ['dokumen', 'cumulative'],
  ])('infers aggregation from the Satuan %s → %s', (unit, expected) => {
    expect(inferAggregation(unit)).toBe(expected);
  });

  it('the indicator’s own aggregation wins over the inferred one', () => {
    const year = yearAchievement({ direction: 'up', unit: '%', target: 100, aggregation: 'cumulative' }, [10, 20, null, null]);
    expect(year.realisasi).toBe(30);
  });
});

describe('across indicators and budget', () => {
  it.each([
    ['simple average', [{ capaian: 80 }, { capaian: 100 }], 90],
    ['tidak dinilai excluded (not counted as 0)', [{ capaian: 80 }, { capaian: null }, { capaian: 100 }], 90],
    ['weighted when weights are given: (80×3 + 100×1)/4', [{ capaian: 80, weight: 3 }, { capaian: 100, weight: 1 }], 85],
    ['weighted, tidak dinilai excluded with its weight', [{ capaian: 80, weight: 3 }, { capaian: null, weight: 5 }, { capaian: 100, weight: 1 }], 85],
    ['nothing assessed → null', [{ capaian: null }], null],
  ])('%s', (_name, items, expected) => {
    const score = averageCapaian(items);
    if (expected === null) expect(score).toBeNull();
    else expect(score).toBeCloseTo(expected, 6);
  });

  it('weights ignored when the rules say never', () => {
    expect(averageCapaian([{ capaian: 80, weight: 3 }, { capaian: 100, weight: 1 }], 'never')).toBe(90);
  });

  it.each([
    [1_000_000_000, 850_000_000, 85],
    [1_000_000_000, 1_100_000_000, 110],
    [0, 100, null],
  ])('serapan of pagu %d with %d spent = %p', (pagu, spent, expected) => {
    expect(budgetAbsorption(pagu, spent)).toBe(expected);
  });

  it('efficiency = average capaian − serapan', () => {
    expect(efficiency(95, 85)).toBe(10);
    expect(efficiency(null, 85)).toBeNull();
  });
});
