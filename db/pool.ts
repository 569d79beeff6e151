import { Pool } from 'pg';

/** One pool per process. Small by default: the worker and API each hold their own. */
export function createPool(databaseUrl: string, max = 10): Pool {
  // A connection attempt that hangs (PostgreSQL restarting, a network partition) fails after 10 s
  // rather than holding the request (also a wait for a free client of a full pool): the API maps that
  // failure to 503 with Retry-After, an activity retries.
  const pool = new Pool({ connectionString: databaseUrl, max, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 10_000 });
  // A client losing its connection (PostgreSQL restarting) must not crash the process: the pool
  // reports idle clients' errors here, and a checked-out client (a transaction in progress) emits
  // 'error' on itself, which with no listener would be thrown as an uncaught exception. The query
  // in progress is rejected either way, so the caller (an activity, a request) sees the failure.
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  return pool;
}
