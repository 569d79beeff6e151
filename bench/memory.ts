// Worker memory with N open PK workflows (default 10,000): the worker runs as its own process (as
// in production, `worker/main.ts` with its configuration), a cycle of N positions is started, and
// its resident memory is read from /proc once every agreement has run its first tasks (peak and
// settled), against the same worker idle before the cycle. Sizes: BENCH_MEMORY_POSITIONS.
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import { round, sizeFrom, sleep, type BenchResult, runWhenMain } from './support/results';
import { cleanupAll, cpuSecondsOf, makeOrganisation, startApp, startServers, spawnWorker } from './support/stack';
import { loadConfig } from '../config';
import { DEFAULT_MAX_CACHED_WORKFLOWS } from '../worker/create-worker';

const mib = (bytes: number) => Math.round(bytes / 2 ** 20);
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** Until the process has used under 5% of a core for three seconds in a row. */
async function untilQuiet(pid: number, maxMs: number): Promise<void> {
  const until = Date.now() + maxMs;
  let last = cpuSecondsOf(pid);
  let quiet = 0;
  while (Date.now() < until && quiet < 3) {
    await sleep(1000);
    const now = cpuSecondsOf(pid);
    quiet = now - last < 0.05 ? quiet + 1 : 0;
    last = now;
  }
}

export async function runMemory(): Promise<BenchResult> {
  const n = sizeFrom('BENCH_MEMORY_POSITIONS', 10_000);
  const started = new Date();
  try {
    const servers = await startServers();
    const api = await startApp(servers, { worker: false });
    const cache = loadConfig({ ...process.env, DATABASE_URL: 'x', KINERJA_SECRET: 'x'.repeat(16) }).WORKER_MAX_CACHED_WORKFLOWS;
    const worker = spawnWorker(servers, cache ? { WORKER_MAX_CACHED_WORKFLOWS: String(cache) } : {});
    const pid = worker.child.pid!;
    // Idle: connected and polling (the workflow bundle is built at start-up).
    await sleep(3000);
    await untilQuiet(pid, 120_000);
    const idle = memoryOf(pid);
    console.log(`  idle worker: RSS ${mib(idle.rss)} MiB`);

    const year = new Date().getFullYear() + 1;
    const org = await makeOrganisation(n, 'kab-bench-memory', year);
    const cycleId = `cycle:${org.organisation.id}:${year}`;
    const t0 = performance.now();
    const res = await fetch(`${api.baseUrl}/api/cycles`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${api.tokens.admin}` }, body: JSON.stringify(org),
    });
    if (res.status !== 201) throw new Error(`POST /api/cycles answered ${res.status}`);
    let peakSampled = 0;
    for (;;) {
      peakSampled = Math.max(peakSampled, memoryOf(pid).rss);
      const { rows } = await api.db.query('SELECT status FROM cycles WHERE id = $1', [cycleId]);
      if (rows[0]?.status === 'running') break;
      if (worker.child.exitCode !== null) throw new Error(`the worker exited (${worker.child.exitCode})`);
      await sleep(500);
    }
    const startedSeconds = (performance.now() - t0) / 1000;
    await untilQuiet(pid, 20 * 60_000);
    const settledSeconds = (performance.now() - t0) / 1000;
    const open = await api.client.workflow.count(`KinerjaOrg = '${org.organisation.id}' AND ExecutionStatus = 'Running'`);
    const settled = memoryOf(pid);
    console.log(`  ${open.count} open PK workflows: RSS ${mib(settled.rss)} MiB, peak ${mib(settled.peak)} MiB (started in ${startedSeconds.toFixed(0)} s, settled in ${settledSeconds.toFixed(0)} s)`);
    const goal = 2 ** 30;
    return {
      name: 'memory',
      startedAt: started.toISOString(),
      seconds: round((Date.now() - started.getTime()) / 1000, 1),
      params: { positions: n, maxCachedWorkflows: cache ?? DEFAULT_MAX_CACHED_WORKFLOWS },
      rows: [
        { figure: `worker RSS, ${open.count.toLocaleString('en-US')} open PKs (settled)`, value: mib(settled.rss), unit: 'MiB', ceiling: mib(idle.rss), ceilingLabel: 'idle worker', ratio: round(settled.rss / idle.rss, 2), ratioOf: 'RSS / idle RSS', goal: '< 1 GiB', met: settled.rss < goal },
        { figure: 'worker peak RSS during the start', value: mib(settled.peak), unit: 'MiB', ceiling: mib(idle.rss), ceilingLabel: 'idle worker', ratio: round(settled.peak / idle.rss, 2), ratioOf: 'peak / idle RSS', goal: '< 1 GiB', met: settled.peak < goal },
      ],
      details: { idleRssMiB: mib(idle.rss), settledRssMiB: mib(settled.rss), peakRssMiB: mib(settled.peak), openWorkflows: open.count, startedSeconds: round(startedSeconds, 1), settledSeconds: round(settledSeconds, 1) },
    };
  } finally {
    await cleanupAll();
  }
}

runWhenMain(module, runMemory);
