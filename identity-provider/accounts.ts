// Who may sign in at the embedded identity provider: every official of a posted organisation
// (positions.official_id: an ASN's NIP, the Kepala Daerah's official id) and the administrators
// and evaluators in idp_accounts. Passwords live in idp_accounts, set through a one-time link.
import type { Pool } from 'pg';
import { isNip } from '../domain/identity';

export type AccountRole = 'admin' | 'official' | 'evaluator';

export interface Account {
  accountId: string;
  role: AccountRole;
  name: string | null;
  email: string | null;
  nip: string | null;
}

/** The embedded provider's role claim values; the API maps them with OIDC_ADMIN_ROLE / OIDC_EVALUATOR_ROLE. */
export const EMBEDDED_ROLE_VALUES: Record<Exclude<AccountRole, 'official'>, string> = {
  admin: 'kinerja-admin',
  evaluator: 'kinerja-evaluator',
};

export async function findAccount(db: Pool, accountId: string): Promise<Account | null> {
  const stored = (await db.query('SELECT account_id, role, name, email FROM idp_accounts WHERE account_id = $1', [accountId])).rows[0];
  if (stored && stored.role !== 'official') {
    return { accountId, role: stored.role, name: stored.name, email: stored.email, nip: null };
  }
  // an official: named by the latest cycle that lists them
  const held = (await db.query(
    `SELECT p.official_name, p.email, p.nip FROM positions p JOIN cycles c ON c.id = p.cycle_id
      WHERE p.official_id = $1 ORDER BY c.year DESC, c.created_at DESC LIMIT 1`,
    [accountId],
  )).rows[0];
  // an official no longer named by any cycle (replaced) keeps their account: they may still read what they signed
  if (!held) return stored ? { accountId, role: 'official', name: stored.name, email: stored.email, nip: isNip(accountId) ? accountId : null } : null;
  return { accountId, role: 'official', name: held.official_name, email: held.email, nip: held.nip ?? (isNip(accountId) ? accountId : null) };
}

export async function passwordHashOf(db: Pool, accountId: string): Promise<string | null> {
  return (await db.query('SELECT password_hash FROM idp_accounts WHERE account_id = $1', [accountId])).rows[0]?.password_hash ?? null;
}

/** An official's row is created on their first invitation; an administrator's or evaluator's names them. */
export async function ensureAccountRow(db: Pool, account: Account): Promise<void> {
  await db.query(
    `INSERT INTO idp_accounts (account_id, role, name, email) VALUES ($1, $2, $3, $4)
     ON CONFLICT (account_id) DO UPDATE SET name = EXCLUDED.name, email = EXCLUDED.email, updated_at = now()`,
    [account.accountId, account.role, account.name, account.email],
  );
}

export async function setPassword(db: Pool, accountId: string, hash: string): Promise<void> {
  await db.query('UPDATE idp_accounts SET password_hash = $2, updated_at = now() WHERE account_id = $1', [accountId, hash]);
}

/** The claims the provider releases for an account (the API maps `preferred_username`, `nip`, `email`, `roles`). */
export function claimsOf(account: Account): Record<string, unknown> {
  return {
    sub: account.accountId,
    preferred_username: account.accountId,
    ...(account.name ? { name: account.name } : {}),
    ...(account.email ? { email: account.email, email_verified: false } : {}),
    ...(account.nip ? { nip: account.nip } : {}),
    roles: account.role === 'official' ? [] : [EMBEDDED_ROLE_VALUES[account.role]],
  };
}
