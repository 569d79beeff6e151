// Spreadsheet files in and out: CSV (csv-parse) and XLSX (exceljs) read into plain sheets of cells
// (domain/organisation-table.ts turns them into an organisation import), and the organisation
// template written as both. A file that is not what its media type says is 400, never a 500.
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import type { CellValue, Sheet } from '../domain/organisation-table';
import { organisationToTables, PLAN_SHEET, PLAN_SHEET_NAMES, POSITIONS_SHEET, POSITIONS_SHEET_NAMES } from '../domain/organisation-table';
import { HttpProblem } from './problem';
import { csvCell } from './report';

export const CSV_TYPE = 'text/csv';
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const malformed = (detail: string) => new HttpProblem(400, 'malformed_spreadsheet', detail);

/** A CSV file is the positions sheet. The delimiter is "," or, as Indonesian-locale Excel writes, ";". */
export function readCsv(bytes: Buffer): Sheet {
  const textOf = bytes.toString('utf8');
  const firstLine = textOf.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const delimiter = firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
  let records: string[][];
  try {
    records = parse(textOf, { bom: true, delimiter, relax_column_count: true, skip_empty_lines: false });
  } catch (err) {
    throw malformed(`The CSV file cannot be read: ${(err as Error).message}`);
  }
  if (records.length === 0) throw malformed('The CSV file is empty; its first row must name the columns.');
  return {
    name: POSITIONS_SHEET,
    header: records[0],
    rows: records.slice(1).map((cells, i) => ({ row: i + 2, cells: cells.map((c) => (c === '' ? null : c)) })).filter((r) => r.cells.some((c) => c !== null)),
  };
}

/** Sheets by lower-case name; the positions sheet is the one named "jabatan" (or "positions"), else the first. */
export async function readXlsx(bytes: Buffer): Promise<{ positions: Sheet; plan?: Sheet }> {
  // an XLSX file is a ZIP archive: check the content, not the name or the header it came with
  if (bytes.length < 4 || bytes.readUInt32LE(0) !== 0x04034b50) throw malformed('The body is not an XLSX workbook (not a ZIP archive).');
  const unpacked = unpackedSize(bytes);
  if (unpacked === null) throw malformed('The body is not an XLSX workbook (its ZIP directory cannot be read).');
  if (unpacked > MAX_UNPACKED_BYTES) {
    throw new HttpProblem(413, 'spreadsheet_too_large', `The workbook unpacks to more than ${MAX_UNPACKED_BYTES / 1024 / 1024} MB; split it or send CSV.`);
  }
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (err) {
    throw malformed(`The XLSX workbook cannot be read: ${(err as Error).message}`);
  }
  const sheets = workbook.worksheets;
  if (sheets.length === 0) throw malformed('The XLSX workbook has no sheet.');
  const byName = (names: string[]) => sheets.find((s) => names.includes(s.name.trim().toLowerCase()));
  const positions = byName(POSITIONS_SHEET_NAMES) ?? sheets[0];
  const plan = byName(PLAN_SHEET_NAMES);
  return { positions: sheetOf(positions), ...(plan && plan !== positions ? { plan: sheetOf(plan) } : {}) };
}

/** A workbook is unpacked in memory to be read: a small archive of huge parts (a "ZIP bomb") is refused first. */
const MAX_UNPACKED_BYTES = 256 * 1024 * 1024;

/**
 * The sum of a ZIP archive's uncompressed entry sizes as its central directory declares them, or
 * null when there is none to read. ZIP64 archives (sizes past 4 GiB) count as too large. An archive
 * that lies about its sizes is not caught here (exceljs's unzip finds the mismatch only after
 * inflating); the body limit bounds what it can carry.
 */
export function unpackedSize(bytes: Buffer): number | null {
  const END = 0x06054b50;
  const ENTRY = 0x02014b50;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 22 - 0xffff); at--) {
    if (bytes.readUInt32LE(at) !== END) continue;
    const entries = bytes.readUInt16LE(at + 10);
    let offset = bytes.readUInt32LE(at + 16);
    let total = 0;
    for (let i = 0; i < entries; i++) {
      if (offset + 46 > bytes.length || bytes.readUInt32LE(offset) !== ENTRY) return null;
      const size = bytes.readUInt32LE(offset + 24);
      total += size === 0xffffffff ? Number.MAX_SAFE_INTEGER / 2 : size;
      offset += 46 + bytes.readUInt16LE(offset + 28) + bytes.readUInt16LE(offset + 30) + bytes.readUInt16LE(offset + 32);
    }
    return total;
  }
  return null;
}

function sheetOf(worksheet: ExcelJS.Worksheet): Sheet {
  const rows: Sheet['rows'] = [];
  let header: CellValue[] = [];
  worksheet.eachRow({ includeEmpty: false }, (row, number) => {
    const cells: CellValue[] = [];
    for (let c = 1; c <= worksheet.columnCount; c++) cells.push(cellValue(row.getCell(c).value));
    if (number === 1) header = cells;
    else if (cells.some((c) => c !== null && c !== '')) rows.push({ row: number, cells });
  });
  return { name: worksheet.name, header, rows };
}

/** exceljs cell values: rich text, formulas (their result), hyperlinks (their text), dates. */
function cellValue(value: ExcelJS.CellValue): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if ('richText' in value) return value.richText.map((t) => t.text).join('');
  if ('formula' in value || 'sharedFormula' in value) return cellValue((value as ExcelJS.CellFormulaValue).result as ExcelJS.CellValue);
  if ('text' in value) return String((value as ExcelJS.CellHyperlinkValue).text);
  return null; // an error value (#N/A …)
}

type TableOrganisation = Parameters<typeof organisationToTables>[0];

/** A workbook with a positions sheet (every cell text, so a NIP keeps its 18 digits) and a plan sheet. */
export async function organisationXlsx(org: TableOrganisation): Promise<Buffer> {
  const tables = organisationToTables(org);
  const workbook = new ExcelJS.Workbook();
  const positions = workbook.addWorksheet(POSITIONS_SHEET);
  tables.positions.forEach((r) => positions.addRow(r));
  positions.columns.forEach((column) => (column.numFmt = '@'));
  positions.getRow(1).font = { bold: true };
  const plan = workbook.addWorksheet(PLAN_SHEET);
  tables.plan.forEach((r) => plan.addRow(r));
  plan.getRow(1).font = { bold: true };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The positions table as CSV (the plan has no place in a single table). */
export function organisationCsv(org: TableOrganisation): string {
  return organisationToTables(org).positions.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
