// Runs the Temporal CLI dev server (SQLite file on disk, Web UI) as a child process and makes sure
// the search attributes exist (given at the command line they apply only to a new database file).
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { resolveTemporalCli } from './temporal-binaries';
import { devServerDynamicConfigArgs } from './temporal-dynamic-config';
import { searchAttributeDefinitions } from '../workflows/search-attributes';
import { temporal } from '@temporalio/proto';
import { msToTs } from '@temporalio/common/lib/time';

export interface DevServer {
  address: string;
  uiUrl: string | null;
  process: ChildProcess;
  stop(): Promise<void>;
}

export interface DevServerOptions {
  dbFile: string;
  port: number;
  uiPort: number | null;
  /**
   * How long Temporal keeps a closed run (the dev server's own default is 24 hours). The worker
   * archives each run to PostgreSQL within seconds; this is how long an archiver that is down has
   * to catch up before a run is lost. Default 30 days.
   */
  retentionDays?: number;
  /** Faster SQLite for throwaway test databases. */
  fast?: boolean;
  logFile?: string;
}

export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const cli = resolveTemporalCli();
  mkdirSync(dirname(options.dbFile), { recursive: true, mode: 0o700 });
  keepPrivate(options.dbFile);
  const args = [
    'server', 'start-dev', '--db-filename', options.dbFile, '--ip', '127.0.0.1', '--port', String(options.port),
    '--log-level', 'warn',
    ...(options.uiPort ? ['--ui-port', String(options.uiPort)] : ['--headless']),
    ...(options.fast ? ['--sqlite-pragma', 'journal_mode=WAL', '--sqlite-pragma', 'synchronous=OFF'] : []),
    ...searchAttributeDefinitions.flatMap((a) => ['--search-attribute', `${a.name}=${a.type}`]),
    // the same settings as the cluster (Updates, eager activities)
    ...devServerDynamicConfigArgs(),
  ];
  const child = spawnPrivate(cli, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr = headAndTail();
  child.stderr!.on('data', (d) => stderr.add(String(d)));
  const address = `127.0.0.1:${options.port}`;
  await waitUntilServing(address, child, stderr.text);
  await ensureSearchAttributes(address);
  await ensureRetention(address, 'default', options.retentionDays ?? DEFAULT_RETENTION_DAYS);
  return {
    address,
    uiUrl: options.uiPort ? `http://127.0.0.1:${options.uiPort}` : null,
    process: child,
    stop: () => stopProcess(child),
  };
}

/**
 * Temporal's database holds every workflow's history (names, NIPs, sealed passphrases): readable by
 * its owner only. The server creates its files under a 077 umask (see spawnPrivate), so a new file
 * is 0600 from its first byte; files an older start left world-readable are tightened.
 */
export function keepPrivate(dbFile: string): void {
  for (const file of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`, `${dbFile}-journal`]) {
    if (existsSync(file)) chmodSync(file, 0o600);
  }
}

/** Spawns with umask 077, which the child inherits (the Temporal CLI has no option for its files' mode). */
function spawnPrivate(command: string, args: string[], options: SpawnOptions): ChildProcess {
  const previous = process.umask(0o077);
  try {
    return spawn(command, args, options);
  } finally {
    process.umask(previous);
  }
}

/**
 * The start of a process's stderr and its end: a Go panic prints its message first and then a
 * stack of several kilobytes, so the tail alone hides why the server stopped.
 */
function headAndTail(headChars = 3000, tailChars = 4000): { add(chunk: string): void; text(): string } {
  let head = '';
  let tail = '';
  let skipped = 0;
  return {
    add(chunk) {
      if (head.length < headChars) {
        const room = headChars - head.length;
        head += chunk.slice(0, room);
        chunk = chunk.slice(room);
      }
      tail += chunk;
      if (tail.length > tailChars) {
        skipped += tail.length - tailChars;
        tail = tail.slice(-tailChars);
      }
    },
    text: () => (skipped > 0 ? `${head}\n[… ${skipped} characters …]\n${tail}` : head + tail),
  };
}

async function waitUntilServing(address: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the Temporal dev server exited (${child.exitCode}):\n${stderr()}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: '1s' });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`the Temporal dev server did not start within 60 s:\n${stderr()}`);
}

export const DEFAULT_RETENTION_DAYS = 30;

/** Sets the namespace's retention of closed runs (on every start, so a change of setting applies). */
export async function ensureRetention(address: string, namespace: string, days: number): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const seconds = Math.round(days * 86_400);
    const current = await connection.workflowService.describeNamespace({ namespace });
    if (Number(current.config?.workflowExecutionRetentionTtl?.seconds ?? 0) === seconds) return;
    await connection.workflowService.updateNamespace({
      namespace,
      config: { workflowExecutionRetentionTtl: msToTs(seconds * 1000) },
    });
  } finally {
    await connection.close();
  }
}

export async function ensureSearchAttributes(address: string, namespace = 'default'): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    // The Java test server can add search attributes but not list them.
    const existing = await connection.operatorService.listSearchAttributes({ namespace }).catch(() => ({ customAttributes: {} }));
    const missing = searchAttributeDefinitions.filter((a) => !(a.name in (existing.customAttributes ?? {})));
    if (missing.length === 0) return;
    const types = temporal.api.enums.v1.IndexedValueType;
    const typeOf = { Keyword: types.INDEXED_VALUE_TYPE_KEYWORD, Int: types.INDEXED_VALUE_TYPE_INT, Bool: types.INDEXED_VALUE_TYPE_BOOL };
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((a) => [a.name, typeOf[a.type]])),
    });
  } finally {
    await connection.close();
  }
}

export function stopProcess(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
