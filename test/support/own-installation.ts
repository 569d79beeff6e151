// An installation of a test file's own: a migrated database beside the suite's shared one on the
// same PostgreSQL (for what must not see other files' rows: an installation's CAs, its archive),
// and a CLI command run next to it.
import { Pool } from 'pg';
import { migrate } from '../../db/migrate';

export interface OwnInstallation {
  url: string;
  pool: Pool;
  /** Runs a CLI command with this installation's database in DATABASE_URL; what it printed, line by line. */
  run(command: () => Promise<number>): Promise<{ code: number; lines: string[] }>;
  drop(): Promise<void>;
}

/** A fresh database `<name>_<pid>` on the suite's PostgreSQL, migrated. */
export async function ownInstallation(name: string): Promise<OwnInstallation> {
  const dbName = `${name}_${process.pid}`;
  const admin = new Pool({ connectionString: process.env.DATABASE_URL, max: 1 });
  await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
  await admin.query(`CREATE DATABASE ${dbName}`);
  const u = new URL(process.env.DATABASE_URL!);
  u.pathname = `/${dbName}`;
  const url = u.toString();
  const pool = new Pool({ connectionString: url, max: 2 });
  await migrate(pool);
  return {
    url,
    pool,
    async run(command) {
      const lines: string[] = [];
      const log = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
      const saved = process.env.DATABASE_URL;
      process.env.DATABASE_URL = url;
      try {
        return { code: await command(), lines };
      } finally {
        process.env.DATABASE_URL = saved;
        log.mockRestore();
      }
    },
    async drop() {
      await pool.end();
      await admin.query(`DROP DATABASE IF EXISTS ${dbName}`);
      await admin.end();
    },
  };
}
