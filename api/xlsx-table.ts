// One table as an XLSX workbook for people (the downloads' ?format=xlsx): a named sheet, a bold
// frozen header row, columns as wide as their content, numbers as numeric cells with a number
// format (Excel shows them with the reader's own separators: "1.250.000" and "87,50" in an
// Indonesian locale), text as text. CSV stays the machine format (api/report.ts csvCell).
import ExcelJS from 'exceljs';

/**
 * How a column's cells are written:
 * - text: a string cell formatted as Text ("@"). exceljs writes strings as shared strings, never
 *   as formulas, so "=HYPERLINK(…)" in a unit's name opens as those characters; the Text format
 *   keeps it text when someone edits the cell and presses Enter (what the CSV's leading ' does).
 * - count: whole numbers; rupiah: whole Rupiah with thousands; percent: two decimals (the values
 *   are percents already, 87.5 means 87,5%); quantity: an indicator's target, as many decimals as it has.
 */
export type ColumnKind = 'text' | 'count' | 'rupiah' | 'percent' | 'quantity';

export interface XlsxColumn<Row> {
  header: string;
  kind: ColumnKind;
  value(row: Row): string | number | null;
}

const NUMBER_FORMAT: Record<ColumnKind, string> = {
  text: '@',
  count: '0',
  rupiah: '#,##0',
  percent: '0.00',
  quantity: 'General',
};

const MIN_WIDTH = 8;
const MAX_WIDTH = 60;

export async function xlsxTable<Row>(sheetName: string, columns: Array<XlsxColumn<Row>>, rows: Row[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  const widths = columns.map((c) => c.header.length);
  sheet.addRow(columns.map((c) => c.header)).font = { bold: true };
  for (const row of rows) {
    const cells = columns.map((column, i) => {
      const value = cellOf(column, row);
      widths[i] = Math.max(widths[i], displayLength(column.kind, value));
      return value;
    });
    sheet.addRow(cells);
  }
  columns.forEach((column, i) => {
    const sheetColumn = sheet.getColumn(i + 1);
    sheetColumn.width = Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, widths[i] + 2));
    // every cell below the header, so an empty one typed into later keeps the column's kind
    sheetColumn.eachCell({ includeEmpty: true }, (cell, rowNumber) => {
      if (rowNumber > 1) cell.numFmt = NUMBER_FORMAT[column.kind];
    });
  });
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** Text columns always get a string (a code of digits stays text); numeric columns a finite number or nothing. */
function cellOf<Row>(column: XlsxColumn<Row>, row: Row): string | number | null {
  const value = column.value(row);
  if (value === null || value === undefined) return null;
  if (column.kind === 'text') return String(value);
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
}

/** Roughly what the cell shows: thousands separators add a third, decimals three characters. */
function displayLength(kind: ColumnKind, value: string | number | null): number {
  if (value === null) return 0;
  if (typeof value === 'string') return Math.max(...value.split(/\r?\n/).map((line) => line.length));
  const digits = String(Math.round(Math.abs(value))).length + (value < 0 ? 1 : 0);
  if (kind === 'rupiah') return digits + Math.floor((digits - 1) / 3);
  if (kind === 'percent') return digits + 3;
  return String(value).length;
}
