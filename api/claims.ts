// Who an OpenID Connect sign-in is: the provider's claims mapped to an administrator, an evaluator
// or an official. Roles come from a configured claim holding a list (roles or groups); otherwise
// the configured official claim names the official: their NIP, their official id as user name, or
// an e-mail address the provider has verified, looked up among the officials of posted organisations.
import type { Pool } from 'pg';
import { isNip, isPersonId, SHARED_SUBJECTS } from '../domain/identity';
import type { Config } from '../config';
import type { Principal } from './principal';

export type ClaimMapping = Pick<Config, 'OIDC_OFFICIAL_CLAIM' | 'OIDC_ROLES_CLAIM' | 'OIDC_ADMIN_ROLE' | 'OIDC_EVALUATOR_ROLE'>;

export type SignInOutcome = { ok: true; principal: Principal } | { ok: false; reason: 'no_identity'; detail: string };

/** A claim as a list of strings: an array, a space- or comma-separated string, or Keycloak's realm_access.roles. */
function listClaim(claims: Record<string, unknown>, name: string): string[] {
  const value = name.split('.').reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), claims);
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string').map((v) => v.replace(/^\//, ''));
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  return [];
}

/** The person's own name for audit rows: preferred_username, else e-mail, else sub. */
function personName(claims: Record<string, unknown>): string | null {
  for (const key of ['preferred_username', 'email', 'sub']) {
    const v = claims[key];
    if (typeof v === 'string' && isPersonId(v) && !SHARED_SUBJECTS.has(v)) return v;
  }
  return null;
}

export async function principalFromClaims(db: Pool, claims: Record<string, unknown>, m: ClaimMapping): Promise<SignInOutcome> {
  const roles = listClaim(claims, m.OIDC_ROLES_CLAIM);
  const role = roles.includes(m.OIDC_ADMIN_ROLE) ? 'admin' : roles.includes(m.OIDC_EVALUATOR_ROLE) ? 'evaluator' : null;
  if (role) {
    const id = personName(claims);
    if (id) return { ok: true, principal: { role, id, nip: null } };
    return { ok: false, reason: 'no_identity', detail: 'the provider gave no usable user name, e-mail or subject' };
  }
  const value = claims[m.OIDC_OFFICIAL_CLAIM];
  if (typeof value !== 'string' || value.length === 0) {
    return { ok: false, reason: 'no_identity', detail: `the provider's "${m.OIDC_OFFICIAL_CLAIM}" claim is missing` };
  }
  let officialId: string | null = null;
  if (m.OIDC_OFFICIAL_CLAIM === 'email') {
    // an address the person typed in at the provider, unverified, is not proof of being its official
    if (claims.email_verified !== true) {
      return { ok: false, reason: 'no_identity', detail: `the provider has not verified the address "${value}"` };
    }
    const rows = (await db.query('SELECT DISTINCT official_id FROM positions WHERE lower(email) = lower($1) LIMIT 2', [value])).rows;
    // an address shared by two officials names neither
    officialId = rows.length === 1 ? rows[0].official_id : null;
  } else if (m.OIDC_OFFICIAL_CLAIM === 'nip') {
    officialId = isNip(value) ? value : null;
  } else {
    officialId = isPersonId(value) && !SHARED_SUBJECTS.has(value) ? value : null;
  }
  if (!officialId) return { ok: false, reason: 'no_identity', detail: `"${value}" names no official` };
  return { ok: true, principal: { role: 'official', id: officialId, nip: isNip(officialId) ? officialId : null } };
}
