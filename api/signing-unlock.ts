// An administrator lifts an official's passphrase lock. The lock's removal and the
// `signing.unlocked` row on every chain the lock stands on commit in one transaction: a failure
// leaves the lock and every chain as they were, never a lifted lock whose chains still end in
// `signing.locked`.
import type { Pool, PoolClient } from 'pg';
import { insertAuditRow } from '../db/audit-log';
import { inTransaction } from '../db/transaction';
import { requestScopedId } from './request-id';

export const SIGNING_UNLOCKED = 'signing.unlocked';

/** The chain of an official's own signing events when no PK's audit log holds any (see chainsOf). */
export const signerChain = (signerId: string) => `signer:${signerId}`;

/**
 * Where the unlock is recorded: the PKs on whose audit log this official's lock stands (a lock more
 * recent than any unlock); else the PK of their latest signing event (a lock whose own row is
 * missing, or a count of wrong passphrases to clear); else, for an official with no signing event
 * on any PK, a chain of their own.
 */
async function chainsOf(client: PoolClient, signerId: string): Promise<string[]> {
  const { rows } = await client.query(
    `SELECT agreement_id FROM (
       SELECT DISTINCT ON (agreement_id) agreement_id, action FROM audit_log
        WHERE action IN ('signing.locked', 'signing.unlocked') AND data->>'signerId' = $1
        ORDER BY agreement_id, seq DESC) latest
      WHERE action = 'signing.locked'`,
    [signerId],
  );
  if (rows.length > 0) return rows.map((r) => r.agreement_id as string);
  const latest = (await client.query(
    `SELECT agreement_id FROM audit_log WHERE action LIKE 'signing.%' AND data->>'signerId' = $1 ORDER BY seq DESC LIMIT 1`,
    [signerId],
  )).rows[0];
  return [latest ? latest.agreement_id as string : signerChain(signerId)];
}

/**
 * The passphrase locks in force for these signers (official ids: the NIP, or the Kepala Daerah's
 * id), by signer: what an administrator looks at before lifting one. Expired locks are not locks.
 */
export async function signingLocksOf(db: Pool, signerIds: Array<string | null | undefined>): Promise<Map<string, string>> {
  const ids = signerIds.filter((id): id is string => Boolean(id));
  if (ids.length === 0) return new Map();
  const { rows } = await db.query('SELECT signer_id, locked_until FROM signing_lockout WHERE signer_id = ANY($1) AND locked_until > now()', [ids]);
  return new Map(rows.map((r) => [r.signer_id as string, new Date(r.locked_until).toISOString()]));
}

/**
 * Whether anyone by this id could hold a lock: a position's official (by official id or NIP), a
 * signing key, or a lock or counted attempt. A mistyped id is then 404, not "unlocked" while the
 * real official stays locked.
 */
export async function signerKnown(db: Pool, signerId: string): Promise<boolean> {
  const { rows } = await db.query(
    `SELECT EXISTS (SELECT 1 FROM positions WHERE official_id = $1 OR nip = $1)
         OR EXISTS (SELECT 1 FROM signing_credential WHERE signer_id = $1)
         OR EXISTS (SELECT 1 FROM signing_lockout WHERE signer_id = $1)
         OR EXISTS (SELECT 1 FROM signing_attempt WHERE signer_id = $1) AS known`,
    [signerId],
  );
  return rows[0].known === true;
}

export async function unlockSigning(db: Pool, signerId: string, actorId: string): Promise<{ chains: string[] }> {
  const suffix = requestScopedId();
  return inTransaction(db, async (client) => {
    // the chains' locks in one order (sorted ids), so two writers of several chains cannot deadlock
    const chains = [...new Set(await chainsOf(client, signerId))].sort();
    for (const chain of chains) await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [chain]);
    await client.query('DELETE FROM signing_lockout WHERE signer_id = $1', [signerId]);
    // counted attempts go too: a retry of one after the unlock is counted afresh
    await client.query('DELETE FROM signing_attempt WHERE signer_id = $1', [signerId]);
    const at = new Date().toISOString();
    for (const chain of chains) {
      await insertAuditRow(client, {
        agreementId: chain, key: `api:${chain}:signing.unlocked:${suffix}`, action: SIGNING_UNLOCKED,
        actorId, data: { signerId }, at,
      });
    }
    return { chains };
  });
}
