import { Router } from 'express';
import type { ApiDeps } from '../deps';
import { temporalClusterInfo, type TemporalClusterInfo } from '../temporal-cluster-info';

/** How long /health reuses what it learnt of the cluster's shape (versions, shards, ring members). */
const CLUSTER_INFO_TTL_MS = 5_000;

async function check(fn: () => Promise<unknown>): Promise<{ ok: boolean; ms: number; error?: string }> {
  const started = Date.now();
  try {
    await Promise.race([fn(), new Promise((_, reject) => setTimeout(() => reject(new Error('timed out after 3 s')), 3000))]);
    return { ok: true, ms: Date.now() - started };
  } catch (err) {
    return { ok: false, ms: Date.now() - started, error: (err as Error).message };
  }
}

/**
 * GET /health (readiness): is Temporal reachable, is PostgreSQL reachable. 200 when both are, else
 * 503 with Retry-After, so a load balancer or a client backs off while a backing service restarts.
 * It also says which Temporal answers: its version, history shards and each service's members
 * (one per server node of a cluster; see README, Running at scale).
 */
export function healthRoutes({ db, temporal, config }: ApiDeps): Router {
  const router = Router();
  // The cluster's shape changes only when a node joins or leaves: a probe every second from a load
  // balancer costs one reachability call, and the two describing calls at most every few seconds.
  let described: { at: number; info: TemporalClusterInfo } | null = null;
  const clusterInfo = async () => {
    if (!described || Date.now() - described.at > CLUSTER_INFO_TTL_MS) described = { at: Date.now(), info: await temporalClusterInfo(temporal) };
    return described.info;
  };
  router.get('/health', async (_req, res) => {
    let cluster: TemporalClusterInfo = { serverVersion: null, clusterName: null, historyShards: null, members: null };
    const [postgres, temporalCheck] = await Promise.all([
      check(() => db.query('SELECT 1')),
      check(async () => {
        await temporal.workflowService.getSystemInfo({});
        cluster = await clusterInfo();
      }),
    ]);
    const ok = postgres.ok && temporalCheck.ok;
    if (!ok) res.setHeader('Retry-After', '5');
    res.setHeader('Cache-Control', 'no-store');
    res.status(ok ? 200 : 503).json({
      status: ok ? 'ok' : 'degraded',
      postgres,
      temporal: { ...temporalCheck, address: config.TEMPORAL_ADDRESS, namespace: config.TEMPORAL_NAMESPACE, ui: config.TEMPORAL_UI_URL, ...cluster },
    });
  });
  return router;
}
