// An organisation import read from spreadsheet tables (CSV, or the sheets of an XLSX workbook):
// one row per position, columns found by header name (order free, case-insensitive), an optional
// plan sheet with one row per IKU Pemda indicator. The tables become the same import object the
// JSON route takes, so one validator checks both; every problem it finds is then located back at
// the sheet, row and column it came from. Pure: no file formats here (api/spreadsheet.ts reads them).
import type { Problem } from './problem';

export type CellValue = string | number | boolean | null;

/** One sheet as read: its header row, then data rows with their spreadsheet row numbers (1-based). */
export interface Sheet {
  name: string;
  header: CellValue[];
  rows: Array<{ row: number; cells: CellValue[] }>;
}

/** Where a problem is in the file (a cell, a row, a header) or in the request's query parameters. */
export type Location =
  | { sheet: string; row: number; column?: string; header?: string }
  | { parameter: string };

export interface LocatedProblem extends Problem {
  location?: Location;
}

/** The organisation's id, name, place and year: the query string of the request (a table has no room for them). */
export interface OrganisationFields {
  organisation?: string;
  name?: string;
  place?: string;
  year?: string;
}

/**
 * The sheets' names in the template, in Bahasa Indonesia for the administrators who fill it; the
 * English names (older files, scripts) are read too.
 */
export const POSITIONS_SHEET = 'jabatan';
export const PLAN_SHEET = 'iku_pemda';
export const POSITIONS_SHEET_NAMES = [POSITIONS_SHEET, 'positions'];
export const PLAN_SHEET_NAMES = [PLAN_SHEET, 'iku pemda', 'plan'];

/** Required position columns; `official_id` and `oversees` (unit ids separated by ";") are optional. */
export const POSITION_COLUMNS = ['position_id', 'title', 'unit_id', 'unit_name', 'parent_id', 'level', 'nip', 'name', 'email'] as const;
export const OPTIONAL_POSITION_COLUMNS = ['official_id', 'oversees'] as const;
export const PLAN_COLUMNS = ['objective_id', 'objective', 'indicator_id', 'indicator', 'unit', 'direction', 'target'] as const;
type PositionColumn = (typeof POSITION_COLUMNS)[number] | (typeof OPTIONAL_POSITION_COLUMNS)[number];
type PlanColumn = (typeof PLAN_COLUMNS)[number];

/** Each column's header in the template; a column is found by it or by its English key. */
export const POSITION_HEADER: Record<PositionColumn, string> = {
  position_id: 'kode_jabatan', title: 'nama_jabatan', unit_id: 'kode_unit', unit_name: 'nama_unit',
  parent_id: 'kode_jabatan_atasan', level: 'tingkat', nip: 'nip', name: 'nama_pejabat', email: 'email',
  official_id: 'id_pejabat', oversees: 'membawahi_unit',
};
export const PLAN_HEADER: Record<PlanColumn, string> = {
  objective_id: 'kode_sasaran', objective: 'sasaran', indicator_id: 'kode_indikator', indicator: 'indikator',
  unit: 'satuan', direction: 'arah', target: 'target',
};

/** An indicator's direction as the template writes it ("naik": higher is better); "up"/"down" are read too. */
export const DIRECTION_WORD: Record<string, string> = { up: 'naik', down: 'turun' };
const DIRECTION_OF_WORD: Record<string, string> = { naik: 'up', turun: 'down' };

/** The JSON field of a position each column fills. */
const POSITION_FIELD: Record<string, string> = {
  id: 'position_id', title: 'title', unit: 'unit_id', parent: 'parent_id', level: 'level', oversees: 'oversees',
};
const OFFICIAL_FIELD: Record<string, string> = { nip: 'nip', name: 'name', email: 'email', id: 'official_id' };
const INDICATOR_FIELD: Record<string, string> = { id: 'indicator_id', name: 'indicator', unit: 'unit', direction: 'direction', target: 'target' };
const OBJECTIVE_FIELD: Record<string, string> = { id: 'objective_id', text: 'objective' };
const PARAMETER_OF: Record<string, string> = { '/organisation/id': 'organisation', '/organisation/name': 'name', '/organisation/place': 'place', '/year': 'year' };

/** "Position ID", "position-id" and "POSITION_ID" are the same header. */
export const headerKey = (cell: CellValue): string => String(cell ?? '').trim().toLowerCase().replace(/[\s-]+/g, '_');

/** Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA. */
export function columnLetter(index: number): string {
  let letters = '';
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

interface Columns {
  index: Map<string, number>;
  at(row: number, key: string): Location;
}

function readHeader(sheet: Sheet, required: readonly string[], optional: readonly string[], headers: Record<string, string>, problems: LocatedProblem[]): Columns | null {
  const index = new Map<string, number>();
  const known = new Set([...required, ...optional]);
  const keyOfHeader = new Map(Object.entries(headers).map(([key, header]) => [header, key]));
  const before = problems.length;
  sheet.header.forEach((cell, i) => {
    const written = headerKey(cell);
    if (written === '') return;
    const key = keyOfHeader.get(written) ?? written;
    const location = { sheet: sheet.name, row: 1, column: columnLetter(i), header: String(cell) };
    if (!known.has(key)) {
      problems.push({ path: '', code: 'unknown_column', message: `Column "${String(cell)}" is not one of ${[...known].map((k) => headers[k]).join(', ')}`, location });
    } else if (index.has(key)) {
      problems.push({ path: '', code: 'duplicate_column', message: `Column "${headers[key]}" appears more than once`, location });
    } else index.set(key, i);
  });
  for (const key of required) {
    if (!index.has(key)) problems.push({ path: '', code: 'missing_column', message: `The ${sheet.name} sheet needs a column "${headers[key]}"`, location: { sheet: sheet.name, row: 1, header: headers[key] } });
  }
  if (problems.length > before) return null;
  return {
    index,
    at: (row, key) => ({ sheet: sheet.name, row, column: columnLetter(index.get(key)!), header: String(sheet.header[index.get(key)!]) }),
  };
}

/** A cell as text: trimmed, empty → null. Numbers keep their written form. */
function text(cells: CellValue[], columns: Columns, key: string): string | null {
  const i = columns.index.get(key);
  const value = i === undefined ? null : cells[i];
  if (value === null || value === undefined) return null;
  const s = String(value).trim();
  return s === '' ? null : s;
}

/** A target: a number cell, or text with a decimal point or comma ("70,9"); anything else stays text for the validator to report. */
function numberOrText(value: string | null, raw: CellValue): unknown {
  if (typeof raw === 'number') return raw;
  if (value === null) return null;
  const n = Number(value.replace(/^(-?\d+),(\d+)$/, '$1.$2'));
  return Number.isFinite(n) && value !== '' ? n : value;
}

export interface OrganisationTables {
  /** The import object as the JSON route takes it (unvalidated). */
  input: Record<string, unknown>;
  /** Problems of the tables themselves (headers, numbers that lost digits, conflicting unit names). */
  problems: LocatedProblem[];
  /** Where a validator's JSON path came from. */
  locate(path: string): Location | undefined;
}

export function organisationFromTables(fields: OrganisationFields, positionsSheet: Sheet, planSheet?: Sheet): OrganisationTables {
  const problems: LocatedProblem[] = [];
  const positionRows: number[] = [];
  const unitRows: number[] = [];
  const objectiveRows: number[] = [];
  const indicatorRows: number[][] = [];
  const positions: unknown[] = [];
  const units: Array<{ id: string; name: string }> = [];

  const columns = readHeader(positionsSheet, POSITION_COLUMNS, OPTIONAL_POSITION_COLUMNS, POSITION_HEADER, problems);
  if (columns) {
    const unitIndex = new Map<string, number>();
    for (const { row, cells } of positionsSheet.rows) {
      const get = (key: string) => text(cells, columns, key);
      const nipCell = cells[columns.index.get('nip')!];
      if (typeof nipCell === 'number') {
        // an 18-digit number has lost its last digits in a spreadsheet: the NIP must be a text cell
        problems.push({ path: '', code: 'nip_not_text', message: 'The NIP is stored as a number, which loses digits; format the column as text', location: columns.at(row, 'nip') });
      }
      const unitId = get('unit_id');
      const unitName = get('unit_name');
      if (unitId !== null) {
        const known = unitIndex.get(unitId);
        if (known === undefined) {
          unitIndex.set(unitId, units.length);
          units.push({ id: unitId, name: unitName ?? '' });
          unitRows.push(row);
        } else if (unitName !== null && units[known].name === '') {
          units[known].name = unitName;
          unitRows[known] = row;
        } else if (unitName !== null && unitName !== units[known].name) {
          problems.push({
            path: '', code: 'conflicting_unit_name',
            message: `Unit "${unitId}" is named "${units[known].name}" in row ${unitRows[known]} and "${unitName}" here`,
            location: columns.at(row, 'unit_name'),
          });
        }
      }
      const officialId = get('official_id');
      const oversees = get('oversees');
      positions.push({
        id: get('position_id') ?? '',
        title: get('title') ?? '',
        unit: unitId,
        parent: get('parent_id'),
        level: get('level')?.toUpperCase() ?? '',
        official: { ...(officialId !== null ? { id: officialId } : {}), nip: typeof nipCell === 'number' ? String(nipCell) : get('nip'), name: get('name') ?? '', email: get('email') ?? '' },
        ...(oversees !== null ? { oversees: oversees.split(/[;,\s]+/).filter(Boolean) } : {}),
      });
      positionRows.push(row);
    }
  }

  let plan: { objectives: unknown[] } | undefined;
  const planColumns = planSheet ? readHeader(planSheet, PLAN_COLUMNS, [], PLAN_HEADER, problems) : null;
  if (planSheet && planColumns) {
    const objectives: Array<{ id?: string; text: string; indicators: unknown[] }> = [];
    const objectiveIndex = new Map<string, number>();
    for (const { row, cells } of planSheet.rows) {
      const get = (key: string) => text(cells, planColumns, key);
      const objectiveId = get('objective_id') ?? '';
      let k = objectiveIndex.get(objectiveId);
      if (k === undefined) {
        k = objectives.length;
        objectiveIndex.set(objectiveId, k);
        objectives.push({ ...(objectiveId !== '' ? { id: objectiveId } : {}), text: get('objective') ?? '', indicators: [] });
        objectiveRows.push(row);
        indicatorRows.push([]);
      }
      const written = get('direction')?.toLowerCase() ?? '';
      const direction = DIRECTION_OF_WORD[written] ?? written;
      objectives[k].indicators.push({
        id: get('indicator_id') ?? '',
        name: get('indicator') ?? '',
        unit: get('unit') ?? '',
        direction,
        target: numberOrText(get('target'), cells[planColumns.index.get('target')!]),
      });
      indicatorRows[k].push(row);
    }
    plan = { objectives };
  }

  const year = fields.year !== undefined && /^\d+$/.test(fields.year) ? Number(fields.year) : fields.year;
  const input: Record<string, unknown> = {
    organisation: { id: fields.organisation ?? '', name: fields.name ?? '', place: fields.place ?? '' },
    year: year ?? null,
    units,
    positions,
    ...(plan ? { plan } : {}),
  };

  function locate(path: string): Location | undefined {
    const parameter = PARAMETER_OF[path];
    if (parameter) return { parameter };
    const s = path.split('/').slice(1);
    if (s[0] === 'positions' && columns) {
      const row = positionRows[Number(s[1])];
      if (row === undefined) return undefined;
      const key = s[2] === 'official' ? OFFICIAL_FIELD[s[3]] : POSITION_FIELD[s[2]];
      return key && columns.index.has(key) ? columns.at(row, key) : { sheet: positionsSheet.name, row };
    }
    if (s[0] === 'units' && columns) {
      const row = unitRows[Number(s[1])];
      if (row === undefined) return undefined;
      return columns.at(row, s[2] === 'name' ? 'unit_name' : 'unit_id');
    }
    if (s[0] === 'plan' && s[1] === 'objectives' && planSheet && planColumns) {
      const k = Number(s[2]);
      if (s[3] === 'indicators' && s[4] !== undefined) {
        const row = indicatorRows[k]?.[Number(s[4])];
        if (row === undefined) return undefined;
        const key = INDICATOR_FIELD[s[5]];
        return key ? planColumns.at(row, key) : { sheet: planSheet.name, row };
      }
      const row = objectiveRows[k];
      if (row === undefined) return undefined;
      const key = OBJECTIVE_FIELD[s[3]];
      return key ? planColumns.at(row, key) : { sheet: planSheet.name, row };
    }
    return undefined;
  }

  return { input, problems, locate };
}

/** The import as tables again (templates and exports): one row per position, one per plan indicator. */
export function organisationToTables(org: {
  units: Array<{ id: string; name: string }>;
  positions: Array<{ id: string; title: string; unit: string | null; parent: string | null; level: string; official: { id?: string; nip: string | null; name: string; email: string }; oversees?: string[] }>;
  plan?: { objectives: Array<{ id?: string; text: string; indicators: Array<{ id: string; name: string; unit: string; direction: string; target: number | null }> }> };
}): { positions: string[][]; plan: Array<Array<string | number | null>> } {
  const unitName = new Map(org.units.map((u) => [u.id, u.name]));
  const positions = [
    [...POSITION_COLUMNS, ...OPTIONAL_POSITION_COLUMNS].map((key) => POSITION_HEADER[key]),
    ...org.positions.map((p) => [
      p.id, p.title, p.unit ?? '', p.unit ? unitName.get(p.unit) ?? '' : '', p.parent ?? '', p.level,
      p.official.nip ?? '', p.official.name, p.official.email, p.official.id ?? '', (p.oversees ?? []).join(';'),
    ]),
  ];
  const plan: Array<Array<string | number | null>> = [
    PLAN_COLUMNS.map((key) => PLAN_HEADER[key]),
    ...(org.plan?.objectives ?? []).flatMap((o) => o.indicators.map((i) => [o.id ?? '', o.text, i.id, i.name, i.unit, DIRECTION_WORD[i.direction] ?? i.direction, i.target])),
  ];
  return { positions, plan };
}
