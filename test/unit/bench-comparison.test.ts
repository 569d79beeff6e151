// The benchmark table that puts the two topologies side by side pairs each cluster figure with the
// dev server's same figure, whatever request counts their labels carry.
import { comparisonTable, type BenchResult } from '../../bench/support/results';

const result = (name: string, rows: Array<[string, number, number]>): BenchResult => ({
  name, startedAt: '2026-11-30T00:00:00Z', seconds: 1, params: {}, details: {},
  rows: rows.map(([figure, value, ratio]) => ({ figure, value, unit: 'ms', ratio })),
});

test('each cluster figure is paired with the same figure on the dev server', () => {
  const table = comparisonTable([
    result('human-actions', [['sign (enrolled official) p50 (399 requests, 50 officials at once)', 3000, 20], ['sign (official\'s first: key + certificate) p50 (400 requests, 50 officials at once)', 5000, 30]]),
    result('human-actions.cluster', [['sign (enrolled official) p50 (398 requests, 50 officials at once)', 1500, 10], ['sign (official\'s first: key + certificate) p50 (400 requests, 50 officials at once)', 2500, 12]]),
  ]).split('\n');
  expect(table).toHaveLength(4);
  expect(table[2]).toContain('| 3,000 ms (20 of ceiling) | 1,500 ms (10 of ceiling) | 0.5 |');
  expect(table[3]).toContain('| 5,000 ms (30 of ceiling) | 2,500 ms (12 of ceiling) | 0.5 |');
});

test('a benchmark that ran on the cluster only shows no dev server figure', () => {
  const table = comparisonTable([result('cycle-start.cluster', [['start rate, 500 positions', 30, 0.44]])]);
  expect(table.split('\n')[2]).toBe('| cycle-start | start rate, 500 positions | – | 30 ms (0.44 of ceiling) | – |');
});
