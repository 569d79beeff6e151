// PostgreSQL implementation of the signing store (tables in db/migrations/002_signing.sql).
import type { Pool, PoolClient } from 'pg';
import type { LockoutState, SigningStore, StoredCa, StoredCredential } from './store';

export class PgSigningStore implements SigningStore {
  /** The pool, or a transaction's client when a read belongs to it (db/official-change.ts). */
  constructor(private readonly pool: Pool | PoolClient) {}

  async getCa(id: string): Promise<StoredCa | null> {
    const { rows } = await this.pool.query('SELECT id, certificate_pem, sealed_key, created_at FROM signing_ca WHERE id = $1', [id]);
    return rows[0] ? { id: rows[0].id, certificatePem: rows[0].certificate_pem, sealedKey: rows[0].sealed_key, createdAt: rows[0].created_at } : null;
  }

  async putCaIfAbsent(ca: StoredCa): Promise<StoredCa> {
    await this.pool.query(
      'INSERT INTO signing_ca (id, certificate_pem, sealed_key, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING',
      [ca.id, ca.certificatePem, JSON.stringify(ca.sealedKey), ca.createdAt],
    );
    return (await this.getCa(ca.id))!;
  }

  async listCaIds(): Promise<string[]> {
    const { rows } = await this.pool.query('SELECT id FROM signing_ca ORDER BY id');
    return rows.map((row) => row.id as string);
  }

  async getCredential(signerId: string): Promise<StoredCredential | null> {
    const { rows } = await this.pool.query(
      'SELECT signer_id, ca_id, certificate_pem, chain_pem, sealed_key, created_at FROM signing_credential WHERE signer_id = $1',
      [signerId],
    );
    const row = rows[0];
    return row ? {
      signerId: row.signer_id, caId: row.ca_id, certificatePem: row.certificate_pem, chainPem: row.chain_pem,
      sealedKey: row.sealed_key, createdAt: row.created_at,
    } : null;
  }

  async putCredential(c: StoredCredential): Promise<void> {
    await this.pool.query(
      `INSERT INTO signing_credential (signer_id, ca_id, certificate_pem, chain_pem, sealed_key, created_at)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (signer_id) DO UPDATE SET ca_id = EXCLUDED.ca_id, certificate_pem = EXCLUDED.certificate_pem,
         chain_pem = EXCLUDED.chain_pem, sealed_key = EXCLUDED.sealed_key, created_at = EXCLUDED.created_at`,
      [c.signerId, c.caId, c.certificatePem, JSON.stringify(c.chainPem), JSON.stringify(c.sealedKey), c.createdAt],
    );
  }

  async getLockout(signerId: string): Promise<LockoutState> {
    const { rows } = await this.pool.query('SELECT failures, locked_until FROM signing_lockout WHERE signer_id = $1', [signerId]);
    return rows[0] ? { failures: rows[0].failures, lockedUntil: rows[0].locked_until } : { failures: 0, lockedUntil: null };
  }

  async reserveAttempt(signerId: string, now: Date, maxFailures: number, lockMs: number, attemptKey?: string, attemptKeepMs = lockMs): Promise<LockoutState | null> {
    if (attemptKey !== undefined) return this.reserveKeyedAttempt(signerId, now, maxFailures, lockMs, attemptKey, attemptKeepMs);
    // One statement: the row is locked while the count goes up, so concurrent attempts each get
    // their own number; while a lock is in force the WHERE leaves the row alone and nothing returns.
    const { rows } = await this.pool.query(
      `INSERT INTO signing_lockout AS l (signer_id, failures, locked_until)
       VALUES ($1, 1, CASE WHEN 1 >= $3 THEN $2::timestamptz + make_interval(secs => $4 / 1000.0) END)
       ON CONFLICT (signer_id) DO UPDATE SET
         failures = CASE WHEN l.locked_until IS NULL THEN l.failures + 1 ELSE 1 END,
         locked_until = CASE WHEN (CASE WHEN l.locked_until IS NULL THEN l.failures + 1 ELSE 1 END) >= $3
                             THEN $2::timestamptz + make_interval(secs => $4 / 1000.0) END
         WHERE l.locked_until IS NULL OR l.locked_until <= $2::timestamptz
       RETURNING failures, locked_until`,
      [signerId, now, maxFailures, lockMs],
    );
    return rows[0] ? { failures: rows[0].failures, lockedUntil: rows[0].locked_until } : null;
  }

