// The integration stack on the production topology: a Temporal cluster of two server nodes
// (scripts/temporal-cluster.ts, 8 history shards) keeping its databases in the run's PostgreSQL,
// and the stack of stack.ts (API, history archiver) with two workers, on the cluster's balanced
// frontend. Each call gets databases of its own, so cluster files may share the run's PostgreSQL.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from '../../scripts/embedded-postgres';
import { startTemporalCluster, type TemporalCluster } from '../../scripts/temporal-cluster';
import { temporalPostgresOf } from '../../scripts/temporal-schema';
import { startStack, type Stack } from './stack';

export interface ClusterStack extends Stack {
  cluster: TemporalCluster;
}

let seq = 0;

export async function startClusterStack(overrides: Record<string, string> = {}, options: { workers?: number; nodes?: number; historyShards?: number } = {}): Promise<ClusterStack> {
  const databaseUrl = overrides.DATABASE_URL ?? process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('startClusterStack needs DATABASE_URL (the run\'s PostgreSQL; see global-setup.ts)');
  const dir = scratchDir('kinerja-cluster-');
  const cluster = await startTemporalCluster({
    dir: join(dir, 'temporal'),
    postgres: temporalPostgresOf(databaseUrl),
    databasePrefix: `temporal_t${process.pid}_${++seq}`,
    nodes: options.nodes,
    historyShards: options.historyShards,
  }).catch((err) => {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  try {
    const stack = await startStack({ ...overrides, TEMPORAL_ADDRESS: cluster.address }, { workers: options.workers ?? 2 });
    return {
      ...stack,
      cluster,
      async stop() {
        await stack.stop();
        await cluster.stop();
        if (!process.env.KINERJA_KEEP_CLUSTER_DIRS) rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}
