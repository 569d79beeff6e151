// The few PDF object types the signer and verifier read and write, with a serializer.
// Signing appends to an existing file (incremental update), so objects are written by hand.

export class PdfName {
  constructor(readonly value: string) {}
}

export class PdfRef {
  constructor(readonly num: number, readonly gen = 0) {}
  toString(): string {
    return `${this.num} ${this.gen} R`;
  }
}

/** A string's raw bytes; written back as hex so no escaping is needed. */
export class PdfString {
  constructor(readonly bytes: Buffer) {}
  static fromText(text: string): PdfString {
    // ASCII stays PDFDocEncoding; anything else becomes UTF-16BE with a byte order mark.
    if (/^[\x20-\x7e]*$/.test(text)) return new PdfString(Buffer.from(text, 'latin1'));
    return new PdfString(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(text, 'utf16le').swap16()]));
  }
  text(): string {
    const b = this.bytes;
    if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return Buffer.from(b.subarray(2)).swap16().toString('utf16le');
    return b.toString('latin1');
  }
}

/** Text written verbatim (fixed-size placeholders the signer patches later). */
export class PdfRaw {
  constructor(readonly text: string) {}
}

export type PdfDict = Map<string, PdfValue>;
export type PdfValue = number | boolean | null | PdfName | PdfRef | PdfString | PdfRaw | PdfValue[] | PdfDict;

export function dict(entries: Record<string, PdfValue>): PdfDict {
  return new Map(Object.entries(entries));
}

export function name(value: string): PdfName {
  return new PdfName(value);
}

function numberText(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return String(Math.round(value * 10000) / 10000);
}

function nameText(value: string): string {
  return '/' + value.replace(/[^!-~]|[#()<>[\]{}/%]/g, (ch) => '#' + ch.charCodeAt(0).toString(16).padStart(2, '0'));
}

export function serialize(value: PdfValue): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return numberText(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof PdfName) return nameText(value.value);
  if (value instanceof PdfRef) return value.toString();
  if (value instanceof PdfRaw) return value.text;
  if (value instanceof PdfString) return `<${value.bytes.toString('hex')}>`;
  if (Array.isArray(value)) return `[${value.map(serialize).join(' ')}]`;
  let out = '<<';
  for (const [key, entry] of value) out += `${nameText(key)} ${serialize(entry)}`;
  return `${out}>>`;
}

export function isDict(value: PdfValue | undefined): value is PdfDict {
  return value instanceof Map;
}