  /**
   * As above, in the same one statement, and the count is recorded under `attemptKey`: an attempt
   * already recorded is returned as it was and counts nothing (even while the lock it set is in
   * force, so a retry evaluates its passphrase again and writes the same audit rows).
   * The same statement deletes the records older than `attemptKeepMs`, of every official (also
   * those who never sign again): no retry meets them any more, and the count lives in
   * signing_lockout, not in them. Rows a concurrent count is deleting are left to it (SKIP LOCKED),
   * so two counts never wait on each other here.
   */
  private async reserveKeyedAttempt(signerId: string, now: Date, maxFailures: number, lockMs: number, attemptKey: string, attemptKeepMs: number): Promise<LockoutState | null> {
    const { rows } = await this.pool.query(
      `WITH prior AS (SELECT failures, locked_until FROM signing_attempt WHERE attempt_key = $5 AND signer_id = $1),
       expired AS (
         DELETE FROM signing_attempt WHERE attempt_key IN (
           SELECT attempt_key FROM signing_attempt
            WHERE created_at < now() - make_interval(secs => $6 / 1000.0) AND attempt_key <> $5
              FOR UPDATE SKIP LOCKED)),
       counted AS (
         INSERT INTO signing_lockout AS l (signer_id, failures, locked_until)
         SELECT $1, 1, CASE WHEN 1 >= $3 THEN $2::timestamptz + make_interval(secs => $4 / 1000.0) END
          WHERE NOT EXISTS (SELECT 1 FROM prior)
         ON CONFLICT (signer_id) DO UPDATE SET
           failures = CASE WHEN l.locked_until IS NULL THEN l.failures + 1 ELSE 1 END,
           locked_until = CASE WHEN (CASE WHEN l.locked_until IS NULL THEN l.failures + 1 ELSE 1 END) >= $3
                               THEN $2::timestamptz + make_interval(secs => $4 / 1000.0) END
           WHERE l.locked_until IS NULL OR l.locked_until <= $2::timestamptz
         RETURNING failures, locked_until),
       recorded AS (
         INSERT INTO signing_attempt (attempt_key, signer_id, failures, locked_until)
         SELECT $5, $1, failures, locked_until FROM counted ON CONFLICT (attempt_key) DO NOTHING)
       SELECT failures, locked_until FROM prior UNION ALL SELECT failures, locked_until FROM counted`,
      [signerId, now, maxFailures, lockMs, attemptKey, attemptKeepMs],
    );
    return rows[0] ? { failures: rows[0].failures, lockedUntil: rows[0].locked_until } : null;
  }

  async settleSuccess(signerId: string, seq: number, maxFailures: number, attemptKey?: string): Promise<void> {
    await this.pool.query(
      `UPDATE signing_lockout SET failures = GREATEST(failures - $2, 0),
         locked_until = CASE WHEN GREATEST(failures - $2, 0) >= $3 THEN locked_until END
       WHERE signer_id = $1`,
      [signerId, seq, maxFailures],
    );
    // a settled attempt is not met again; the wrong ones go as they age (reserveKeyedAttempt)
    if (attemptKey !== undefined) {
      await this.pool.query('DELETE FROM signing_attempt WHERE signer_id = $1 AND attempt_key = $2', [signerId, attemptKey]);
    }
  }

  async clearLockout(signerId: string): Promise<void> {
    await this.pool.query('DELETE FROM signing_lockout WHERE signer_id = $1', [signerId]);
  }
}
