// Embedded fonts for the PK: DejaVu Sans (regular and bold), subset once per process and cached.
// Subsetting with fontkit costs tens of milliseconds, far more than the rest of a render, so a
// broad base subset (every Latin glyph an Indonesian name or title can need) is built once and
// reused; text outside it gets an extended subset, cached by its extra characters.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import * as fontkit from '@pdf-lib/fontkit';

export type FontStyle = 'regular' | 'bold';

/** A font subset ready to embed: glyph ids, widths and the compressed font program. */
export interface SubsetFont {
  /** PDF BaseFont name with a tag derived from the subset's bytes, e.g. "QXKMTA+DejaVuSans". */
  baseFont: string;
  /** Unicode code point → glyph id in the subset. */
  glyphIds: Map<number, number>;
  /** Advance width per subset glyph id, in 1/1000 em. */
  widths: number[];
  /** Deflated TrueType program (FontFile2) and its uncompressed length. */
  fontFile: Uint8Array;
  fontFileLength: number;
  /** Deflated ToUnicode CMap. */
  toUnicode: Uint8Array;
  ascent: number;
  descent: number;
  capHeight: number;
  bbox: [number, number, number, number];
  stemV: number;
}

const FONT_FILES: Record<FontStyle, string> = {
  regular: 'DejaVuSans.ttf',
  bold: 'DejaVuSans-Bold.ttf',
};

/** Latin, Latin-1, Latin Extended-A/B, general punctuation, currency and letterlike symbols. */
const BASE_RANGES: Array<[number, number]> = [
  [0x20, 0x7e], [0xa0, 0x24f], [0x2010, 0x2044], [0x20a0, 0x20bf], [0x2116, 0x2122],
];

const parsedFonts = new Map<FontStyle, fontkit.Font>();
const subsets = new Map<string, Promise<SubsetFont>>();
const subsetsByName = new Map<string, SubsetFont>();

/** A subset built by this process, found by its BaseFont name (tags are content hashes). */
export function subsetByName(baseFontName: string): SubsetFont | undefined {
  return subsetsByName.get(baseFontName);
}

function parsedFont(style: FontStyle): fontkit.Font {
  let font = parsedFonts.get(style);
  if (!font) {
    const file = require.resolve(`dejavu-fonts-ttf/ttf/${FONT_FILES[style]}`);
    font = fontkit.create(readFileSync(file));
    parsedFonts.set(style, font);
  }
  return font;
}

function baseCodePoints(font: fontkit.Font): number[] {
  const points: number[] = [];
  for (const [from, to] of BASE_RANGES) {
    for (let cp = from; cp <= to; cp++) if (font.hasGlyphForCodePoint(cp)) points.push(cp);
  }
  return points;
}

/** The cached base subset of a style. */
export function baseFont(style: FontStyle): Promise<SubsetFont> {
  return subsetFor(style, []);
}

/**
 * The subset that can print every character of `texts`: the base subset when it suffices,
 * otherwise one extended with the missing characters (those the font lacks print as .notdef).
 */
export async function fontForTexts(style: FontStyle, texts: Iterable<string>): Promise<SubsetFont> {
  const base = await baseFont(style);
  const extra = new Set<number>();
  for (const text of texts) {
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      if (!base.glyphIds.has(cp)) extra.add(cp);
    }
  }
  return extra.size === 0 ? base : subsetFor(style, [...extra].sort((a, b) => a - b));
}

/** True when every character of the text is in the subset. */
export function covers(font: SubsetFont, text: string): boolean {
  for (const ch of text) if (!font.glyphIds.has(ch.codePointAt(0)!)) return false;
  return true;
}

function subsetFor(style: FontStyle, extra: number[]): Promise<SubsetFont> {
  const key = `${style}:${extra.join(',')}`;
  let subset = subsets.get(key);
  if (!subset) {
    subset = buildSubset(parsedFont(style), [...baseCodePoints(parsedFont(style)), ...extra]);
    subsets.set(key, subset);
    subset.then((built) => subsetsByName.set(built.baseFont, built), () => subsets.delete(key));
  }
  return subset;
}

