// `npm start` the way a newcomer meets it: a clone inside a private directory (mode 0700, like
// /root), nothing configured. The stack comes up (as root, PostgreSQL runs as the `postgres` user
// from binaries outside the clone), no directory outside the clone is opened up, the CLI finds
// the stack without DATABASE_URL, and SIGTERM or SIGINT sent to the one `npm start` process stops
// every process it started, the Temporal dev server included. The first start makes the first
// administrator's and evaluation team's accounts (their set-password links work) and sets the
// namespace's retention to 30 days.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, symlinkSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { freePort } from '../support/global-setup';
import { alive, commandLine, descendants, killTree } from '../support/process-tree';

jest.setTimeout(420_000);

const REPO = resolve(__dirname, '..', '..');
const isRoot = process.getuid?.() === 0;
let privateDir: string;
let clone: string;
let env: NodeJS.ProcessEnv;
let cliEnv: NodeJS.ProcessEnv;
let running: ChildProcess | undefined;
let output = '';

/** Only what a fresh shell has: none of the test run's DATABASE_URL, TEMPORAL_ADDRESS or secret. */
function freshEnv(): NodeJS.ProcessEnv {
  const keep = ['PATH', 'HOME', 'LANG', 'USER', 'TEMPORAL_CLI_PATH', 'KINERJA_CACHE_DIR', 'GOPATH', 'GOCACHE'];
  return Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]]));
}

async function until<T>(what: string, fn: () => Promise<T | undefined> | T | undefined, attempts = 600): Promise<T> {
  for (let i = 0; i < attempts; i++) {
    const value = await fn();
    if (value !== undefined && value !== false) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} did not happen; npm start printed:\n${output.slice(-4000)}`);
}

async function npmStart(): Promise<ChildProcess> {
  output = '';
  const child = spawn('npm', ['start'], { cwd: clone, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  running = child;
  await until('/health answering 200', async () => {
    if (child.exitCode !== null) throw new Error(`npm start exited (${child.exitCode}):\n${output}`);
    return fetch(`http://127.0.0.1:${env.PORT}/health`).then((r) => r.ok || undefined, () => undefined);
  });
  await until('.data/stack.json written', () => existsSync(join(clone, '.data', 'stack.json')) || undefined);
  return child;
}

/** Signals the `npm start` process alone and expects it and everything below it to end. */
async function stopWith(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const below = descendants(child.pid!);
  const lines = below.map(commandLine);
  expect(lines.some((l) => l.includes('start-dev'))).toBe(true); // the Temporal dev server
  expect(lines.some((l) => /postgres -D/.test(l))).toBe(true);
  expect(lines.some((l) => l.includes('worker/main.ts'))).toBe(true);
  expect(lines.some((l) => l.includes('api/main.ts'))).toBe(true);

  const exited = new Promise((r) => child.once('exit', r));
  process.kill(child.pid!, signal);
  await exited;
  running = undefined;
  await until('every process npm start started to end', () => below.every((pid) => !alive(pid)) || undefined, 120);
  expect(below.filter(alive).map(commandLine)).toEqual([]);
  expect(existsSync(join(clone, '.data', 'stack.json'))).toBe(false);
}

function kinerja(args: string[]) {
  return spawnSync(process.execPath, [join(clone, 'bin', 'kinerja'), ...args], { cwd: clone, env: cliEnv, encoding: 'utf8' });
}

beforeAll(async () => {
  privateDir = mkdtempSync(join(tmpdir(), 'kinerja-home-')); // 0700, like /root
  expect(statSync(privateDir).mode & 0o777).toBe(0o700);
  clone = join(privateDir, 'kinerja');
  // the working tree as it is (tracked and new files), as a clone would have it
  const files = spawnSync('git', ['ls-files', '-z', '-co', '--exclude-standard'], { cwd: REPO, encoding: 'utf8' }).stdout.split('\0').filter(Boolean);
  for (const file of files) {
    if (!existsSync(join(REPO, file)) || lstatSync(join(REPO, file)).isSymbolicLink()) continue;
    mkdirSync(dirname(join(clone, file)), { recursive: true });
    copyFileSync(join(REPO, file), join(clone, file));
  }
  symlinkSync(realpathSync(join(REPO, 'node_modules')), join(clone, 'node_modules'));
  // a data directory made beforehand, readable by all (a newcomer's mkdir, a restored backup)
  mkdirSync(join(clone, '.data'));
  chmodSync(join(clone, '.data'), 0o755);
  // the shared node_modules is current: keep ensure-install from running `npm ci` into it
  const installed = statSync(join(REPO, 'node_modules', '.package-lock.json')).mtime;
  utimesSync(join(clone, 'package-lock.json'), installed, new Date(installed.getTime() - 1000));

  cliEnv = { ...freshEnv(), LOG_LEVEL: 'warn' };
  env = {
    ...cliEnv,
    PORT: String(await freePort()),
    TEMPORAL_PORT: String(await freePort()),
    TEMPORAL_UI_PORT: String(await freePort()),
    PGPORT: String(await freePort()),
  };
});

