// Each official's year-end predikat: the pejabat penilai (the holder of the position above, the
// PK's second party) rates hasil kerja and the seven BerAKHLAK values once the PK is in evaluation
// or closed; the unit's predicate (its head's PK) bounds its staff's distribution, and a unit's
// ratings close only within the bounds or with the evaluation team's written exception. Stored
// by the API alone (no workflow step): each rating or closing and its audit row commit together.
import type { Pool, PoolClient } from 'pg';
import { insertAuditRow } from '../db/audit-log';
import { BERAKHLAK, proposeHasilKerja, rateEmployee, type CoreValue, type ValueRating } from '../domain/employee-rating';
import { checkStaffDistribution, type DistributionViolation, type EmployeePredikat, type Expectation, type StaffDistributionRule } from '../domain/predicates';
import type { AgreementRow } from './access';
import { HttpProblem } from './problem';
import { requestScopedId } from './request-id';
import { storedRules } from './rules-change';
import { inTransaction } from '../db/transaction';

export const RATING_SAVED = 'rating.saved';
export const UNIT_RATINGS_CLOSED = 'unit.ratings_closed';
const RATEABLE_PHASES = new Set(['evaluation', 'closed']);

export interface RatingInput {
  hasilKerja: Expectation;
  perilaku: Record<CoreValue, ValueRating>;
}

const ratingJson = (r: any) => r && {
  raterId: r.rater_id,
  capaian: r.capaian === null ? null : Number(r.capaian),
  hasilKerjaProposed: r.hasil_kerja_proposed,
  hasilKerja: r.hasil_kerja,
  perilakuValues: r.perilaku_values,
  perilaku: r.perilaku,
  predikat: r.predikat,
  ratedAt: r.rated_at,
};

async function positionOf(db: Pool | PoolClient, agreement: AgreementRow) {
  return (await db.query('SELECT id, parent_id, unit_id, title, official_name, official_id FROM positions WHERE cycle_id = $1 AND id = $2', [agreement.cycle_id, agreement.position_id])).rows[0];
}

/**
 * A PK's rating as the page shows it: the proposal from its capaian, the stored rating, who may rate, and its unit's state.
 * `callerPositionIds`: an official caller's positions in the PK's cycle, as the access check read them (null for others);
 * an official's unit distribution names only the staff at or below those positions.
 */
export async function ratingOf(db: Pool, agreement: AgreementRow, callerPositionIds: string[] | null) {
  const cycle = (await db.query('SELECT rules FROM cycles WHERE id = $1', [agreement.cycle_id])).rows[0];
  const rules = storedRules(cycle.rules);
  const position = await positionOf(db, agreement);
  const stored = (await db.query('SELECT * FROM employee_ratings WHERE agreement_id = $1', [agreement.id])).rows[0] ?? null;
  const capaian = agreement.score === null ? null : Number(agreement.score);
  const held = callerPositionIds ?? [];
  return {
    agreementId: agreement.id,
    positionId: agreement.position_id,
    raterPositionId: position.parent_id,
    phase: agreement.phase,
    rateable: RATEABLE_PHASES.has(agreement.phase) && position.parent_id !== null,
    callerIsRater: position.parent_id !== null && held.includes(position.parent_id),
    capaian,
    proposal: proposeHasilKerja(capaian, rules.hasilKerjaFromCapaian),
    mapping: rules.hasilKerjaFromCapaian,
    coreValues: BERAKHLAK,
    rating: ratingJson(stored),
    unit: position.unit_id ? await unitDistribution(db, agreement.cycle_id, position.unit_id, callerPositionIds) : null,
  };
}

/**
 * Stores the rating of a PK by its pejabat penilai; 409 outside evaluation/closed or once the unit's ratings are closed.
 * `raterPositionIds`: the rater's positions in the PK's cycle, as the access check read them.
 */
