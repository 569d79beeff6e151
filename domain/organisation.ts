// The organisation import: its zod schema, the semantic checks the schema cannot express (the
// position tree, uniqueness, cascade links between drafts), and helpers to walk the tree.
// Everything is linear in the size of the input: a 10,000-position regency validates in
// milliseconds.
import { z } from 'zod';
import type { OrganisationImport, Position } from './types';
import { agreementContentSchema, nonEmptyText, planSchema } from './agreement-content';
import { recordId } from './identifiers';
import { TEXT_LIMITS } from './limits';
import { problem, type Problem, type Validated } from './problem';
import { coded, problemsFromZodIssues } from './schema-problems';
import { checkOfficialIds, isPersonId } from './identity';

export const LEVELS = ['KEPALA_DAERAH', 'JPT_MADYA', 'JPT_PRATAMA', 'ADMINISTRATOR', 'PENGAWAS', 'PELAKSANA'] as const;

/** NIP: 18 digits (birth date, appointment month, gender, serial). Null is checked against the level below. */
const nipSchema = z.string().regex(/^\d{18}$/, 'NIP must be exactly 18 digits').nullable();

/** A reference to a unit or position id: whether it exists is a semantic check; its length is bounded here. */
const reference = z.string().max(TEXT_LIMITS.id, `An id has at most ${TEXT_LIMITS.id} characters`);

export const officialSchema = z.object({
  id: z.string().refine(isPersonId, coded('malformed_official_id', 'Official id: letters, digits and . _ - @ (at most 128), starting and ending with a letter or digit')).optional(),
  nip: nipSchema,
  name: nonEmptyText('Official name', TEXT_LIMITS.officialName),
  email: z.string().max(TEXT_LIMITS.email, `E-mail must be at most ${TEXT_LIMITS.email} characters`),
});

export const positionSchema = z.object({
  id: recordId('Position id'),
  title: nonEmptyText('Position title', TEXT_LIMITS.positionTitle),
  unit: reference.nullable(),
  parent: reference.nullable(),
  level: z.enum(LEVELS),
  official: officialSchema,
  oversees: z.array(reference).optional(),
});

export const organisationImportSchema = z.object({
  organisation: z.object({
    id: recordId('Organisation id'),
    name: nonEmptyText('Organisation name', TEXT_LIMITS.organisationName),
    place: nonEmptyText('Organisation place', TEXT_LIMITS.place),
  }),
  year: z.number().int().min(2000).max(2100),
  units: z.array(z.object({ id: recordId('Unit id'), name: nonEmptyText('Unit name', TEXT_LIMITS.unitName) })),
  positions: z.array(positionSchema),
  plan: planSchema.optional(),
  drafts: z.record(reference, agreementContentSchema).optional(),
});

export interface ValidationOptions {
  /**
   * An acting official (Plt.) may hold a second position with the same NIP. Off by default: the
   * import then reports every repeated NIP as 'duplicate_nip'.
   */
  allowSharedNip?: boolean;
}

/**
 * Validates an organisation import and lists every problem at once: schema problems and the
 * semantic ones (tree shape, duplicates, unknown references, cascade links). The semantic checks
 * read the raw input defensively, so they still run when parts of it fail the schema.
 */
export function validateOrganisationImport(input: unknown, options: ValidationOptions = {}): Validated<OrganisationImport> {
  const parsed = organisationImportSchema.safeParse(input);
  const problems = parsed.success ? [] : problemsFromZodIssues(parsed.error.issues);
  problems.push(...semanticProblems(input, options));
  if (problems.length > 0 || !parsed.success) return { ok: false, problems };
  const value: OrganisationImport = parsed.data;
  return { ok: true, value };
}

// ---- semantic checks over the raw input ------------------------------------------------------

type RawRecord = Record<string, unknown>;
const isRecord = (value: unknown): value is RawRecord =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const listOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const textOf = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Only what the cross-record checks need of a position, read without trusting the input. */
interface RawPosition {
  index: number;
  id: string | undefined;
  parent: unknown;
  level: unknown;
}

