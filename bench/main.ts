// `npm run bench [-- name ...]`: runs the benchmarks (all, or those named), writes each result to
// bench/results/<name>.json and prints one Markdown table of figures, ceilings and ratios.
// Sizes come from the environment, e.g. a quick smoke run:
//   BENCH_CYCLE_POSITIONS=500 BENCH_YEAR_PKS=20 BENCH_ACTIONS_POSITIONS=60 BENCH_READS_POSITIONS=200 \
//   BENCH_READS_SECONDS=3 BENCH_MEMORY_POSITIONS=500 BENCH_PDF_ITERATIONS=20 npm run bench
// or `npm run bench -- --quick` for those sizes. `npm run bench -- --report` prints the table of the
// latest results in bench/results without running anything. Cycle start and human actions run on
// both topologies (the dev server, then the cluster: bench/support/topology.ts), each beside its
// own ceiling; `--topology dev` or `--topology cluster` runs one.
import { performance } from 'node:perf_hooks';
import { cleanupAll } from './support/stack';
import { comparisonTable, machine, markdownTable, writeResult, type BenchResult } from './support/results';
import { parseTopology, TOPOLOGIES, type Topology } from './support/topology';

const QUICK: Record<string, string> = {
  BENCH_CYCLE_POSITIONS: '500', BENCH_YEAR_PKS: '20', BENCH_ACTIONS_POSITIONS: '60', BENCH_READS_POSITIONS: '200',
  BENCH_READS_SECONDS: '3', BENCH_MEMORY_POSITIONS: '500', BENCH_PDF_ITERATIONS: '20',
  BENCH_ARCHIVE_RUNS: '200',
};

async function pdf(): Promise<BenchResult> {
  const { figures: _figures, ...result } = await (await import('./pdf')).runPdfBenchmark();
  return result;
}

const BENCHMARKS: Record<string, () => Promise<BenchResult>> = {
  'cycle-start': async () => (await import('./cycle-start')).runCycleStart(),
  year: async () => (await import('./year')).runYear(),
  'human-actions': async () => (await import('./human-actions')).runHumanActions(),
  reads: async () => (await import('./reads')).runReads(),
  memory: async () => (await import('./memory')).runMemory(),
  pdf,
  archive: async () => (await import('./archive')).runArchive(),
};

/** The benchmarks that run on each topology; the others measure what does not depend on it. */
const ON_BOTH_TOPOLOGIES = new Set(['cycle-start', 'human-actions']);

/** `cycle-start.cluster` and `year.enrolled` sort with `cycle-start` and `year`. */
const baseName = (resultName: string) => resultName.replace(/\..*$/, '');

async function main() {
  const args = process.argv.slice(2);
  const topologyArg = args.indexOf('--topology');
  const topologies: readonly Topology[] = topologyArg >= 0 ? (args[topologyArg + 1] === 'both' ? TOPOLOGIES : [parseTopology(args[topologyArg + 1] ?? '')]) : TOPOLOGIES;
  if (topologyArg >= 0) args.splice(topologyArg, 2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(`usage: npm run bench [-- [--quick|--report] [${Object.keys(BENCHMARKS).join('|')} ...]]`);
    return;
  }
  if (args.includes('--report')) {
    // The table of the latest results on disk, without running anything.
    const { readdirSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { RESULTS_DIR } = await import('./support/results');
    const order = Object.keys(BENCHMARKS);
    const stored = readdirSync(RESULTS_DIR).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(join(RESULTS_DIR, f), 'utf8')) as BenchResult)
      .filter((r) => Array.isArray(r.rows)).sort((a, b) => order.indexOf(baseName(a.name)) - order.indexOf(baseName(b.name)) || a.name.localeCompare(b.name));
    console.log(markdownTable(stored));
    console.log(`\n${comparisonTable(stored)}`);
    for (const r of stored) console.log(`- ${r.name}: ${r.startedAt}, ${JSON.stringify(r.params)}`);
    return;
  }
  if (args.includes('--quick')) for (const [k, v] of Object.entries(QUICK)) process.env[k] ??= v;
  const names = args.filter((a) => !a.startsWith('--'));
  const unknown = names.filter((n) => !(n in BENCHMARKS));
  if (unknown.length > 0) throw new Error(`unknown benchmark(s) ${unknown.join(', ')}; choose from ${Object.keys(BENCHMARKS).join(', ')}`);
  const selected = names.length > 0 ? names : Object.keys(BENCHMARKS);
  const m = machine();
  console.log(`Kinerja benchmarks: ${selected.join(', ')} on ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, node ${m.node}`);
  const results: BenchResult[] = [];
  const failed: string[] = [];
  const runs = selected.flatMap((name) => (ON_BOTH_TOPOLOGIES.has(name) ? topologies : (['dev'] as const)).map((topology) => ({ name, topology })));
  for (const { name, topology } of runs) {
    const label = ON_BOTH_TOPOLOGIES.has(name) ? `${name} on the ${topology === 'dev' ? 'dev server' : 'cluster'}` : name;
    console.log(`\n## ${label}`);
    process.env.BENCH_TOPOLOGY = topology;
    const t0 = performance.now();
    try {
      const result = await BENCHMARKS[name]();
      console.log(`  written ${writeResult(result)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
      results.push(result);
    } catch (err) {
      console.error(`  ${label} failed:`, err);
      failed.push(label);
    } finally {
      await cleanupAll();
    }
  }
  console.log(`\n${markdownTable(results)}\n`);
  console.log(`${comparisonTable(results)}\n`);
  console.log(`Machine: ${m.cpus} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, shared with other work: compare ratios, not absolute figures.`);
  if (failed.length > 0) {
    console.error(`failed: ${failed.join(', ')}`);
    process.exitCode = 1;
  }
}

main().then(() => process.exit(process.exitCode ?? 0), async (err) => {
  console.error(err);
  await cleanupAll();
  process.exit(1);
});
