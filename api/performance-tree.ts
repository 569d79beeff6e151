// Reads of the performance tree (pohon kinerja): the summary (IKU Pemda, the Kepala Daerah's PK,
// per unit its PKs, phases and gaps), one unit's PKs in full (lazy, so 10,000 positions stay
// readable), and every gap as a list (JSON, CSV for machines or XLSX for people). Gaps come from domain/performance-tree.ts over
// the links of every PK's current version (the imported draft until one is saved); capaian to date from the cycle's rules and reports.
import type { Pool } from 'pg';
import { treeGaps, type TreeGaps, type TreePosition } from '../domain/performance-tree';
import { evaluateAgreement } from '../domain/evaluation';
import type { Rules } from '../domain/rules';
import type { AgreementContent, Plan, QuarterReport } from '../domain/types';
import { PHASES } from '../workflows/messages';
import { HttpProblem } from './problem';
import { storedRules } from './rules-change';
import { csvCell } from './report';
import { xlsxTable, type XlsxColumn } from './xlsx-table';
import { labelOf, PHASE_LABELS } from '../domain/labels';
import { indicatorNamesOf } from '../db/indicator-names';

interface CycleRow {
  id: string;
  organisation_id: string;
  organisation_name: string;
  year: number;
  plan: Plan;
  rules: unknown;
}

async function loadCycle(db: Pool, cycleId: string): Promise<CycleRow> {
  const row = (await db.query(
    'SELECT c.id, c.organisation_id, g.name AS organisation_name, c.year, c.plan, c.rules FROM cycles c JOIN organisations g ON g.id = c.organisation_id WHERE c.id = $1',
    [cycleId],
  )).rows[0];
  if (!row) throw new HttpProblem(404, 'not_found', `No cycle ${cycleId}.`);
  return row;
}

/** Every position's links (indicator id, the superior indicator it serves), extracted in SQL so only ids travel. */
async function cycleGaps(db: Pool, cycle: CycleRow): Promise<TreeGaps & { positions: Array<TreePosition & { unitId: string | null; phase: string }> }> {
  const { rows } = await db.query(
    `SELECT a.position_id, p.parent_id, a.unit_id, a.phase,
            CASE WHEN coalesce(v.content, p.draft) IS NULL THEN NULL ELSE coalesce((
              SELECT jsonb_agg(jsonb_build_object('id', i->>'id', 'parentIndicatorId', i->'parentIndicatorId', 'additionalTask', i->'additionalTask'))
                FROM jsonb_array_elements(coalesce(v.content, p.draft)->'objectives') o, jsonb_array_elements(o->'indicators') i), '[]'::jsonb) END AS links
       FROM agreements a
       JOIN positions p ON p.cycle_id = a.cycle_id AND p.id = a.position_id
       LEFT JOIN agreement_versions v ON v.agreement_id = a.id AND v.version = a.version
      WHERE a.cycle_id = $1`,
    [cycle.id],
  );
  const positions = rows.map((r) => ({
    positionId: r.position_id as string,
    parentId: r.parent_id as string | null,
    unitId: r.unit_id as string | null,
    phase: r.phase as string,
    indicators: r.links === null ? null : (r.links as Array<Record<string, unknown>>).map((l) => ({
      id: String(l.id), parentIndicatorId: typeof l.parentIndicatorId === 'string' ? l.parentIndicatorId : null, additionalTask: l.additionalTask === true,
    })),
  }));
  return { ...treeGaps(cycle.plan ?? { objectives: [] }, positions), positions };
}

const planNodes = (plan: Plan, gaps: string[]) => {
  const isGap = new Set(gaps);
  return (plan?.objectives ?? []).map((o) => ({
    id: o.id ?? null,
    text: o.text,
    indicators: o.indicators.map((i) => ({ id: i.id, name: i.name, unit: i.unit, target: i.target ?? null, gap: isGap.has(i.id) })),
  }));
};

