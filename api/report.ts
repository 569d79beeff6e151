// The cycle report per unit: agreements, average score, predicate counts and budget absorption
// (serapan = realised budget / pagu × 100), as JSON, CSV (for machines) or XLSX (for people). PK scores and predicates are the ones
// the evaluation stored (computed with the cycle's rules, then adjusted by the evaluation team); the
// unit's predicate is its average on the cycle's scale. The unit's pagu and realisasi are its head's
// PK's (db/unit-heads.ts), never the sum over the cascade's levels.
import type { Pool } from 'pg';
import { UNIT_HEAD_IDS_SQL } from '../db/unit-heads';
import { evaluateUnit } from '../domain/evaluation';
import type { Rules } from '../domain/rules';
import { jsonObject } from './json-object';
import { xlsxTable, type XlsxColumn } from './xlsx-table';

export interface UnitReport {
  unitId: string | null;
  unitName: string;
  agreements: number;
  scored: number;
  averageScore: number | null;
  /** The unit's predicate: its average score on the cycle's scale; null when no PK has a score. */
  predicate: string | null;
  /** Predicate label → count; a null-prototype object (labels are data). */
  predicates: Record<string, number>;
  /** The head's PK's pagu (Rp); null while it has no budget lines or the unit has no head PK. */
  budget: number | null;
  /** The head's PK's realisasi anggaran (Rp); null with the pagu. */
  spent: number | null;
  absorption: number | null;
}

export async function cycleReport(db: Pool, cycleId: string, rules: Rules): Promise<UnitReport[]> {
  const { rows } = await db.query(
    // budget is null without budget lines; only the head's PK counts (a unit without one, or whose
    // head has no budget lines yet, has a null pagu: the lower levels' lines are a breakdown of it).
    `WITH current AS (
       SELECT a.id, a.unit_id, a.score, a.predicate, a.position_id IN (${UNIT_HEAD_IDS_SQL}) AS is_head,
              (SELECT sum((b->>'amount')::numeric) FROM agreement_versions v, jsonb_array_elements(v.content->'budget') b
                WHERE v.agreement_id = a.id AND v.version = a.version) AS budget,
              (SELECT coalesce(sum(s::numeric), 0) FROM realizations r, jsonb_array_elements_text(r.budget_spent) s
                WHERE r.agreement_id = a.id) AS spent
         FROM agreements a WHERE a.cycle_id = $1)
     SELECT c.unit_id, coalesce(u.name, 'Kepala Daerah') AS unit_name, count(*)::int AS agreements,
            count(c.score)::int AS scored, avg(c.score)::float8 AS average_score,
            array_remove(array_agg(c.score::float8), NULL) AS scores,
            sum(c.budget) FILTER (WHERE c.is_head)::float8 AS budget,
            sum(c.spent) FILTER (WHERE c.is_head AND c.budget IS NOT NULL)::float8 AS spent,
            array_remove(array_agg(c.predicate), NULL) AS predicate_list
       FROM current c LEFT JOIN units u ON u.cycle_id = $1 AND u.id = c.unit_id
      GROUP BY c.unit_id, u.name ORDER BY c.unit_id NULLS FIRST`,
    [cycleId],
  );
  return rows.map((r) => {
    const predicates = new Map<string, number>();
    for (const p of r.predicate_list as string[]) predicates.set(p, (predicates.get(p) ?? 0) + 1);
    return {
      unitId: r.unit_id,
      unitName: r.unit_name,
      agreements: r.agreements,
      scored: r.scored,
      averageScore: r.average_score === null ? null : round2(r.average_score),
      predicate: evaluateUnit(r.scores as number[], rules).predicate,
      predicates: jsonObject(predicates),
      budget: r.budget,
      spent: r.spent,
      absorption: r.budget > 0 ? round2(((r.spent ?? 0) / r.budget) * 100) : null,
    };
  });
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * One CSV cell. Text that a spreadsheet would read as a formula (OWASP's CSV injection rule: a
 * leading =, +, -, @, tab or carriage return, and their full-width forms) gets a leading ' so it
 * stays text; every cell with a quote, comma or line break is quoted. Numbers are ours, never a
 * user's text, and stay numbers (a negative one included).
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const text = String(value);
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** Every predicate some unit's PKs have, in one order for the CSV's and the XLSX's columns. */
const predicateNamesOf = (units: UnitReport[]) => [...new Set(units.flatMap((u) => Object.keys(u.predicates)))].sort();
const predicateCount = (u: UnitReport, p: string) => (Object.hasOwn(u.predicates, p) ? u.predicates[p] : 0);

export function reportCsv(units: UnitReport[]): string {
  const predicateNames = predicateNamesOf(units);
  const header = ['unit_id', 'unit_name', 'agreements', 'scored', 'average_score', 'predicate', ...predicateNames.map((p) => `predicate_${p}`), 'budget_rp', 'spent_rp', 'absorption_percent'];
  const lines = units.map((u) =>
    [u.unitId ?? '', u.unitName, u.agreements, u.scored, u.averageScore, u.predicate, ...predicateNames.map((p) => predicateCount(u, p)), u.budget, u.spent, u.absorption]
      .map(csvCell)
      .join(','),
  );
  return [header.map(csvCell).join(','), ...lines].join('\r\n') + '\r\n';
}

/** The report for people: the CSV's rows with Indonesian headers, one column per predicate ("PK Sangat Baik"). */
export function reportXlsx(units: UnitReport[]): Promise<Buffer> {
  const columns: Array<XlsxColumn<UnitReport>> = [
    { header: 'Kode unit', kind: 'text', value: (u) => u.unitId },
    { header: 'Nama unit', kind: 'text', value: (u) => u.unitName },
    { header: 'Jumlah PK', kind: 'count', value: (u) => u.agreements },
    { header: 'PK dinilai', kind: 'count', value: (u) => u.scored },
    { header: 'Rata-rata nilai (%)', kind: 'percent', value: (u) => u.averageScore },
    { header: 'Predikat', kind: 'text', value: (u) => u.predicate },
    ...predicateNamesOf(units).map((p): XlsxColumn<UnitReport> => ({ header: `PK ${p}`, kind: 'count', value: (u) => predicateCount(u, p) })),
    { header: 'Pagu (Rp)', kind: 'rupiah', value: (u) => u.budget },
    { header: 'Realisasi anggaran (Rp)', kind: 'rupiah', value: (u) => u.spent },
    { header: 'Serapan (%)', kind: 'percent', value: (u) => u.absorption },
  ];
  return xlsxTable('Laporan per unit', columns, units);
}
