// Cycle start: an organisation of N positions (default 10,000) from POST /api/cycles until every
// agreement workflow is started and its record stored, against the ceiling: the same dev server
// starting N empty workflows from one client (as many starts in flight as the fan-out uses),
// measured before and after in the same run. Sizes: BENCH_CYCLE_POSITIONS.
import { performance } from 'node:perf_hooks';
import { writeResult, mapConcurrently, round, sizeFrom, sleep, type BenchResult, runWhenMain } from './support/results';
import { resultName } from './support/topology';
import { cleanupAll, withCpu, makeOrganisation, startApp, startCeilingWorker, startServers, type App } from './support/stack';
import { FAN_OUT_CONCURRENCY } from '../activities/fan-out';

async function ceilingRun(app: App, taskQueue: string, n: number, label: string): Promise<number> {
  const ids = Array.from({ length: n }, (_, i) => `bench-empty-${label}-${i}`);
  const t0 = performance.now();
  await mapConcurrently(ids, FAN_OUT_CONCURRENCY, async (workflowId) => {
    await app.client.workflow.start('benchEmptyWorkflow', { workflowId, taskQueue, args: [] });
  });
  return (performance.now() - t0) / 1000;
}

/** POST the organisation and wait until the cycle says every agreement is started and stored. */
async function cycleRun(app: App, body: string, n: number) {
  const t0 = performance.now();
  const res = await fetch(`${app.baseUrl}/api/cycles`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${app.tokens.admin}` },
    body,
  });
  const postSeconds = (performance.now() - t0) / 1000;
  if (res.status !== 201) throw new Error(`POST /api/cycles answered ${res.status}: ${(await res.text()).slice(0, 500)}`);
  const { cycleId } = (await res.json()) as { cycleId: string };
  const progress: Array<[number, number]> = [];
  for (;;) {
    const { rows } = await app.db.query(
      `SELECT c.status, c.started_count AS started, (SELECT count(*)::int FROM agreements a WHERE a.cycle_id = c.id) AS agreements
         FROM cycles c WHERE c.id = $1`,
      [cycleId],
    );
    const status = rows[0];
    progress.push([round((performance.now() - t0) / 1000, 1), status.started]);
    if (status.status === 'running' && status.agreements === n) break;
    if (performance.now() - t0 > 30 * 60_000) throw new Error(`cycle not started after 30 min: ${JSON.stringify(status)}`);
    await sleep(100);
  }
  return { cycleId, cycleSeconds: (performance.now() - t0) / 1000, postSeconds, progress };
}

export async function runCycleStart(): Promise<BenchResult> {
  const n = sizeFrom('BENCH_CYCLE_POSITIONS', 10_000);
  const started = new Date();
  const servers = await startServers();
  try {
    const app = await startApp(servers);
    const ceilingWorker = await startCeilingWorker(servers);
    const year = new Date().getFullYear() + 1;
    const org = await makeOrganisation(n, 'kab-bench-start', year);
    const body = JSON.stringify(org);
    // Warm-up: one small start each way (connections, workflow bundle, JIT).
    await ceilingRun(app, ceilingWorker.taskQueue, 200, 'warm');

    const { value: before, cpu: cpuBefore } = await withCpu(servers, () => ceilingRun(app, ceilingWorker.taskQueue, n, 'before'));
    console.log(`  ceiling (before): ${n} empty workflows in ${before.toFixed(1)} s`);

    const cpuStart = await withCpu(servers, () => cycleRun(app, body, n));
    const { cycleId, cycleSeconds, postSeconds, progress } = cpuStart.value;
    console.log(`  cycle start: ${n} positions in ${cycleSeconds.toFixed(1)} s (POST answered in ${postSeconds.toFixed(2)} s)`);
    // The agreement workflows' first tasks may still be running; let them settle before the ceiling.
    const settle0 = performance.now();
    await waitForIdleWorker(app);
    const settleSeconds = (performance.now() - settle0) / 1000;
    const rssAfterStart = process.memoryUsage().rss;
    console.log(`  agreements' first tasks done ${settleSeconds.toFixed(1)} s after the start; process RSS ${Math.round(rssAfterStart / 2 ** 20)} MiB`);
    const { value: after, cpu: cpuAfter } = await withCpu(servers, () => ceilingRun(app, ceilingWorker.taskQueue, n, 'after'));
    console.log(`  ceiling (after): ${n} empty workflows in ${after.toFixed(1)} s`);

    const ceilingRate = n / Math.min(before, after);
    const ceilingRateMean = (2 * n) / (before + after);
    const rate = n / cycleSeconds;
    const ratio = rate / ceilingRateMean;
    const visible = await app.client.workflow.count(`KinerjaOrg = 'kab-bench-start' AND WorkflowType = 'agreementV2'`);
    return {
      name: resultName('cycle-start', servers.topology),
      startedAt: started.toISOString(),
      seconds: round((Date.now() - started.getTime()) / 1000, 1),
      params: {
        topology: servers.topology, positions: n, fanOutConcurrency: FAN_OUT_CONCURRENCY, workers: app.workers.length,
        ...(servers.topology === 'dev' ? { sqlite: process.env.BENCH_SQLITE === 'durable' ? 'durable' : 'WAL, synchronous=OFF' } : { temporalNodes: servers.temporalPids.length }),
      },
      rows: [
        { figure: `start rate, ${n.toLocaleString('en-US')} positions`, value: round(rate, 1), unit: 'wf/s', ceiling: round(ceilingRateMean, 1), ceilingLabel: 'empty workflows, mean of before/after', ratio: round(ratio, 3), ratioOf: 'rate / ceiling', goal: '≥ 0.7', met: ratio >= 0.7 },
        { figure: 'whole start (POST → all started and stored)', value: round(cycleSeconds, 1), unit: 's', ceiling: round(n / ceilingRateMean, 1), ratio: round(cycleSeconds / (n / ceilingRateMean), 3), ratioOf: 'time / ceiling time', goal: '< 180 s', met: cycleSeconds < 180 },
      ],
      details: {
        postSeconds: round(postSeconds, 2),
        firstTasksSettledSecondsAfterStart: round(settleSeconds, 1),
        processRssMiBAfterStart: Math.round(rssAfterStart / 2 ** 20),
        cycleSeconds: round(cycleSeconds, 2),
        ceilingSeconds: { before: round(before, 2), after: round(after, 2) },
        ceilingRate: { best: round(ceilingRate, 1), mean: round(ceilingRateMean, 1) },
        cpuSeconds: { ceilingBefore: cpuBefore, cycle: cpuStart.cpu, ceilingAfter: cpuAfter },
        visibleInTemporal: visible.count,
        progress: progress.filter((_, i) => i % 10 === 0),
      },
    };
  } finally {
    await cleanupAll();
  }
}

/** Until every worker has had nothing in flight for two seconds (the agreements' first tasks ran). */
export async function waitForIdleWorker(app: App, maxMs = 10 * 60_000): Promise<void> {
  const until = Date.now() + maxMs;
  let quietSince = Date.now();
  while (Date.now() < until) {
    const busy = app.workers.some((w) => {
      const s = w.getStatus();
      return s.numInFlightWorkflowActivations > 0 || s.numInFlightActivities > 0;
    });
    if (busy) quietSince = Date.now();
    else if (Date.now() - quietSince > 2000) return;
    await sleep(200);
  }
}

runWhenMain(module, runCycleStart, (r) => [writeResult(r), JSON.stringify(r, null, 2)]);