export async function saveRating(db: Pool, agreement: AgreementRow, raterId: string, raterPositionIds: string[], input: RatingInput) {
  return inTransaction(db, async (client) => {
    const position = await positionOf(client, agreement);
    if (position.parent_id === null) throw new HttpProblem(409, 'not_rateable', 'The Kepala Daerah has no pejabat penilai in this system.');
    if (!raterPositionIds.includes(position.parent_id)) {
      throw new HttpProblem(403, 'not_rater', `Only the pejabat penilai (the official of position ${position.parent_id}) rates this PK.`);
    }
    if (position.unit_id) await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`ratings:${agreement.cycle_id}:${position.unit_id}`]);
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [agreement.id]);
    const current = (await client.query('SELECT phase, score FROM agreements WHERE id = $1', [agreement.id])).rows[0];
    if (!RATEABLE_PHASES.has(current.phase)) {
      throw new HttpProblem(409, 'wrong_phase', `A PK is rated once it is in evaluation or closed; this one is in ${current.phase}.`, { phase: current.phase });
    }
    if (position.unit_id && (await closure(client, agreement.cycle_id, position.unit_id))) {
      throw new HttpProblem(409, 'ratings_closed', `The ratings of unit ${position.unit_id} are closed; they no longer change.`);
    }
    const rules = storedRules((await client.query('SELECT rules FROM cycles WHERE id = $1', [agreement.cycle_id])).rows[0].rules);
    const capaian = current.score === null ? null : Number(current.score);
    const result = rateEmployee(input.hasilKerja, input.perilaku);
    const proposed = proposeHasilKerja(capaian, rules.hasilKerjaFromCapaian);
    const values = Object.fromEntries(BERAKHLAK.map((v) => [v, { expectation: input.perilaku[v].expectation, note: input.perilaku[v].note }]));
    const { rows } = await client.query(
      `INSERT INTO employee_ratings (agreement_id, cycle_id, unit_id, position_id, rater_id, capaian, hasil_kerja_proposed, hasil_kerja, perilaku_values, perilaku, predikat, rated_at)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11, now())
       ON CONFLICT (agreement_id) DO UPDATE SET rater_id = $5, capaian = $6, hasil_kerja_proposed = $7, hasil_kerja = $8, perilaku_values = $9, perilaku = $10, predikat = $11, rated_at = now()
       RETURNING *`,
      [agreement.id, agreement.cycle_id, position.unit_id, agreement.position_id, raterId, capaian, proposed, result.hasilKerja, JSON.stringify(values), result.perilaku, result.predikat],
    );
    await insertAuditRow(client, {
      agreementId: agreement.id, key: `api:${agreement.id}:rating:${requestScopedId()}`, action: RATING_SAVED,
      actorId: `official:${raterId}`, data: { capaian, hasilKerjaProposed: proposed, ...result, perilakuValues: values }, at: new Date().toISOString(),
    });
    return ratingJson(rows[0]);
  });
}

async function closure(db: Pool | PoolClient, cycleId: string, unitId: string) {
  return (await db.query('SELECT * FROM unit_rating_closures WHERE cycle_id = $1 AND unit_id = $2', [cycleId, unitId])).rows[0] ?? null;
}

export interface UnitDistribution {
  cycleId: string;
  unitId: string;
  unitName: string;
  /**
   * The unit's head position; its PK's id and phase only for a caller who may see that PK (as
   * GET /api/agreements/:id decides: administrators, the evaluation team, the head and those above
   * it), else null: a staff official reads neither anywhere else (every route of that PK is 403).
   */
  head: { positionId: string; agreementId: string | null; phase: string | null } | null;
  /** The head's PK predicate on the cycle's scale; null until it is evaluated. */
  unitPredicate: string | null;
  /** The distribution rule for that predicate (the cycle's `staffDistribution`). */
  bounds: StaffDistributionRule['bounds'];
  /**
   * Each staff position with its official and predikat: every one for the administrators and the
   * evaluation team; for an official, only the positions they hold and those below them (as they see PKs).
   */
  staff: Array<{ positionId: string; title: string; officialName: string; agreementId: string | null; phase: string | null; predikat: EmployeePredikat | null }>;
  /** How many staff the unit has (all of them, also those `staff` leaves out). */
  staffTotal: number;
  /** The aggregates of all staff, whoever asks: the rater needs them to respect the unit's bounds. */
  counts: Record<string, number>;
  rated: number;
  violations: DistributionViolation[];
  /** Why the unit cannot close now (codes as the close answers them); empty when it can. */
  blockers: Array<{ code: string; detail: string }>;
  closed: { by: string; at: string; exceptionReason: string | null; violations: DistributionViolation[] } | null;
}

