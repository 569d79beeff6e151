// The Temporal cluster's programs, built from their official Go modules like the CLI
// (scripts/temporal-binaries.ts) and cached per user outside git: the server (one binary runs every
// service), its `sql` schema tool, and the Web UI server. The versions are pinned here, and only
// here: docker-compose.yml must name the same image tags (test/unit/cluster-versions.test.ts).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir } from './temporal-binaries';

export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
export const TEMPORAL_UI_VERSION = 'v2.42.1';

export interface ClusterBinaries {
  /** `server --root R --config C --env E --allow-no-auth start`: every service in one process. */
  server: string;
  /** The schema tool (`sql --plugin postgres12 …`). */
  sqlTool: string;
  /** The server module's PostgreSQL schemas: `temporal/` and `visibility/`, each with `versioned/`. */
  postgresSchemas: string;
}

function log(message: string): void {
  process.stderr.write(`[kinerja] ${message}\n`);
}

function requireGo(what: string, override: string): void {
  if (spawnSync('sh', ['-c', 'command -v go'], { stdio: 'ignore' }).status === 0) return;
  throw new Error(
    `${what} is not built yet and Go is not installed.\n` +
      `Install Go 1.23 or newer (https://go.dev/doc/install, or 'apt-get install golang-go'), then run again; or set ${override}.`,
  );
}

/** `go install` of each package into `dir`, through a per-process staging directory renamed at the end. */
function goInstall(dir: string, packages: string[]): void {
  const staging = `${dir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  for (const pkg of packages) {
    execFileSync('go', ['install', pkg], { stdio: 'inherit', env: { ...process.env, CGO_ENABLED: '0', GOBIN: staging, GOFLAGS: '-trimpath' } });
  }
  if (existsSync(dir)) {
    rmSync(staging, { recursive: true, force: true }); // another run finished first: keep its build
  } else {
    renameSync(staging, dir); // atomic: a crashed build never leaves a half binary in the cache
  }
}

function goModCache(): string {
  return execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
}

/** TEMPORAL_SERVER_DIR (a directory with `server` and `sql`), else the cached build, else `go install`. */
export function resolveClusterBinaries(): ClusterBinaries {
  const override = process.env.TEMPORAL_SERVER_DIR;
  const dir = override ?? join(cacheDir(), `temporal-server-${TEMPORAL_SERVER_VERSION}`);
  if (!existsSync(join(dir, 'server')) || !existsSync(join(dir, 'sql'))) {
    if (override) throw new Error(`TEMPORAL_SERVER_DIR=${override} must hold the 'server' and 'sql' binaries of Temporal ${TEMPORAL_SERVER_VERSION}.`);
    requireGo(`The Temporal server ${TEMPORAL_SERVER_VERSION}`, 'TEMPORAL_SERVER_DIR');
    log(`building the Temporal server ${TEMPORAL_SERVER_VERSION} and its schema tool with go install (once; 6–9 minutes on 2 cores)...`);
    const started = Date.now();
    goInstall(dir, [`go.temporal.io/server/cmd/server@${TEMPORAL_SERVER_VERSION}`, `go.temporal.io/server/cmd/tools/sql@${TEMPORAL_SERVER_VERSION}`]);
    log(`built the Temporal server in ${((Date.now() - started) / 1000).toFixed(1)} s: ${dir}`);
  }
  const schemas = process.env.TEMPORAL_SCHEMA_DIR ?? join(modulePath('go.temporal.io/server', TEMPORAL_SERVER_VERSION), 'schema', 'postgresql', 'v12');
  if (!existsSync(join(schemas, 'temporal', 'versioned'))) {
    throw new Error(`the PostgreSQL schemas of Temporal ${TEMPORAL_SERVER_VERSION} are not in ${schemas}: run 'go mod download go.temporal.io/server@${TEMPORAL_SERVER_VERSION}' or set TEMPORAL_SCHEMA_DIR`);
  }
  return { server: join(dir, 'server'), sqlTool: join(dir, 'sql'), postgresSchemas: schemas };
}

/** Where `go` keeps a module's source (downloaded again if the module cache was cleaned). */
function modulePath(module: string, version: string): string {
  const path = join(goModCache(), `${module}@${version}`);
  if (!existsSync(path) && spawnSync('sh', ['-c', 'command -v go'], { stdio: 'ignore' }).status === 0) {
    execFileSync('go', ['mod', 'download', `${module}@${version}`], { stdio: 'inherit', cwd: cacheDir(), env: { ...process.env, GOFLAGS: '-mod=mod' } });
  }
  return path;
}

/** TEMPORAL_UI_SERVER_PATH, else the cached build of the Web UI server, else `go install`. */
export function resolveUiServer(): string {
  const override = process.env.TEMPORAL_UI_SERVER_PATH;
  if (override) {
    if (!existsSync(override)) throw new Error(`TEMPORAL_UI_SERVER_PATH=${override} does not exist.`);
    return override;
  }
  // its binary is also named `server`: a directory of its own
  const dir = join(cacheDir(), `temporal-ui-server-${TEMPORAL_UI_VERSION}`);
  const binary = join(dir, 'server');
  if (existsSync(binary)) return binary;
  requireGo(`The Temporal Web UI server ${TEMPORAL_UI_VERSION}`, 'TEMPORAL_UI_SERVER_PATH');
  log(`building the Temporal Web UI server ${TEMPORAL_UI_VERSION} with go install (once; a few minutes)...`);
  const started = Date.now();
  goInstall(dir, [`github.com/temporalio/ui-server/v2/cmd/server@${TEMPORAL_UI_VERSION}`]);
  log(`built the Web UI server in ${((Date.now() - started) / 1000).toFixed(1)} s: ${binary}`);
  return binary;
}

if (require.main === module) {
  const which = process.argv[2] ?? 'all';
  if (which === 'server' || which === 'all') {
    const b = resolveClusterBinaries();
    console.log(b.server);
    console.log(b.sqlTool);
  }
  if (which === 'ui' || which === 'all') console.log(resolveUiServer());
}
