// Starts the real parts once for the whole run: an embedded PostgreSQL and a Temporal CLI dev
// server, each on a free port with throwaway data. Tests read their addresses from process.env
// (jest's workers inherit it). Each test file uses its own task queue and organisation ids.
import { join } from 'node:path';
import { createServer } from 'node:net';
import { startDevServer } from '../../scripts/dev-server';
import { scratchDir, startEmbeddedPostgres } from '../../scripts/embedded-postgres';
import { resolveTestServer } from '../../scripts/temporal-binaries';
import { createPool } from '../../db/pool';
import { migrate } from '../../db/migrate';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export default async function globalSetup(): Promise<void> {
  const dir = scratchDir('kinerja-test-');
  const [pgPort, temporalPort] = [await freePort(), await freePort()];
  const [pg, temporal] = await Promise.all([
    startEmbeddedPostgres(join(dir, 'postgres'), pgPort),
    startDevServer({ dbFile: join(dir, 'temporal.db'), port: temporalPort, uiPort: null, fast: true }),
  ]);
  const pool = createPool(pg.url, 1);
  await migrate(pool);
  await pool.end();
  (globalThis as any).__kinerja = { pg, temporal, dir };
  process.env.KINERJA_TEST_DIR = dir;
  process.env.DATABASE_URL = pg.url;
  process.env.TEMPORAL_ADDRESS = temporal.address;
  process.env.TEMPORAL_TEST_SERVER_PATH = resolveTestServer();
  process.env.KINERJA_SECRET = 'test-secret-0123456789abcdef';
  process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'warn';
}
