// A stack of real processes that a fault test may break: its own embedded PostgreSQL and Temporal
// dev server (never the run's shared ones), the worker and the API as child processes started with
// tsx, each logging to a file. Everything can be killed (SIGKILL) or stopped and started again on
// the same data directory, database file and port. With `{ topology: 'cluster' }` Temporal is a
// cluster of two server nodes on that PostgreSQL (scripts/temporal-cluster.ts) and two workers run.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Pool } from 'pg';
import { startDevServer, stopProcess, type DevServer } from '../../scripts/dev-server';
import { startTemporalCluster, type TemporalCluster } from '../../scripts/temporal-cluster';
import { temporalPostgresOf } from '../../scripts/temporal-schema';
import { scratchDir } from '../../scripts/embedded-postgres';
import { createPool } from '../../db/pool';
import { migrate } from '../../db/migrate';
import { freePort } from '../support/global-setup';
import { client, tokens } from '../support/api-client';

export const repoRoot = resolve(__dirname, '..', '..');
export const SECRET = 'faults-secret-0123456789abcdef';

/** One line of what a fault test did or found, on stdout (jest prints console output per test). */
export function report(test: string, line: string): void {
  process.stdout.write(`[faults:${test}] ${line}\n`);
}

export async function until<T>(what: string, fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 120_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await fn();
      if (ok(last)) return last;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value ${JSON.stringify(last)?.slice(0, 500)}${lastError ? `; last error ${String(lastError)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

interface Child {
  process: ChildProcess;
  log: string;
}

export class FaultStack {
  readonly dir = scratchDir('kinerja-faults-');
  readonly taskQueue = `faults-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  readonly tokens = tokens(SECRET);
  pg!: Child & { url: string };
  /** The dev server (topology 'dev'); with a cluster, its `stop` stops the whole cluster. */
  temporal!: Pick<DevServer, 'address' | 'stop'>;
  /** Topology 'cluster': the server nodes, each of which can be killed and started again. */
  cluster: TemporalCluster | null = null;
  pgPort = 0;
  temporalPort = 0;
  apiPort = 0;
  db!: Pool;
  client!: Client;
  /** The worker processes on the task queue (one, or two on a cluster); a killed one is null. */
  workers: Array<Child | null> = [];
  api: Child | null = null;

  get worker(): Child | null {
    return this.workers[0] ?? null;
  }
  private logSeq = 0;
  /** Counted for the README: every kill, stop and restart this stack performed. */
  faultsInjected = 0;

  get dbFile() {
    return join(this.dir, 'temporal.db');
  }
  get baseUrl() {
    return `http://127.0.0.1:${this.apiPort}`;
  }

  static async start(opts: { api?: boolean; worker?: boolean; env?: Record<string, string>; topology?: 'dev' | 'cluster' } = {}): Promise<FaultStack> {
    const s = new FaultStack();
    s.extraEnv = opts.env ?? {};
    [s.pgPort, s.temporalPort, s.apiPort] = [await freePort(), await freePort(), await freePort()];
    const cluster = opts.topology === 'cluster';
    // a cluster keeps its history in this stack's PostgreSQL: that starts first
    let pg: PromiseSettledResult<void>;
    let temporal: PromiseSettledResult<Pick<DevServer, 'address' | 'stop'>>;
    if (cluster) {
      [pg] = await Promise.allSettled([s.startFirstPostgres()]);
      [temporal] = await Promise.allSettled([pg.status === 'fulfilled' ? s.startCluster() : Promise.reject(pg.reason)]);
    } else {
      [pg, temporal] = await Promise.allSettled([s.startFirstPostgres(), s.startFirstTemporal()]);
    }
    if (temporal.status === 'fulfilled') s.temporal = temporal.value;
    try {
      if (pg.status === 'rejected') throw pg.reason;
      if (temporal.status === 'rejected') throw temporal.reason;
      s.db = createPool(s.pg.url, 5);
      await migrate(s.db);
      s.client = new Client({ connection: await Connection.connect({ address: s.temporal.address }) });
      if (opts.worker !== false) for (let i = 0; i < (cluster ? 2 : 1); i++) await s.startWorker(i);
      if (opts.api !== false) await s.startApi();
      return s;
    } catch (err) {
      await s.stop(); // a half-started stack leaves no server behind
      throw err;
    }
  }

  extraEnv: Record<string, string> = {};

  env(): NodeJS.ProcessEnv {
    return {
      ...process.env,
      DATABASE_URL: `postgres://kinerja:kinerja@127.0.0.1:${this.pgPort}/kinerja`,
      TEMPORAL_ADDRESS: `127.0.0.1:${this.temporalPort}`,
      TEMPORAL_TASK_QUEUE: this.taskQueue,
      KINERJA_SECRET: SECRET,
      PORT: String(this.apiPort),
      LOG_LEVEL: 'info',
      ...this.extraEnv,
    };
  }

  private startTemporal(): Promise<DevServer> {
    return startDevServer({ dbFile: this.dbFile, port: this.temporalPort, uiPort: null, fast: true });
  }

  /**
   * The dev server opens more ports than the one it is given (its HTTP API and its services'
   * membership ports, chosen at start): with the fault files' stacks starting side by side, one may
   * be taken meanwhile and the server exits. Its first start then tries another port, as PostgreSQL's
   * does; later restarts keep the address the workers know.
   */
  private async startFirstTemporal(): Promise<DevServer> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.startTemporal();
      } catch (err) {
        if (attempt >= 3) throw err;
        console.warn(`[faults] ${String(err).slice(0, 600)}; starting the Temporal dev server on another port`);
        // a start that failed half-way may have left a database without its schema
        for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(this.dbFile + suffix, { force: true });
        this.temporalPort = await freePort();
      }
    }
  }

  /** Two server nodes behind a balancer on `temporalPort`, their logs in this stack's directory. */
  private async startCluster(): Promise<Pick<DevServer, 'address' | 'stop'>> {
    this.cluster = await startTemporalCluster({ dir: join(this.dir, 'temporal'), postgres: temporalPostgresOf(this.pg.url), port: this.temporalPort, logLevel: 'info' });
    return { address: this.cluster.address, stop: () => this.cluster!.stop() };
  }

  /** kill -9 one server node of the cluster; resolves when the process is gone. */
  async kill9Node(index: number): Promise<number> {
    const node = this.cluster?.nodes[index];
    if (!node) throw new Error(`no cluster node ${index}`);
    const pid = await node.kill9();
    this.faultsInjected++;
    return pid;
  }

  private spawnTs(name: string, entry: string, args: string[] = []): Child {
    const log = join(this.dir, `${name}-${++this.logSeq}.log`);
    const fd = openSync(log, 'a');
    const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], { cwd: repoRoot, env: this.env(), stdio: ['ignore', fd, fd] });
    closeSync(fd);
    return { process: child, log };
  }

  /** Starts worker `slot` (0: the first; a cluster stack runs 0 and 1). */
  async startWorker(slot = 0): Promise<void> {
    const w = this.spawnTs(`worker${slot ? `-${slot + 1}` : ''}`, 'worker/main.ts');
    this.workers[slot] = w;
    await until('the worker to run', async () => {
      if (w.process.exitCode !== null) throw new Error(`worker exited ${w.process.exitCode}: ${readFileSync(w.log, 'utf8').slice(-2000)}`);
      return readFileSync(w.log, 'utf8');
    }, (text) => text.includes('worker running'), 120_000);
  }

  async startApi(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      this.api = this.spawnTs('api', 'api/main.ts');
      const a = this.api;
      const status = await until('the API to listen', async () => {
        if (a.process.exitCode !== null) return 'exited';
        return (await fetch(`${this.baseUrl}/health`)).status;
      }, (s) => s === 200 || s === 'exited', 120_000);
      if (status === 200) {
        this.apiStarted = true;
        return;
      }
      const log = readFileSync(a.log, 'utf8');
      // The port was free when the stack chose it and another test's server has taken it since: at
      // the stack's first start (nobody holds its address yet) another port is as good.
      if (!this.apiStarted && attempt < 3 && log.includes('EADDRINUSE')) {
        this.apiPort = await freePort();
        continue;
      }
      throw new Error(`api exited ${a.process.exitCode}: ${log.slice(-2000)}`);
    }
  }
  private apiStarted = false;

  /** kill -9 (the API, or worker `slot`), and wait until the process is gone. */
  async kill9(which: 'worker' | 'api', slot = 0): Promise<number> {
    const child = which === 'api' ? this.api : this.workers[slot];
    if (!child) throw new Error(`no ${which} running`);
    const pid = child.process.pid!;
    const gone = new Promise((r) => child.process.once('exit', r));
    child.process.kill('SIGKILL');
    await gone;
    if (which === 'api') this.api = null;
    else this.workers[slot] = null;
    this.faultsInjected++;
    return pid;
  }

  async restartTemporal(): Promise<void> {
    await this.stopTemporal();
    await this.startTemporalAgain();
  }

  /** Stops the dev server (its database file stays): the API and the worker lose Temporal. */
  async stopTemporal(): Promise<void> {
    await this.temporal.stop();
    this.faultsInjected++;
  }

  /** The dev server again on its database file, after `stopTemporal`. */
  async startTemporalAgain(): Promise<void> {
    this.temporal = await this.startTemporal();
  }

  /** Stops PostgreSQL (a clean, fast shutdown: clients are disconnected, new connections refused). */
  async stopPostgres(): Promise<void> {
    await stopProcess(this.pg.process, 30_000);
    this.faultsInjected++;
  }

  async startPostgres(): Promise<void> {
    const child = this.spawnTs('postgres', 'test/faults/postgres-process.ts', [join(this.dir, 'postgres'), String(this.pgPort)]);
    const ready = /ready (postgres:\S+)/;
    const text = await until('PostgreSQL to start', async () => readFileSync(child.log, 'utf8'), (t) => ready.test(t) || child.process.exitCode !== null, 120_000, 100);
    if (!ready.test(text)) throw new Error(`postgres exited ${child.process.exitCode} on port ${this.pgPort}: ${text.slice(-2000)}`);
    this.pg = { ...child, url: ready.exec(text)![1] };
  }

  /**
   * The first start may find its port taken meanwhile (the Temporal dev server, starting beside
   * it, opens ports of its own): then it starts on another free port. Later restarts keep the port.
   */
  private async startFirstPostgres(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.startPostgres();
      } catch (err) {
        if (attempt >= 3) throw err;
        console.warn(`[faults] ${String(err).slice(0, 300)}; starting PostgreSQL on another port`);
        this.pgPort = await freePort();
      }
    }
  }

  /** Everything every process of this stack wrote, for searching. */
  logs(): string {
    return readdirSync(this.dir).filter((f) => f.endsWith('.log')).map((f) => readFileSync(join(this.dir, f), 'utf8')).join('\n');
  }

  /** How many of this stack's API calls answered each status. */
  readonly answers: Record<number, number> = {};
  /** API answers that break the contract under faults: a 5xx other than 503 with Retry-After. */
  readonly contractBreaches: string[] = [];

  async call(method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
    const r = await client(this.baseUrl)(method, path, opts);
    this.answers[r.status] = (this.answers[r.status] ?? 0) + 1;
    if (r.status >= 500 && !(r.status === 503 && r.headers.get('retry-after'))) {
      this.contractBreaches.push(`${method} ${path} → ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    }
    return r;
  }

  /** Post the organisation as an administrator and wait until its cycle runs; returns the cycle id. */
  async startCycle(org: { organisation: { id: string }; year: number }): Promise<string> {
    const cycleId = `cycle:${org.organisation.id}:${org.year}`;
    const posted = await this.call('POST', '/api/cycles', { token: this.tokens.admin, body: org });
    if (posted.status !== 201) throw new Error(`posting the cycle answered ${posted.status}: ${JSON.stringify(posted.body)}`);
    await until('the cycle to run', () => this.call('GET', `/api/cycles/${encodeURIComponent(cycleId)}`, { token: this.tokens.admin }), (r) => r.body?.status === 'running', 180_000);
    return cycleId;
  }

  async stop(): Promise<void> {
    for (const child of [this.api, ...this.workers]) if (child) await stopProcess(child.process, 5000);
    this.api = null;
    this.workers = [];
    await this.client?.connection.close().catch(() => {});
    await this.db?.end().catch(() => {});
    await this.temporal?.stop().catch(() => {});
    if (this.pg) await stopProcess(this.pg.process, 30_000);
    if (existsSync(this.dir) && !process.env.KINERJA_KEEP_FAULT_DIRS) rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A fault test's stack, started before its tests (with the organisation's cycle running, when one
 * is given) and stopped after them, reporting the faults it injected under the test's name.
 */
export function withFaultStack(
  name: string,
  setup: { org?: { organisation: { id: string }; year: number }; start?: Parameters<typeof FaultStack.start>[0] },
  use: (stack: FaultStack) => void,
): void {
  let stack: FaultStack | undefined;
  beforeAll(async () => {
    stack = await FaultStack.start(setup.start);
    use(stack);
    if (setup.org) await stack.startCycle(setup.org);
  });
  afterAll(async () => {
    report(name, `faults injected: ${stack?.faultsInjected ?? 0}`);
    await stack?.stop();
  });
}
