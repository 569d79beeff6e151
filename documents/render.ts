// Renders a PK to PDF with pdf-lib. The output is a function of the input only: fixed metadata
// dates and document ID derived from the input, no random values, fonts from a cached subset.
import { createHash } from 'node:crypto';
import { PDFArray, PDFDocument, PDFHexString, PDFName, PDFNumber, PDFRawStream, PDFString, type PDFContext, type PDFRef } from 'pdf-lib';
import { deflateSync } from 'node:zlib';
import { calendarDate } from '../domain/format';
import { documentKind, SIGNATURE_FIELD_NAMES, type AgreementPdfInput } from './agreement-input';
import { FONT_RESOURCE, type Fonts } from './canvas';
import { layoutAgreement, PAGE_HEIGHT, PAGE_WIDTH, printedTexts } from './agreement-layout';
import { fontForTexts, type SubsetFont } from './fonts';

/** Name under which the regular font is listed in the AcroForm's /DR, for signature appearances. */
export const APPEARANCE_FONT_RESOURCE = 'KinerjaSans';

/** Registers a Type0 (CID, Identity-H) font whose program and CMap were compressed once. */
export function embedSubsetFont(context: PDFContext, font: SubsetFont): PDFRef {
  const fontFile = context.register(PDFRawStream.of(
    context.obj({ Filter: 'FlateDecode', Length1: font.fontFileLength }),
    font.fontFile,
  ));
  const toUnicode = context.register(PDFRawStream.of(context.obj({ Filter: 'FlateDecode' }), font.toUnicode));
  const descriptor = context.register(context.obj({
    Type: 'FontDescriptor',
    FontName: font.baseFont,
    Flags: 32,
    FontBBox: font.bbox,
    ItalicAngle: 0,
    Ascent: font.ascent,
    Descent: font.descent,
    CapHeight: font.capHeight,
    StemV: font.stemV,
    FontFile2: fontFile,
  }));
  const widths = PDFArray.withContext(context);
  for (const w of font.widths) widths.push(PDFNumber.of(w));
  const cidFont = context.register(context.obj({
    Type: 'Font',
    Subtype: 'CIDFontType2',
    BaseFont: font.baseFont,
    CIDSystemInfo: { Registry: PDFString.of('Adobe'), Ordering: PDFString.of('Identity'), Supplement: 0 },
    FontDescriptor: descriptor,
    W: [0, widths],
    CIDToGIDMap: 'Identity',
  }));
  return context.register(context.obj({
    Type: 'Font',
    Subtype: 'Type0',
    BaseFont: font.baseFont,
    Encoding: 'Identity-H',
    DescendantFonts: [cidFont],
    ToUnicode: toUnicode,
  }));
}

/** A stable identifier of the input: the same input always gives the same ID. */
export function documentIdOf(input: AgreementPdfInput): string {
  return createHash('sha256').update(JSON.stringify(input)).digest('hex').slice(0, 32);
}

function pdfDate(isoDate: string): string {
  const { year, month, day } = calendarDate(isoDate);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `D:${year}${pad(month)}${pad(day)}000000+07'00'`;
}

/** The PK as PDF bytes, with an empty signature field for each party in the signature block. */
export async function renderAgreementPdf(input: AgreementPdfInput): Promise<Uint8Array> {
  const texts = printedTexts(input);
  const fonts: Fonts = {
    regular: await fontForTexts('regular', texts),
    bold: await fontForTexts('bold', texts),
  };
  const pages = layoutAgreement(input, fonts);

  const doc = await PDFDocument.create({ updateMetadata: false });
  const context = doc.context;
  const regularRef = embedSubsetFont(context, fonts.regular);
  const boldRef = embedSubsetFont(context, fonts.bold);
  const resources = context.register(context.obj({
    Font: { [FONT_RESOURCE.regular]: regularRef, [FONT_RESOURCE.bold]: boldRef },
  }));

  const fieldRefs: PDFRef[] = [];
  for (const laidOut of pages) {
    const page = doc.addPage([PAGE_WIDTH, PAGE_HEIGHT]);
    const content = Buffer.from(laidOut.canvas.toString(), 'latin1');
    const contentRef = context.register(PDFRawStream.of(context.obj({ Filter: 'FlateDecode' }), deflateSync(content)));
    page.node.set(PDFName.of('Contents'), contentRef);
    page.node.set(PDFName.of('Resources'), resources);
    if (laidOut.signatureSlots.length) {
      const annots: PDFRef[] = [];
      for (const slot of laidOut.signatureSlots) {
        const field = context.register(context.obj({
          Type: 'Annot',
          Subtype: 'Widget',
          FT: 'Sig',
          T: PDFString.of(SIGNATURE_FIELD_NAMES[slot.party]),
          F: 4,
          Rect: slot.rect.map((v) => Math.round(v * 100) / 100),
          P: page.ref,
        }));
        annots.push(field);
        fieldRefs.push(field);
      }
      page.node.set(PDFName.of('Annots'), context.obj(annots));
    }
  }

  // screen readers read the text with an Indonesian voice, not the reader's default
  doc.catalog.set(PDFName.of('Lang'), PDFString.of('id-ID'));
  doc.catalog.set(PDFName.of('AcroForm'), context.register(context.obj({
    Fields: fieldRefs,
    SigFlags: 3,
    DR: { Font: { [APPEARANCE_FONT_RESOURCE]: regularRef } },
  })));

  const id = documentIdOf(input);
  const title = `${documentKind(input)} Tahun ${input.year} - ${input.firstParty.title}`;
  const date = PDFString.of(pdfDate(input.date));
  context.trailerInfo.Info = context.register(context.obj({
    Title: PDFHexString.fromText(title),
    Author: PDFHexString.fromText(input.unitName ?? input.organisation),
    Subject: PDFHexString.fromText(`Perjanjian Kinerja ${input.firstParty.name}`),
    Creator: PDFString.of('Kinerja'),
    Producer: PDFString.of('Kinerja (pdf-lib)'),
    CreationDate: date,
    ModDate: date,
  }));
  context.trailerInfo.ID = context.obj([PDFHexString.of(id), PDFHexString.of(id)]);

  return doc.save({ useObjectStreams: false, addDefaultPage: false, updateFieldAppearances: false });
}
