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
}

export type Relation = 'owner' | 'superior' | 'none';

export async function loadAgreement(db: Pool, id: string): Promise<AgreementRow | null> {
  const { rows } = await db.query('SELECT * FROM agreements WHERE id = $1', [id]);
  return rows[0] ?? null;
}

/** How a NIP relates to a position: holds it, holds a position above it, or neither. */
export async function relationTo(db: Pool, cycleId: string, positionId: string, nip: string): Promise<Relation> {
  const { rows } = await db.query(
    `WITH RECURSIVE up AS (
       SELECT id, parent_id, nip, 0 AS depth FROM positions WHERE cycle_id = $1 AND id = $2
       UNION ALL
       SELECT p.id, p.parent_id, p.nip, up.depth + 1 FROM positions p JOIN up ON p.cycle_id = $1 AND p.id = up.parent_id
        WHERE up.depth < 64)
     SELECT min(depth) AS depth FROM up WHERE nip = $3`,
    [cycleId, positionId, nip],
  );
  const depth = rows[0]?.depth;
  return depth === null || depth === undefined ? 'none' : Number(depth) === 0 ? 'owner' : 'superior';
}

export async function canSeeAgreement(db: Pool, p: Principal, a: Pick<AgreementRow, 'cycle_id' | 'position_id'>): Promise<boolean> {
  if (p.role !== 'official') return true;
  return (await relationTo(db, a.cycle_id, a.position_id, p.nip!)) !== 'none';
}

/** Positions a NIP holds in one cycle: what goes into Actor.positionIds. */
export async function positionsHeld(db: Pool, cycleId: string, nip: string): Promise<string[]> {
  const { rows } = await db.query('SELECT id FROM positions WHERE cycle_id = $1 AND nip = $2 ORDER BY id', [cycleId, nip]);
  return rows.map((r) => r.id as string);
}

/**
 * SQL condition limiting agreements (alias `a`) to those an official may see; `$n` is the NIP.
 * Each agreement carries its lineage (agreement ids from the top down to itself, migration 005),
 * so this is one index lookup for the positions held and one GIN lookup, whatever the depth.
 */
export function visibleToOfficialSql(nipParam: string): string {
  return `a.lineage && ARRAY(
    SELECT h.id FROM positions hp JOIN agreements h ON h.cycle_id = hp.cycle_id AND h.position_id = hp.id WHERE hp.nip = ${nipParam})`;
}
