// Keycloak for the sign-in test against a real regional provider: the official Quarkus
// distribution from Maven Central (`mvn dependency:get`, ~150 MB once, unpacked into the cache
// directory), started in dev mode on a free port with a realm imported for this run.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
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
  const child: ChildProcess = spawn(join(home, 'bin', 'kc.sh'), ['start-dev', `--http-port=${port}`, '--http-host=127.0.0.1', '--import-realm', `--http-management-port=${await freePort()}`], {
    env: { ...process.env, JAVA_OPTS: '-Xms64m -Xmx512m' },
    stdio: 'ignore',
    detached: true, // its own process group: kc.sh starts java, and both stop together
  });
  let exited = false;
  child.once('exit', () => (exited = true));
  const issuer = `http://127.0.0.1:${port}/realms/${realm.realm}`;
  const stop = async () => {
    rmSync(realmFile, { force: true });
    if (exited) return;
    const gone = new Promise((r) => child.once('exit', r));
    process.kill(-child.pid!, 'SIGTERM');
    await gone;
  };
  const until = Date.now() + 240_000;
  for (;;) {
    if (exited) throw new Error('Keycloak exited at start');
    try {
      if ((await fetch(`${issuer}/.well-known/openid-configuration`)).ok) return { issuer, stop };
    } catch {
      /* not up yet */
    }
    if (Date.now() > until) {
      await stop();
      throw new Error('Keycloak did not start within 240 s');
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}
