// A change of official in the records: the position's new holder, the replaced official's
// certificate revoked once they hold no position at all (reason affiliationChanged; what they signed
// stays valid at its signing time), and the 'official.changed' audit row, in one transaction, once
// per change id. The revision of a running signed PK is the workflow's next step, not this one's.
import type { Pool, PoolClient } from 'pg';
import { PgRevocationStore, PgSigningStore, serialOf, type Revocation } from '../signing';
import type { ChangeProblem, OfficialChangeInput, RevokedCertificate } from '../workflows/changes';
import type { Phase } from '../workflows/messages';
import { insertAuditRow } from './audit-log';

interface PositionRow {
  level: string;
  official_id: string;
  nip: string | null;
  official_name: string;
  email: string;
}

export type OfficialChangeCheck =
  | { kind: 'problem'; problem: ChangeProblem }
  | { kind: 'unchanged' }
  | { kind: 'change'; position: PositionRow; agreement: { id: string; phase: Phase } | null };

/** What the records say of a change before it is made (the API's early answer; the store checks again under its lock). */
export async function checkOfficialChange(db: Pool | PoolClient, change: Pick<OfficialChangeInput, 'cycleId' | 'positionId' | 'official'>, forUpdate = false): Promise<OfficialChangeCheck> {
  const { cycleId, positionId, official } = change;
  const position: PositionRow | undefined = (await db.query(
    `SELECT level, official_id, nip, official_name, email FROM positions WHERE cycle_id = $1 AND id = $2${forUpdate ? ' FOR UPDATE' : ''}`,
    [cycleId, positionId],
  )).rows[0];
  if (!position) return problem(404, 'not_found', `No position ${positionId} in ${cycleId}.`);
  if (official.nip === null && position.level !== 'KEPALA_DAERAH') {
    return problem(422, 'invalid_data', 'The request has invalid data.', { problems: [{ path: '/nip', code: 'missing_nip', message: 'NIP is required: only the Kepala Daerah may have none' }] });
  }
  const holder = (await db.query('SELECT id FROM positions WHERE cycle_id = $1 AND official_id = $2 AND id <> $3', [cycleId, official.id, positionId])).rows[0];
  if (holder) return inUse(official, holder.id);
  const agreement = (await db.query('SELECT id, phase FROM agreements WHERE cycle_id = $1 AND position_id = $2', [cycleId, positionId])).rows[0] ?? null;
  if (agreement?.phase === 'closed') return problem(409, 'wrong_phase', 'The PK of this position is closed.');
  const same = position.official_id === official.id && position.nip === official.nip && position.official_name === official.name && position.email === official.email;
  return same ? { kind: 'unchanged' } : { kind: 'change', position, agreement };
}

export type StoredOfficialChange =
  | { kind: 'problem'; problem: ChangeProblem }
  | {
      kind: 'stored';
      /** The PK of the position, when it has one (its revision is the next step). */
      agreementId: string | null;
      previous: { officialId: string; name: string };
      revokedCertificate: RevokedCertificate | null;
    };

const auditKey = (changeId: string) => `official:${changeId}`;

/** Idempotent by change id: a retry finds the audit row of the first and returns what it stored. */
export async function storeOfficialChange(db: Pool, change: OfficialChangeInput, at: Date): Promise<StoredOfficialChange> {
  const revocations = new PgRevocationStore(db);
  const agreementRow = (await db.query('SELECT id FROM agreements WHERE cycle_id = $1 AND position_id = $2', [change.cycleId, change.positionId])).rows[0];
  // the audit row goes on the PK's chain, or on the cycle's when the position has no PK
  const chainId: string = agreementRow?.id ?? change.cycleId;
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [chainId]);
    const done = (await client.query('SELECT data FROM audit_log WHERE key = $1', [auditKey(change.changeId)])).rows[0];
    if (done) {
      await client.query('ROLLBACK');
      return { kind: 'stored', agreementId: agreementRow?.id ?? null, previous: { officialId: done.data.previousOfficialId, name: done.data.previousName }, revokedCertificate: done.data.revokedCertificate ?? null };
    }
    const check = await checkOfficialChange(client, change, true);
    if (check.kind === 'problem') {
      await client.query('ROLLBACK');
      return check;
    }
    if (check.kind === 'unchanged') {
      // made meanwhile by an equal change: nothing to store, nothing to revise
      await client.query('ROLLBACK');
      return { kind: 'stored', agreementId: null, previous: { officialId: change.official.id, name: change.official.name }, revokedCertificate: null };
    }
    const { position } = check;
    const { official } = change;
    try {
      await client.query(
        'UPDATE positions SET nip = $3, official_name = $4, email = $5, official_id = $6 WHERE cycle_id = $1 AND id = $2',
        [change.cycleId, change.positionId, official.nip, official.name, official.email, official.id],
      );
    } catch (err) {
      // the unique index (one position per official per cycle) decides a race the check cannot see
      if ((err as { code?: string }).code !== '23505') throw err;
      await client.query('ROLLBACK');
      return inUse(official, null);
    }
    let revoked: Revocation | null = null;
    if (position.official_id !== official.id) {
      const stillHolds = (await client.query('SELECT 1 FROM positions WHERE official_id = $1 LIMIT 1', [position.official_id])).rows.length > 0;
      // on the transaction's connection: one held while waiting for another deadlocks a full pool
      const credential = stillHolds ? null : await new PgSigningStore(client).getCredential(position.official_id);
      if (credential) {
        revoked = {
          caId: credential.caId, serialNumber: serialOf(credential.certificatePem), signerId: position.official_id, reason: 'affiliationChanged',
          note: `Pergantian pejabat ${change.positionId}: ${position.official_name} digantikan oleh ${official.name}`, revokedAt: at,
        };
        await revocations.revoke(revoked, client);
      }
    }
    const revokedCertificate = revoked && { caId: revoked.caId, serialNumber: revoked.serialNumber, reason: revoked.reason, revokedAt: revoked.revokedAt.toISOString() };
    await insertAuditRow(client, {
      agreementId: chainId, key: auditKey(change.changeId), action: 'official.changed', actorId: `admin:${change.adminId}`, at: at.toISOString(),
      data: {
        changeId: change.changeId, positionId: change.positionId, previousNip: position.nip, previousOfficialId: position.official_id, previousName: position.official_name,
        nip: official.nip, officialId: official.id, name: official.name, revokedCertificate,
      },
    });
    await client.query('COMMIT');
    return { kind: 'stored', agreementId: agreementRow?.id ?? null, previous: { officialId: position.official_id, name: position.official_name }, revokedCertificate };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

const problem = (status: ChangeProblem['status'], code: string, detail: string, extra?: Record<string, unknown>): { kind: 'problem'; problem: ChangeProblem } =>
  ({ kind: 'problem', problem: { status, code, detail, ...(extra ? { extra } : {}) } });

function inUse(official: OfficialChangeInput['official'], heldPositionId: string | null) {
  const who = official.nip === null ? `Official id ${official.id}` : `NIP ${official.nip}`;
  return problem(409, official.nip === null ? 'official_id_in_use' : 'nip_in_use', `${who} already holds ${heldPositionId ?? 'another position'} in this cycle.`, heldPositionId ? { positionId: heldPositionId } : undefined);
}
