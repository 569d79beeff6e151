// `npm start`: the whole system on embedded defaults — Temporal dev server (SQLite under .data/,
// Web UI), PostgreSQL (embedded unless DATABASE_URL is set), migrations, worker and API — with
// data kept across restarts, and everything stopped on Ctrl-C, SIGINT or SIGTERM (to the group or
// to this process alone). The addresses it chose are written to .data/stack.json for the CLI.
// `npm start -- --cluster`: the production topology instead of the dev server: a Temporal cluster of
// two server nodes on PostgreSQL (scripts/temporal-cluster.ts), its Web UI, and two workers.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createPool } from '../db/pool';
import { migrate } from '../db/migrate';
import { DEFAULT_RETENTION_DAYS, startDevServer, stopProcess, type DevServer } from './dev-server';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres';
import { clusterSettings } from './cluster-settings';
import { startTemporalCluster } from './temporal-cluster';
import { temporalPostgresOf } from './temporal-schema';
import { waitForHealth } from './wait-for-health';
import { STACK_SETTINGS_FILE, type StackSettings } from '../config';
import { createInvite } from '../identity-provider/invites';
import type { Pool } from 'pg';

const root = resolve(__dirname, '..');
const dataDir = resolve(process.env.KINERJA_DATA_DIR ?? join(root, '.data'));
const log = (message: string) => process.stdout.write(`[kinerja] ${message}\n`);

/** A server secret generated once and kept under .data/ (JWT signing, CA key, sealed passphrases). */
/** TEMPORAL_RETENTION_DAYS: how long the dev server keeps closed runs (the archive keeps them for good). */
function retentionDays(): number {
  const raw = process.env.TEMPORAL_RETENTION_DAYS;
  if (raw === undefined || raw === '') return DEFAULT_RETENTION_DAYS;
  const days = Number(raw);
  if (!Number.isFinite(days) || days < 1) throw new Error(`TEMPORAL_RETENTION_DAYS must be a number of days, at least 1 (got ${JSON.stringify(raw)})`);
  return days;
}

