// One-time links that set an account's password: a random token whose SHA-256 is stored, valid for
// a few days and for one use. `kinerja user invite` prints the link; `npm start` prints the first
// administrator's and evaluator's.
import { createHash, randomBytes } from 'node:crypto';
import type { Pool } from 'pg';
import { ensureAccountRow, findAccount, setPassword, type Account, type AccountRole } from './accounts';

export const INVITE_TTL_DAYS = 7;
const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

export class InviteError extends Error {}

/**
 * A set-password link for an official (by official id or NIP) or for an administrator or
 * evaluator (created if new). Earlier unused links of the account stop working.
 */
export async function createInvite(db: Pool, issuer: string, who: { accountId: string; role?: Exclude<AccountRole, 'official'>; name?: string; email?: string }): Promise<{ account: Account; link: string }> {
  let account: Account | null;
  if (who.role) {
    account = { accountId: who.accountId, role: who.role, name: who.name ?? null, email: who.email ?? null, nip: null };
    const existing = await findAccount(db, who.accountId);
    if (existing && existing.role !== who.role) throw new InviteError(`${who.accountId} is already an account with the role ${existing.role}`);
  } else {
    account = await findAccount(db, who.accountId);
    if (!account || account.role !== 'official') throw new InviteError(`no official ${who.accountId} in any posted organisation`);
  }
  await ensureAccountRow(db, account);
  const token = randomBytes(32).toString('base64url');
  await db.query('DELETE FROM idp_invites WHERE account_id = $1 AND used_at IS NULL', [account.accountId]);
  await db.query(
    `INSERT INTO idp_invites (token_hash, account_id, expires_at) VALUES ($1, $2, now() + make_interval(days => $3))`,
    [hashOf(token), account.accountId, INVITE_TTL_DAYS],
  );
  return { account, link: `${issuer.replace(/\/$/, '')}/invite/${token}` };
}

/** The account a still-valid link is for, or null. */
export async function inviteAccount(db: Pool, token: string): Promise<string | null> {
  const row = (await db.query('SELECT account_id FROM idp_invites WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now()', [hashOf(token)])).rows[0];
  return row?.account_id ?? null;
}

/** Uses the link once: the password is set only by the request that marks it used. */
export async function redeemInvite(db: Pool, token: string, passwordHash: string): Promise<string | null> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const row = (await client.query(
      'UPDATE idp_invites SET used_at = now() WHERE token_hash = $1 AND used_at IS NULL AND expires_at > now() RETURNING account_id',
      [hashOf(token)],
    )).rows[0];
    if (row) await client.query('UPDATE idp_accounts SET password_hash = $2, updated_at = now() WHERE account_id = $1', [row.account_id, passwordHash]);
    await client.query('COMMIT');
    return row?.account_id ?? null;
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

export { setPassword };