/**
 * A unit's staff predikats against its bounds. Staff are the unit's positions below its head (the one nearest the top).
 * `viewerPositionIds`: for an official, the positions they hold in the cycle: `staff` then names only
 * those positions and the ones below them (the agreement's lineage, as `visibleToOfficialSql`), and
 * `head` carries its PK's id and phase only when the same rule lets them see it;
 * null (administrators, the evaluation team, the closing): every staff position and the head's PK.
 */
export async function unitDistribution(db: Pool | PoolClient, cycleId: string, unitId: string, viewerPositionIds: string[] | null = null): Promise<UnitDistribution> {
  const unit = (await db.query('SELECT u.name, c.rules FROM units u JOIN cycles c ON c.id = u.cycle_id WHERE u.cycle_id = $1 AND u.id = $2', [cycleId, unitId])).rows[0];
  if (!unit) throw new HttpProblem(404, 'not_found', `No unit ${unitId} in ${cycleId}.`);
  const rules = storedRules(unit.rules);
  const { rows } = await db.query(
    `SELECT p.id, p.title, p.official_name, p.depth, a.id AS agreement_id, a.phase, a.predicate, r.predikat,
            coalesce($3::text[] IS NULL OR p.id = ANY($3::text[])
              OR a.lineage && ARRAY(SELECT h.id FROM agreements h WHERE h.cycle_id = $1 AND h.position_id = ANY($3::text[])), false) AS visible
       FROM positions p LEFT JOIN agreements a ON a.cycle_id = p.cycle_id AND a.position_id = p.id
       LEFT JOIN employee_ratings r ON r.agreement_id = a.id
      WHERE p.cycle_id = $1 AND p.unit_id = $2 ORDER BY p.depth, p.id`,
    [cycleId, unitId, viewerPositionIds],
  );
  const [headRow, ...staffRows] = rows;
  const unitPredicate: string | null = headRow?.predicate ?? null;
  const all = staffRows.map((r) => ({ positionId: r.id, title: r.title, officialName: r.official_name, agreementId: r.agreement_id, phase: r.phase, predikat: r.predikat as EmployeePredikat | null }));
  const staff = all.filter((_s, i) => staffRows[i].visible === true);
  const predikats = all.flatMap((s) => (s.predikat ? [s.predikat] : []));
  const counts: Record<string, number> = Object.create(null);
  for (const p of predikats) counts[p] = (counts[p] ?? 0) + 1;
  const violations = unitPredicate ? checkStaffDistribution(unitPredicate, predikats, rules.staffDistribution) : [];
  const closedRow = await closure(db, cycleId, unitId);
  const blockers: UnitDistribution['blockers'] = [];
  if (closedRow) blockers.push({ code: 'ratings_closed', detail: 'The unit\'s ratings are already closed.' });
  if (!unitPredicate) blockers.push({ code: 'unit_not_evaluated', detail: `The unit's predicate comes from its head's PK (${headRow?.id ?? 'none'}), which is not evaluated yet.` });
  const unrated = all.filter((s) => !s.predikat);
  if (unrated.length > 0) {
    // the positions the caller may see by id, the others only counted
    const named = unrated.filter((s) => staff.includes(s)).map((s) => s.positionId);
    const others = unrated.length - named.length;
    if (others > 0) named.push(`${others} other staff position${others === 1 ? '' : 's'}`);
    blockers.push({ code: 'ratings_incomplete', detail: `Not rated yet: ${named.join(', ')}.` });
  }
  if (violations.length > 0) blockers.push({ code: 'distribution_violated', detail: violations.map((v) => v.message).join('; ') });
  return {
    cycleId, unitId, unitName: unit.name,
    // the head's PK as the staff rows: its id and phase only where the caller may see that PK
    head: headRow ? { positionId: headRow.id, agreementId: headRow.visible === true ? headRow.agreement_id : null, phase: headRow.visible === true ? headRow.phase : null } : null,
    unitPredicate,
    bounds: unitPredicate ? rules.staffDistribution.find((rule) => rule.unitPredicates.includes(unitPredicate))?.bounds ?? [] : [],
    staff, staffTotal: all.length, counts, rated: predikats.length, violations, blockers,
    closed: closedRow && { by: closedRow.closed_by, at: closedRow.closed_at.toISOString(), exceptionReason: closedRow.exception_reason, violations: closedRow.violations },
  };
}

