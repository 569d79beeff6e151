// An incremental update: new and replaced objects appended after the original bytes, with their
// own xref section and a trailer pointing back (/Prev) to the previous one. The original bytes
// are never touched, so earlier signatures stay valid.
import type { PdfReader } from './pdf-reader';
import { PdfRef, serialize, type PdfDict, type PdfValue } from './pdf-objects';

interface Pending {
  num: number;
  parts: Buffer[];
}

export class IncrementalUpdate {
  private readonly objects: Pending[] = [];
  private nextNumber: number;

  constructor(private readonly reader: PdfReader) {
    this.nextNumber = reader.size;
  }

  allocate(): PdfRef {
    return new PdfRef(this.nextNumber++);
  }

  /** Writes (or replaces) an object; parts are concatenated as its body. */
  put(ref: PdfRef, value: PdfValue | Buffer[]): void {
    const body = Array.isArray(value) && value.every((p) => Buffer.isBuffer(p))
      ? (value as Buffer[])
      : [Buffer.from(serialize(value as PdfValue), 'latin1')];
    this.objects.push({ num: ref.num, parts: body });
  }

  putStream(ref: PdfRef, dictionary: PdfDict, data: Buffer): void {
    dictionary.set('Length', data.length);
    this.put(ref, [Buffer.from(`${serialize(dictionary)}\nstream\n`, 'latin1'), data, Buffer.from('\nendstream', 'latin1')]);
  }

  /**
   * The whole new file: original bytes, then the update. `locate` receives the offset of each
   * object's body, so callers can find placeholders they wrote.
   */
  build(): { bytes: Buffer; bodyOffset: Map<number, number> } {
    const base = this.reader.bytes;
    const chunks: Buffer[] = [base];
    let offset = base.length;
    const push = (chunk: Buffer) => { chunks.push(chunk); offset += chunk.length; };
    if (base[base.length - 1] !== 0x0a && base[base.length - 1] !== 0x0d) push(Buffer.from('\n'));
    const objectOffset = new Map<number, number>();
    const bodyOffset = new Map<number, number>();
    for (const object of this.objects) {
      objectOffset.set(object.num, offset);
      push(Buffer.from(`${object.num} 0 obj\n`, 'latin1'));
      bodyOffset.set(object.num, offset);
      for (const part of object.parts) push(part);
      push(Buffer.from('\nendobj\n', 'latin1'));
    }
    const xrefOffset = offset;
    const numbers = [...objectOffset.keys()].sort((a, b) => a - b);
    let xref = 'xref\n';
    for (let i = 0; i < numbers.length;) {
      let j = i;
      while (j + 1 < numbers.length && numbers[j + 1] === numbers[j] + 1) j++;
      xref += `${numbers[i]} ${j - i + 1}\n`;
      for (let k = i; k <= j; k++) xref += `${String(objectOffset.get(numbers[k])).padStart(10, '0')} 00000 n\r\n`;
      i = j + 1;
    }
    const trailer: PdfDict = new Map();
    trailer.set('Size', Math.max(this.nextNumber, this.reader.size));
    for (const key of ['Root', 'Info', 'ID']) {
      const value = this.reader.trailer.get(key);
      if (value !== undefined) trailer.set(key, value);
    }
    trailer.set('Prev', this.reader.startxref);
    push(Buffer.from(`${xref}trailer\n${serialize(trailer)}\nstartxref\n${xrefOffset}\n%%EOF\n`, 'latin1'));
    return { bytes: Buffer.concat(chunks, offset), bodyOffset };
  }
}
