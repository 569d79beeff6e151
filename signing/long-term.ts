// PAdES-B-LT and -LTA: after the last signature, the validation data a verifier needs years later
// goes into the document's DSS (every certificate of the signatures and their timestamps, the
// CA's current CRL, and a VRI entry per signature) as an incremental update; then a document
// timestamp (RFC 3161 over the whole file, /SubFilter /ETSI.RFC3161) seals it all (LTA).
import { createHash } from 'node:crypto';
import forge from 'node-forge';
import { fromDer, OID, toDer } from './cms';
import { IncrementalUpdate } from './incremental-update';
import { PdfRaw, PdfRef, PdfString, dict, name, type PdfDict, type PdfValue } from './pdf-objects';
import { PdfReader, nameOf } from './pdf-reader';
import type { TimeStampAuthority } from './timestamp-authority';

type Asn1 = forge.asn1.Asn1;

const TIMESTAMP_CAPACITY = 8192;
const BYTE_RANGE_PLACEHOLDER = '[0 0000000000 0000000000 0000000000]';
const CONTENTS_PLACEHOLDER = `<${'0'.repeat(TIMESTAMP_CAPACITY * 2)}>`;

const children = (node: Asn1 | undefined): Asn1[] => (node && Array.isArray(node.value) ? node.value : []);

/** The certificates a SignedData carries, and those of its signature timestamp tokens. */
function cmsCertificates(cms: Buffer): Buffer[] {
  const out: Buffer[] = [];
  const signedData = children(children(children(fromDer(cms))[1])[0]);
  for (const part of signedData.slice(3)) {
    if (part.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && part.type === 0) for (const cert of children(part)) out.push(toDer(cert));
  }
  const signerInfos = signedData.filter((n) => n.tagClass === forge.asn1.Class.UNIVERSAL && n.type === forge.asn1.Type.SET).at(-1);
  for (const info of children(signerInfos)) {
    const unsigned = children(info).find((n) => n.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && n.type === 1);
    for (const attr of children(unsigned)) {
      const [type, values] = children(attr);
      if (forge.asn1.derToOid(type.value as string) !== OID.timeStampToken) continue;
      for (const token of children(values)) out.push(...cmsCertificates(toDer(token)));
    }
  }
  return out;
}

interface SignatureContents {
  /** The whole /Contents string, zero padding included (what a VRI key is the SHA-1 of). */
  contents: Buffer;
  cms: Buffer;
}

function signatureContents(reader: PdfReader): SignatureContents[] {
  const out: SignatureContents[] = [];
  for (const { field } of reader.fields()) {
    if (nameOf(field.get('FT')) !== 'Sig') continue;
    const sig = reader.dict(field.get('V'));
    const contents = sig?.get('Contents');
    if (!(contents instanceof PdfString)) continue;
    const bytes = Buffer.from(contents.bytes);
    out.push({ contents: bytes, cms: toDer(fromDer(bytes)) });
  }
  return out;
}

export interface ValidationData {
  /** CRLs (DER) covering every certificate the signatures use, fresh. */
  crls: Buffer[];
  /** Certificates to add beyond those the signatures carry (DER). */
  certificates?: Buffer[];
}

/** The document with a DSS dictionary (Certs, CRLs, VRI) appended as an incremental update. */
export function addDss(pdf: Uint8Array, data: ValidationData): Buffer {
  const reader = new PdfReader(Buffer.from(pdf));
  const update = new IncrementalUpdate(reader);
  const signatures = signatureContents(reader);
  const unique = new Map<string, Buffer>();
  for (const der of [...signatures.flatMap((s) => cmsCertificates(s.cms)), ...(data.certificates ?? [])]) {
    unique.set(createHash('sha256').update(der).digest('hex'), der);
  }
  const stream = (der: Buffer) => {
    const ref = update.allocate();
    update.putStream(ref, new Map(), der);
    return ref;
  };
  const certRefs = [...unique.values()].map(stream);
  const crlRefs = data.crls.map(stream);
  const vri: PdfDict = new Map();
  for (const s of signatures) {
    const key = createHash('sha1').update(s.contents).digest('hex').toUpperCase();
    vri.set(key, dict({ Cert: certRefs, CRL: crlRefs }));
  }
  const dssRef = update.allocate();
  update.put(dssRef, dict({ Type: name('DSS'), Certs: certRefs, CRLs: crlRefs, VRI: vri }));
  const rootRef = reader.trailer.get('Root');
  if (!(rootRef instanceof PdfRef)) throw new Error('The document catalog is not an indirect object');
  const catalog: PdfDict = new Map(reader.catalog());
  catalog.set('DSS', dssRef);
  update.put(rootRef, catalog as PdfValue);
  return update.build().bytes;
}

