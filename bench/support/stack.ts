// The servers a benchmark runs against, all on 127.0.0.1 with throwaway data: an embedded
// PostgreSQL and the Temporal CLI dev server (SQLite) or, with BENCH_TOPOLOGY=cluster, a Temporal
// cluster of two server nodes on that PostgreSQL (two workers then), then the worker and the API in this process
// (`startApp`), or each in a child process as in production (`spawnApp`: human actions), or the
// worker alone as a child process, to measure its memory (`spawnWorker`). Everything started is
// registered for cleanup, which also runs on SIGINT/SIGTERM, so a benchmark leaves no orphans.
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { createInterface } from 'node:readline';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { loadConfig, type Config } from '../../config';
import { createPool } from '../../db/pool';
import { migrate } from '../../db/migrate';
import { createLogger } from '../../logger';
import { connectClient } from '../../worker/temporal';
import { createWorker } from '../../worker/create-worker';
import { createApp } from '../../api/app';
import { createSigningDeps } from '../../activities/signing';
import { startDevServer, stopProcess } from '../../scripts/dev-server';
import { scratchDir, startEmbeddedPostgres } from '../../scripts/embedded-postgres';
import { startTemporalCluster } from '../../scripts/temporal-cluster';
import { temporalPostgresOf } from '../../scripts/temporal-schema';
import { waitForHealth } from '../../scripts/wait-for-health';
import { currentTopology, workersOf, type Topology } from './topology';
import { quietTemporalRuntime } from '../../test/support/stack';
import { tokens } from '../../test/support/api-client';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const SECRET = 'bench-secret-0123456789abcdef';

// ----- cleanup ------------------------------------------------------------------------------------
const cleanups: Array<() => Promise<unknown> | unknown> = [];
/** Registers something to stop; runs last-registered first. Returns a function that runs it now. */
export function onCleanup(fn: () => Promise<unknown> | unknown): () => Promise<void> {
  let done = false;
  const once = async () => {
    if (done) return;
    done = true;
    const i = cleanups.indexOf(once);
    if (i >= 0) cleanups.splice(i, 1);
    await fn();
  };
  cleanups.push(once);
  return once;
}
export async function cleanupAll(): Promise<void> {
  while (cleanups.length > 0) {
    const fn = cleanups[cleanups.length - 1];
    try {
      await fn();
    } catch (err) {
      console.error('cleanup failed:', (err as Error).message);
      cleanups.splice(cleanups.indexOf(fn), 1);
    }
  }
}
// A request the load generator abandoned can still be waiting on a Temporal call when the stack
// stops; its client retry then finds the connection closed and throws from a timer. That is the
// benchmark shutting down under it, not a failure of the figures: note it and carry on stopping.
process.on('uncaughtException', (err) => {
  if (/Channel has been shut down/.test(err?.message ?? '')) {
    console.error('  (a request abandoned at shutdown found the Temporal connection closed)');
    return;
  }
  console.error(err);
  void cleanupAll().finally(() => process.exit(1));
});
let signalled = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (signalled) process.exit(130);
    signalled = true;
    console.error(`\n${signal}: stopping everything the benchmark started…`);
    void cleanupAll().finally(() => process.exit(130));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createNetServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
  });
}

// ----- servers ------------------------------------------------------------------------------------
export interface Servers {
  topology: Topology;
  dir: string;
  databaseUrl: string;
  temporalAddress: string;
  /** The Temporal server's processes (the dev server, or every node of the cluster). */
  temporalPids: number[];
  postgresPort: number;
  stop(): Promise<void>;
}

/**
 * PostgreSQL and the Temporal dev server, or the cluster on that PostgreSQL (BENCH_TOPOLOGY). SQLite
 * runs with WAL and synchronous=OFF (as the tests do) unless BENCH_SQLITE=durable, which is `npm
 * start`'s setting.
 */
