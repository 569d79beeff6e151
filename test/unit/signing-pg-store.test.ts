// Runs against the real PostgreSQL the test run's global setup starts (DATABASE_URL).
// Applies db/migrations/002_signing.sql itself twice (it is idempotent).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'pg';
import { createLocalCa, issueOfficialCertificate, PgSigningStore, TEST_SCRYPT } from '../../signing';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is not set: run through jest, whose global setup starts PostgreSQL');

jest.setTimeout(60_000);

describe('PgSigningStore', () => {
  let pool: Pool;
  let store: PgSigningStore;
  const suffix = `${process.pid}-${Date.now()}`;

  beforeAll(async () => {
    pool = new Pool({ connectionString: url });
    const sql = readFileSync(join(__dirname, '../../db/migrations/002_signing.sql'), 'utf8');
    await pool.query(sql);
    await pool.query(sql); // idempotent
    store = new PgSigningStore(pool);
  });
  afterAll(() => pool?.end());

  test('creates the CA once and reopens it with the server secret', async () => {
    const organisation = { id: `org-${suffix}`, name: 'Pemerintah Kabupaten Uji' };
    const ca = await createLocalCa({ store, organisation, secret: 's', scrypt: TEST_SCRYPT });
    const again = await createLocalCa({ store, organisation, secret: 's', scrypt: TEST_SCRYPT });
    expect(again.certificatePem).toBe(ca.certificatePem);
    await expect(createLocalCa({ store, organisation, secret: 'wrong', scrypt: TEST_SCRYPT })).rejects.toMatchObject({ code: 'CaNotInitialised' });
    const credential = await issueOfficialCertificate({ store, ca, scrypt: TEST_SCRYPT, passphrase: 'pp', official: { signerId: `nip-${suffix}`, name: 'Uji', nip: '199001012020121001' } });
    expect(await store.getCredential(credential.signerId)).toMatchObject({ certificatePem: credential.certificatePem, chainPem: [ca.certificatePem] });
  });

  test('counts attempts atomically, grants at most the limit at once, and locks at the limit', async () => {
    const id = `lock-${suffix}`;
    const now = new Date('2025-01-20T00:00:00Z');
    const states = await Promise.all(Array.from({ length: 10 }, () => store.reserveAttempt(id, now, 5, 60_000)));
    expect(states.filter((s) => s === null)).toHaveLength(5);
    expect(states.flatMap((s) => (s ? [s.failures] : [])).sort()).toEqual([1, 2, 3, 4, 5]);
    expect((await store.getLockout(id)).lockedUntil?.toISOString()).toBe('2025-01-20T00:01:00.000Z');
    // after the lock expires the count starts again
    expect(await store.reserveAttempt(id, new Date('2025-01-20T00:01:00.001Z'), 5, 60_000)).toMatchObject({ failures: 1, lockedUntil: null });
    // a success gives back its own attempt and those before it
    await store.reserveAttempt(id, now, 5, 60_000);
    await store.settleSuccess(id, 1, 5);
    expect(await store.getLockout(id)).toEqual({ failures: 1, lockedUntil: null });
    await store.clearLockout(id);
    expect(await store.getLockout(id)).toEqual({ failures: 0, lockedUntil: null });
  });

  test('an attempt keyed by its seal is counted once, however often it is retried, also the one that locked', async () => {
    const id = `keyed-${suffix}`;
    const now = new Date('2025-01-20T00:00:00Z');
    for (let i = 1; i <= 4; i++) await store.reserveAttempt(id, now, 5, 60_000, `seal-${suffix}-${i}`);
    const locking = await store.reserveAttempt(id, now, 5, 60_000, `seal-${suffix}-5`);
    expect(locking).toMatchObject({ failures: 5 });
    // the retry of the locking attempt meets it as it was counted, though the lock is in force
    expect(await store.reserveAttempt(id, now, 5, 60_000, `seal-${suffix}-5`)).toEqual(locking);
    expect(await store.reserveAttempt(id, now, 5, 60_000, `seal-${suffix}-3`)).toMatchObject({ failures: 3 });
    expect((await store.getLockout(id)).failures).toBe(5);
    // another seal is another attempt: refused while locked
    expect(await store.reserveAttempt(id, now, 5, 60_000, `seal-${suffix}-6`)).toBeNull();
  });

  test('the records of keyed attempts go by themselves once older than the keep window, every official\'s, with the next count; the count stays', async () => {
    const id = `aging-${suffix}`;
    const gone = `never-signs-again-${suffix}`; // an official who typed a wrong passphrase once and never came back
    const now = new Date();
    const keys = async (signerId: string) => (await pool.query('SELECT attempt_key FROM signing_attempt WHERE signer_id = $1 ORDER BY attempt_key', [signerId])).rows.map((r) => r.attempt_key);
    await store.reserveAttempt(gone, now, 5, 60_000, `seal-${suffix}-gone`, 120_000);
    await store.reserveAttempt(id, now, 5, 60_000, `seal-${suffix}-a`, 120_000);
    await store.reserveAttempt(id, now, 5, 60_000, `seal-${suffix}-b`, 120_000);
    // two of them age past the window (two minutes), one stays just within it
    await pool.query("UPDATE signing_attempt SET created_at = now() - interval '121 seconds' WHERE attempt_key = ANY($1)", [[`seal-${suffix}-gone`, `seal-${suffix}-a`]]);
    await pool.query("UPDATE signing_attempt SET created_at = now() - interval '100 seconds' WHERE attempt_key = $1", [`seal-${suffix}-b`]);
    expect(await keys(gone)).toEqual([`seal-${suffix}-gone`]);
    // anyone's next count deletes them, whoever they belong to
    await store.reserveAttempt(`someone-else-${suffix}`, now, 5, 60_000, `seal-${suffix}-other`, 120_000);
    expect(await keys(gone)).toEqual([]);
    expect(await keys(id)).toEqual([`seal-${suffix}-b`]);
    // the lockout count is not theirs to change
    expect((await store.getLockout(id)).failures).toBe(2);
    expect((await store.getLockout(gone)).failures).toBe(1);
    // the record within the window still meets its retry: counted once
    expect(await store.reserveAttempt(id, now, 5, 60_000, `seal-${suffix}-b`, 120_000)).toEqual({ failures: 2, lockedUntil: null });
    expect((await store.getLockout(id)).failures).toBe(2);
    // without a keep window the lock window is it
    await pool.query("UPDATE signing_attempt SET created_at = now() - interval '130 seconds' WHERE attempt_key = $1", [`seal-${suffix}-b`]);
    await store.reserveAttempt(`someone-else-${suffix}`, now, 5, 120_000, `seal-${suffix}-other-2`);
    expect(await keys(id)).toEqual([]);
  });
});