afterAll(async () => {
  if (running?.pid) killTree(running.pid);
  const pgLink = join(clone, '.data', 'postgres');
  if (existsSync(pgLink) && lstatSync(pgLink).isSymbolicLink()) rmSync(realpathSync(pgLink), { recursive: true, force: true });
  rmSync(privateDir, { recursive: true, force: true });
});

test('npm start from a clone in a 0700 directory: up, found by the CLI, and stopped whole by SIGTERM or SIGINT to its process', async () => {
  const first = await npmStart();
  // nothing above the clone was opened up for the postgres user
  expect(statSync(privateDir).mode & 0o777).toBe(0o700);
  // the data directory is the owner's only, though it was there, open, before the start
  expect(statSync(join(clone, '.data')).mode & 0o777).toBe(0o700);
  if (isRoot) {
    // PostgreSQL's files live where the postgres user can reach them, linked from .data/postgres
    const pgData = join(clone, '.data', 'postgres');
    expect(lstatSync(pgData).isSymbolicLink()).toBe(true);
    expect(realpathSync(pgData).startsWith('/var/lib/kinerja/postgres/')).toBe(true);
    const postgresUid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout);
    expect(statSync(realpathSync(pgData)).uid).toBe(postgresUid);
  }

  // the CLI, with nothing set, finds the stack npm start runs
  // (the worker polls a few seconds after /health answers, while it bundles the workflows)
  const doctor = await until('kinerja doctor passing', () => {
    const run = kinerja(['doctor']);
    return run.status === 0 ? run : /DATABASE_URL|configuration/.test(run.stdout + run.stderr) ? run : undefined;
  }, 240);
  expect(doctor.stdout).toContain('Everything looks right.');
  expect(doctor.stdout).toMatch(/ok\s+PostgreSQL/);
  expect(doctor.stdout).toMatch(/ok\s+worker\s+\d+ poller/);
  expect(doctor.status).toBe(0);
  const caExport = kinerja(['ca', 'export', '--out', join(privateDir, 'ca.pem')]);
  expect(caExport.stderr).not.toContain('DATABASE_URL');
  expect(caExport.stderr).toContain('No CA yet'); // it reached the database: no organisation has signed yet

  // the first start made an administrator's and an evaluation team's account, each with the link
  // that sets its password at the embedded provider
  const firstAccounts = [...output.matchAll(/First (\w+) account "([^"]+)": set its password at (\S+)/g)].map(([, role, accountId, link]) => ({ role, accountId, link }));
  expect(firstAccounts.map(({ role, accountId }) => `${role} ${accountId}`)).toEqual(['admin administrator', 'evaluator tim-evaluasi']);
  const admin = firstAccounts[0];
  const form = await fetch(admin.link);
  expect([form.status, await form.text()]).toEqual([200, expect.stringContaining('Akun: <strong>administrator</strong>')]);
  const set = await fetch(admin.link, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ password: 'kata-sandi-admin-123', confirmation: 'kata-sandi-admin-123' }) });
  expect([set.status, await set.text()]).toEqual([200, expect.stringContaining('Kata sandi tersimpan')]);
  // Temporal keeps closed runs 30 days (TEMPORAL_RETENTION_DAYS), not the dev server's one day
  const connection = await Connection.connect({ address: `127.0.0.1:${env.TEMPORAL_PORT}` });
  try {
    const { namespaceInfo, config } = await connection.workflowService.describeNamespace({ namespace: 'default' });
    expect([namespaceInfo?.name, Number(config?.workflowExecutionRetentionTtl?.seconds)]).toEqual(['default', 30 * 86_400]);
  } finally {
    await connection.close();
  }
  expect(output).toContain('Temporal keeps closed runs 30 days');

  await stopWith(first, 'SIGTERM');

  // a second start keeps its data (same database, same link) and stops whole on SIGINT
  const second = await npmStart();
  expect(output).not.toContain('account "administrator"'); // made once, at the first start
  expect((await until('kinerja doctor passing', () => (kinerja(['doctor']).status === 0) || undefined, 240))).toBe(true);
  await stopWith(second, 'SIGINT');
});
