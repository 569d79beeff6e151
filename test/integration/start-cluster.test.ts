// `npm start -- --cluster` the way an operator meets it: the production topology on one machine —
// two Temporal server nodes with 8 history shards on the embedded PostgreSQL, the Web UI, two
// workers, the API. /health names the cluster, the CLI finds it, Ctrl-C (SIGINT) or SIGTERM to the
// one process stops everything, and a second start on the same data comes up again.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, realpathSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from '../support/global-setup';
import { alive, commandLine, descendants, killTree } from '../support/process-tree';
import { scratchDir } from '../../scripts/embedded-postgres';

jest.setTimeout(900_000); // a first run builds the server and the UI server (about 11 minutes here)

const REPO = resolve(__dirname, '..', '..');
let dir: string;
let env: NodeJS.ProcessEnv;
let running: ChildProcess | undefined;
let output = '';

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, attempts = 2400): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await fn();
    if (value !== undefined && value !== false) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not happen; npm start printed:\n${output.slice(-4000)}`);
}

async function startCluster(): Promise<{ child: ChildProcess; health: any }> {
  output = '';
  const child = spawn('npm', ['start', '--', '--cluster'], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  running = child;
  const health = await until('/health answering 200', async () => {
    if (child.exitCode !== null) throw new Error(`npm start -- --cluster exited (${child.exitCode}):\n${output}`);
    return fetch(`http://127.0.0.1:${env.PORT}/health`).then((r) => (r.ok ? r.json() : undefined), () => undefined);
  });
  await until('the addresses printed', () => output.includes('Ctrl-C stops everything.') || undefined);
  return { child, health };
}

async function stopWith(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const below = descendants(child.pid!);
  const lines = below.map(commandLine);
  expect(lines.filter((l) => /temporal-server-v[\d.]+\/server .*start/.test(l))).toHaveLength(2);
  expect(lines.filter((l) => /temporal-ui-server-v[\d.]+\/server .*start/.test(l))).toHaveLength(1);
  expect(lines.filter((l) => l.includes('worker/main.ts'))).toHaveLength(2);
  expect(lines.some((l) => l.includes('api/main.ts'))).toBe(true);
  expect(lines.some((l) => /postgres -D/.test(l))).toBe(true);
  const exited = new Promise((r) => child.once('exit', r));
  process.kill(child.pid!, signal);
  await exited;
  running = undefined;
  await until('every process npm start started to end', () => below.every((pid) => !alive(pid)) || undefined, 240);
  expect(below.filter(alive).map(commandLine)).toEqual([]);
}

beforeAll(async () => {
  dir = scratchDir('kinerja-start-cluster-');
  const keep = ['PATH', 'HOME', 'LANG', 'USER', 'TEMPORAL_CLI_PATH', 'KINERJA_CACHE_DIR', 'GOPATH', 'GOCACHE', 'TEMPORAL_SERVER_DIR', 'TEMPORAL_SCHEMA_DIR', 'TEMPORAL_UI_SERVER_PATH'];
  env = {
    ...Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]])),
    LOG_LEVEL: 'warn',
    KINERJA_DATA_DIR: join(dir, 'data'),
    PORT: String(await freePort()),
    IDP_PORT: String(await freePort()),
    TEMPORAL_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    PGPORT: String(await freePort()),
  };
});

afterAll(async () => {
  if (running?.pid) killTree(running.pid);
  const pgLink = join(dir, 'data', 'postgres');
  if (existsSync(pgLink) && lstatSync(pgLink).isSymbolicLink()) rmSync(realpathSync(pgLink), { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

test('npm start -- --cluster: two server nodes with 8 shards, the UI, two workers; stopped whole; started again on its data', async () => {
  const first = await startCluster();
  expect(first.health.temporal).toMatchObject({ ok: true, serverVersion: '1.29.1', historyShards: 8, address: `127.0.0.1:${env.TEMPORAL_PORT}` });
  for (const role of ['frontend', 'history', 'matching', 'worker']) expect(first.health.temporal.members[role]).toHaveLength(2);
  expect(output).toContain('balanced over 2 server nodes, 8 history shards; 2 workers');
  expect((await fetch(`http://127.0.0.1:${env.TEMPORAL_UI_PORT}/`)).status).toBe(200);
  // the CLI finds the stack (its addresses in the data directory's stack.json)
  const doctor = await until('kinerja doctor passing', () => {
    const run = spawnSync(process.execPath, [join(REPO, 'bin', 'kinerja'), 'doctor'], { cwd: REPO, env, encoding: 'utf8' });
    return run.status === 0 ? run : undefined;
  }, 480);
  expect(doctor.stdout).toMatch(/ok\s+worker\s+\d+ poller/);
  await stopWith(first.child, 'SIGINT');

  // the same data again: Temporal's databases and schemas are kept, the shards too
  const second = await startCluster();
  expect(second.health.temporal).toMatchObject({ ok: true, historyShards: 8 });
  expect(second.health.temporal.members.history).toHaveLength(2);
  await stopWith(second.child, 'SIGTERM');
});
