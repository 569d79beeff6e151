// Keycloak for the sign-in test against a real regional provider: the official Quarkus
// distribution from Maven Central (`mvn dependency:get`, ~150 MB once, unpacked into the cache
// directory), started in dev mode on a free port with a realm imported for this run.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './identity-provider';

export const KEYCLOAK_VERSION = '26.0.0';

function keycloakHome(): string {
  const cache = process.env.KINERJA_CACHE_DIR ?? join(homedir(), '.cache', 'kinerja');
  const home = join(cache, `keycloak-${KEYCLOAK_VERSION}`);
  if (existsSync(join(home, 'bin', 'kc.sh'))) return home;
  execFileSync('mvn', ['-q', '-B', 'dependency:get', `-Dartifact=org.keycloak:keycloak-quarkus-dist:${KEYCLOAK_VERSION}:zip`], { stdio: 'inherit' });
  const zip = join(homedir(), '.m2', 'repository', 'org', 'keycloak', 'keycloak-quarkus-dist', KEYCLOAK_VERSION, `keycloak-quarkus-dist-${KEYCLOAK_VERSION}.zip`);
  const staging = `${home}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  execFileSync('unzip', ['-q', zip, '-d', staging]);
  renameSync(join(staging, `keycloak-${KEYCLOAK_VERSION}`), home); // a partial unpack never lands
  rmSync(staging, { recursive: true, force: true });
  return home;
}

export interface RunningKeycloak {
  issuer: string;
  stop(): Promise<void>;
}

/** Starts Keycloak with `realm` (a realm representation) imported; its name should be unique per run. */
export async function startKeycloak(realm: { realm: string } & Record<string, unknown>): Promise<RunningKeycloak> {
  const home = keycloakHome();
  const port = await freePort();
  const importDir = join(home, 'data', 'import');
  mkdirSync(importDir, { recursive: true });
  const realmFile = join(importDir, `${realm.realm}.json`);
  writeFileSync(realmFile, JSON.stringify(realm));
  // its output goes to a file, so a start that fails or hangs says why
  const logFile = join(tmpdir(), `kinerja-keycloak-${process.pid}-${port}.log`);
  const log = openSync(logFile, 'w');
  const child: ChildProcess = spawn(join(home, 'bin', 'kc.sh'), ['start-dev', `--http-port=${port}`, '--http-host=127.0.0.1', '--import-realm', `--http-management-port=${await freePort()}`], {
    env: { ...process.env, JAVA_OPTS: '-Xms64m -Xmx512m' },
    stdio: ['ignore', log, log],
    detached: true, // its own process group: kc.sh starts java, and both stop together
  });
  closeSync(log);
  const tail = () => readFileSync(logFile, 'utf8').trim().split('\n').slice(-15).join('\n');
  let exited = false;
  child.once('exit', () => (exited = true));
  const issuer = `http://127.0.0.1:${port}/realms/${realm.realm}`;
  const stop = async () => {
    rmSync(realmFile, { force: true });
    if (exited) return rmSync(logFile, { force: true });
    const gone = new Promise((r) => child.once('exit', r));
    process.kill(-child.pid!, 'SIGTERM');
    await gone;
    rmSync(logFile, { force: true });
  };
  // Dev mode builds Keycloak at every start; beside the suite's other JVMs on two cores it once
  // took longer than 240 s (a clean-clone run, 2026-12-02; alone it is up in under a minute)
  const until = Date.now() + 420_000;
  for (;;) {
    if (exited) {
      const lastLines = tail();
      await stop(); // its realm file must not be imported by the next start
      throw new Error(`Keycloak exited at start; its last lines:\n${lastLines}`);
    }
    try {
      if ((await fetch(`${issuer}/.well-known/openid-configuration`)).ok) return { issuer, stop };
    } catch {
      /* not up yet */
    }
    if (Date.now() > until) {
      const lastLines = tail();
      await stop();
      throw new Error(`Keycloak did not start within 420 s; its last lines:\n${lastLines}`);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}