async function buildSubset(font: fontkit.Font, codePoints: number[]): Promise<SubsetFont> {
  const subset = font.createSubset();
  const glyphIds = new Map<number, number>();
  const scale = 1000 / font.unitsPerEm;
  const widths = [Math.round(font.getGlyph(0).advanceWidth * scale)];
  const unicodeOf: number[][] = [[]];
  for (const cp of codePoints) {
    const glyph = font.glyphForCodePoint(cp);
    if (glyph.id === 0) continue;
    const id = subset.includeGlyph(glyph);
    if (!glyphIds.has(cp)) glyphIds.set(cp, id);
    widths[id] = Math.round(glyph.advanceWidth * scale);
    (unicodeOf[id] ??= []).push(cp);
  }
  const program = await encodeSubset(subset);
  const tag = tagOf(program);
  return {
    baseFont: `${tag}+${font.postscriptName}`,
    glyphIds,
    widths: Array.from(widths, (w) => w ?? 0),
    fontFile: deflateSync(program, { level: 9 }),
    fontFileLength: program.length,
    toUnicode: deflateSync(Buffer.from(toUnicodeCMap(unicodeOf), 'latin1'), { level: 9 }),
    ascent: Math.round(font.ascent * scale),
    descent: Math.round(font.descent * scale),
    capHeight: Math.round((font.capHeight || font.glyphForCodePoint(0x48).bbox.maxY) * scale),
    bbox: [font.bbox.minX, font.bbox.minY, font.bbox.maxX, font.bbox.maxY].map((v) => Math.round(v * scale)) as SubsetFont['bbox'],
    stemV: 80,
  };
}

function encodeSubset(subset: fontkit.Subset): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Uint8Array[] = [];
    const stream = subset.encodeStream() as unknown as NodeJS.EventEmitter;
    stream.on('data', (chunk: Uint8Array) => parts.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(parts)));
    stream.on('error', reject);
  });
}

function tagOf(program: Uint8Array): string {
  const digest = createHash('sha256').update(program).digest();
  return Array.from(digest.subarray(0, 6), (b) => String.fromCharCode(65 + (b % 26))).join('');
}

function utf16Hex(codePoints: number[]): string {
  return Buffer.from(String.fromCodePoint(...codePoints), 'utf16le').swap16().toString('hex').toUpperCase();
}

function toUnicodeCMap(unicodeOf: number[][]): string {
  const entries: string[] = [];
  unicodeOf.forEach((cps, id) => {
    if (id > 0 && cps && cps.length) entries.push(`<${id.toString(16).padStart(4, '0').toUpperCase()}> <${utf16Hex(cps.slice(0, 1))}>`);
  });
  const blocks: string[] = [];
  for (let i = 0; i < entries.length; i += 100) {
    const chunk = entries.slice(i, i + 100);
    blocks.push(`${chunk.length} beginbfchar\n${chunk.join('\n')}\nendbfchar`);
  }
  return [
    '/CIDInit /ProcSet findresource begin', '12 dict begin', 'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def', '/CMapType 2 def',
    '1 begincodespacerange', '<0000> <FFFF>', 'endcodespacerange',
    ...blocks,
    'endcmap', 'CMapName currentdict /CMap defineresource pop', 'end', 'end',
  ].join('\n');
}

/** Text as a PDF hex string of 2-byte glyph ids (Identity-H); unknown characters become .notdef. */
export function encodeText(font: SubsetFont, text: string): string {
  let hex = '';
  for (const ch of text) {
    const id = font.glyphIds.get(ch.codePointAt(0)!) ?? 0;
    hex += HEX4[id] ?? id.toString(16).padStart(4, '0');
  }
  return `<${hex}>`;
}

const HEX4 = Array.from({ length: 4096 }, (_, i) => i.toString(16).padStart(4, '0'));

/** Width of the text in points at the given size. */
export function textWidth(font: SubsetFont, text: string, size: number): number {
  let units = 0;
  for (const ch of text) units += glyphUnits(font, ch.codePointAt(0)!);
  return (units * size) / 1000;
}

/** Advance of one code point in font units (1000 per em); widths add up (no kerning). */
export function glyphUnits(font: SubsetFont, codePoint: number): number {
  return font.widths[font.glyphIds.get(codePoint) ?? 0];
}
