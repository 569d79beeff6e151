// The register of service tokens (`kinerja token`): each minted token's id is recorded with whom it
// names and its expiry; revoking sets revoked_at (audited on its own chain), and the API refuses a bearer token whose id is
// revoked (one primary-key lookup per bearer request).
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { signToken, type TokenSubject } from './jwt';
import { insertAuditRow } from '../db/audit-log';
import { inTransaction } from '../db/transaction';

export async function issueServiceToken(db: Pool, claims: TokenSubject, secret: string, ttlSeconds: number): Promise<{ token: string; tokenId: string; expiresAt: Date }> {
  const tokenId = randomUUID();
  const now = Date.now();
  const expiresAt = new Date((Math.floor(now / 1000) + Math.max(1, Math.floor(ttlSeconds))) * 1000);
  await db.query('INSERT INTO service_tokens (jti, subject, role, expires_at) VALUES ($1, $2, $3, $4)', [tokenId, claims.sub, claims.role, expiresAt]);
  return { token: await signToken({ ...claims, jti: tokenId }, secret, ttlSeconds, now), tokenId, expiresAt };
}

/** The audit chain of service-token revocations (they belong to no agreement or cycle). */
export const SERVICE_TOKENS_CHAIN = 'service-tokens';
export const TOKEN_REVOKED = 'service_token.revoked';

/**
 * Revokes a recorded token; null when no token has that id. Revoking twice keeps the first time.
 * The revocation and its audit row commit together.
 */
export async function revokeServiceToken(db: Pool, tokenId: string, by: string): Promise<{ subject: string; role: string; revokedAt: Date } | null> {
  return inTransaction(db, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [SERVICE_TOKENS_CHAIN]);
    const { rows } = await client.query(
      `UPDATE service_tokens SET revoked_at = COALESCE(revoked_at, now()), revoked_by = COALESCE(revoked_by, $2)
        WHERE jti = $1 RETURNING subject, role, revoked_at, revoked_by`,
      [tokenId, by],
    );
    const row = rows[0];
    if (!row) return null;
    // keyed by the token: a token is revoked once, so a second revocation finds the first one's row
    await insertAuditRow(client, {
      agreementId: SERVICE_TOKENS_CHAIN, key: `${SERVICE_TOKENS_CHAIN}:${tokenId}:revoked`, action: TOKEN_REVOKED,
      actorId: row.revoked_by, data: { tokenId, subject: row.subject, role: row.role }, at: new Date(row.revoked_at).toISOString(),
    });
    return { subject: row.subject, role: row.role, revokedAt: row.revoked_at };
  });
}

export async function isRevoked(db: Pool, tokenId: string): Promise<boolean> {
  return (await db.query('SELECT 1 FROM service_tokens WHERE jti = $1 AND revoked_at IS NOT NULL', [tokenId])).rowCount !== 0;
}
