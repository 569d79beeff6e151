// Who may see what. An official sees the PKs of the positions they hold and of every position below
// them (any depth); evaluators and admins see everything. Whether someone may *act* is the
// workflow's decision (WrongPerson), not this module's.
import type { Pool } from 'pg';
import type { Principal } from './principal';

export interface AgreementRow {
  id: string;
  cycle_id: string;
  position_id: string;
  unit_id: string | null;
  phase: string;
  version: number;
  overdue: boolean;
  escalation_level: number;
  due_at: Date | null;
  awaiting_position: string | null;
  score: string | null;
  predicate: string | null;
  updated_at: Date;
  /** Agreement ids from the top of the tree down to this one (migration 005). */
  lineage: string[];
}

/** `signer`: signed a version of it but holds no position at or above it now (a replaced official). */
export type Relation = 'owner' | 'superior' | 'signer' | 'none';

export async function loadAgreement(db: Pool, id: string): Promise<AgreementRow | null> {
  const { rows } = await db.query('SELECT * FROM agreements WHERE id = $1', [id]);
  return rows[0] ?? null;
}

/** A position an official holds in a cycle, with its agreement (none before the fan-out stored it). */
export interface HeldPosition {
  positionId: string;
  agreementId: string | null;
}

async function positionsWithAgreements(db: Pool, cycleId: string, officialId: string): Promise<HeldPosition[]> {
  const { rows } = await db.query(
    `SELECT hp.id AS position_id, h.id AS agreement_id FROM positions hp
       LEFT JOIN agreements h ON h.cycle_id = hp.cycle_id AND h.position_id = hp.id
      WHERE hp.cycle_id = $1 AND hp.official_id = $2 ORDER BY hp.id`,
    [cycleId, officialId],
  );
  return rows.map((r) => ({ positionId: r.position_id as string, agreementId: (r.agreement_id as string | null) ?? null }));
}

/**
 * What the caller of this request holds in a cycle, read once: the access check (may they see the
 * PK?) and the Update's actor (which positions do they act for?) share the answer, keyed by the
 * request's principal object.
 */
const heldThisRequest = new WeakMap<Principal, Map<string, Promise<HeldPosition[]>>>();
export function heldBy(db: Pool, principal: Principal, cycleId: string): Promise<HeldPosition[]> {
  let byCycle = heldThisRequest.get(principal);
  if (!byCycle) heldThisRequest.set(principal, (byCycle = new Map()));
  let held = byCycle.get(cycleId);
  if (!held) {
    held = positionsWithAgreements(db, cycleId, principal.id);
    byCycle.set(cycleId, held);
    void held.catch(() => byCycle!.delete(cycleId)); // a failed read is not remembered (callers still see it fail)
  }
  return held;
}

/** Owner, superior (the agreement's lineage names a PK they hold) or neither. */
function relationFrom(held: HeldPosition[], agreement: Pick<AgreementRow, 'id' | 'lineage'>): Relation {
  const ids = new Set(held.map((h) => h.agreementId).filter((id): id is string => id !== null));
  if (ids.has(agreement.id)) return 'owner';
  return agreement.lineage.some((id) => ids.has(id)) ? 'superior' : 'none';
}

/**
 * How an official (by official id: an ASN's NIP, the Kepala Daerah's id) relates to an agreement:
 * holds its position, holds one above it (the agreement's lineage names it), or neither. The same
 * rule as `visibleToOfficialSql`, for one agreement.
 */
export async function relationTo(db: Pool, agreement: Pick<AgreementRow, 'id' | 'cycle_id' | 'lineage'>, officialId: string): Promise<Relation> {
  return relationFrom(await positionsWithAgreements(db, agreement.cycle_id, officialId), agreement);
}

/** `relationTo` for the caller of this request (their positions are read once per request, see `heldBy`). */
export async function callerRelationTo(db: Pool, agreement: Pick<AgreementRow, 'id' | 'cycle_id' | 'lineage'>, principal: Principal): Promise<Relation> {
  return relationFrom(await heldBy(db, principal, agreement.cycle_id), agreement);
}

/** The versions of an agreement an official signed (as either party), oldest first. */
export async function versionsSignedBy(db: Pool, agreementId: string, officialId: string): Promise<number[]> {
  const { rows } = await db.query('SELECT DISTINCT version FROM documents WHERE agreement_id = $1 AND signer_nip = $2 ORDER BY version', [agreementId, officialId]);
  return rows.map((r) => Number(r.version));
}

/** Positions an official holds in one cycle: what goes into Actor.positionIds. */
export async function positionsHeld(db: Pool, cycleId: string, officialId: string): Promise<string[]> {
  const { rows } = await db.query('SELECT id FROM positions WHERE cycle_id = $1 AND official_id = $2 ORDER BY id', [cycleId, officialId]);
  return rows.map((r) => r.id as string);
}

/**
 * SQL condition limiting agreements (alias `a`) to those an official may see; `$n` is the official id.
 * Each agreement carries its lineage (agreement ids from the top down to itself, migration 005),
 * so this is one index lookup for the positions held and one GIN lookup, whatever the depth.
 */
export function visibleToOfficialSql(officialIdParam: string): string {
  return `a.lineage && ARRAY(
    SELECT h.id FROM positions hp JOIN agreements h ON h.cycle_id = hp.cycle_id AND h.position_id = hp.id WHERE hp.official_id = ${officialIdParam})`;
}
