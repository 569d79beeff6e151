// Reads under load: the officials' inbox (/api/me/tasks), the agreement list (/api/agreements) and
// the detail (/api/agreements/:id, which also queries the live workflow), against a bare express
// endpoint served by the same process. Each target runs twice: at a fixed 500 requests/s (the goal:
// p99 < 50 ms for inbox and list) and flat out (throughput). Load comes from a separate process
// (autocannon) to 127.0.0.1. Sizes: BENCH_READS_POSITIONS (2,000), BENCH_READS_SECONDS (10).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { Server } from 'node:http';
import express from 'express';
import { round, sizeFrom, sleep, type BenchResult, type Row, runWhenMain } from './support/results';
import { cleanupAll, makeOrganisation, onCleanup, REPO_ROOT, startApp, startServers, withCpu } from './support/stack';
import { waitForIdleWorker } from './cycle-start';

export interface LoadFigures {
  requestsPerSecond: number;
  total: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

export function runLoad(job: { url: string; requests: Array<{ path: string; token?: string }>; connections: number; seconds: number; rate?: number }): Promise<LoadFigures> {
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, ['--import', 'tsx', join(__dirname, 'support', 'load.ts'), JSON.stringify(job)], { cwd: REPO_ROOT, maxBuffer: 1 << 24 }, (err, stdout, stderr) => {
      stop().catch(() => {});
      if (err) return reject(new Error(`load generator failed: ${err.message}\n${stderr}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop()!));
    });
    const stop = onCleanup(() => (child.exitCode === null ? child.kill('SIGKILL') : undefined));
  });
}

/** A bare express endpoint in this process: what the same event loop answers with no work. */
export async function startBareEndpoint(): Promise<string> {
  const app = express();
  const body = { items: [{ id: 'pk:bare', phase: 'drafting' }], nextCursor: null };
  app.get('/bare', (_req, res) => {
    res.json(body);
  });
  const server: Server = await new Promise((ok) => {
    const s = app.listen(0, '127.0.0.1', () => ok(s));
  });
  onCleanup(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

export async function runReads(): Promise<BenchResult> {
  const positions = sizeFrom('BENCH_READS_POSITIONS', 2_000);
  const seconds = sizeFrom('BENCH_READS_SECONDS', 10);
  const rate = sizeFrom('BENCH_READS_RATE', 500);
  const connections = 50;
  const started = new Date();
  try {
    const servers = await startServers();
    const app = await startApp(servers);
    const bareUrl = await startBareEndpoint();
    const year = new Date().getFullYear() + 1;
    const org = await makeOrganisation(positions, 'kab-bench-reads', year);
    const cycleId = `cycle:${org.organisation.id}:${year}`;
    const res = await fetch(`${app.baseUrl}/api/cycles`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${app.tokens.admin}` }, body: JSON.stringify(org),
    });
    if (res.status !== 201) throw new Error(`POST /api/cycles answered ${res.status}`);
    for (;;) {
      const { rows } = await app.db.query('SELECT status FROM cycles WHERE id = $1', [cycleId]);
      if (rows[0]?.status === 'running') break;
      await sleep(250);
    }
    await waitForIdleWorker(app);

    // Callers: officials spread over the tree (heads of units see large subtrees, staff their own).
    const officials = org.positions.filter((_: any, i: number) => i % Math.max(1, Math.floor(positions / 300)) === 0).slice(0, 300);
    const tokenOf = (p: any) => app.tokens.official(p.official.nip);
    const idOf = (p: any) => `pk:${org.organisation.id}:${year}:${p.id}`;
    const enc = encodeURIComponent;
    const targets: Record<string, { url: string; requests: Array<{ path: string; token?: string }> }> = {
      bare: { url: bareUrl, requests: [{ path: '/bare' }] },
      inbox: { url: app.baseUrl, requests: officials.map((p: any) => ({ path: '/api/me/tasks', token: tokenOf(p) })) },
      list: { url: app.baseUrl, requests: officials.map((p: any) => ({ path: `/api/agreements?cycle=${enc(cycleId)}&limit=50`, token: tokenOf(p) })) },
      detail: { url: app.baseUrl, requests: officials.map((p: any) => ({ path: `/api/agreements/${enc(idOf(p))}`, token: tokenOf(p) })) },
    };
    // Warm-up: JIT, connection pools, PostgreSQL's caches.
    for (const t of Object.values(targets)) await runLoad({ ...t, connections: 10, seconds: 2 });

    const figures: Record<string, { fixed: LoadFigures; max: LoadFigures; cpu: unknown }> = {};
    // The detail queries the live workflow (about a hundred a second here, far under 500): it runs at
    // its own, lower fixed rate, so the open loop measures latency rather than an ever-growing queue.
    const detailRate = sizeFrom('BENCH_READS_DETAIL_RATE', 50);
    for (const [name, t] of Object.entries(targets)) {
      const fixed = await runLoad({ ...t, connections, seconds, rate: name === 'detail' ? detailRate : rate });
      const { value: max, cpu } = await withCpu(servers, () => runLoad({ ...t, connections, seconds }));
      figures[name] = { fixed, max, cpu };
      console.log(`  ${name}: at ${name === 'detail' ? detailRate : rate}/s p50 ${fixed.latencyMs.p50} ms p99 ${fixed.latencyMs.p99} ms (${Math.round(fixed.requestsPerSecond)}/s, non-2xx ${fixed.non2xx}); flat out ${Math.round(max.requestsPerSecond)}/s p99 ${max.latencyMs.p99} ms`);
    }
    const bare = figures.bare;
    const rows: Row[] = [];
    for (const name of ['inbox', 'list', 'detail']) {
      const f = figures[name];
      const goal = name !== 'detail';
      const okRate = f.fixed.requestsPerSecond >= rate * 0.95 && f.fixed.non2xx === 0 && f.fixed.errors === 0;
      rows.push({
        figure: `${name}: p99 at ${name === 'detail' ? detailRate : rate} req/s`, value: f.fixed.latencyMs.p99, unit: 'ms',
        ceiling: bare.fixed.latencyMs.p99, ceilingLabel: 'bare express', ratio: round(f.fixed.latencyMs.p99 / Math.max(1, bare.fixed.latencyMs.p99), 2), ratioOf: 'p99 / bare p99 (≥1 ms)',
        ...(goal ? { goal: `< 50 ms at ${rate}/s`, met: f.fixed.latencyMs.p99 < 50 && okRate } : {}),
      });
      rows.push({
        figure: `${name}: throughput flat out (${connections} connections)`, value: Math.round(f.max.requestsPerSecond), unit: 'req/s',
        ceiling: Math.round(bare.max.requestsPerSecond), ceilingLabel: 'bare express', ratio: round(f.max.requestsPerSecond / bare.max.requestsPerSecond, 3), ratioOf: 'rate / bare rate',
      });
    }
    return {
      name: 'reads',
      startedAt: started.toISOString(),
      seconds: round((Date.now() - started.getTime()) / 1000, 1),
      params: { positions, seconds, rate, detailRate, connections, callers: officials.length },
      rows,
      details: figures,
    };
  } finally {
    await cleanupAll();
  }
}

runWhenMain(module, runReads, (r) => [JSON.stringify(r.rows, null, 2)]);
