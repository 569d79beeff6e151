// Spreadsheet files in and out: CSV (csv-parse) and XLSX (exceljs) read into plain sheets of cells
// (domain/organisation-table.ts turns them into an organisation import), and the organisation
// template written as both. A file that is not what its media type says is 400, never a 500.
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import type { CellValue, Sheet } from '../domain/organisation-table';
import { organisationToTables, PLAN_SHEET, POSITIONS_SHEET } from '../domain/organisation-table';
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

/** Sheets by lower-case name; the positions sheet is the one named "positions", else the first. */
export async function readXlsx(bytes: Buffer): Promise<{ positions: Sheet; plan?: Sheet }> {
  // an XLSX file is a ZIP archive: check the content, not the name or the header it came with
  if (bytes.length < 4 || bytes.readUInt32LE(0) !== 0x04034b50) throw malformed('The body is not an XLSX workbook (not a ZIP archive).');
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (err) {
    throw malformed(`The XLSX workbook cannot be read: ${(err as Error).message}`);
  }
  const sheets = workbook.worksheets;
  if (sheets.length === 0) throw malformed('The XLSX workbook has no sheet.');
  const byName = (name: string) => sheets.find((s) => s.name.trim().toLowerCase() === name);
  const positions = byName(POSITIONS_SHEET) ?? sheets[0];
  const plan = byName(PLAN_SHEET);
  return { positions: sheetOf(positions), ...(plan && plan !== positions ? { plan: sheetOf(plan) } : {}) };
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
