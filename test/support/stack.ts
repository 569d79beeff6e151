// The real stack for integration tests, in this process: a worker on the dev server and the API
// app on an ephemeral port, both with the real PostgreSQL. Each call gets its own task queue.
import { createServer, type Server } from 'node:http';
import { DefaultLogger, NativeConnection, Runtime, type Worker } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { loadConfig, type Config } from '../../config';
import { createPool } from '../../db/pool';
import { createLogger } from '../../logger';
import { connectClient } from '../../worker/temporal';
import { createWorker } from '../../worker/create-worker';
import { createApp } from '../../api/app';
import { createSigningDeps } from '../../activities/signing';
import { createHistoryArchiver, type HistoryArchiver } from '../../archive/archiver';
import { freePort, startIdentityProvider, type RunningIdentityProvider } from './identity-provider';
import { closeServer, keepConnectionsAlive } from '../../api/keep-alive';

export interface Stack {
  config: Config;
  db: Pool;
  client: Client;
  /** The first worker (replaced by `startWorker`). */
  worker: Worker;
  /** Every worker on the stack's task queue (`worker` first); more than one with `{ workers: N }`. */
  workers: Worker[];
  /** Stops the workers, as crashed or redeployed ones are away: workflows wait for the next. */
  stopWorker(): Promise<void>;
  /** New workers on the same task queue, after `stopWorker`. */
  startWorker(): Promise<void>;
  /** The worker's history archiver, as worker/main.ts runs it (started). */
  archiver: HistoryArchiver;
  baseUrl: string;
  /** With `{ identityProvider: true }`: the embedded OpenID provider the page signs in with. */
  identityProvider: RunningIdentityProvider | null;
  stop(): Promise<void>;
}

let queueSeq = 0;

/** The SDK's own logs at WARN, so test output shows what matters. */
export function quietTemporalRuntime(): void {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    /* already installed in this process */
  }
}

export async function startStack(overrides: Record<string, string> = {}, options: { identityProvider?: boolean; workers?: number } = {}): Promise<Stack> {
  quietTemporalRuntime();
  const taskQueue = `test-${process.pid}-${++queueSeq}`;
  let identityProvider: RunningIdentityProvider | null = null;
  let port = 0;
  if (options.identityProvider) {
    // the provider registers the API's redirect URI, so the API's port is chosen first
    port = await freePort();
    const base = loadConfig({ ...process.env, ...overrides });
    identityProvider = await startIdentityProvider({ DATABASE_URL: base.DATABASE_URL, KINERJA_SECRET: base.KINERJA_SECRET, PUBLIC_URL: `http://127.0.0.1:${port}` });
    overrides = { PUBLIC_URL: `http://127.0.0.1:${port}`, OIDC_ISSUER: identityProvider.issuer, ...overrides };
  } else if (overrides.OIDC_ISSUER && !overrides.PUBLIC_URL) {
    // another provider (Keycloak): its client's redirect URI names the API's port too
    port = await freePort();
    overrides = { PUBLIC_URL: `http://127.0.0.1:${port}`, ...overrides };
  }
  // Listen first, so PUBLIC_URL (the QR codes on signed PKs, links in e-mails) is the real address.
  const server: Server = keepConnectionsAlive(createServer());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
  const config = loadConfig({ ...process.env, TEMPORAL_TASK_QUEUE: taskQueue, PORT: '0', PUBLIC_URL: `http://127.0.0.1:${port}`, ...overrides });
  const logger = createLogger('test', 'silent');
  const db = createPool(config.DATABASE_URL, 10);
  const client = await connectClient(config);
  const signing = await createSigningDeps(db, config);
  // a connection each, as separate worker processes have
  const connections: NativeConnection[] = [];
  for (let i = 0; i < (options.workers ?? 1); i++) connections.push(await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS }));
  const deps = { db, client, taskQueue, publicUrl: config.publicUrl, secret: config.KINERJA_SECRET, clock: () => new Date(), signing };
  const workers: Worker[] = [];
  let running: Promise<unknown> = Promise.resolve();
  const startWorkers = async () => {
    for (const connection of connections) workers.push(await createWorker({ connection, namespace: config.TEMPORAL_NAMESPACE, taskQueue, deps }));
    running = Promise.all(workers.map((w) => w.run()));
  };
  const stopWorker = async () => {
    for (const w of workers) w.shutdown();
    await running;
    workers.length = 0;
  };
  await startWorkers();
  const archiver = createHistoryArchiver({
    db, client, namespace: config.TEMPORAL_NAMESPACE, taskQueue, logger, pollMs: config.HISTORY_ARCHIVE_POLL_MS,
  });
  archiver.start();
  const app = createApp({ db, temporal: client, config, logger });
  server.on('request', app);
  return {
    config, db, client, archiver, baseUrl: `http://127.0.0.1:${port}`, identityProvider, workers,
    get worker() {
      if (!workers.length) throw new Error('the workers are stopped (stopWorker)');
      return workers[0];
    },
    stopWorker,
    async startWorker() {
      if (workers.length) throw new Error('the workers are running');
      await startWorkers();
    },
    async stop() {
      await closeServer(server);
      await archiver.stop();
      await identityProvider?.stop();
      await stopWorker();
      for (const c of connections) await c.close();
      await client.connection.close();
      await db.end();
    },
  };
}
