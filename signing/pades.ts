// PAdES signing: fills a signature field with a visible appearance and a CMS signature, appended as
// an incremental update. /ByteRange is patched in place and the CMS written into the reserved
// /Contents placeholder, so the signed bytes are exactly the file minus that placeholder.
import { createHash, type KeyObject } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { fontForTexts, subsetByName, covers, type SubsetFont } from '../documents/fonts';
import { FONT_RESOURCE } from '../documents/canvas';
import { APPEARANCE_FONT_RESOURCE } from '../documents/render';
import { appearanceContent } from './appearance';
import { certificateParty, signatureNote } from './certificate-names';
import { buildCmsSignature } from './cms';
import { IncrementalUpdate } from './incremental-update';
import { PdfRaw, PdfRef, PdfString, dict, name, type PdfDict, type PdfValue } from './pdf-objects';
import { PdfReader, nameOf, textOf } from './pdf-reader';
import { SigningError } from './errors';

/** Bytes reserved for the DER-encoded CMS (written as twice as many hex digits). */
export const SIGNATURE_CAPACITY = 8192;
const BYTE_RANGE_PLACEHOLDER = '[0 0000000000 0000000000 0000000000]';
const CONTENTS_PLACEHOLDER = `<${'0'.repeat(SIGNATURE_CAPACITY * 2)}>`;

export interface VisibleSignature {
  verificationUrl: string;
  /** Overrides the issuer name taken from the certificate in the note. */
  issuerDisplayName?: string;
}

export interface PadesSignOptions {
  pdf: Uint8Array;
  /** The signature field to fill (see SIGNATURE_FIELD_NAMES). */
  fieldName: string;
  privateKey: KeyObject;
  /** DER certificates: the signer's first, then its chain. */
  certificates: Buffer[];
  signedAt: Date;
  reason?: string;
  location?: string;
  /** Omit for an invisible signature. */
  appearance?: VisibleSignature;
}

/** PDF date in UTC: D:YYYYMMDDHHmmSS+00'00'. */
export function pdfDate(date: Date): string {
  const iso = date.toISOString();
  return `D:${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}+00'00'`;
}

export interface SignatureField {
  ref: PdfRef;
  field: PdfDict;
  pageIndex: number;
  rect: [number, number, number, number];
  signed: boolean;
}

/** The signature fields of a PDF with their page and position. */
export function signatureFields(reader: PdfReader): Map<string, SignatureField> {
  const pages = reader.pageRefs();
  const out = new Map<string, SignatureField>();
  for (const { ref, field } of reader.fields()) {
    if (nameOf(field.get('FT')) !== 'Sig') continue;
    const title = textOf(field.get('T'));
    if (title === null) continue;
    const page = field.get('P');
    const rectValue = reader.resolve(field.get('Rect'));
    const rect = (Array.isArray(rectValue) && rectValue.length === 4 && rectValue.every((v) => typeof v === 'number')
      ? rectValue : [0, 0, 0, 0]) as [number, number, number, number];
    out.set(title, {
      ref,
      field,
      pageIndex: page instanceof PdfRef ? pages.findIndex((p) => p.num === page.num) : -1,
      rect,
      signed: field.has('V'),
    });
  }
  return out;
}

/** Appends the objects of a subset font to the update (used when the document has none that fits). */
function appendFont(update: IncrementalUpdate, font: SubsetFont): PdfRef {
  const fontFile = update.allocate();
  update.putStream(fontFile, dict({ Filter: name('FlateDecode'), Length1: font.fontFileLength }), Buffer.from(font.fontFile));
  const toUnicode = update.allocate();
  update.putStream(toUnicode, dict({ Filter: name('FlateDecode') }), Buffer.from(font.toUnicode));
  const descriptor = update.allocate();
  update.put(descriptor, dict({
    Type: name('FontDescriptor'), FontName: name(font.baseFont), Flags: 32, FontBBox: [...font.bbox],
    ItalicAngle: 0, Ascent: font.ascent, Descent: font.descent, CapHeight: font.capHeight, StemV: font.stemV,
    FontFile2: fontFile,
  }));
  const cid = update.allocate();
  update.put(cid, dict({
    Type: name('Font'), Subtype: name('CIDFontType2'), BaseFont: name(font.baseFont),
    CIDSystemInfo: dict({ Registry: PdfString.fromText('Adobe'), Ordering: PdfString.fromText('Identity'), Supplement: 0 }),
    FontDescriptor: descriptor, W: [0, font.widths], CIDToGIDMap: name('Identity'),
  }));
  const type0 = update.allocate();
  update.put(type0, dict({
    Type: name('Font'), Subtype: name('Type0'), BaseFont: name(font.baseFont), Encoding: name('Identity-H'),
    DescendantFonts: [cid], ToUnicode: toUnicode,
  }));
  return type0;
}

/** The font for the appearance: the document's own (from /DR) when it covers the text. */
async function appearanceFont(reader: PdfReader, update: IncrementalUpdate, texts: string[]): Promise<PdfRef> {
  const form = reader.dict(reader.catalog().get('AcroForm'));
  const fonts = reader.dict(reader.dict(form?.get('DR'))?.get('Font'));
  const documentFont = fonts?.get(APPEARANCE_FONT_RESOURCE);
  if (documentFont instanceof PdfRef) {
    const baseFontName = nameOf(reader.dict(documentFont)?.get('BaseFont'));
    const known = baseFontName ? subsetByName(baseFontName) ?? (await fontForTexts('regular', [])) : undefined;
    if (known && known.baseFont === baseFontName && texts.every((t) => covers(known, t))) return documentFont;
  }
  return appendFont(update, await fontForTexts('regular', texts));
}

