// A small PDF reader: enough to find the trailer, cross-reference tables (with their /Prev chain)
// and the dictionaries the signer and verifier need. It reads classic xref tables, which is what
// the renderer and the signer write; anything else is reported as unsupported, never guessed.
import { inflateSync } from 'node:zlib';
import { PdfName, PdfRef, PdfString, isDict, type PdfDict, type PdfValue } from './pdf-objects';

export class PdfFormatError extends Error {
  readonly code = 'MalformedPdf';
}

const WHITESPACE = new Set([0x00, 0x09, 0x0a, 0x0c, 0x0d, 0x20]);
const DELIMITERS = new Set([0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]);

class Lexer {
  constructor(readonly bytes: Buffer, public pos: number) {}

  skipSpace(): void {
    const b = this.bytes;
    while (this.pos < b.length) {
      const c = b[this.pos];
      if (WHITESPACE.has(c)) this.pos++;
      else if (c === 0x25) while (this.pos < b.length && b[this.pos] !== 0x0a && b[this.pos] !== 0x0d) this.pos++;
      else break;
    }
  }

  /** A bare keyword or number token. */
  word(): string {
    this.skipSpace();
    const start = this.pos;
    const b = this.bytes;
    while (this.pos < b.length && !WHITESPACE.has(b[this.pos]) && !DELIMITERS.has(b[this.pos])) this.pos++;
    return b.toString('latin1', start, this.pos);
  }

