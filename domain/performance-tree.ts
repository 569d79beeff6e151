// The performance tree (pohon kinerja) of a cycle: the IKU Pemda at the top, then every position's
// PK indicators, each linked to the superior indicator it serves. A superior indicator that no
// subordinate serves is a gap (the cascading rules, `cascadeGaps`). Pure: the API loads the rows.
import { cascadeGaps } from './cascade';
import type { Indicator, Plan } from './types';

type Link = Pick<Indicator, 'id' | 'parentIndicatorId' | 'additionalTask'>;

export interface TreePosition {
  positionId: string;
  parentId: string | null;
  /** The PK's indicators as they stand (current version); null while it has no content yet. */
  indicators: Link[] | null;
}

export interface TreeGaps {
  /** IKU Pemda indicator ids no PK serves (neither the Kepala Daerah's own nor a direct report's). */
  plan: string[];
  /** Per position: its indicator ids that none of its subordinates serves. */
  byPosition: Map<string, string[]>;
}

/** The links as a draft `cascadeGaps` reads (it looks at nothing but the links). */
const asDraft = (indicators: Link[]) => ({ objectives: [{ text: '', indicators: indicators as Indicator[] }] });

/**
 * Gaps, as the tree stands. A position with no subordinate has nobody to cascade to, so none of its
 * indicators is a gap; a subordinate with no content yet serves nothing. Below the Kepala Daerah the
 * plan's indicator ids are offered too (`indicatorIdsOfferedBelow`), so the plan is served by the
 * Kepala Daerah's own indicators (by the same id or a link) and by their direct reports' links.
 */
export function treeGaps(plan: Plan, positions: ReadonlyArray<TreePosition>): TreeGaps {
  const children = new Map<string, TreePosition[]>();
  for (const p of positions) if (p.parentId !== null) (children.get(p.parentId) ?? children.set(p.parentId, []).get(p.parentId)!).push(p);
  const byPosition = new Map<string, string[]>();
  for (const p of positions) {
    const below = children.get(p.positionId) ?? [];
    if (p.indicators === null || below.length === 0) continue;
    const gaps = cascadeGaps(p.indicators, below.flatMap((c) => (c.indicators ? [asDraft(c.indicators)] : [])));
    if (gaps.length > 0) byPosition.set(p.positionId, gaps.map((g) => g.id));
  }
  const planIndicators = plan.objectives.flatMap((o) => o.indicators);
  const roots = positions.filter((p) => p.parentId === null);
  const carried = new Set(roots.flatMap((r) => (r.indicators ?? []).map((i) => i.id)));
  const servingPlan = roots.flatMap((r) => [r, ...(children.get(r.positionId) ?? [])]).flatMap((p) => (p.indicators ? [asDraft(p.indicators)] : []));
  const planGaps = cascadeGaps(planIndicators, servingPlan).filter((i) => !carried.has(i.id)).map((i) => i.id);
  return { plan: planGaps, byPosition };
}
