// The register of service tokens (`kinerja token`): each minted token's id is recorded with whom it
// names and its expiry; revoking sets revoked_at, and the API refuses a bearer token whose id is
// revoked (one primary-key lookup per bearer request).
import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { signToken, type TokenSubject } from './jwt';

export async function issueServiceToken(db: Pool, claims: TokenSubject, secret: string, ttlSeconds: number): Promise<{ token: string; tokenId: string; expiresAt: Date }> {
  const tokenId = randomUUID();
  const now = Date.now();
  const expiresAt = new Date((Math.floor(now / 1000) + Math.max(1, Math.floor(ttlSeconds))) * 1000);
  await db.query('INSERT INTO service_tokens (jti, subject, role, expires_at) VALUES ($1, $2, $3, $4)', [tokenId, claims.sub, claims.role, expiresAt]);
  return { token: await signToken({ ...claims, jti: tokenId }, secret, ttlSeconds, now), tokenId, expiresAt };
}

/** Revokes a recorded token; false when no token has that id. Revoking twice keeps the first time. */
export async function revokeServiceToken(db: Pool, tokenId: string, by: string): Promise<{ subject: string; role: string; revokedAt: Date } | null> {
  const { rows } = await db.query(
    `UPDATE service_tokens SET revoked_at = COALESCE(revoked_at, now()), revoked_by = COALESCE(revoked_by, $2)
      WHERE jti = $1 RETURNING subject, role, revoked_at`,
    [tokenId, by],
  );
  return rows[0] ? { subject: rows[0].subject, role: rows[0].role, revokedAt: rows[0].revoked_at } : null;
}

export async function isRevoked(db: Pool, tokenId: string): Promise<boolean> {
  return (await db.query('SELECT 1 FROM service_tokens WHERE jti = $1 AND revoked_at IS NOT NULL', [tokenId])).rowCount !== 0;
}