export async function startServers(topology: Topology = currentTopology()): Promise<Servers> {
  const dir = scratchDir('kinerja-bench-');
  const removeDir = onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  const [pgPort, temporalPort] = [await freePort(), await freePort()];
  const pg = await startEmbeddedPostgres(join(dir, 'postgres'), pgPort);
  const stopPg = onCleanup(() => pg.stop());
  let temporalAddress: string;
  let temporalPids: number[];
  let stopTemporal: () => Promise<void>;
  if (topology === 'cluster') {
    const cluster = await startTemporalCluster({ dir: join(dir, 'temporal'), postgres: temporalPostgresOf(pg.url), port: temporalPort });
    stopTemporal = onCleanup(() => cluster.stop());
    temporalAddress = cluster.address;
    temporalPids = cluster.nodes.map((n) => n.process!.pid!);
  } else {
    const temporal = await startDevServer({ dbFile: join(dir, 'temporal.db'), port: temporalPort, uiPort: null, fast: process.env.BENCH_SQLITE !== 'durable' });
    stopTemporal = onCleanup(() => temporal.stop());
    temporalAddress = temporal.address;
    temporalPids = [temporal.process.pid!];
  }
  const pool = createPool(pg.url, 1);
  await migrate(pool);
  await pool.end();
  return {
    topology, dir, databaseUrl: pg.url, temporalAddress, temporalPids, postgresPort: pgPort,
    async stop() {
      await stopTemporal();
      await stopPg();
      await removeDir();
    },
  };
}

export function benchConfig(servers: Servers, taskQueue = 'kinerja-bench'): Config {
  return loadConfig(benchEnv(servers, taskQueue));
}

/** The configuration of a benchmark's worker and API as environment variables (what `loadConfig` reads). */
export function benchEnv(servers: Servers, taskQueue = 'kinerja-bench'): Record<string, string> {
  return {
    DATABASE_URL: servers.databaseUrl,
    TEMPORAL_ADDRESS: servers.temporalAddress,
    TEMPORAL_TASK_QUEUE: taskQueue,
    KINERJA_SECRET: SECRET,
    PORT: '0',
    LOG_LEVEL: 'silent',
    // every simulated official's requests come from this one address, and a Kepala Daerah signs
    // for each of their subordinates at once: the production limits would throttle the benchmark
    RATE_LIMIT_SIGNING_PER_CLIENT: '1000000',
    RATE_LIMIT_SIGNING_PER_PRINCIPAL: '1000000',
    RATE_LIMIT_VERIFICATION_PER_CLIENT: '1000000',
    RATE_LIMIT_VERIFICATION_PER_PRINCIPAL: '1000000',
    RATE_LIMIT_SIGN_IN_PER_CLIENT: '1000000',
  };
}

// ----- worker and API in this process ---------------------------------------------------------------
export interface App {
  config: Config;
  db: Pool;
  client: Client;
  baseUrl: string;
  tokens: ReturnType<typeof tokens>;
  /** The first worker (null with `{ worker: false }`). */
  worker: Worker | null;
  /** Every worker on the task queue: one beside the dev server, two on the cluster. */
  workers: Worker[];
  stop(): Promise<void>;
}

export async function startApp(servers: Servers, options: { worker?: boolean; maxCachedWorkflows?: number; dbPool?: number } = {}): Promise<App> {
  quietTemporalRuntime();
  const config = benchConfig(servers);
  const logger = createLogger('bench', 'silent');
  const db = createPool(config.DATABASE_URL, options.dbPool ?? 20);
  const client = await connectClient(config);
  const workers: Worker[] = [];
  const connections: NativeConnection[] = [];
  if (options.worker !== false) {
    const signing = await createSigningDeps(db, config);
    for (let i = 0; i < workersOf(servers.topology); i++) {
      // in this process, a connection each (as separate worker processes have)
      const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
      connections.push(connection);
      workers.push(await createWorker({
        connection,
        namespace: config.TEMPORAL_NAMESPACE,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        maxCachedWorkflows: options.maxCachedWorkflows ?? (process.env.BENCH_WORKER_CACHE ? Number(process.env.BENCH_WORKER_CACHE) : config.WORKER_MAX_CACHED_WORKFLOWS),
        deps: {
          db, client, taskQueue: config.TEMPORAL_TASK_QUEUE, publicUrl: config.publicUrl, secret: config.KINERJA_SECRET,
          clock: () => new Date(), signing,
        },
      }));
    }
  }
  const running = Promise.all(workers.map((w) => w.run()));
  const app = createApp({ db, temporal: client, config, logger });
  const server: Server = await new Promise((ok) => {
    const s = app.listen(0, '127.0.0.1', () => ok(s));
  });
  server.keepAliveTimeout = 60_000;
  const { port } = server.address() as { port: number };
  const stop = onCleanup(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
    await running;
    for (const c of connections) await c.close();
    await client.connection.close();
    await db.end();
  });
  return { config, db, client, worker: workers[0] ?? null, workers, baseUrl: `http://127.0.0.1:${port}`, tokens: tokens(SECRET), stop };
}

