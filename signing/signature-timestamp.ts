// PAdES-B-T: a signature timestamp (RFC 3161) over the last signature's value, added as the
// unsigned attribute id-aa-timeStampToken. /Contents lies outside the signed byte range, so the
// CMS is rewritten in place in its reserved space: no new revision, and the signature stays valid.
import { createHash } from 'node:crypto';
import forge from 'node-forge';
import { addUnsignedAttribute, fromDer, OID } from './cms';
import { PdfReader, nameOf } from './pdf-reader';
import type { TimeStampAuthority } from './timestamp-authority';

type Asn1 = forge.asn1.Asn1;

interface PlacedSignature {
  /** Offsets of the hex digits inside <…>. */
  hexStart: number;
  hexEnd: number;
  cms: Buffer;
}

/** The signature (not document timestamp) whose byte range ends last. */
function lastSignature(bytes: Buffer): PlacedSignature | null {
  const reader = new PdfReader(bytes);
  let last: PlacedSignature | null = null;
  let lastEnd = -1;
  for (const { field } of reader.fields()) {
    if (nameOf(field.get('FT')) !== 'Sig' || !field.has('V')) continue;
    const sig = reader.dict(field.get('V'));
    if (!sig || nameOf(sig.get('SubFilter')) !== 'ETSI.CAdES.detached') continue;
    const range = sig.get('ByteRange');
    if (!Array.isArray(range) || range.length !== 4) continue;
    const [, b, c, d] = range as number[];
    if (c + d <= lastEnd) continue;
    lastEnd = c + d;
    const hex = bytes.toString('latin1', b + 1, c - 1);
    const der = Buffer.from(hex, 'hex');
    // the DER's own length says where the CMS ends inside the zero padding
    const cms = Buffer.from(forge.asn1.toDer(fromDer(der)).getBytes(), 'binary');
    last = { hexStart: b + 1, hexEnd: c - 1, cms };
  }
  return last;
}

/** The SignerInfo's signature value and whether it already carries a signature timestamp. */
export function signerInfoOf(cms: Buffer): { signature: Buffer; timestamped: boolean } {
  const signedData = ((fromDer(cms).value as Asn1[])[1].value as Asn1[])[0];
  const signerInfos = (signedData.value as Asn1[]).filter((n) => n.tagClass === forge.asn1.Class.UNIVERSAL && n.type === forge.asn1.Type.SET).at(-1)!; // the last SET: the first is digestAlgorithms
  const parts = (signerInfos.value as Asn1[])[0].value as Asn1[];
  const signature = parts[5]; // version, sid, digestAlgorithm, signedAttrs, signatureAlgorithm, signature
  const unsigned = parts.find((n) => n.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && n.type === 1);
  const timestamped = (unsigned?.value as Asn1[] | undefined)?.some((attr) => forge.asn1.derToOid((attr.value as Asn1[])[0].value as string) === OID.timeStampToken) ?? false;
  return { signature: Buffer.from(signature.value as string, 'binary'), timestamped };
}

/** The PDF with a signature timestamp on its last signature (unchanged if it has one already). */
export async function timestampLastSignature(pdf: Uint8Array, tsa: TimeStampAuthority): Promise<Buffer> {
  const bytes = Buffer.from(pdf);
  const placed = lastSignature(bytes);
  if (!placed) throw new Error('The document has no CAdES signature to timestamp');
  const { signature, timestamped } = signerInfoOf(placed.cms);
  if (timestamped) return bytes;
  const token = await tsa.stamp(createHash('sha256').update(signature).digest());
  const cms = addUnsignedAttribute(placed.cms, OID.timeStampToken, fromDer(token));
  const hex = cms.toString('hex');
  if (hex.length > placed.hexEnd - placed.hexStart) {
    throw new Error(`The timestamped CMS (${cms.length} bytes) does not fit the signature's reserved ${(placed.hexEnd - placed.hexStart) / 2}`);
  }
  bytes.write(hex.padEnd(placed.hexEnd - placed.hexStart, '0'), placed.hexStart, 'latin1');
  return bytes;
}
