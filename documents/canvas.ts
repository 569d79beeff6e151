// A page's content stream as text: positioned text in the embedded fonts, lines and rectangles.
// Content is written directly as PDF operators (cheaper than pdf-lib's operator objects, and
// every number is printed with fixed precision so output is reproducible).
import { encodeText, glyphUnits, textWidth, type SubsetFont } from './fonts';
import { wrapText } from './wrap';

export interface Fonts {
  regular: SubsetFont;
  bold: SubsetFont;
}

/** Resource names of the fonts inside page and appearance streams. */
export const FONT_RESOURCE = { regular: 'F1', bold: 'F2' } as const;

export type Align = 'left' | 'center' | 'right';

/** Prints a coordinate with at most two decimals and no trailing zeros. */
export function num(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

export class Canvas {
  private readonly ops: string[] = [];

  constructor(readonly fonts: Fonts) {}

  text(text: string, x: number, y: number, size: number, options: { bold?: boolean; align?: Align; width?: number } = {}): void {
    if (!text) return;
    const style = options.bold ? 'bold' : 'regular';
    const font = this.fonts[style];
    let left = x;
    if (options.align && options.align !== 'left') {
      const free = (options.width ?? 0) - textWidth(font, text, size);
      left = options.align === 'center' ? x + free / 2 : x + free;
    }
    this.ops.push(`BT /${FONT_RESOURCE[style]} ${num(size)} Tf 1 0 0 1 ${num(left)} ${num(y)} Tm ${encodeText(font, text)} Tj ET`);
  }

  line(x1: number, y1: number, x2: number, y2: number, width = 0.6): void {
    this.ops.push(`${num(width)} w ${num(x1)} ${num(y1)} m ${num(x2)} ${num(y2)} l S`);
  }

  rect(x: number, y: number, width: number, height: number, lineWidth = 0.6): void {
    this.ops.push(`${num(lineWidth)} w ${num(x)} ${num(y)} ${num(width)} ${num(height)} re S`);
  }

  fillRect(x: number, y: number, width: number, height: number, gray: number): void {
    this.ops.push(`q ${num(gray)} g ${num(x)} ${num(y)} ${num(width)} ${num(height)} re f Q`);
  }

  width(text: string, size: number, bold = false): number {
    return textWidth(this.fonts[bold ? 'bold' : 'regular'], text, size);
  }

  /** Greedy word wrap in linear time; a word longer than the width is broken between characters. */
  wrap(text: string, size: number, maxWidth: number, bold = false): string[] {
    const font = this.fonts[bold ? 'bold' : 'regular'];
    // the same arithmetic as width(), so a line fits exactly when width(line) <= maxWidth
    return wrapText(text, (units) => (units * size) / 1000 <= maxWidth, (codePoint) => glyphUnits(font, codePoint));
  }

  toString(): string {
    return this.ops.join('\n');
  }
}