function devSecret(): string {
  const file = join(dataDir, 'secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

// Everything started so far, stopped in reverse order on Ctrl-C, on a crash, or when start-up fails.
const stops: Array<() => Promise<void>> = [];
const children: ChildProcess[] = [];
let stopping = false;
async function stopAll(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  log('stopping...');
  rmSync(join(dataDir, STACK_SETTINGS_FILE), { force: true });
  await Promise.all(children.map((c) => stopProcess(c)));
  for (const stop of stops.reverse()) await stop().catch(() => {});
  process.exit(code);
}

async function main() {
  // the secret, Temporal's and PostgreSQL's data: the owner's only, also when the directory was
  // there before (mkdir leaves an existing one as it is)
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    chmodSync(dataDir, 0o700);
  } catch (err) {
    log(`warning: could not make ${dataDir} private (${(err as Error).message}); its files are 0600`);
  }
  const port = Number(process.env.PORT ?? 3000);
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  const cluster = process.argv.includes('--cluster') ? clusterSettings(process.env) : null;
  const startPostgres = async (): Promise<string> => {
    const pg: EmbeddedPostgres = await startEmbeddedPostgres(join(dataDir, 'postgres'), Number(process.env.PGPORT ?? 5433));
    stops.push(pg.stop);
    return pg.url;
  };
  // the cluster keeps its history in PostgreSQL: the embedded one starts first
  const embeddedFirst = !process.env.DATABASE_URL && cluster ? await startPostgres() : undefined;

  let temporalAddress = process.env.TEMPORAL_ADDRESS;
  let uiUrl = process.env.TEMPORAL_UI_URL ?? '';
  const ownTemporal = !temporalAddress;
  if (!temporalAddress && cluster) {
    const temporalDatabaseUrl = process.env.TEMPORAL_DATABASE_URL ?? embeddedFirst;
    if (!temporalDatabaseUrl) throw new Error('--cluster with DATABASE_URL set needs TEMPORAL_DATABASE_URL too: the PostgreSQL server where Temporal keeps its two databases');
    log(`starting a Temporal ${cluster.nodes}-node cluster with ${cluster.historyShards} history shards on PostgreSQL...`);
    const started = await startTemporalCluster({
      dir: join(dataDir, 'temporal-cluster'),
      postgres: temporalPostgresOf(temporalDatabaseUrl),
      port: Number(process.env.TEMPORAL_PORT ?? 7233),
      uiPort: Number(process.env.TEMPORAL_UI_PORT ?? 8233),
      nodes: cluster.nodes,
      historyShards: cluster.historyShards,
      retentionDays: retentionDays(),
    });
    stops.push(started.stop);
    temporalAddress = started.address;
    uiUrl = started.uiUrl!;
    for (const node of started.nodes) {
      node.process?.on('exit', (code, signal) => !stopping && (log(`Temporal node ${node.index} exited (${code ?? signal}); see ${node.logFile}`), void stopAll(1)));
    }
  } else if (!temporalAddress) {
    const server: DevServer = await startDevServer({
      dbFile: join(dataDir, 'temporal.db'),
      port: Number(process.env.TEMPORAL_PORT ?? 7233),
      uiPort: Number(process.env.TEMPORAL_UI_PORT ?? 8233),
      retentionDays: retentionDays(),
    });
    stops.push(server.stop);
    temporalAddress = server.address;
    uiUrl = server.uiUrl!;
    server.process.on('exit', (code) => !stopping && (log(`Temporal dev server exited (${code})`), void stopAll(1)));
  }
  if (ownTemporal) log(`Temporal keeps closed runs ${retentionDays()} days; the worker archives each one to PostgreSQL as it closes`);

  const databaseUrl = process.env.DATABASE_URL ?? embeddedFirst ?? (await startPostgres());
  const pool = createPool(databaseUrl, 2);
  const applied = await migrate(pool);
  if (applied.length) log(`migrations applied: ${applied.join(', ')}`);

  // The embedded identity provider, unless the region's is configured (OIDC_ISSUER)
  const idpPort = Number(process.env.IDP_PORT ?? 3001);
  const issuer = process.env.OIDC_ISSUER ?? `http://127.0.0.1:${idpPort}`;
  const embeddedIdp = process.env.OIDC_ISSUER === undefined;
  const firstAccounts = embeddedIdp ? await firstStartInvites(pool, issuer) : [];
  await pool.end();

  const env = {
    ...process.env,
    TEMPORAL_ADDRESS: temporalAddress,
    TEMPORAL_UI_URL: uiUrl,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    KINERJA_SECRET: process.env.KINERJA_SECRET ?? devSecret(),
    KINERJA_SUPERVISOR_PID: String(process.pid),
    OIDC_ISSUER: issuer,
    ...(embeddedIdp ? { IDP_KEYS_FILE: join(dataDir, 'idp-jwks.json') } : {}),
  };
  const workers = cluster?.workers ?? 1;
  const processes: Array<readonly [string, string]> = [
    ...Array.from({ length: workers }, (_, i) => [workers > 1 ? `worker ${i + 1}` : 'worker', 'worker/main.ts'] as const),
    ['api', 'api/main.ts'],
  ];
  if (embeddedIdp) processes.unshift(['identity provider', 'identity-provider/main.ts']);
  for (const [name, entry] of processes) {
    // node itself with tsx's loader: one process per child, which receives the signal it is sent
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, entry)], { cwd: root, env, stdio: 'inherit' });
    child.on('exit', (code) => !stopping && (log(`${name} exited (${code})`), void stopAll(1)));
    children.push(child);
  }
  await waitForHealth(`http://127.0.0.1:${port}/health`, 60_000);
  if (embeddedIdp) await waitForHealth(`${issuer}/.well-known/openid-configuration`, 60_000);
  const settings: StackSettings = { apiUrl: `http://127.0.0.1:${port}`, databaseUrl, temporalAddress, temporalUiUrl: uiUrl, oidcIssuer: issuer, pid: process.pid };
  // holds the database password: readable by this user only
  writeFileSync(join(dataDir, STACK_SETTINGS_FILE), JSON.stringify(settings, null, 2) + '\n', { mode: 0o600 });
  log('');
  log(`API and page   http://127.0.0.1:${port}/`);
  log(`Health         http://127.0.0.1:${port}/health`);
  log(`Temporal UI    ${uiUrl}`);
  log(`Temporal gRPC  ${temporalAddress}${cluster ? ` (balanced over ${cluster.nodes} server nodes, ${cluster.historyShards} history shards; ${workers} workers)` : ''}`);
  log(`PostgreSQL     ${databaseUrl.replace(/:[^:@/]+@/, ':***@')}`);
  log(`Sign-in (OIDC) ${issuer}${embeddedIdp ? ' (embedded provider)' : ''}`);
  log(`Data           ${dataDir}`);
  for (const { role, accountId, link } of firstAccounts) {
    log(`First ${role} account "${accountId}": set its password at ${link}`);
  }
  if (embeddedIdp) log('Officials get their set-password link from: ./bin/kinerja user invite --nip NIP (or --official ID)');
  log('Ctrl-C stops everything.');
}

/** At the embedded provider's first start: an administrator and an evaluator account, with their set-password links. */
async function firstStartInvites(pool: Pool, issuer: string): Promise<Array<{ role: string; accountId: string; link: string }>> {
  const out = [];
  for (const [role, accountId] of [['admin', 'administrator'], ['evaluator', 'tim-evaluasi']] as const) {
    const exists = (await pool.query('SELECT 1 FROM idp_accounts WHERE role = $1', [role])).rowCount !== 0;
    if (exists) continue;
    const { link } = await createInvite(pool, issuer, { accountId, role });
    out.push({ role, accountId, link });
  }
  return out;
}

main().catch((err) => {
  console.error(`[kinerja] ${err instanceof Error ? err.message : err}`);
  void stopAll(1); // what was already started must not outlive a failed start
});