export async function treeSummary(db: Pool, cycleId: string) {
  const cycle = await loadCycle(db, cycleId);
  const gaps = await cycleGaps(db, cycle);
  const units = (await db.query('SELECT id, name FROM units WHERE cycle_id = $1 ORDER BY name', [cycle.id])).rows;
  const perUnit = new Map<string, { agreements: number; gaps: number; phases: Record<string, number> }>();
  for (const p of gaps.positions) {
    const key = p.unitId ?? '';
    const u = perUnit.get(key) ?? { agreements: 0, gaps: 0, phases: Object.fromEntries(PHASES.map((x) => [x, 0])) };
    perUnit.set(key, u);
    u.agreements += 1;
    u.phases[p.phase] = (u.phases[p.phase] ?? 0) + 1;
    u.gaps += gaps.byPosition.get(p.positionId)?.length ?? 0;
  }
  const topPositions = gaps.positions.filter((p) => p.unitId === null).map((p) => p.positionId);
  const top = topPositions.length ? await nodesOf(db, cycle, { positionIds: topPositions }, gaps) : [];
  const unitItems = units.map((u) => ({ unitId: u.id as string, unitName: u.name as string, ...(perUnit.get(u.id) ?? { agreements: 0, gaps: 0, phases: {} }) }));
  const positionGaps = [...gaps.byPosition.values()].reduce((sum, g) => sum + g.length, 0);
  return {
    cycleId: cycle.id,
    organisationId: cycle.organisation_id,
    organisationName: cycle.organisation_name,
    year: cycle.year,
    gaps: { total: positionGaps + gaps.plan.length, plan: gaps.plan.length, positions: positionGaps },
    plan: planNodes(cycle.plan, gaps.plan),
    top,
    units: unitItems,
  };
}

export async function unitTree(db: Pool, cycleId: string, unitId: string) {
  const cycle = await loadCycle(db, cycleId);
  const unit = (await db.query('SELECT id, name FROM units WHERE cycle_id = $1 AND id = $2', [cycle.id, unitId])).rows[0];
  if (!unit) throw new HttpProblem(404, 'not_found', `No unit ${unitId} in ${cycle.id}.`);
  const gaps = await cycleGaps(db, cycle);
  return { cycleId: cycle.id, unitId: unit.id, unitName: unit.name, nodes: await nodesOf(db, cycle, { unitId }, gaps) };
}

/** The PKs of a unit (or of given positions) with their official, phase, capaian to date and each indicator's gap mark. */
async function nodesOf(db: Pool, cycle: CycleRow, which: { unitId?: string; positionIds?: string[] }, gaps: TreeGaps) {
  const rules: Rules = storedRules(cycle.rules);
  const { rows } = await db.query(
    `SELECT a.id, a.position_id, a.phase, p.parent_id, p.title, p.depth, p.official_id, p.official_name, p.nip, coalesce(v.content, p.draft) AS content,
            coalesce((SELECT json_agg(json_build_object('quarter', r.quarter, 'realizations', r.realizations, 'budget_spent', r.budget_spent) ORDER BY r.quarter)
                        FROM realizations r WHERE r.agreement_id = a.id), '[]') AS reports
       FROM agreements a
       JOIN positions p ON p.cycle_id = a.cycle_id AND p.id = a.position_id
       LEFT JOIN agreement_versions v ON v.agreement_id = a.id AND v.version = a.version
      WHERE a.cycle_id = $1 AND (a.unit_id = $2 OR a.position_id = ANY($3::text[]))
      ORDER BY p.depth, p.id`,
    [cycle.id, which.unitId ?? null, which.positionIds ?? []],
  );
  const parentName = await indicatorNamesOf(db, cycle.id, rows.map((r) => r.parent_id as string | null));
  return rows.map((r) => {
    const content = r.content as AgreementContent | null;
    const reports: QuarterReport[] = (r.reports as Array<Record<string, any>>).map((x) => ({ quarter: x.quarter, realizations: x.realizations, budgetSpent: x.budget_spent }));
    const evaluation = content ? evaluateAgreement(content, reports, rules) : null;
    const capaianOf = new Map(evaluation?.indicators.map((i) => [i.indicatorId, i.capaian]) ?? []);
    const isGap = new Set(gaps.byPosition.get(r.position_id) ?? []);
    return {
      agreementId: r.id,
      positionId: r.position_id,
      parentId: r.parent_id,
      title: r.title,
      official: { id: r.official_id, name: r.official_name, nip: r.nip },
      phase: r.phase,
      reportedQuarters: reports.map((x) => x.quarter),
      capaian: reports.length > 0 ? evaluation?.score ?? null : null,
      indicators: (content?.objectives ?? []).flatMap((o) => o.indicators.map((i) => ({
        id: i.id, name: i.name, unit: i.unit, target: i.target ?? null,
        parentIndicatorId: i.parentIndicatorId ?? null, parentIndicatorName: i.parentIndicatorId ? parentName.get(i.parentIndicatorId) ?? null : null,
        additionalTask: i.additionalTask === true,
        capaian: reports.length > 0 ? capaianOf.get(i.id) ?? null : null,
        gap: isGap.has(i.id),
      }))),
    };
  });
}