// ----- the worker(s) and the API as child processes (the production layout) --------------------------
/**
 * What a benchmark that drives the API from outside needs: the API's address, tokens it accepts,
 * a Temporal client and a database pool of the benchmark's own (for its ceiling and for reading
 * the read model), and the children's process ids.
 */
export interface SpawnedApp {
  config: Config;
  db: Pool;
  client: Client;
  baseUrl: string;
  tokens: ReturnType<typeof tokens>;
  apiPid: number;
  /** One worker beside the dev server, two on the cluster. */
  workerPids: number[];
  stop(): Promise<void>;
}

interface Child {
  name: string;
  child: ChildProcess;
  /** The last lines the child wrote (stdout and stderr), for the report of a failure. */
  tail(): string;
  /** Settles when the child exits, with how. */
  exited: Promise<string>;
  /** Stops it (SIGTERM, SIGKILL after the grace); an exit after this is not a failure. */
  stop(): Promise<void>;
  /** From now on (it has started), its exit stops everything and the benchmark fails (exit code 1). */
  supervise(): void;
}

/**
 * `process.execPath --import tsx <entry>` as scripts/start.ts runs it, with `env` only (not this
 * process's environment: a developer's DATABASE_URL or OIDC_ISSUER must not leak in). Its output
 * (stdout, where the logger writes, and stderr) is shown prefixed with its name once it has
 * started, and its last lines when it fails to start or exits unexpectedly; LOG_LEVEL=warn keeps
 * that to what went wrong. KINERJA_SUPERVISOR_PID makes it exit if this process dies without
 * cleaning up (SIGKILL).
 */
function spawnChild(name: string, entry: string, env: Record<string, string>, graceMs = 20_000): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, entry)], {
    cwd: REPO_ROOT,
    env: { ...inheritedEnv(), KINERJA_SUPERVISOR_PID: String(process.pid), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stopping = false;
  let supervised = false;
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      lines.push(line);
      if (lines.length > 80) lines.shift();
      // shown as it comes while the benchmark measures; the start and the stop (the SDK's state
      // changes at INFO) only when they fail
      if (supervised && !stopping) process.stderr.write(`  [${name}] ${line}\n`);
    });
  }
  const exited = new Promise<string>((resolveExit) => {
    child.once('exit', (code, signal) => resolveExit(signal ? `signal ${signal}` : `code ${code}`));
  });
  const stop = onCleanup(async () => {
    stopping = true;
    await stopProcess(child, graceMs);
  });
  const supervise = () => {
    supervised = true;
    void exited.then((how) => {
      if (stopping) return;
      // a child gone in the middle of a measurement: the figures would be wrong, so stop everything
      console.error(`\n${name} (pid ${child.pid}) exited unexpectedly (${how}); its last output:\n${lines.map((l) => `  | ${l}`).join('\n') || '  (none)'}`);
      void cleanupAll().finally(() => process.exit(1));
    });
  };
  return { name, child, tail: () => lines.join('\n'), exited, stop, supervise };
}

/** What a child needs from this process's environment to run node and tsx, and nothing else. */
function inheritedEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ']) if (process.env[key] !== undefined) out[key] = process.env[key]!;
  return out;
}

/** Resolves when `ready` does; rejects with the child's output if it exits first or `ready` fails. */
async function readyOrExited(c: Child, ready: Promise<void>): Promise<void> {
  let exitedFirst = false;
  const exit = c.exited.then((how) => {
    exitedFirst = true;
    return how;
  });
  try {
    await Promise.race([ready, exit.then((how) => { throw new Error(`${c.name} exited while starting (${how})`); })]);
  } catch (err) {
    if (!exitedFirst) await c.stop();
    throw new Error(`${(err as Error).message}; its last output:\n${c.tail() || '(none)'}`);
  }
}

