// The QR codes printed on a signed PK, read back from its bytes: each signature's appearance stream
// draws its QR code as filled rectangles (signing/appearance.ts), one per run of dark modules in a
// row. The module grid rebuilt from them is compared with the grid of a URL, so a test can say which
// link a PK carries without a QR decoder.
import { inflateSync } from 'node:zlib';
import QRCode from 'qrcode';

/** Each QR code in the PDF's streams, as rows of '#' (dark) and '.' (light) modules. */
export function printedQrCodes(pdf: Buffer): string[][] {
  const grids: string[][] = [];
  const text = pdf.toString('latin1');
  const streamAt = /stream\r?\n/g;
  let m: RegExpExecArray | null;
  while ((m = streamAt.exec(text))) {
    const start = m.index + m[0].length;
    const end = text.indexOf('endstream', start);
    if (end < 0) break;
    let content: string;
    try {
      content = inflateSync(pdf.subarray(start, end)).toString('latin1');
    } catch {
      continue;
    }
    const qr = /^q 0 g\n((?:[-\d.]+ [-\d.]+ [-\d.]+ [-\d.]+ re\n)+)f Q/.exec(content);
    if (qr) grids.push(gridOf(qr[1]));
  }
  return grids;
}

function gridOf(ops: string): string[] {
  const rects = ops.trim().split('\n').map((line) => line.split(' ').slice(0, 4).map(Number));
  const cell = rects[0][3];
  const left = Math.min(...rects.map(([x]) => x));
  const top = Math.max(...rects.map(([, y]) => y));
  const cells = rects.map(([x, y, w]) => ({ row: Math.round((top - y) / cell), col: Math.round((x - left) / cell), n: Math.round(w / cell) }));
  const size = Math.max(...cells.map((c) => c.row)) + 1; // the finder patterns reach the last row and column
  const rows = Array.from({ length: size }, () => Array<string>(size).fill('.'));
  for (const { row, col, n } of cells) for (let i = 0; i < n; i++) rows[row][col + i] = '#';
  return rows.map((r) => r.join(''));
}

/** The grid of the QR code the signing appearance draws for `url`. */
export function qrCodeOf(url: string): string[] {
  const { modules } = QRCode.create(url, { errorCorrectionLevel: 'M' });
  return Array.from({ length: modules.size }, (_, row) => Array.from({ length: modules.size }, (_, col) => (modules.get(row, col) ? '#' : '.')).join(''));
}
