// Greedy word wrap in linear time. Widths are additive per glyph in our fonts (no kerning), so
// each code point is measured once: a word's width is the sum of its glyphs', and a word longer
// than the line is cut by walking its glyphs once. (Cutting by re-measuring ever shorter prefixes
// was cubic: a 10,000-character word took minutes and held the event loop.)

/** Advance of one code point in font units (1000 per em). */
export type GlyphUnits = (codePoint: number) => number;

/**
 * Lines of `text` no wider than `maxUnits` font units: paragraphs at '\n', words at whitespace, a
 * word wider than a line broken between code points (never inside a surrogate pair), at least one
 * code point per line.
 */
export function wrapText(text: string, fits: (units: number) => boolean, unitsOf: GlyphUnits): string[] {
  const lines: string[] = [];
  const spaceUnits = unitsOf(0x20);
  for (const paragraph of text.split('\n')) {
    let current = '';
    let currentUnits = 0;
    for (const word of paragraph.split(/\s+/)) {
      if (!word) continue;
      const glyphs = Array.from(word, (ch) => unitsOf(ch.codePointAt(0)!));
      const wordUnits = glyphs.reduce((sum, units) => sum + units, 0);
      const candidateUnits = current ? currentUnits + spaceUnits + wordUnits : wordUnits;
      if (fits(candidateUnits)) {
        current = current ? `${current} ${word}` : word;
        currentUnits = candidateUnits;
        continue;
      }
      if (current) lines.push(current);
      if (fits(wordUnits)) {
        current = word;
        currentUnits = wordUnits;
        continue;
      }
      // Too long for any line: cut between code points, each piece as long as fits.
      let piece = '';
      let pieceUnits = 0;
      let i = 0;
      for (const ch of word) {
        const units = glyphs[i++];
        if (piece && !fits(pieceUnits + units)) {
          lines.push(piece);
          piece = '';
          pieceUnits = 0;
        }
        piece += ch;
        pieceUnits += units;
      }
      current = piece;
      currentUnits = pieceUnits;
    }
    lines.push(current);
  }
  return lines;
}
