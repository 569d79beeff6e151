// Temporal's two PostgreSQL databases (`temporal` and `temporal_visibility`), created when missing
// and brought to the schema of the pinned server version with the server's own schema tool. Safe to
// run at every start: `update-schema` applies only the versions a database does not have yet.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import type { ClusterBinaries } from './temporal-cluster-binaries';

const run = promisify(execFile);

/**
 * The two databases' names: `temporal` and `temporal_visibility` by default; tests that share one
 * PostgreSQL server between several clusters give each a prefix of its own.
 */
export function temporalDatabases(prefix = 'temporal') {
  if (!/^[a-z_][a-z0-9_]{0,40}$/.test(prefix)) throw new Error(`a Temporal database prefix must be a lower-case identifier (got ${JSON.stringify(prefix)})`);
  return { main: prefix, visibility: `${prefix}_visibility` };
}

/** Where Temporal's databases live: the server of a `postgres://user:password@host:port/…` URL. */
export interface TemporalPostgres {
  host: string;
  port: number;
  user: string;
  password: string;
}

export function temporalPostgresOf(url: string): TemporalPostgres {
  const u = new URL(url);
  if (!/^postgres(ql)?:$/.test(u.protocol)) throw new Error(`TEMPORAL_DATABASE_URL must be a postgres:// URL (got ${u.protocol})`);
  return { host: u.hostname, port: Number(u.port || 5432), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
}

async function withClient<T>(pg: TemporalPostgres, database: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ host: pg.host, port: pg.port, user: pg.user, password: pg.password, database });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** Creates the databases that are missing and applies every schema version they lack. */
export async function ensureTemporalSchemas(binaries: ClusterBinaries, pg: TemporalPostgres, prefix?: string): Promise<void> {
  const connection = ['--plugin', 'postgres12', '--ep', pg.host, '-p', String(pg.port), '-u', pg.user, '--pw', pg.password];
  const names = temporalDatabases(prefix);
  for (const db of [{ name: names.main, schema: 'temporal' }, { name: names.visibility, schema: 'visibility' }]) {
    await withClient(pg, 'postgres', async (c) => {
      const exists = (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [db.name])).rowCount !== 0;
      if (!exists) await c.query(`CREATE DATABASE ${db.name}`); // an identifier checked by temporalDatabases
    });
    const versioned = await withClient(pg, db.name, async (c) =>
      (await c.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'schema_version'`)).rowCount !== 0);
    const tool = (...args: string[]) => run(binaries.sqlTool, [...connection, '--db', db.name, ...args], { maxBuffer: 16 * 1024 * 1024 });
    if (!versioned) await tool('setup-schema', '-v', '0.0');
    await tool('update-schema', '-d', join(binaries.postgresSchemas, db.schema, 'versioned'));
  }
}