function semanticProblems(input: unknown, options: ValidationOptions): Problem[] {
  if (!isRecord(input)) return [];
  const problems: Problem[] = [];
  const unitIds = checkUnits(input.units, problems);
  const positions = listOf(input.positions).map((raw, index): RawPosition => {
    const record = isRecord(raw) ? raw : {};
    return { index, id: textOf(record.id), parent: record.parent, level: record.level };
  });
  const firstIndexById = checkPositionIds(positions, problems);
  checkOfficialsAndUnits(input.positions, unitIds, options.allowSharedNip === true, problems);
  checkOfficialIds(input, options.allowSharedNip === true, problems);
  const rootIndexes = checkParents(positions, firstIndexById, problems);
  const onCycle = checkCycles(positions, firstIndexById, problems);
  const rootId = rootIndexes.length === 1 ? positions[rootIndexes[0]].id : undefined;
  checkDrafts(input, positions, firstIndexById, rootId, onCycle, problems);
  return problems;
}

function checkUnits(units: unknown, problems: Problem[]): Set<string> {
  const ids = new Set<string>();
  listOf(units).forEach((unit, index) => {
    const id = isRecord(unit) ? textOf(unit.id) : undefined;
    if (id === undefined) return;
    if (ids.has(id)) problems.push(problem(['units', index, 'id'], 'duplicate_id', `Unit id "${id}" is used more than once`));
    ids.add(id);
  });
  return ids;
}

function checkPositionIds(positions: RawPosition[], problems: Problem[]): Map<string, number> {
  const firstIndexById = new Map<string, number>();
  for (const position of positions) {
    if (position.id === undefined) continue;
    const first = firstIndexById.get(position.id);
    if (first !== undefined) {
      problems.push(
        problem(['positions', position.index, 'id'], 'duplicate_id', `Position id "${position.id}" is already used by /positions/${first}`),
      );
    } else {
      firstIndexById.set(position.id, position.index);
    }
  }
  return firstIndexById;
}

function checkOfficialsAndUnits(rawPositions: unknown, unitIds: Set<string>, allowSharedNip: boolean, problems: Problem[]): void {
  const firstIndexByNip = new Map<string, number>();
  listOf(rawPositions).forEach((raw, index) => {
    if (!isRecord(raw)) return;
    const isKepalaDaerah = raw.level === 'KEPALA_DAERAH';
    const official = isRecord(raw.official) ? raw.official : undefined;
    if (official) {
      const nip = official.nip;
      if (nip === null && !isKepalaDaerah) {
        problems.push(
          problem(['positions', index, 'official', 'nip'], 'missing_nip', 'NIP is required: only the Kepala Daerah may have none'),
        );
      }
      if (typeof nip === 'string' && nip !== '') {
        const first = firstIndexByNip.get(nip);
        if (first !== undefined && !allowSharedNip) {
          problems.push(
            problem(['positions', index, 'official', 'nip'], 'duplicate_nip', `NIP ${nip} is already held by /positions/${first}`),
          );
        } else if (first === undefined) {
          firstIndexByNip.set(nip, index);
        }
      }
    }
    const unit = raw.unit;
    if (typeof unit === 'string' && !unitIds.has(unit)) {
      problems.push(problem(['positions', index, 'unit'], 'unknown_unit', `Unit "${unit}" is not among the units`));
    } else if (unit === null && !isKepalaDaerah) {
      problems.push(problem(['positions', index, 'unit'], 'missing_unit', 'Only the Kepala Daerah may belong to no unit'));
    }
    listOf(raw.oversees).forEach((overseen, j) => {
      if (typeof overseen === 'string' && !unitIds.has(overseen)) {
        problems.push(problem(['positions', index, 'oversees', j], 'unknown_unit', `Overseen unit "${overseen}" is not among the units`));
      }
    });
  });
}

