// The visible signature: a QR code leading to the verification page, the signer's name and NIP,
// and the note naming the certificate's issuer. Drawn as vector operators, so it is deterministic.
import QRCode from 'qrcode';
import { Canvas, FONT_RESOURCE, num } from '../documents/canvas';
import type { SubsetFont } from '../documents/fonts';

export interface AppearanceText {
  signerName: string;
  nip: string | null;
  note: string;
  verificationUrl: string;
}

/** QR modules as filled rectangles, merging runs of dark modules in a row. */
export function qrOperators(url: string, x: number, y: number, size: number): string {
  const qr = QRCode.create(url, { errorCorrectionLevel: 'M' });
  const count = qr.modules.size;
  const quiet = 1;
  const cell = size / (count + 2 * quiet);
  const ops: string[] = ['q 0 g'];
  for (let row = 0; row < count; row++) {
    let col = 0;
    while (col < count) {
      if (!qr.modules.get(row, col)) { col++; continue; }
      const start = col;
      while (col < count && qr.modules.get(row, col)) col++;
      const top = y + size - (row + quiet) * cell;
      ops.push(`${num(x + (start + quiet) * cell)} ${num(top - cell)} ${num((col - start) * cell)} ${num(cell)} re`);
    }
  }
  ops.push('f Q');
  return ops.join('\n');
}

/** Content stream of the appearance, in a box of the given size, using one font as F1. */
export function appearanceContent(text: AppearanceText, width: number, height: number, font: SubsetFont): string {
  const canvas = new Canvas({ regular: font, bold: font });
  const qrSize = Math.min(height, width * 0.4);
  const textX = qrSize + 4;
  const textWidth = width - textX - 1;
  const lines: Array<{ text: string; size: number }> = [];
  for (const line of canvas.wrap('Ditandatangani secara elektronik oleh:', 6, textWidth)) lines.push({ text: line, size: 6 });
  for (const line of canvas.wrap(text.signerName, 7.5, textWidth)) lines.push({ text: line, size: 7.5 });
  if (text.nip) lines.push({ text: `NIP. ${text.nip}`, size: 6.5 });
  for (const line of canvas.wrap(text.note, 5.2, textWidth)) lines.push({ text: line, size: 5.2 });
  let y = height - 1;
  for (const line of lines) {
    y -= line.size + 1.4;
    canvas.text(line.text, textX, y, line.size);
  }
  return `${qrOperators(text.verificationUrl, 0, (height - qrSize) / 2, qrSize)}\n${canvas.toString()}`;
}

export { FONT_RESOURCE };