/** The document with a document timestamp (an invisible /DocTimeStamp signature field) appended. */
export async function addDocumentTimestamp(pdf: Uint8Array, tsa: TimeStampAuthority): Promise<Buffer> {
  const input = Buffer.from(pdf);
  const reader = new PdfReader(input);
  const update = new IncrementalUpdate(reader);
  const rootRef = reader.trailer.get('Root') as PdfRef;
  const catalog: PdfDict = new Map(reader.catalog());
  const formValue = catalog.get('AcroForm');
  const form: PdfDict = new Map(reader.dict(formValue) ?? []);
  const existingFields = reader.resolve(form.get('Fields'));
  const fields = Array.isArray(existingFields) ? [...existingFields] : [];
  const page = reader.pageRefs()[0];
  const sigRef = update.allocate();
  const fieldRef = update.allocate();
  const count = reader.fields().filter(({ field }) => nameOf(field.get('FT')) === 'Sig').length;
  update.put(fieldRef, dict({
    FT: name('Sig'), T: PdfString.fromText(`Penanda waktu dokumen ${count + 1}`), V: sigRef,
    Type: name('Annot'), Subtype: name('Widget'), Rect: [0, 0, 0, 0], F: 132, P: page,
  }));
  const sig: PdfDict = dict({ Type: name('DocTimeStamp'), Filter: name('Adobe.PPKLite'), SubFilter: name('ETSI.RFC3161') });
  sig.set('ByteRange', new PdfRaw(BYTE_RANGE_PLACEHOLDER));
  sig.set('Contents', new PdfRaw(CONTENTS_PLACEHOLDER));
  update.put(sigRef, sig);
  fields.push(fieldRef);
  form.set('Fields', fields);
  form.set('SigFlags', 3);
  if (formValue instanceof PdfRef) update.put(formValue, form as PdfValue);
  else {
    catalog.set('AcroForm', form);
    update.put(rootRef, catalog as PdfValue);
  }
  // The widget belongs on its page too.
  const pageDict: PdfDict = new Map(reader.dict(page) ?? []);
  const annots = reader.resolve(pageDict.get('Annots'));
  pageDict.set('Annots', [...(Array.isArray(annots) ? annots : []), fieldRef]);
  update.put(page, pageDict as PdfValue);

  const out = update.build().bytes;
  const rangeAt = out.indexOf(BYTE_RANGE_PLACEHOLDER, input.length, 'latin1');
  const contentsStart = out.indexOf(CONTENTS_PLACEHOLDER, input.length, 'latin1');
  const contentsEnd = contentsStart + CONTENTS_PLACEHOLDER.length;
  out.write(`[0 ${contentsStart} ${contentsEnd} ${out.length - contentsEnd}]`.padEnd(BYTE_RANGE_PLACEHOLDER.length, ' '), rangeAt, 'latin1');
  const digest = createHash('sha256').update(out.subarray(0, contentsStart)).update(out.subarray(contentsEnd)).digest();
  const token = await tsa.stamp(digest);
  if (token.length > TIMESTAMP_CAPACITY) throw new Error(`Document timestamp of ${token.length} bytes exceeds the reserved ${TIMESTAMP_CAPACITY}`);
  out.write(token.toString('hex'), contentsStart + 1, 'latin1');
  return out;
}

/** B-T → B-LTA: validation data in a DSS, then a document timestamp over everything. */
export async function extendToLta(pdf: Uint8Array, data: ValidationData & { tsa: TimeStampAuthority }): Promise<Buffer> {
  return addDocumentTimestamp(addDss(pdf, data), data.tsa);
}
