// A download as the page makes it (?format=xlsx with the caller's token), read back the way a
// person's spreadsheet would: the sheet's cells with their types and number formats, and which
// cells a spreadsheet would run as formulas.
import ExcelJS from 'exceljs';
import type { Locator } from 'playwright-core';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface XlsxDownload {
  status: number;
  headers: Headers;
  /** The problem document of a refused download. */
  problem: any;
  sheet: ExcelJS.Worksheet;
  /** Row 1. */
  header: string[];
  /** Every row below the header, cell values by header. */
  rows: Array<Record<string, ExcelJS.CellValue>>;
  /** The cell under `header` in the row whose `keyHeader` cell is `key`. */
  cell(keyHeader: string, key: string, header: string): ExcelJS.Cell;
  /** The addresses of the cells stored as formulas (exceljs reads a sheet's <f> elements as such). */
  formulas: string[];
}

export async function downloadXlsx(baseUrl: string, path: string, token: string): Promise<XlsxDownload> {
  const res = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const bytes = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) return { status: res.status, headers: res.headers, problem: JSON.parse(bytes.toString('utf8') || 'null') } as XlsxDownload;
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  return { status: res.status, headers: res.headers, problem: null, ...tableOf(workbook) };
}

/** A file the page downloaded (Playwright's download path), read the same way. */
export async function readXlsxFile(file: string): Promise<Omit<XlsxDownload, 'status' | 'headers' | 'problem'>> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  return tableOf(workbook);
}

/** A person clicking a page's download button: the file's suggested name, and its sheet read back. */
export async function clickToDownloadXlsx(button: Locator): Promise<{ name: string } & Omit<XlsxDownload, 'status' | 'headers' | 'problem'>> {
  const download = button.page().waitForEvent('download');
  await button.click();
  const file = await download;
  return { name: file.suggestedFilename(), ...(await readXlsxFile((await file.path())!)) };
}

function tableOf(workbook: ExcelJS.Workbook): Omit<XlsxDownload, 'status' | 'headers' | 'problem'> {
  const sheet = workbook.worksheets[0];
  const header = (sheet.getRow(1).values as ExcelJS.CellValue[]).slice(1).map(String);
  const rows: XlsxDownload['rows'] = [];
  for (let r = 2; r <= sheet.rowCount; r++) {
    rows.push(Object.fromEntries(header.map((name, i) => [name, sheet.getRow(r).getCell(i + 1).value ?? null])));
  }
  const cell = (keyHeader: string, key: string, name: string) => {
    const at = rows.findIndex((row) => row[keyHeader] === key);
    if (at < 0) throw new Error(`no row with ${keyHeader} = ${key}`);
    return sheet.getRow(at + 2).getCell(header.indexOf(name) + 1);
  };
  const formulas: string[] = [];
  sheet.eachRow((row) => row.eachCell((c) => {
    if (c.type === ExcelJS.ValueType.Formula) formulas.push(c.address);
  }));
  return { sheet, header, rows, cell, formulas };
}