/** Until every given process polls the task queue for workflow tasks and for activity tasks (a worker's identity is `<pid>@<host>`). */
async function waitForPollers(client: Client, config: Config, pids: number[], timeoutMs = 180_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const missing = new Set<number>();
    for (const taskQueueType of [1, 2]) { // TASK_QUEUE_TYPE_WORKFLOW, TASK_QUEUE_TYPE_ACTIVITY
      const { pollers } = await client.workflowService.describeTaskQueue({ namespace: config.TEMPORAL_NAMESPACE, taskQueue: { name: config.TEMPORAL_TASK_QUEUE }, taskQueueType });
      const polling = new Set((pollers ?? []).map((p) => Number(/^(\d+)@/.exec(p.identity ?? '')?.[1])));
      for (const pid of pids) if (!polling.has(pid)) missing.add(pid);
    }
    if (missing.size === 0) return;
    if (Date.now() > until) throw new Error(`worker(s) ${[...missing].join(', ')} not polling ${config.TEMPORAL_TASK_QUEUE} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * The production layout (scripts/start.ts, docker-compose.yml): `worker/main.ts` (one, or two on
 * the cluster) and `api/main.ts` each in a process of its own with the benchmark's configuration,
 * so a signature's CPU work in the worker does not hold up the API's HTTP handling, nor either of
 * them the benchmark's clock. Resolves once /health answers 200 and every worker polls its task
 * queue for workflow and activity tasks.
 */
export async function spawnApp(servers: Servers, options: { dbPool?: number } = {}): Promise<SpawnedApp> {
  const config = benchConfig(servers);
  const db = createPool(config.DATABASE_URL, options.dbPool ?? 20);
  const client = await connectClient(config);
  const closeClients = onCleanup(async () => {
    await client.connection.close();
    await db.end();
  });
  const env: Record<string, string> = { ...benchEnv(servers), LOG_LEVEL: 'warn' };
  if (process.env.BENCH_WORKER_CACHE) env.WORKER_MAX_CACHED_WORKFLOWS = process.env.BENCH_WORKER_CACHE;
  // The API first chooses a port that is free now; another process can take it before the child
  // listens (EADDRINUSE, then it exits): then again on another one.
  let api: Child | null = null;
  let baseUrl = '';
  for (let attempt = 1; !api; attempt++) {
    const port = await freePort();
    // stopped, it waits for its open requests: those the benchmark abandoned (a failure) need not finish
    const candidate = spawnChild('api', join('api', 'main.ts'), { ...env, PORT: String(port) }, 5_000);
    try {
      await readyOrExited(candidate, waitForHealth(`http://127.0.0.1:${port}/health`, 120_000));
      api = candidate;
      baseUrl = `http://127.0.0.1:${port}`;
      env.PORT = String(port); // the workers' public URL (links in notifications and documents) is the API's
    } catch (err) {
      if (attempt >= 3 || !/EADDRINUSE/.test((err as Error).message)) throw err;
      console.error(`  the API's port ${port} was taken meanwhile; another one`);
    }
  }
  const n = workersOf(servers.topology);
  const workers = Array.from({ length: n }, (_, i) => spawnChild(n > 1 ? `worker ${i + 1}` : 'worker', join('worker', 'main.ts'), env));
  const pids = workers.map((w) => w.child.pid!);
  await Promise.all(workers.map((w, i) => readyOrExited(w, waitForPollers(client, config, [pids[i]]))));
  for (const c of [api, ...workers]) c.supervise();
  const stop = onCleanup(async () => {
    await api.stop();
    await Promise.all(workers.map((w) => w.stop()));
    await closeClients();
  });
  return { config, db, client, baseUrl, tokens: tokens(SECRET), apiPid: api.child.pid!, workerPids: pids, stop };
}

// ----- the ceiling's own workflows ----------------------------------------------------------------
/** A worker for bench/workflows.ts (an empty workflow, an idle one with a bare update) on its own queue. */
export async function startCeilingWorker(servers: Servers, taskQueue = 'bench-ceiling'): Promise<{ taskQueue: string; stop(): Promise<void> }> {
  quietTemporalRuntime();
  const connection = await NativeConnection.connect({ address: servers.temporalAddress });
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowBundle: await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} } as any }),
  });
  const running = worker.run();
  const stop = onCleanup(async () => {
    if (worker.getState() === 'RUNNING') worker.shutdown();
    await running;
    await connection.close();
  });
  return { taskQueue, stop };
}

