// The page's server sessions: the cookie carries 32 random bytes; PostgreSQL keeps their SHA-256,
// the person, a CSRF token and the provider's ID token (for RP-initiated logout). A session ends
// after SESSION_IDLE_MINUTES without a request, SESSION_MAX_HOURS after sign-in, or at sign-out.
import { createHash, randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import type { Principal } from './principal';

export interface WebSession {
  principal: Principal;
  csrfToken: string;
  idToken: string | null;
}

export interface SessionTimeouts {
  idleMinutes: number;
  maxHours: number;
}

const hashOf = (id: string) => createHash('sha256').update(id).digest('hex');

export async function createSession(db: Pool, principal: Principal, idToken: string | null, t: SessionTimeouts): Promise<{ cookieValue: string; csrfToken: string }> {
  const cookieValue = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  await db.query(
    `INSERT INTO web_sessions (id_hash, role, subject, nip, csrf_token, id_token, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, now() + make_interval(secs => $7))`,
    [hashOf(cookieValue), principal.role, principal.id, principal.nip, csrfToken, idToken, t.maxHours * 3600],
  );
  // expired rows go with each sign-in rather than by a timer
  await db.query(`DELETE FROM web_sessions WHERE expires_at < now() OR last_seen_at < now() - make_interval(secs => $1)`, [t.idleMinutes * 60]);
  return { cookieValue, csrfToken };
}

/** The live session for a cookie value, its idle clock restarted; null when unknown or timed out. */
export async function resumeSession(db: Pool, cookieValue: string, t: SessionTimeouts): Promise<WebSession | null> {
  const row = (await db.query(
    `UPDATE web_sessions SET last_seen_at = now()
      WHERE id_hash = $1 AND expires_at > now() AND last_seen_at > now() - make_interval(secs => $2)
      RETURNING role, subject, nip, csrf_token, id_token`,
    [hashOf(cookieValue), t.idleMinutes * 60],
  )).rows[0];
  if (!row) return null;
  return { principal: { role: row.role, id: row.subject, nip: row.nip }, csrfToken: row.csrf_token, idToken: row.id_token };
}

export async function endSession(db: Pool, cookieValue: string): Promise<void> {
  await db.query('DELETE FROM web_sessions WHERE id_hash = $1', [hashOf(cookieValue)]);
}
