// What a PK's budget lines are called at each level (DOMAIN, "The document" §5): a Kepala OPD's PK
// funds Programs, an eselon III's Kegiatan, an eselon IV's (and staff's) Sub-kegiatan. The signed
// PDF's annex and the page's tables say the same word. Pure (only `import type`): served to the page.
import type { Level } from './types';

export type BudgetLineKind = 'Program' | 'Kegiatan' | 'Sub-kegiatan';

const KIND_BY_LEVEL: Record<Level, BudgetLineKind> = {
  KEPALA_DAERAH: 'Program',
  JPT_MADYA: 'Program',
  JPT_PRATAMA: 'Program',
  ADMINISTRATOR: 'Kegiatan',
  PENGAWAS: 'Sub-kegiatan',
  PELAKSANA: 'Sub-kegiatan',
};

/** The budget lines' name for a position's level; Program when the level is unknown. */
export function budgetLineKindOf(level: string | null | undefined): BudgetLineKind {
  return KIND_BY_LEVEL[level as Level] ?? 'Program';
}
