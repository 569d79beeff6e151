// The EU DSS validator (test/support/dss-validator: a small program on eu.europa.ec.joinup.sd-dss
// 6.4, ours) built once with Maven and cached per user outside git, keyed by its sources, like the
// Temporal binaries. `npx tsx scripts/dss-validator.ts` builds it; tests call resolveDssValidator().
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cacheDir } from './temporal-binaries';

const SOURCE = resolve(__dirname, '..', 'test', 'support', 'dss-validator');
const FILES = ['pom.xml', 'src/main/java/validate/Validate.java'];

/** The validator's jar, built with `mvn package` on first use (about a minute; Maven Central). */
export function resolveDssValidator(): string {
  const hash = createHash('sha256');
  for (const file of FILES) hash.update(readFileSync(join(SOURCE, file)));
  const dir = join(cacheDir(), `dss-validator-${hash.digest('hex').slice(0, 12)}`);
  const jar = join(dir, 'target', 'dss-validator.jar');
  if (existsSync(jar)) return jar;
  process.stderr.write('[kinerja] building the EU DSS validator with Maven (once)...\n');
  const staging = `${dir}.partial`;
  rmSync(staging, { recursive: true, force: true });
  cpSync(SOURCE, staging, { recursive: true, filter: (path) => !path.includes(`${SOURCE}/target`) });
  execFileSync('mvn', ['-q', '-B', '-f', join(staging, 'pom.xml'), 'package'], { stdio: 'inherit' });
  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir); // a failed build never lands in the cache
  return jar;
}

if (require.main === module) process.stdout.write(`${resolveDssValidator()}\n`);
