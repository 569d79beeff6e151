// The three downloads (the cycle report, the performance tree's gaps, the officials' predikats)
// answer JSON, CSV or XLSX by ?format. CSV is the machine format (English headers, codes as
// stored, "." decimals); XLSX is the one for people (Bahasa Indonesia, numeric cells that
// Indonesian-locale Excel shows with its own separators). Any other format is a 400 invalid_query.
import type { Response } from 'express';
import { z } from 'zod';
import { CSV_TYPE, XLSX_TYPE } from './spreadsheet';

export const downloadQuery = z.strictObject({ format: z.enum(['json', 'csv', 'xlsx']).default('json') });

/** The routes' `query` documentation. */
export const DOWNLOAD_QUERY_DOC = { format: 'json (default) | csv (for machines: English headers, codes) | xlsx (for people: Bahasa Indonesia)' };

/** The routes' `success` documentation: the JSON answer, or the file ?format asks for. */
export const DOWNLOAD_SUCCESS = { status: 200, description: 'JSON, or the CSV or XLSX file ?format asks for', otherMediaTypes: [CSV_TYPE, XLSX_TYPE] };

/** Sends a file as an attachment named `baseName` plus the format's extension. */
export function sendDownload(res: Response, format: 'csv' | 'xlsx', baseName: string, body: string | Buffer): void {
  res.type(format === 'csv' ? `${CSV_TYPE}; charset=utf-8` : XLSX_TYPE)
    .setHeader('Content-Disposition', `attachment; filename="${baseName}.${format}"`);
  res.send(body);
}