  value(): PdfValue {
    this.skipSpace();
    const b = this.bytes;
    if (this.pos >= b.length) throw new PdfFormatError('Unexpected end of file');
    const c = b[this.pos];
    if (c === 0x2f) return this.name();
    if (c === 0x3c && b[this.pos + 1] === 0x3c) return this.dictionary();
    if (c === 0x3c) return this.hexString();
    if (c === 0x28) return this.literalString();
    if (c === 0x5b) {
      this.pos++;
      const items: PdfValue[] = [];
      for (;;) {
        this.skipSpace();
        if (this.pos >= b.length) throw new PdfFormatError('Unterminated array');
        if (b[this.pos] === 0x5d) { this.pos++; return items; }
        items.push(this.value());
      }
    }
    const word = this.word();
    if (word === 'true') return true;
    if (word === 'false') return false;
    if (word === 'null') return null;
    if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(word)) throw new PdfFormatError(`Unexpected token "${word.slice(0, 20)}" at ${this.pos}`);
    const number = Number(word);
    // "n g R" is a reference: look ahead without consuming if it is not.
    if (/^\d+$/.test(word)) {
      const save = this.pos;
      const gen = this.word();
      if (/^\d+$/.test(gen)) {
        const r = this.word();
        if (r === 'R') return new PdfRef(number, Number(gen));
      }
      this.pos = save;
    }
    return number;
  }

  private name(): PdfName {
    this.pos++;
    const raw = this.word();
    return new PdfName(raw.replace(/#([0-9a-fA-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))));
  }

  private dictionary(): PdfDict {
    this.pos += 2;
    const result: PdfDict = new Map();
    for (;;) {
      this.skipSpace();
      const b = this.bytes;
      if (this.pos >= b.length) throw new PdfFormatError('Unterminated dictionary');
      if (b[this.pos] === 0x3e && b[this.pos + 1] === 0x3e) { this.pos += 2; return result; }
      const key = this.value();
      if (!(key instanceof PdfName)) throw new PdfFormatError('Dictionary key is not a name');
      result.set(key.value, this.value());
    }
  }

  private hexString(): PdfString {
    const end = this.bytes.indexOf(0x3e, this.pos);
    if (end < 0) throw new PdfFormatError('Unterminated hex string');
    let hex = this.bytes.toString('latin1', this.pos + 1, end).replace(/\s+/g, '');
    if (!/^[0-9a-fA-F]*$/.test(hex)) throw new PdfFormatError('Bad hex string');
    if (hex.length % 2) hex += '0';
    this.pos = end + 1;
    return new PdfString(Buffer.from(hex, 'hex'));
  }

  private literalString(): PdfString {
    const b = this.bytes;
    const out: number[] = [];
    let depth = 0;
    this.pos++;
    while (this.pos < b.length) {
      const c = b[this.pos++];
      if (c === 0x5c) {
        const n = b[this.pos++];
        const simple: Record<number, number> = { 0x6e: 10, 0x72: 13, 0x74: 9, 0x62: 8, 0x66: 12 };
        if (n in simple) out.push(simple[n]);
        else if (n >= 0x30 && n <= 0x37) {
          let octal = String.fromCharCode(n);
          while (octal.length < 3 && b[this.pos] >= 0x30 && b[this.pos] <= 0x37) octal += String.fromCharCode(b[this.pos++]);
          out.push(parseInt(octal, 8) & 0xff);
        } else if (n === 0x0d || n === 0x0a) {
          if (n === 0x0d && b[this.pos] === 0x0a) this.pos++;
        } else out.push(n);
      } else if (c === 0x28) { depth++; out.push(c); }
      else if (c === 0x29) {
        if (depth === 0) return new PdfString(Buffer.from(out));
        depth--; out.push(c);
      } else out.push(c);
    }
    throw new PdfFormatError('Unterminated string');
  }
}

export interface XrefEntry {
  offset: number;
  gen: number;
}

export interface Revision {
  /** Offset of this revision's xref table. */
  xrefOffset: number;
  trailer: PdfDict;
}

/** Read access to one PDF file (its latest revision, with all earlier ones listed). */
export class PdfReader {
  readonly xref = new Map<number, XrefEntry>();
  /** Newest first. */
  readonly revisions: Revision[] = [];
  readonly trailer: PdfDict;
  readonly startxref: number;
  private readonly cache = new Map<number, { value: PdfValue; streamStart?: number }>();

  constructor(readonly bytes: Buffer) {
    if (bytes.length < 16 || bytes.toString('latin1', 0, 5) !== '%PDF-') throw new PdfFormatError('Not a PDF file');
    this.startxref = PdfReader.lastStartxref(bytes);
    let offset: number | null = this.startxref;
    const seen = new Set<number>();
    while (offset !== null) {
      if (seen.has(offset) || seen.size > 1000) throw new PdfFormatError('Cross-reference chain loops');
      seen.add(offset);
      const trailer = this.readXrefTable(offset);
      this.revisions.push({ xrefOffset: offset, trailer });
      const prev = trailer.get('Prev');
      offset = typeof prev === 'number' ? prev : null;
    }
    this.trailer = this.revisions[0].trailer;
  }

  static lastStartxref(bytes: Buffer): number {
    const tailStart = Math.max(0, bytes.length - 1024);
    const tail = bytes.toString('latin1', tailStart);
    const at = tail.lastIndexOf('startxref');
    if (at < 0) throw new PdfFormatError('No startxref');
    const match = /^startxref\s+(\d+)/.exec(tail.slice(at));
    if (!match) throw new PdfFormatError('Bad startxref');
    return Number(match[1]);
  }

  private readXrefTable(offset: number): PdfDict {
    if (offset <= 0 || offset >= this.bytes.length) throw new PdfFormatError('startxref points outside the file');
    const lexer = new Lexer(this.bytes, offset);
    if (lexer.word() !== 'xref') throw new PdfFormatError('Cross-reference streams are not supported (expected an xref table)');
    for (;;) {
      const first = lexer.word();
      if (first === 'trailer') break;
      const count = lexer.word();
      if (!/^\d+$/.test(first) || !/^\d+$/.test(count)) throw new PdfFormatError('Bad xref subsection');
      for (let i = 0; i < Number(count); i++) {
        const entryOffset = Number(lexer.word());
        const gen = Number(lexer.word());
        const kind = lexer.word();
        const num = Number(first) + i;
        if (kind !== 'n' && kind !== 'f') throw new PdfFormatError('Bad xref entry');
        // Newer revisions are read first; their entries win.
        if (!this.xref.has(num) && kind === 'n') this.xref.set(num, { offset: entryOffset, gen });
        if (!this.xref.has(num) && kind === 'f') this.xref.set(num, { offset: -1, gen });
      }
    }
    const trailer = lexer.value();
    if (!isDict(trailer)) throw new PdfFormatError('Trailer is not a dictionary');
    return trailer;
  }

  /** The object `num`, as defined at the given offset (or the latest one). */
  objectAt(offset: number, expectedNum?: number): { value: PdfValue; streamStart?: number } {
    const lexer = new Lexer(this.bytes, offset);
    const num = lexer.word();
    const gen = lexer.word();
    if (lexer.word() !== 'obj' || !/^\d+$/.test(num) || !/^\d+$/.test(gen)) throw new PdfFormatError(`No object at offset ${offset}`);
    if (expectedNum !== undefined && Number(num) !== expectedNum) throw new PdfFormatError(`Object ${expectedNum} expected at offset ${offset}, found ${num}`);
    const value = lexer.value();
    const save = lexer.pos;
    if (lexer.word() === 'stream') {
      let start = lexer.pos;
      if (this.bytes[start] === 0x0d) start++;
      if (this.bytes[start] === 0x0a) start++;
      return { value, streamStart: start };
    }
    lexer.pos = save;
    return { value };
  }

  object(num: number): PdfValue {
    const cached = this.cache.get(num);
    if (cached) return cached.value;
    const entry = this.xref.get(num);
    if (!entry || entry.offset < 0) return null;
    const parsed = this.objectAt(entry.offset, num);
    this.cache.set(num, parsed);
    return parsed.value;
  }

  /** A stream's bytes (FlateDecode undone); null when `ref` is not a stream. */
  streamData(ref: PdfValue | undefined): Buffer | null {
    if (!(ref instanceof PdfRef)) return null;
    const entry = this.xref.get(ref.num);
    if (!entry || entry.offset < 0) return null;
    const { value, streamStart } = this.objectAt(entry.offset, ref.num);
    if (streamStart === undefined || !isDict(value)) return null;
    const length = this.resolve(value.get('Length'));
    if (typeof length !== 'number' || length < 0 || streamStart + length > this.bytes.length) return null;
    const raw = this.bytes.subarray(streamStart, streamStart + length);
    const filter = value.get('Filter');
    if (filter === undefined) return Buffer.from(raw);
    if (filter instanceof PdfName && filter.value === 'FlateDecode') return inflateSync(raw);
    return null;
  }

  resolve(value: PdfValue | undefined): PdfValue {
    let current = value === undefined ? null : value;
    for (let depth = 0; current instanceof PdfRef; depth++) {
      if (depth > 32) throw new PdfFormatError('Reference chain too long');
      current = this.object(current.num);
    }
    return current;
  }

  dict(value: PdfValue | undefined): PdfDict | null {
    const resolved = this.resolve(value);
    return isDict(resolved) ? resolved : null;
  }

  /** The highest object number in use + 1, from the trailer. */
  get size(): number {
    const size = this.trailer.get('Size');
    if (typeof size !== 'number') throw new PdfFormatError('Trailer without /Size');
    return size;
  }

  catalog(): PdfDict {
    const root = this.dict(this.trailer.get('Root'));
    if (!root) throw new PdfFormatError('No document catalog');
    return root;
  }

  /** Page object numbers in document order. */
  pageRefs(): PdfRef[] {
    const pages: PdfRef[] = [];
    const walk = (ref: PdfValue | undefined, depth: number) => {
      if (!(ref instanceof PdfRef) || depth > 64) return;
      const node = this.dict(ref);
      if (!node) return;
      const type = node.get('Type');
      if (type instanceof PdfName && type.value === 'Page') pages.push(ref);
      const kids = this.resolve(node.get('Kids'));
      if (Array.isArray(kids)) for (const kid of kids) walk(kid, depth + 1);
    };
    walk(this.catalog().get('Pages'), 0);
    return pages;
  }

  /** Terminal form fields (AcroForm /Fields, following /Kids) with their object refs. */
  fields(): Array<{ ref: PdfRef; field: PdfDict }> {
    const form = this.dict(this.catalog().get('AcroForm'));
    const out: Array<{ ref: PdfRef; field: PdfDict }> = [];
    const walk = (list: PdfValue, depth: number) => {
      if (!Array.isArray(list) || depth > 16) return;
      for (const item of list) {
        if (!(item instanceof PdfRef)) continue;
        const field = this.dict(item);
        if (!field) continue;
        const kids = this.resolve(field.get('Kids'));
        if (Array.isArray(kids) && kids.length && !field.has('Subtype')) walk(kids, depth + 1);
        else out.push({ ref: item, field });
      }
    };
    if (form) walk(this.resolve(form.get('Fields')), 0);
    return out;
  }
}

export function nameOf(value: PdfValue | undefined): string | null {
  return value instanceof PdfName ? value.value : null;
}

export function textOf(value: PdfValue | undefined): string | null {
  return value instanceof PdfString ? value.text() : null;
}