export interface GapRow {
  unitId: string | null;
  unitName: string | null;
  positionId: string | null;
  title: string;
  officialName: string | null;
  phase: string | null;
  indicatorId: string;
  indicatorName: string;
  target: number | null;
}

/** Every gap of the cycle: the plan's first (no position), then per unit and position. */
export async function gapList(db: Pool, cycleId: string): Promise<{ cycleId: string; organisationId: string; year: number; items: GapRow[] }> {
  const cycle = await loadCycle(db, cycleId);
  const gaps = await cycleGaps(db, cycle);
  const items: GapRow[] = [];
  const planGap = new Set(gaps.plan);
  for (const o of cycle.plan?.objectives ?? []) {
    for (const i of o.indicators) {
      if (planGap.has(i.id)) items.push({ unitId: null, unitName: null, positionId: null, title: 'IKU Pemda', officialName: null, phase: null, indicatorId: i.id, indicatorName: i.name, target: i.target ?? null });
    }
  }
  const positionIds = [...gaps.byPosition.keys()];
  if (positionIds.length > 0) {
    const { rows } = await db.query(
      `SELECT a.position_id, a.unit_id, u.name AS unit_name, p.title, p.official_name, a.phase, coalesce(v.content, p.draft) AS content
         FROM agreements a
         JOIN positions p ON p.cycle_id = a.cycle_id AND p.id = a.position_id
         LEFT JOIN units u ON u.cycle_id = a.cycle_id AND u.id = a.unit_id
         LEFT JOIN agreement_versions v ON v.agreement_id = a.id AND v.version = a.version
        WHERE a.cycle_id = $1 AND a.position_id = ANY($2::text[])
        ORDER BY u.name NULLS FIRST, p.depth, p.id`,
      [cycle.id, positionIds],
    );
    for (const r of rows) {
      const isGap = new Set(gaps.byPosition.get(r.position_id));
      for (const o of (r.content as AgreementContent).objectives) {
        for (const i of o.indicators) {
          if (isGap.has(i.id)) items.push({ unitId: r.unit_id, unitName: r.unit_name, positionId: r.position_id, title: r.title, officialName: r.official_name, phase: r.phase, indicatorId: i.id, indicatorName: i.name, target: i.target ?? null });
        }
      }
    }
  }
  return { cycleId: cycle.id, organisationId: cycle.organisation_id, year: cycle.year, items };
}

export function gapCsv(items: GapRow[]): string {
  const header = ['unit_id', 'unit_name', 'position_id', 'title', 'official_name', 'phase', 'indicator_id', 'indicator_name', 'target'];
  const lines = items.map((g) => [g.unitId, g.unitName, g.positionId, g.title, g.officialName, g.phase, g.indicatorId, g.indicatorName, g.target].map(csvCell).join(','));
  return [header.join(','), ...lines].join('\r\n') + '\r\n';
}

/** The gaps for people: Indonesian headers, the PK's phase as the page names it. */
export function gapXlsx(items: GapRow[]): Promise<Buffer> {
  const columns: Array<XlsxColumn<GapRow>> = [
    { header: 'Kode unit', kind: 'text', value: (g) => g.unitId },
    { header: 'Nama unit', kind: 'text', value: (g) => g.unitName },
    { header: 'Kode jabatan', kind: 'text', value: (g) => g.positionId },
    { header: 'Jabatan', kind: 'text', value: (g) => g.title },
    { header: 'Nama pejabat', kind: 'text', value: (g) => g.officialName },
    { header: 'Tahap', kind: 'text', value: (g) => labelOf(PHASE_LABELS, g.phase) },
    { header: 'Kode indikator', kind: 'text', value: (g) => g.indicatorId },
    { header: 'Indikator', kind: 'text', value: (g) => g.indicatorName },
    { header: 'Target', kind: 'quantity', value: (g) => g.target },
  ];
  return xlsxTable('Celah pohon kinerja', columns, items);
}
