// The cluster topology's settings, read from the environment in one place (start, tests, benchmarks).
import { DEFAULT_CLUSTER_NODES, DEFAULT_HISTORY_SHARDS } from './temporal-cluster';

export interface ClusterSettings {
  /** Temporal server processes (each runs every service); at least 1. */
  nodes: number;
  /**
   * History shards: fixed when Temporal's database is created (a server with another number
   * refuses to start on it), so choose for the largest region it will carry (README, Running at scale).
   */
  historyShards: number;
  /** Kinerja worker processes on the task queue. */
  workers: number;
}

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number, at least 1 (got ${JSON.stringify(raw)})`);
  return n;
}

export function clusterSettings(env: NodeJS.ProcessEnv): ClusterSettings {
  return {
    nodes: positive(env, 'TEMPORAL_NODES', DEFAULT_CLUSTER_NODES),
    historyShards: positive(env, 'TEMPORAL_HISTORY_SHARDS', DEFAULT_HISTORY_SHARDS),
    workers: positive(env, 'KINERJA_WORKERS', 2),
  };
}