/** Dangling parents and the single-root rule; returns the indexes of the roots. */
function checkParents(positions: RawPosition[], firstIndexById: Map<string, number>, problems: Problem[]): number[] {
  const roots: number[] = [];
  for (const position of positions) {
    if (position.parent === null) roots.push(position.index);
    else if (typeof position.parent === 'string' && !firstIndexById.has(position.parent)) {
      problems.push(
        problem(['positions', position.index, 'parent'], 'dangling_parent', `Parent "${position.parent}" is not a position`),
      );
    }
  }
  if (positions.length > 0 && roots.length === 0) {
    problems.push(problem(['positions'], 'missing_root', 'Exactly one position (the Kepala Daerah) must have no parent; none has'));
  }
  if (roots.length > 1) {
    const ids = roots.map((index) => positions[index].id ?? `#${index}`).join(', ');
    for (const index of roots) {
      problems.push(problem(['positions', index, 'parent'], 'multiple_roots', `Only one position may have no parent; these have none: ${ids}`));
    }
  }
  return roots;
}

/**
 * Reports every position that lies on a cycle of parent links (not those merely hanging below one);
 * returns their indexes.
 */
function checkCycles(positions: RawPosition[], firstIndexById: Map<string, number>, problems: Problem[]): Set<number> {
  const onCycle = new Set<number>();
  const parentIndex = positions.map((position) =>
    typeof position.parent === 'string' ? firstIndexById.get(position.parent) ?? -1 : -1,
  );
  // 0 = unvisited, 1 = on the walk in progress, 2 = settled.
  const state = new Uint8Array(positions.length);
  for (let start = 0; start < positions.length; start++) {
    const walk: number[] = [];
    let current = start;
    while (current !== -1 && state[current] === 0) {
      state[current] = 1;
      walk.push(current);
      current = parentIndex[current];
    }
    if (current !== -1 && state[current] === 1) {
      const cycle = walk.slice(walk.indexOf(current));
      const shown = cycle.slice(0, 10).map((index) => positions[index].id ?? `#${index}`);
      const description = shown.join(' → ') + (cycle.length > 10 ? ' → …' : ` → ${shown[0]}`);
      for (const index of cycle) {
        onCycle.add(index);
        problems.push(problem(['positions', index, 'parent'], 'cycle', `Position is on a cycle of parents: ${description}`));
      }
    }
    for (const index of walk) state[index] = 2;
  }
  return onCycle;
}

interface RawIndicatorRef {
  path: Array<string | number>;
  id: string | undefined;
  parentIndicatorId: unknown;
  additionalTask: boolean;
}

/** Indicators of a content-shaped value ({ objectives: [{ indicators: [...] }] }), read defensively. */
function indicatorsOf(content: unknown, basePath: Array<string | number>): RawIndicatorRef[] {
  const found: RawIndicatorRef[] = [];
  if (!isRecord(content)) return found;
  listOf(content.objectives).forEach((objective, i) => {
    if (!isRecord(objective)) return;
    listOf(objective.indicators).forEach((indicator, j) => {
      if (!isRecord(indicator)) return;
      found.push({
        path: [...basePath, 'objectives', i, 'indicators', j],
        id: textOf(indicator.id),
        parentIndicatorId: indicator.parentIndicatorId,
        additionalTask: indicator.additionalTask === true,
      });
    });
  });
  return found;
}