// ----- the worker as a child process (memory) -----------------------------------------------------
export function spawnWorker(servers: Servers, env: Record<string, string> = {}): { child: ChildProcess; stop(): Promise<void> } {
  const config = benchConfig(servers);
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'worker', 'main.ts')], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '',
      DATABASE_URL: config.DATABASE_URL, TEMPORAL_ADDRESS: config.TEMPORAL_ADDRESS, TEMPORAL_TASK_QUEUE: config.TEMPORAL_TASK_QUEUE,
      KINERJA_SECRET: SECRET, LOG_LEVEL: 'warn', KINERJA_SUPERVISOR_PID: String(process.pid), DELIVERY_POLL_MS: '600000', ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const stop = onCleanup(() => stopProcess(child, 20_000));
  return { child, stop };
}

/** Resident set size of a process in bytes (Linux). */
export async function rssOf(pid: number): Promise<number> {
  const { readFileSync } = await import('node:fs');
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+)\s+kB/.exec(status);
  return kb ? Number(kb[1]) * 1024 : NaN;
}

/** An organisation from the generator in the repository (data/make-organisation.mjs). */
export async function makeOrganisation(positions: number, orgId: string, year: number): Promise<any> {
  const { execFileSync } = await import('node:child_process');
  const tool = resolve(REPO_ROOT, 'data', 'make-organisation.mjs');
  const org = JSON.parse(execFileSync(process.execPath, [tool, '--positions', String(positions), '--year', String(year)], { encoding: 'utf8', maxBuffer: 1 << 30 }));
  org.organisation.id = orgId;
  const root = org.positions.find((p: any) => !p.parent);
  // the head of the region is not a civil servant and has no NIP; give one so they can log in
  if (root && !root.official.nip) root.official.nip = '196501011990011001';
  // The generator numbers officials modulo 1,000 in the NIP's last three digits, so a large
  // organisation repeats some NIPs (which the import rightly rejects): give a repeat the next free
  // number with the same birth and appointment dates.
  const seen = new Set<string>();
  for (const p of org.positions) {
    let nip: string | undefined = p.official.nip;
    if (!nip) continue;
    for (let serial = Number(nip.slice(15)); seen.has(nip); serial = (serial + 1) % 1000) nip = `${nip.slice(0, 15)}${String(serial).padStart(3, '0')}`;
    seen.add(nip);
    p.official.nip = nip;
  }
  return org;
}

/** CPU seconds (user + system) a process has used so far (Linux, clock ticks of 1/100 s). */
export function cpuSecondsOf(pid: number): number {
  const { readFileSync } = require('node:fs') as typeof import('node:fs');
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** CPU seconds used by the Temporal server (every node), this process and PostgreSQL (all its processes) during `fn`. */
export async function withCpu<T>(servers: Servers, fn: () => Promise<T>): Promise<{ value: T; cpu: { temporal: number; node: number; postgres: number; wall: number } }> {
  const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
  const pgrep = (args: string[]) => {
    try {
      return execFileSync('pgrep', args, { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
    } catch {
      return [];
    }
  };
  // the postmaster and its children (backends come and go: those that ended during `fn` are missed)
  const pgCpu = () => {
    const master = pgrep(['-f', `postgres -D ${servers.dir}`]);
    const pids = [...master, ...master.flatMap((m) => pgrep(['-P', String(m)]))];
    return new Map(pids.map((p) => { try { return [p, cpuSecondsOf(p)] as const; } catch { return [p, 0] as const; } }));
  };
  const pg0 = pgCpu();
  const temporalCpu = () => servers.temporalPids.reduce((sum, pid) => sum + cpuSecondsOf(pid), 0);
  const t0 = { temporal: temporalCpu(), node: cpuSecondsOf(process.pid), wall: Date.now() };
  const value = await fn();
  let postgres = 0;
  for (const [pid, cpu] of pgCpu()) postgres += cpu - (pg0.get(pid) ?? 0);
  return {
    value,
    cpu: {
      temporal: round2(temporalCpu() - t0.temporal),
      node: round2(cpuSecondsOf(process.pid) - t0.node),
      postgres: round2(postgres),
      wall: round2((Date.now() - t0.wall) / 1000),
    },
  };
}
const round2 = (x: number) => Math.round(x * 100) / 100;