/**
 * Closes a unit's ratings: every staff rated, the head's PK evaluated, and the distribution within
 * its bounds, or broken bounds accepted by `exceptionReason`. Otherwise 409 with the first blocker's
 * code (`distribution_violated` names each broken bound in `violations`). The closing and its audit
 * row (on the cycle's chain) commit together.
 */
export async function closeUnitRatings(db: Pool, cycleId: string, unitId: string, actorId: string, exceptionReason: string | null) {
  await inTransaction(db, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`ratings:${cycleId}:${unitId}`]);
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [cycleId]);
    const d = await unitDistribution(client, cycleId, unitId);
    const blocking = d.blockers.filter((b) => !(b.code === 'distribution_violated' && exceptionReason));
    if (blocking.length > 0) {
      const first = blocking[0];
      throw new HttpProblem(409, first.code, blocking.map((b) => b.detail).join(' '), {
        unitPredicate: d.unitPredicate, violations: d.violations, blockers: d.blockers,
      });
    }
    await client.query(
      `INSERT INTO unit_rating_closures (cycle_id, unit_id, unit_predicate, distribution, violations, exception_reason, closed_by)
       VALUES ($1,$2,$3,$4,$5,$6,$7)`,
      [cycleId, unitId, d.unitPredicate, JSON.stringify(d.counts), JSON.stringify(d.violations), exceptionReason, actorId],
    );
    await insertAuditRow(client, {
      agreementId: cycleId, key: `api:${cycleId}:ratings-close:${unitId}`, action: UNIT_RATINGS_CLOSED,
      actorId, data: { unitId, unitPredicate: d.unitPredicate, distribution: d.counts, violations: d.violations, exceptionReason }, at: new Date().toISOString(),
    });
  });
  return unitDistribution(db, cycleId, unitId);
}

/** Every official of a cycle with their PK's capaian and predicate and their rating's predikat (null until rated). */
export async function cycleRatings(db: Pool, cycleId: string) {
  const cycle = (await db.query('SELECT organisation_id, year FROM cycles WHERE id = $1', [cycleId])).rows[0];
  if (!cycle) throw new HttpProblem(404, 'not_found', `No cycle ${cycleId}.`);
  const { rows } = await db.query(
    `SELECT p.id AS position_id, p.title, p.unit_id, u.name AS unit_name, p.official_id, p.nip, p.official_name, p.parent_id,
            a.id AS agreement_id, a.phase, a.score, a.predicate, r.hasil_kerja, r.perilaku, r.predikat, r.rater_id, r.rated_at
       FROM positions p LEFT JOIN units u ON u.cycle_id = p.cycle_id AND u.id = p.unit_id
       LEFT JOIN agreements a ON a.cycle_id = p.cycle_id AND a.position_id = p.id
       LEFT JOIN employee_ratings r ON r.agreement_id = a.id
      WHERE p.cycle_id = $1 ORDER BY p.depth, p.unit_id NULLS FIRST, p.id`,
    [cycleId],
  );
  const units = (await db.query('SELECT DISTINCT unit_id FROM positions WHERE cycle_id = $1 AND unit_id IS NOT NULL ORDER BY unit_id', [cycleId])).rows;
  return {
    cycleId, organisationId: cycle.organisation_id as string, year: Number(cycle.year),
    officials: rows.map((r) => ({
      positionId: r.position_id, title: r.title, unitId: r.unit_id, unitName: r.unit_name, officialId: r.official_id, nip: r.nip, name: r.official_name,
      raterPositionId: r.parent_id, agreementId: r.agreement_id, phase: r.phase,
      capaian: r.score === null ? null : Number(r.score), pkPredicate: r.predicate,
      hasilKerja: r.hasil_kerja, perilaku: r.perilaku, predikat: r.predikat, raterId: r.rater_id, ratedAt: r.rated_at,
    })),
    units: await Promise.all(units.map(async (u) => {
      const d = await unitDistribution(db, cycleId, u.unit_id);
      return { unitId: d.unitId, unitName: d.unitName, unitPredicate: d.unitPredicate, staff: d.staffTotal, rated: d.rated, counts: d.counts, bounds: d.bounds, violations: d.violations, blockers: d.blockers, closed: d.closed };
    })),
  };
}
