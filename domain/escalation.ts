// Who hears of an overdue item (the domain's escalation, one level at a time): the official → the
// direct superior → each superior above them within the Pemda (a Kepala Seksi's Kepala Bidang,
// then the Kepala Dinas) → the Asisten overseeing the unit → the Sekda → the Bupati/Walikota.
// Every step is found in the organisation's data; no position id is assumed.
import type { Position } from './types';

export interface EscalationTree {
  byId: ReadonlyMap<string, Position>;
  root: Position | undefined;
  sekda: Position | undefined;
  /** Unit id → the Asisten overseeing it. */
  overseerByUnit: ReadonlyMap<string, Position>;
}

/** Indexes an organisation once for many chain look-ups. */
export function escalationTree(positions: ReadonlyArray<Position>): EscalationTree {
  const byId = new Map(positions.map((position) => [position.id, position]));
  const root = positions.find((position) => position.parent === null);
  // The Sekda: the JPT Madya directly under the Kepala Daerah.
  const sekda = root ? positions.find((position) => position.parent === root.id && position.level === 'JPT_MADYA') : undefined;
  const overseerByUnit = new Map<string, Position>();
  for (const position of positions) {
    for (const unit of position.oversees ?? []) if (!overseerByUnit.has(unit)) overseerByUnit.set(unit, position);
  }
  return { byId, root, sekda, overseerByUnit };
}

/**
 * Position ids to escalate to, in order (index 0 = level 1), excluding the acting position.
 * Levels that do not exist are skipped, and so are positions below the acting one. A position that appears twice is kept at its later, higher
 * place: a Kepala Dinas's superior is the Bupati, yet the Asisten and the Sekda hear first and the
 * Bupati last. Empty for an unknown position or the Kepala Daerah.
 */
export function escalationChain(positionId: string, tree: EscalationTree | ReadonlyArray<Position>): string[] {
  const index = Array.isArray(tree) ? escalationTree(tree) : (tree as EscalationTree);
  const position = index.byId.get(positionId);
  if (!position) return [];
  const candidates = [
    ...superiorsOf(position, index.byId),
    position.unit !== null ? index.overseerByUnit.get(position.unit)?.id : undefined,
    index.sekda?.id,
    index.root?.id,
  ].filter((id): id is string => id !== undefined && !isAtOrBelow(id, positionId, index.byId));
  return candidates.filter((id, i) => candidates.indexOf(id, i + 1) === -1);
}

/** The position's superiors up the tree, nearest first (the Kepala Daerah too, kept last by the caller's dedupe). */
function superiorsOf(position: Position, byId: ReadonlyMap<string, Position>): string[] {
  const out: string[] = [];
  for (let current = position.parent === null ? undefined : byId.get(position.parent); current && out.length <= byId.size; current = current.parent === null ? undefined : byId.get(current.parent)) {
    out.push(current.id);
  }
  return out;
}

/** Escalation never goes down: the Sekda is not above the Bupati, nor an Asisten above the Sekda. */
function isAtOrBelow(candidateId: string, positionId: string, byId: ReadonlyMap<string, Position>): boolean {
  let current = byId.get(candidateId);
  for (let steps = 0; current && steps <= byId.size; steps++) {
    if (current.id === positionId) return true;
    current = current.parent === null ? undefined : byId.get(current.parent);
  }
  return false;
}
