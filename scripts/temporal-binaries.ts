// Resolves the two Temporal servers without any download site: the CLI (dev server) is built from
// its official Go module, the time-skipping test server comes from Maven Central. Both are cached
// per user, outside git, so a fresh clone (as CI makes) reuses them.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export const TEMPORAL_CLI_VERSION = 'v1.5.1'; // newest tag `go install` accepts (later ones carry a replace directive)
export const TEST_SERVER_VERSION = '1.31.0';

export function cacheDir(): string {
  const base = process.env.KINERJA_CACHE_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'kinerja');
  mkdirSync(base, { recursive: true });
  return base;
}

function has(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function log(message: string): void {
  process.stderr.write(`[kinerja] ${message}\n`);
}

/** TEMPORAL_CLI_PATH, else the cached build, else `go install` of the official module. */
export function resolveTemporalCli(): string {
  const override = process.env.TEMPORAL_CLI_PATH;
  if (override) {
    if (!existsSync(override)) throw new Error(`TEMPORAL_CLI_PATH=${override} does not exist.`);
    return override;
  }
  const dir = join(cacheDir(), `temporal-cli-${TEMPORAL_CLI_VERSION}`);
  const binary = join(dir, 'temporal');
  if (existsSync(binary)) return binary;
  if (!has('go')) {
    throw new Error(
      `The Temporal CLI is not built yet and Go is not installed.\n` +
        `Install Go 1.23 or newer (https://go.dev/doc/install, or 'apt-get install golang-go'), then run again;\n` +
        `or set TEMPORAL_CLI_PATH to an existing 'temporal' binary (${TEMPORAL_CLI_VERSION} or newer).`,
    );
  }
  log(`building the Temporal CLI ${TEMPORAL_CLI_VERSION} with go install (once; about 3 minutes)...`);
  const started = Date.now();
  // Per process: two first runs at once (two terminals, two worktrees) each build, and the first wins.
  const staging = `${dir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  execFileSync('go', ['install', `github.com/temporalio/cli/cmd/temporal@${TEMPORAL_CLI_VERSION}`], {
    stdio: 'inherit',
    env: { ...process.env, CGO_ENABLED: '0', GOBIN: staging, GOFLAGS: '-trimpath' },
  });
  if (existsSync(binary)) {
    rmSync(staging, { recursive: true, force: true }); // another run finished first: keep its build
  } else {
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir); // atomic: a crashed build never leaves a half binary in the cache
  }
  log(`built the Temporal CLI in ${((Date.now() - started) / 1000).toFixed(1)} s: ${binary}`);
  return binary;
}

/** A wrapper that execs java on the official io.temporal:temporal-test-server jar (fetched by Maven). */
export function resolveTestServer(): string {
  const override = process.env.TEMPORAL_TEST_SERVER_PATH;
  if (override) return override;
  const dir = join(cacheDir(), `test-server-${TEST_SERVER_VERSION}`);
  const wrapper = join(dir, 'temporal-test-server');
  const lib = join(dir, 'lib');
  if (existsSync(wrapper) && existsSync(lib) && readdirSync(lib).some((f) => f.startsWith('temporal-test-server'))) {
    return wrapper;
  }
  const missing = ['java', 'mvn'].filter((c) => !has(c));
  if (missing.length > 0) {
    throw new Error(
      `The time-skipping test server needs ${missing.join(' and ')}: install a JDK 17+ and Maven ` +
        `('apt-get install openjdk-17-jdk-headless maven'), or set TEMPORAL_TEST_SERVER_PATH.`,
    );
  }
  log(`fetching io.temporal:temporal-test-server:${TEST_SERVER_VERSION} from Maven Central (once)...`);
  const started = Date.now();
  rmSync(lib, { recursive: true, force: true });
  execFileSync(
    'mvn',
    ['-q', '-B', '-f', resolve(__dirname, 'test-server', 'pom.xml'), 'dependency:copy-dependencies',
      `-DoutputDirectory=${lib}`, '-DincludeScope=runtime'],
    { stdio: 'inherit' },
  );
  writeFileSync(
    wrapper,
    `#!/bin/sh\n# The official Temporal Java test server; @temporalio/testing passes the port as the first argument.\n` +
      `exec java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xss512k -cp "${lib}/*" io.temporal.testserver.TestServer "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  log(`fetched the test server in ${((Date.now() - started) / 1000).toFixed(1)} s: ${wrapper}`);
  return wrapper;
}

if (require.main === module) {
  const which = process.argv[2] ?? 'all';
  if (which === 'cli' || which === 'all') console.log(resolveTemporalCli());
  if (which === 'test-server' || which === 'all') console.log(resolveTestServer());
}
