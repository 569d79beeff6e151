// What every benchmark returns: figures beside their ceilings from the same run, the ratio of the
// two, and the goal. Written to bench/results/<name>.json and printed as one Markdown table.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, totalmem } from 'node:os';

export interface Row {
  figure: string;
  value: number;
  unit: string;
  /** The same quantity for the engine's ceiling (same server, same run), when there is one. */
  ceiling?: number;
  ceilingLabel?: string;
  /** value / ceiling for rates where higher is better; ceiling / value (or value / ceiling) as stated in `ratioOf`. */
  ratio?: number;
  ratioOf?: string;
  goal?: string;
  met?: boolean;
}

export interface BenchResult {
  name: string;
  startedAt: string;
  seconds: number;
  params: Record<string, unknown>;
  rows: Row[];
  details: Record<string, unknown>;
}

/** Where results are written: bench/results, or BENCH_RESULTS_DIR (a smoke run that must not replace the recorded figures). */
export const RESULTS_DIR = process.env.BENCH_RESULTS_DIR ?? join(__dirname, '..', 'results');

export function machine() {
  return { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
}

export function writeResult(result: BenchResult): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${result.name}.json`);
  writeFileSync(file, `${JSON.stringify({ ...result, machine: machine() }, null, 2)}\n`);
  return file;
}

export const round = (x: number, digits = 2) => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

/** Quantile by nearest rank of an unsorted list. */
export function quantile(samples: number[], q: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

const fmt = (x: number | undefined, unit = '') => (x === undefined || Number.isNaN(x) ? '–' : `${x >= 100 ? Math.round(x).toLocaleString('en-US') : round(x, x < 1 ? 3 : 2)}${unit ? ` ${unit}` : ''}`);

export function markdownTable(results: BenchResult[]): string {
  const lines = [
    '| benchmark | figure | value | ceiling (same run) | ratio | goal | met? |',
    '|---|---|---:|---:|---:|---|:---:|',
  ];
  for (const r of results) {
    for (const row of r.rows) {
      const ceiling = row.ceiling === undefined ? '–' : `${fmt(row.ceiling, row.unit)}${row.ceilingLabel ? ` (${row.ceilingLabel})` : ''}`;
      const ratio = row.ratio === undefined ? '–' : `${round(row.ratio, 2)}${row.ratioOf ? ` (${row.ratioOf})` : ''}`;
      const met = row.met === undefined ? '–' : row.met ? 'yes' : '**no**';
      lines.push(`| ${r.name} | ${row.figure} | ${fmt(row.value, row.unit)} | ${ceiling} | ${ratio} | ${row.goal ?? '–'} | ${met} |`);
    }
  }
  return lines.join('\n');
}

/**
 * The benchmarks run on both topologies side by side: each figure on the dev server and on the
 * cluster, each with its ratio to the ceiling of its own server in the same run.
 */
export function comparisonTable(results: BenchResult[]): string {
  const lines = [
    '| benchmark | figure | dev server | cluster (2 nodes, 8 shards, 2 workers) | cluster / dev server |',
    '|---|---|---:|---:|---:|',
  ];
  const cell = (row: Row | undefined) => (row ? `${fmt(row.value, row.unit)}${row.ratio === undefined ? '' : ` (${round(row.ratio, 2)} of ceiling)`}` : '–');
  for (const cluster of results.filter((r) => r.name.endsWith('.cluster'))) {
    const name = cluster.name.replace(/\.cluster$/, '');
    const dev = results.find((r) => r.name === name);
    cluster.rows.forEach((row) => {
      // the same figure, whatever counts its label carries ("(399 requests, 50 officials at once)")
      const key = (figure: string) => figure.replace(/\s*\([^)]*\d[^)]*\)/g, '');
      const devRow = dev?.rows.find((r) => key(r.figure) === key(row.figure));
      const relative = devRow && devRow.value ? round(row.value / devRow.value, 2) : undefined;
      lines.push(`| ${name} | ${row.figure} | ${cell(devRow)} | ${cell(row)} | ${relative === undefined ? '–' : relative} |`);
    });
  }
  return lines.length > 2 ? lines.join('\n') : '(no benchmark ran on both topologies)';
}

/** A positive integer from the environment, or the default. */
export function sizeFrom(name: string, fallback: number): number {
  const raw = process.env[name];
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got ${raw}`);
  return Math.floor(n);
}

export async function mapConcurrently<T>(items: T[], limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  }));
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Lets a benchmark file also run alone (`npx tsx bench/<name>.ts`), printing what it found. */
export function runWhenMain<T>(mod: NodeModule, run: () => Promise<T>, show: (result: T) => unknown[] = (r) => [JSON.stringify(r, null, 2)]): void {
  if (require.main !== mod) return;
  run().then((r) => console.log(...show(r)), (err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