async function fontOfRef(reader: PdfReader, ref: PdfRef, texts: string[]): Promise<SubsetFont> {
  const baseFontName = nameOf(reader.dict(ref)?.get('BaseFont'));
  return (baseFontName && subsetByName(baseFontName)) || fontForTexts('regular', texts);
}

/** Signs `options.fieldName` and returns the new file, which starts with the exact input bytes. */
export async function signPdf(options: PadesSignOptions): Promise<Buffer> {
  const input = Buffer.from(options.pdf.buffer, options.pdf.byteOffset, options.pdf.byteLength);
  const reader = new PdfReader(input);
  const target = signatureFields(reader).get(options.fieldName);
  if (!target) throw new SigningError('NoSignatureField', `The document has no signature field "${options.fieldName}"`);
  if (target.signed) throw new SigningError('AlreadySigned', `Signature field "${options.fieldName}" is already signed`);

  const update = new IncrementalUpdate(reader);
  const signer = certificateParty(options.certificates[0]);
  const sigRef = update.allocate();
  const sigDict: PdfDict = dict({
    Type: name('Sig'),
    Filter: name('Adobe.PPKLite'),
    SubFilter: name('ETSI.CAdES.detached'),
  });
  // Fixed-size placeholders, patched in place once the final offsets are known.
  sigDict.set('ByteRange', new PdfRaw(BYTE_RANGE_PLACEHOLDER));
  sigDict.set('Contents', new PdfRaw(CONTENTS_PLACEHOLDER));
  sigDict.set('M', PdfString.fromText(pdfDate(options.signedAt)));
  sigDict.set('Name', PdfString.fromText(signer.name));
  if (options.reason) sigDict.set('Reason', PdfString.fromText(options.reason));
  if (options.location) sigDict.set('Location', PdfString.fromText(options.location));

  const widget: PdfDict = new Map(target.field);
  widget.set('V', sigRef);
  if (options.appearance) {
    const [x1, y1, x2, y2] = target.rect;
    const width = Math.abs(x2 - x1);
    const height = Math.abs(y2 - y1);
    const text = {
      signerName: signer.name,
      nip: signer.nip,
      note: signatureNote(options.appearance.issuerDisplayName ?? signer.issuer),
      verificationUrl: options.appearance.verificationUrl,
    };
    const texts = ['Ditandatangani secara elektronik oleh:', text.signerName, text.nip ?? '', text.note];
    const fontRef = await appearanceFont(reader, update, texts);
    const font = await fontOfRef(reader, fontRef, texts);
    const content = deflateSync(Buffer.from(appearanceContent(text, width, height, font), 'latin1'));
    const apRef = update.allocate();
    update.putStream(apRef, dict({
      Type: name('XObject'), Subtype: name('Form'), BBox: [0, 0, width, height],
      Resources: dict({ Font: dict({ [FONT_RESOURCE.regular]: fontRef }) }),
      Filter: name('FlateDecode'),
    }), content);
    widget.set('AP', dict({ N: apRef }));
  }
  update.put(target.ref, widget as PdfValue);
  update.put(sigRef, sigDict);

  const { bytes } = update.build();
  return finishSignature(bytes, input.length, options);
}

/** Patches /ByteRange and /Contents of the signature dictionary written after `from`. */
function finishSignature(out: Buffer, from: number, options: PadesSignOptions): Buffer {
  const rangeAt = out.indexOf(BYTE_RANGE_PLACEHOLDER, from, 'latin1');
  const contentsStart = out.indexOf(CONTENTS_PLACEHOLDER, from, 'latin1');
  if (rangeAt < 0 || contentsStart < 0) throw new Error('Signature placeholders not found');
  const contentsEnd = contentsStart + CONTENTS_PLACEHOLDER.length;
  const range = [0, contentsStart, contentsEnd, out.length - contentsEnd];
  const rangeText = `[${range.join(' ')}]`;
  if (rangeText.length > BYTE_RANGE_PLACEHOLDER.length) throw new Error('ByteRange does not fit its placeholder');
  out.write(rangeText.padEnd(BYTE_RANGE_PLACEHOLDER.length, ' '), rangeAt, 'latin1');

  const digest = createHash('sha256')
    .update(out.subarray(0, contentsStart))
    .update(out.subarray(contentsEnd))
    .digest();
  const cms = buildCmsSignature({ digest, certificates: options.certificates, privateKey: options.privateKey });
  if (cms.length > SIGNATURE_CAPACITY) throw new Error(`CMS of ${cms.length} bytes exceeds the reserved ${SIGNATURE_CAPACITY}`);
  out.write(cms.toString('hex'), contentsStart + 1, 'latin1');
  // The earlier revision, and any signature over it, must stay byte-for-byte intact.
  if (out.compare(options.pdf, 0, options.pdf.length, 0, options.pdf.length) !== 0) {
    throw new Error('Incremental update changed the bytes of the previous revision');
  }
  return out;
}
