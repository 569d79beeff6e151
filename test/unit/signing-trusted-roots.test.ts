// The signing deps keep the organisation CAs' certificates (the verifier's trusted roots) per
// process. Two deps on one database stand for two workers: a CA one creates reaches the other's roots
// when that one asks afresh (a signature that did not verify) or loads the CA itself.
// Runs against the real PostgreSQL the test run's global setup starts (DATABASE_URL, migrated).
import { Pool } from 'pg';
import { createSigningDeps } from '../../activities/signing';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is not set: run through jest, whose global setup starts PostgreSQL');

jest.setTimeout(60_000);

const config = { KINERJA_SECRET: 'roots-test-secret', SIGNING_MAX_FAILURES: 5, SIGNING_LOCK_MINUTES: 15 };

describe('trusted roots', () => {
  let pool: Pool;
  const suffix = `${process.pid}-${Date.now()}`;

  beforeAll(() => {
    pool = new Pool({ connectionString: url });
  });
  afterAll(() => pool?.end());

  test('are read once, again on request, and again when this process loads a CA they lack', async () => {
    const [one, other] = [await createSigningDeps(pool, config), await createSigningDeps(pool, config)];
    const a = await one.ca({ id: `roots-a-${suffix}`, name: 'Pemerintah Kabupaten A' });
    expect(await one.trustedRoots()).toContain(a.certificatePem);

    // another worker creates a CA: the roots held here do not have it yet (no query per signature)
    const b = await other.ca({ id: `roots-b-${suffix}`, name: 'Pemerintah Kabupaten B' });
    const before = await pool.query('SELECT count(*)::int AS n FROM signing_ca');
    expect(await one.trustedRoots()).not.toContain(b.certificatePem);
    expect((await one.trustedRoots()).length).toBeLessThan(before.rows[0].n);

    // what the signing activity does when a new signature does not verify against them
    expect(await one.trustedRoots({ fresh: true })).toContain(b.certificatePem);
    expect(await one.trustedRoots()).toContain(b.certificatePem);

    // a CA this process loads (or creates) that the roots lack drops them, so the next read has it
    const c = await other.ca({ id: `roots-c-${suffix}`, name: 'Pemerintah Kabupaten C' });
    expect(await one.trustedRoots()).not.toContain(c.certificatePem);
    await one.ca({ id: `roots-c-${suffix}`, name: 'Pemerintah Kabupaten C' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(await one.trustedRoots()).toContain(c.certificatePem);
  });

  test('a read that fails is not kept: the next call reads again', async () => {
    let failing = false;
    // the pool, but the roots' list of CA ids fails while `failing`
    const flaky = new Proxy(pool, {
      get(target, property) {
        if (property === 'query') {
          return (...args: Parameters<Pool['query']>) => failing && String(args[0]).startsWith('SELECT id FROM signing_ca')
            ? Promise.reject(new Error('connection lost'))
            : (target.query as (...a: unknown[]) => unknown)(...args);
        }
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const deps = await createSigningDeps(flaky, config);
    const d = await deps.ca({ id: `roots-d-${suffix}`, name: 'Pemerintah Kabupaten D' });
    failing = true;
    await expect(deps.trustedRoots()).rejects.toThrow('connection lost');
    failing = false;
    expect(await deps.trustedRoots()).toContain(d.certificatePem);
  });
});
