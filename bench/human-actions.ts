// Human actions through the API on the dev server: 50 officials at once sign (first and second
// party) and report a quarter, each an HTTP request that runs a Workflow Update (signing renders
// and signs the PDF in an activity before it answers). An official's first signature also issues
// their key and certificate (enrolment), so it is reported apart from later signatures. The
// ceiling: a bare Update (no validator, no activity) on an idle workflow on the same server from
// the benchmark's process, at the same concurrency. The cycle is last year's, so every quarter is
// open; its due dates are weeks ahead (`inTimeCalendar`), so nobody is late. The officials move
// through the organisation top down (a PK opens when its superior's is signed), each step taken by
// whoever it awaits as soon as it is possible. Sizes: BENCH_ACTIONS_POSITIONS (400),
// BENCH_ACTIONS_CONCURRENCY (50; 1 gives "one official at a time", the ceiling then at concurrency 1
// too). An enrolled official's signature opens their key with scrypt on purpose
// (signing/key-encryption.ts): the median of that derivation on this machine is measured and
// reported with the signature less it. One official at a time, each enrolled signature is paired
// with a derivation the benchmark makes just after it through the worker's own primitive
// (`scryptKey`: a thread of its own at nice +10), and the figure is the median of the differences:
// on a shared machine a derivation measured minutes later, at normal priority, can differ from the
// one the signature made by more than the rest of the signature takes (98.6 against 112.7 ms in two
// runs of one day).
//
// Processes, as in production (scripts/start.ts, docker-compose.yml): the API (`api/main.ts`) and
// the worker (`worker/main.ts`; two on the cluster) each run in a child process of their own with
// the benchmark's configuration (bench/support/stack.ts `spawnApp`); this process only sends the
// officials' HTTP requests and times them, runs the ceiling's workflows and bare Updates, and reads
// the read model (PostgreSQL) to know when a step is possible. Measuring starts once /health
// answers and every worker polls its task queue. BENCH_ACTIONS_LAYOUT=in-process runs the earlier
// layout instead (API, worker and benchmark in one process, one event loop: a signature's CPU work
// then holds up everything else), for comparison; the result's params say which layout ran, and
// details.cpuSeconds what each process used during the actions.
import { randomBytes, scrypt } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DEFAULT_SCRYPT } from '../signing/key-encryption';
import { scryptKey } from '../signing/slow-crypto';
import { mapConcurrently, quantile, round, sizeFrom, sleep, type BenchResult, type Row, runWhenMain } from './support/results';
import { resultName } from './support/topology';
import { cleanupAll, cpuSecondsOf, makeOrganisation, spawnApp, startApp, startCeilingWorker, startServers, type App } from './support/stack';
import { bareUpdate, finishUpdate } from './workflows';

const enc = encodeURIComponent;

/** Median time of the key derivation an enrolled official's signature makes (the deliberate cost). */
async function scryptMedianMs(runs = 15): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await new Promise<void>((resolve, reject) =>
      scrypt('frasa-rahasia-bench', randomBytes(16), 32, { ...DEFAULT_SCRYPT, maxmem: 256 * DEFAULT_SCRYPT.N * DEFAULT_SCRYPT.r + 1024 * 1024 }, (err) => (err ? reject(err) : resolve())),
    );
    times.push(performance.now() - t0);
  }
  return quantile(times, 0.5);
}

/** One derivation as the worker makes it when it opens a key (slow-crypto.ts), timed. */
async function workerScryptMs(): Promise<number> {
  const t0 = performance.now();
  await scryptKey('frasa-rahasia-bench', randomBytes(16), 32, DEFAULT_SCRYPT);
  return performance.now() - t0;
}

