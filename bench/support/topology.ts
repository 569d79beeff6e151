// Which Temporal a benchmark runs against: the CLI dev server (one process, one history shard,
// SQLite) or the production topology (scripts/temporal-cluster.ts: two server nodes, 8 history
// shards, PostgreSQL; two workers). `npm run bench` runs the topology-aware benchmarks on both, each
// beside its own ceiling measured on the same server.
export type Topology = 'dev' | 'cluster';
export const TOPOLOGIES: readonly Topology[] = ['dev', 'cluster'];

export function parseTopology(raw: string): Topology {
  if (raw === 'dev' || raw === 'cluster') return raw;
  throw new Error(`a topology is 'dev' or 'cluster' (got ${JSON.stringify(raw)})`);
}

/** BENCH_TOPOLOGY, set by bench/main.ts for each run (default: the dev server). */
export function currentTopology(): Topology {
  return parseTopology(process.env.BENCH_TOPOLOGY ?? 'dev');
}

/** Workers on the task queue: one beside the dev server, two on the cluster (as `npm start -- --cluster`). */
export function workersOf(topology: Topology): number {
  return topology === 'cluster' ? 2 : 1;
}

/** A result's name: the benchmark's own on the dev server (as before), `<name>.cluster` on the cluster. */
export function resultName(name: string, topology: Topology): string {
  return topology === 'dev' ? name : `${name}.cluster`;
}
