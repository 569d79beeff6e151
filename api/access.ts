// Who may see what. An official sees the PKs of the positions they hold and of every position below
// them (any depth), and opens one whose late items escalate to them (the Asisten overseeing its
// unit, the Sekda: outside its line of superiors, yet the escalation mail links to it); evaluators
// and admins see everything. Whether someone may *act* is the workflow's decision (WrongPerson),
// not this module's.
import type { Pool } from 'pg';

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

/**
 * `overseer`: holds a position in the escalation chain of the PK's position but not above it in the
 * tree (its late items reach them). `signer`: signed a version of it but holds no position at or
 * above it now (a replaced official).
 */
export type Relation = 'owner' | 'superior' | 'overseer' | 'signer' | 'none';

/** A position an official holds in a cycle, with its agreement (none before the fan-out stored it). */
export interface HeldPosition {
  positionId: string;
  agreementId: string | null;
}

/** An agreement as the access check reads it; `held` is null when no official id was given. */
export interface AgreementForCaller {
  agreement: AgreementRow;
  held: HeldPosition[] | null;
  /** Who the PK's position's late items escalate to (positions.escalation_chain), in order. */
  escalationChain: string[];
}

/**
 * The agreement and, for an official, the positions they hold in its cycle (each with its
 * agreement), in one round trip: the access check derives the relation from them and the Update's
 * actor its position ids, so nothing reads them again in the request. Null: no such agreement.
 */
export async function loadAgreementFor(db: Pool, id: string, officialId: string | null): Promise<AgreementForCaller | null> {
  const { rows } = await db.query(
    `SELECT a.*,
            (SELECT coalesce(json_agg(json_build_object('positionId', hp.id, 'agreementId', h.id) ORDER BY hp.id), '[]'::json)
               FROM positions hp LEFT JOIN agreements h ON h.cycle_id = hp.cycle_id AND h.position_id = hp.id
              WHERE hp.cycle_id = a.cycle_id AND hp.official_id = $2) AS caller_held_positions,
            (SELECT p.escalation_chain FROM positions p WHERE p.cycle_id = a.cycle_id AND p.id = a.position_id) AS caller_escalation_chain
       FROM agreements a WHERE a.id = $1`,
    [id, officialId], // a null official id matches no position
  );
  if (!rows[0]) return null;
  const { caller_held_positions: held, caller_escalation_chain: chain, ...agreement } = rows[0];
  return { agreement: agreement as AgreementRow, held: officialId === null ? null : (held as HeldPosition[]), escalationChain: (chain as string[] | null) ?? [] };
}

/**
 * How an official relates to an agreement, from the positions they hold in its cycle: holds its
 * position, holds one above it (the agreement's lineage names it: the rule of
 * `visibleToOfficialSql`, which lists PKs), holds one its late items escalate to, or none of these.
 */
export function relationFrom(held: HeldPosition[], agreement: Pick<AgreementRow, 'id' | 'lineage'>, escalationChain: readonly string[] = []): Relation {
  const ids = new Set(held.map((h) => h.agreementId).filter((id): id is string => id !== null));
  if (ids.has(agreement.id)) return 'owner';
  if (agreement.lineage.some((id) => ids.has(id))) return 'superior';
  return held.some((h) => escalationChain.includes(h.positionId)) ? 'overseer' : 'none';
}

/** The versions of an agreement an official signed (as either party), oldest first. */
export async function versionsSignedBy(db: Pool, agreementId: string, officialId: string): Promise<number[]> {
  const { rows } = await db.query('SELECT DISTINCT version FROM documents WHERE agreement_id = $1 AND signer_nip = $2 ORDER BY version', [agreementId, officialId]);
  return rows.map((r) => Number(r.version));
}

/** Positions an official holds in one cycle (where no access check has read them for the request). */
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