async function api(app: Pick<App, 'baseUrl'>, method: string, path: string, token: string, body?: unknown): Promise<{ status: number; ms: number; body: any }> {
  const t0 = performance.now();
  const res = await fetch(`${app.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const ms = performance.now() - t0;
  return { status: res.status, ms, body: text ? JSON.parse(text) : null };
}

/**
 * Last year's quarters have ended, so Q1 opens at once; every step is due weeks ahead, so each
 * official acts in time, as one acting the moment their step opens does. (With last year's own due
 * dates every step was overdue as it opened: each action then came just behind an escalation's
 * activity and its workflow task, and was measured queued behind them.)
 */
function inTimeCalendar(now: Date): { overrides: Record<string, string> } {
  const inDays = (days: number) => new Date(now.getTime() + days * 86_400_000).toISOString();
  const overrides: Record<string, string> = { draft: inDays(50), review: inDays(55), sign: inDays(60), evaluation: inDays(120) };
  for (const q of [1, 2, 3, 4]) {
    overrides[`report:Q${q}`] = inDays(70);
    overrides[`verify:Q${q}`] = inDays(80);
  }
  return { overrides };
}

export async function runHumanActions(): Promise<BenchResult> {
  const positions = sizeFrom('BENCH_ACTIONS_POSITIONS', 400);
  const concurrency = sizeFrom('BENCH_ACTIONS_CONCURRENCY', 50);
  const started = new Date();
  try {
    const layout = process.env.BENCH_ACTIONS_LAYOUT ?? 'processes';
    if (layout !== 'processes' && layout !== 'in-process') throw new Error(`BENCH_ACTIONS_LAYOUT is 'processes' or 'in-process' (got ${JSON.stringify(layout)})`);
    const servers = await startServers();
    let app: Pick<App, 'db' | 'client' | 'baseUrl' | 'tokens'>;
    let pids: Record<string, number[]>;
    if (layout === 'processes') {
      const spawned = await spawnApp(servers);
      app = spawned;
      pids = { api: [spawned.apiPid], workers: spawned.workerPids, bench: [process.pid] };
    } else {
      const inProcess = await startApp(servers);
      app = inProcess;
      pids = { 'api, workers and bench': [process.pid] };
    }
    const workerCount = layout === 'processes' ? pids.workers.length : (app as App).workers.length;
    const cpuNow = () => Object.fromEntries(Object.entries(pids).map(([k, ps]) => [k, ps.reduce((sum, pid) => sum + cpuSecondsOf(pid), 0)]));
    const ceilingWorker = await startCeilingWorker(servers);
    const year = new Date().getFullYear() - 1;
    const org = await makeOrganisation(positions, 'kab-bench-actions', year);
    const cycleId = `cycle:${org.organisation.id}:${year}`;
    const post = await api(app, 'POST', '/api/cycles', app.tokens.admin, { ...org, calendar: inTimeCalendar(started) });
    if (post.status !== 201) throw new Error(`POST /api/cycles answered ${post.status}`);
    while ((await app.db.query('SELECT status FROM cycles WHERE id = $1', [cycleId])).rows[0]?.status !== 'running') await sleep(250);

    const byId = new Map<string, any>(org.positions.map((p: any) => [p.id, p]));
    const root = org.positions.find((p: any) => !p.parent);
    const tokenOf = (positionId: string) => app.tokens.official(byId.get(positionId).official.nip);
    const pkOf = (positionId: string) => `pk:${org.organisation.id}:${year}:${positionId}`;
    const contentOf = (id: string) => (id === root.id ? { objectives: org.plan.objectives, budget: [] } : org.drafts[id]);
    const childrenOf = new Map<string, string[]>();
    for (const p of org.positions) if (p.parent) childrenOf.set(p.parent, [...(childrenOf.get(p.parent) ?? []), p.id]);
    const samples: Record<string, number[]> = { save: [], submit: [], approve: [], sign: [], 'sign:enrolment': [], report: [], verify: [] };
    // An official's first signature also issues their certificate and key (enrolment); later ones only sign.
    const enrolled = new Set<string>();
    const sign = async (pk: string, positionId: string) => {
      const nip = byId.get(positionId).official.nip;
      const kind = enrolled.has(nip) ? 'sign' : 'sign:enrolment';
      enrolled.add(nip);
      const signed = await act(kind, 'POST', `${pk}/sign`, tokenOf(positionId), { passphrase: `frasa-rahasia-${nip}` });
      if (signed !== null && kind === 'sign' && concurrency === 1) signLessPairedScrypt.push(signed - (await workerScryptMs()));
    };
    // sign less a derivation made just after it (one official at a time; see the file's head)
    const signLessPairedScrypt: number[] = [];
    if (concurrency === 1) await workerScryptMs(); // the thread starts on first use
    const failures: string[] = [];

    // Waiting for a phase reads the read model (PostgreSQL), not the workflow: a query per poll would
    // load the server and the worker the benchmark measures.
    async function until(id: string, phase: string): Promise<void> {
      for (let i = 0; i < 6000; i++) {
        const { rows } = await app.db.query('SELECT phase FROM agreements WHERE id = $1', [pkOf(id)]);
        if (rows[0]?.phase === phase) return;
        await sleep(50);
      }
      throw new Error(`${id} never reached ${phase}`);
    }
    async function act(kind: string, method: string, path: string, token: string, body?: unknown) {
      let r = await api(app, method, path, token, body);
      // the quarter opens just after the phase is published: a 409 wrong_quarter is only early
      for (let i = 0; i < 100 && r.status === 409 && r.body?.code === 'wrong_quarter'; i++) {
        await sleep(50);
        r = await api(app, method, path, token, body);
      }
      if (r.status !== 200) {
        failures.push(`${kind} ${path}: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
        return null;
      }
      samples[kind].push(r.ms);
      return r.ms;
    }
    /** One PK from drafting to its first quarter verified, each step by the person it awaits. */
    async function carry(id: string): Promise<void> {
      const pk = `/api/agreements/${enc(pkOf(id))}`;
      const p = byId.get(id);
      const isRoot = !p.parent;
      const content = contentOf(id);
      await until(id, 'drafting');
      await act('save', 'PUT', `${pk}/draft`, tokenOf(id), content);
      await act('submit', 'POST', `${pk}/submit`, tokenOf(id));
      if (!isRoot) {
        await until(id, 'review');
        await act('approve', 'POST', `${pk}/review/approve`, tokenOf(p.parent));
      }
      await until(id, 'signing');
      await sign(pk, id);
      if (!isRoot) await sign(pk, p.parent);
      await until(id, 'reporting');
      const realizations = content.objectives.flatMap((o: any) => o.indicators).map((i: any) => ({ indicatorId: i.id, value: i.target }));
      await act('report', 'POST', `${pk}/realizations/1`, tokenOf(id), { realizations, budgetSpent: content.budget.map((b: any) => Math.round(b.amount / 4)) });
      if (!isRoot) await act('verify', 'POST', `${pk}/realizations/1/verify`, tokenOf(p.parent));
    }

    // 50 officials: a queue of PKs whose superior has signed; finishing one releases its children.
    const t0 = performance.now();
    const cpu0 = cpuNow();
    const ready: string[] = [root.id];
    let active = 0;
    let done = 0;
    await new Promise<void>((resolve, reject) => {
      const pump = () => {
        if (done === org.positions.length) return resolve();
        while (active < concurrency && ready.length > 0) {
          const id = ready.shift()!;
          active++;
          carry(id).then(() => {
            active--;
            done++;
            ready.push(...(childrenOf.get(id) ?? []));
            pump();
          }, reject);
        }
      };
      pump();
    });
    const actionsSeconds = (performance.now() - t0) / 1000;
    const cpu1 = cpuNow();
    const cpuSeconds = Object.fromEntries(Object.keys(cpu1).map((k) => [k, round(cpu1[k] - cpu0[k], 1)]));
    console.log(`  ${org.positions.length} PKs signed and Q1 reported/verified through the API in ${actionsSeconds.toFixed(1)} s (${failures.length} failures)`);

    // Ceiling: bare Updates on idle workflows, same concurrency, as many as the sign samples and more.
    const idle = Array.from({ length: concurrency }, (_, i) => `bench-idle-${i}`);
    await Promise.all(idle.map((workflowId) => app.client.workflow.start('benchIdleWorkflow', { workflowId, taskQueue: ceilingWorker.taskQueue, args: [] })));
    const bare: number[] = [];
    const count = Math.max(1000, samples.sign.length);
    const warm = 100;
    await mapConcurrently(Array.from({ length: count + warm }, (_, i) => i), concurrency, async (i) => {
      const handle = app.client.workflow.getHandle(idle[i % concurrency]);
      const s0 = performance.now();
      await handle.executeUpdate(bareUpdate, { args: [i] });
      if (i >= warm) bare.push(performance.now() - s0);
    });
    await Promise.all(idle.map((id) => app.client.workflow.getHandle(id).executeUpdate(finishUpdate)));

    const p = (xs: number[], q: number) => round(quantile(xs, q), 1);
    const bareP50 = p(bare, 0.5);
    const bareP99 = p(bare, 0.99);
    const scryptMs = round(await scryptMedianMs(), 1);
    const rows: Row[] = [];
    const label: Record<string, string> = {
      submit: 'submit a draft', approve: 'approve a draft', report: 'report a quarter', verify: 'verify a quarter',
      sign: 'sign (enrolled official)', 'sign:enrolment': "sign (official's first: key + certificate)",
    };
    const at = concurrency === 1 ? 'one official at a time' : `${concurrency} officials at once`;
    for (const kind of ['submit', 'approve', 'report', 'verify', 'sign', 'sign:enrolment']) {
      const xs = samples[kind];
      rows.push({ figure: `${label[kind]} p50 (${xs.length} requests, ${at})`, value: p(xs, 0.5), unit: 'ms', ceiling: bareP50, ceilingLabel: 'bare Update p50', ratio: round(p(xs, 0.5) / bareP50, 2), ratioOf: 'p50 / bare p50' });
      rows.push({ figure: `${label[kind]} p99`, value: p(xs, 0.99), unit: 'ms', ceiling: bareP99, ceilingLabel: 'bare Update p99', ratio: round(p(xs, 0.99) / bareP99, 2), ratioOf: 'p99 / bare p99' });
    }
    const signLessScrypt = round(p(samples.sign, 0.5) - scryptMs, 1);
    if (concurrency === 1) {
      const paired = p(signLessPairedScrypt, 0.5);
      rows.push({ figure: `sign (enrolled) less a paired derivation, median of ${signLessPairedScrypt.length} pairs, ${at}`, value: paired, unit: 'ms', ceiling: bareP50, ceilingLabel: 'bare Update p50', ratio: round(paired / bareP50, 2), ratioOf: 'median(sign − scrypt) / bare p50' });
    }
    rows.push({ figure: `sign (enrolled) p50 less the key's scrypt (${scryptMs} ms median, measured after the actions), ${at}`, value: signLessScrypt, unit: 'ms', ceiling: bareP50, ceilingLabel: 'bare Update p50', ratio: round(signLessScrypt / bareP50, 2), ratioOf: '(p50 − scrypt) / bare p50' });
    return {
      // one official at a time is a result of its own, beside the default run's
      name: resultName(concurrency === 1 ? 'human-actions-one-at-a-time' : 'human-actions', servers.topology),
      startedAt: started.toISOString(),
      seconds: round((Date.now() - started.getTime()) / 1000, 1),
      params: { topology: servers.topology, workers: workerCount, positions, concurrency, year, layout },
      rows,
      details: {
        latencyMs: Object.fromEntries(Object.entries({ ...samples, bareUpdate: bare }).map(([k, xs]) => [k, { n: xs.length, p50: p(xs, 0.5), p90: p(xs, 0.9), p99: p(xs, 0.99), max: p(xs, 1) }])),
        actionsSeconds: round(actionsSeconds, 1),
        cpuSeconds,
        scryptMedianMs: scryptMs,
        ...(concurrency === 1 ? { signLessPairedScryptMs: { n: signLessPairedScrypt.length, p50: p(signLessPairedScrypt, 0.5), p90: p(signLessPairedScrypt, 0.9) } } : {}),
        failures: failures.slice(0, 20),
        failureCount: failures.length,
      },
    };
  } finally {
    await cleanupAll();
  }
}

runWhenMain(module, runHumanActions);
