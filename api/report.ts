// The cycle report per unit: agreements, average score, predicate counts and budget absorption
// (serapan = realised budget / pagu × 100), as JSON or CSV. PK scores and predicates are the ones
// the evaluation stored (computed with the cycle's rules); the unit's predicate is its average on
// the cycle's scale.
import type { Pool } from 'pg';
import { evaluateUnit } from '../domain/evaluation';
import type { Rules } from '../domain/rules';

export interface UnitReport {
  unitId: string | null;
  unitName: string;
  agreements: number;
  scored: number;
  averageScore: number | null;
  /** The unit's predicate: its average score on the cycle's scale; null when no PK has a score. */
  predicate: string | null;
  predicates: Record<string, number>;
  budget: number;
  spent: number;
  absorption: number | null;
}

export async function cycleReport(db: Pool, cycleId: string, rules: Rules): Promise<UnitReport[]> {
  const { rows } = await db.query(
    `WITH current AS (
       SELECT a.id, a.unit_id, a.score, a.predicate,
              (SELECT coalesce(sum((b->>'amount')::numeric), 0) FROM agreement_versions v, jsonb_array_elements(v.content->'budget') b
                WHERE v.agreement_id = a.id AND v.version = a.version) AS budget,
              (SELECT coalesce(sum(s::numeric), 0) FROM realizations r, jsonb_array_elements_text(r.budget_spent) s
                WHERE r.agreement_id = a.id) AS spent
         FROM agreements a WHERE a.cycle_id = $1)
     SELECT c.unit_id, coalesce(u.name, 'Kepala Daerah') AS unit_name, count(*)::int AS agreements,
            count(c.score)::int AS scored, avg(c.score)::float8 AS average_score,
            array_remove(array_agg(c.score::float8), NULL) AS scores,
            coalesce(sum(c.budget), 0)::float8 AS budget, coalesce(sum(c.spent), 0)::float8 AS spent,
            array_remove(array_agg(c.predicate), NULL) AS predicate_list
       FROM current c LEFT JOIN units u ON u.cycle_id = $1 AND u.id = c.unit_id
      GROUP BY c.unit_id, u.name ORDER BY c.unit_id NULLS FIRST`,
    [cycleId],
  );
  return rows.map((r) => {
    const predicates: Record<string, number> = {};
    for (const p of r.predicate_list as string[]) predicates[p] = (predicates[p] ?? 0) + 1;
    return {
      unitId: r.unit_id,
      unitName: r.unit_name,
      agreements: r.agreements,
      scored: r.scored,
      averageScore: r.average_score === null ? null : round2(r.average_score),
      predicate: evaluateUnit(r.scores as number[], rules).predicate,
      predicates,
      budget: r.budget,
      spent: r.spent,
      absorption: r.budget > 0 ? round2((r.spent / r.budget) * 100) : null,
    };
  });
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function csvCell(value: unknown): string {
  const s = value === null || value === undefined ? '' : String(value);
  // quote when needed; a leading =,+,-,@ is neutralised so spreadsheets do not run it as a formula
  const safe = /^[=+\-@]/.test(s) && !/^-?\d/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function reportCsv(units: UnitReport[]): string {
  const predicateNames = [...new Set(units.flatMap((u) => Object.keys(u.predicates)))].sort();
  const header = ['unit_id', 'unit_name', 'agreements', 'scored', 'average_score', 'predicate', ...predicateNames.map((p) => `predicate_${p}`), 'budget_rp', 'spent_rp', 'absorption_percent'];
  const lines = units.map((u) =>
    [u.unitId ?? '', u.unitName, u.agreements, u.scored, u.averageScore, u.predicate, ...predicateNames.map((p) => u.predicates[p] ?? 0), u.budget, u.spent, u.absorption]
      .map(csvCell)
      .join(','),
  );
  return [header.join(','), ...lines].join('\r\n') + '\r\n';
}