function checkDrafts(
  input: RawRecord,
  positions: RawPosition[],
  firstIndexById: Map<string, number>,
  rootId: string | undefined,
  onCycle: Set<number>,
  problems: Problem[],
): void {
  const drafts = isRecord(input.drafts) ? input.drafts : {};
  const planIndicators = indicatorsOf(input.plan, ['plan']);
  const indicatorsByPosition = new Map<string, RawIndicatorRef[]>();
  for (const positionId of Object.keys(drafts)) {
    if (!firstIndexById.has(positionId)) {
      problems.push(problem(['drafts', positionId], 'unknown_position', `Draft for "${positionId}", which is not a position`));
      continue;
    }
    indicatorsByPosition.set(positionId, indicatorsOf(drafts[positionId], ['drafts', positionId]));
  }

  // Indicator ids are unique across the whole cycle (the plan included): links and reports use them.
  const idsByOwner = new Map<string, Set<string>>();
  const seen = new Set<string>();
  const collect = (owner: string, indicators: RawIndicatorRef[]) => {
    const ids = new Set<string>();
    for (const indicator of indicators) {
      if (indicator.id === undefined) continue;
      if (seen.has(indicator.id)) {
        problems.push(problem([...indicator.path, 'id'], 'duplicate_indicator_id', `Indicator id "${indicator.id}" is used more than once`));
      }
      seen.add(indicator.id);
      ids.add(indicator.id);
    }
    idsByOwner.set(owner, ids);
  };
  collect('\u0000plan', planIndicators);
  for (const [positionId, indicators] of indicatorsByPosition) collect(positionId, indicators);

  for (const [positionId, indicators] of indicatorsByPosition) {
    const index = firstIndexById.get(positionId)!;
    // On a broken tree the superior is ill-defined: the tree problem is the one to report.
    if (positionId === rootId || onCycle.has(index)) continue;
    const parentId = positions[index].parent;
    if (typeof parentId !== 'string' || !firstIndexById.has(parentId)) continue; // reported as a tree problem
    const servable = servableIndicatorIds(parentId, rootId, idsByOwner);
    for (const indicator of indicators) {
      if (indicator.additionalTask) continue;
      const link = indicator.parentIndicatorId;
      if (link === null || link === undefined) {
        problems.push(
          problem([...indicator.path, 'parentIndicatorId'], 'missing_parent_indicator', 'Indicator must serve a superior indicator unless it is an additional task'),
        );
      } else if (typeof link === 'string' && !servable.has(link)) {
        problems.push(
          problem(
            [...indicator.path, 'parentIndicatorId'],
            'unknown_parent_indicator',
            parentId === rootId
              ? `Parent indicator "${link}" is not in the regency plan`
              : `Parent indicator "${link}" is not in the draft of the superior position "${parentId}"`,
          ),
        );
      }
    }
  }
}

/** The Bupati's direct reports cascade from the regency plan (and from a Bupati draft, when one exists). */
function servableIndicatorIds(parentId: string, rootId: string | undefined, idsByOwner: Map<string, Set<string>>): Set<string> {
  const own = idsByOwner.get(parentId) ?? new Set<string>();
  if (parentId !== rootId) return own;
  return new Set([...(idsByOwner.get('\u0000plan') ?? []), ...own]);
}

// ---- tree helpers (for validated organisations) ---------------------------------------------

export function positionsById(positions: ReadonlyArray<Position>): Map<string, Position> {
  return new Map(positions.map((position) => [position.id, position]));
}

/** Direct subordinates per position id, in input order. */
export function childrenByParent(positions: ReadonlyArray<Position>): Map<string, Position[]> {
  const children = new Map<string, Position[]>();
  for (const position of positions) {
    if (position.parent === null) continue;
    const siblings = children.get(position.parent);
    if (siblings) siblings.push(position);
    else children.set(position.parent, [position]);
  }
  return children;
}

export function findRoot(positions: ReadonlyArray<Position>): Position | undefined {
  return positions.find((position) => position.parent === null);
}

/**
 * Positions top down, breadth first from the root (depth 0, then 1, …; siblings in input order):
 * the order in which PKs can be drafted and agreement workflows started.
 * Positions not reachable from the root (only possible in invalid data) are left out.
 */
export function orderTopDown(positions: ReadonlyArray<Position>): Position[] {
  const root = findRoot(positions);
  if (!root) return [];
  const children = childrenByParent(positions);
  const ordered: Position[] = [root];
  for (let head = 0; head < ordered.length; head++) {
    ordered.push(...(children.get(ordered[head].id) ?? []));
  }
  return ordered;
}

/** Depth of every reachable position: the root is 0, its direct reports 1, … */
export function positionDepths(positions: ReadonlyArray<Position>): Map<string, number> {
  const depths = new Map<string, number>();
  for (const position of orderTopDown(positions)) {
    depths.set(position.id, position.parent === null ? 0 : depths.get(position.parent)! + 1);
  }
  return depths;
}

/** Depth of one position, walking up its parents; undefined for an unknown id or a broken chain. */
export function positionDepth(positionId: string, byId: ReadonlyMap<string, Position>): number | undefined {
  let depth = 0;
  let current = byId.get(positionId);
  while (current && current.parent !== null) {
    current = byId.get(current.parent);
    depth++;
    if (depth > byId.size) return undefined; // a cycle
  }
  return current ? depth : undefined;
}
