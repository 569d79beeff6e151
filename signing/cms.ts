// CMS SignedData for PAdES (ETSI.CAdES.detached), built with node-forge's ASN.1 and signed with
// Node's native RSA. Signed attributes: content-type, message-digest, signing-certificate-v2;
// no signing-time (PAdES puts the time in the signature dictionary's /M instead).
import { createHash, sign as nativeSign, type KeyObject } from 'node:crypto';
import forge from 'node-forge';

const { asn1 } = forge;
const U = asn1.Class.UNIVERSAL;
const T = asn1.Type;

export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  sha256: '2.16.840.1.101.3.4.2.1',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRSA: '1.2.840.113549.1.1.11',
  /** RFC 3161: the encapsulated content of a time-stamp token. */
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  /** RFC 3161 / ETSI: unsigned attribute carrying a signature time-stamp token. */
  timeStampToken: '1.2.840.113549.1.9.16.2.14',
  /** Extended key usage of a time-stamping authority's certificate. */
  timeStamping: '1.3.6.1.5.5.7.3.8',
} as const;

type Asn1 = forge.asn1.Asn1;

export const seq = (...items: Asn1[]): Asn1 => asn1.create(U, T.SEQUENCE, true, items);
export const set = (...items: Asn1[]): Asn1 => asn1.create(U, T.SET, true, items);
export const oid = (value: string): Asn1 => asn1.create(U, T.OID, false, asn1.oidToDer(value).getBytes());
export const octets = (bytes: Buffer): Asn1 => asn1.create(U, T.OCTETSTRING, false, bytes.toString('binary'));
export const integer = (n: number): Asn1 => asn1.create(U, T.INTEGER, false, asn1.integerToDer(n).getBytes());
const nullValue = (): Asn1 => asn1.create(U, T.NULL, false, '');
export const explicit = (tag: number, ...items: Asn1[]): Asn1 => asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag, true, items);

export const toDer = (node: Asn1): Buffer => Buffer.from(asn1.toDer(node).getBytes(), 'binary');
export const fromDer = (bytes: Buffer): Asn1 => (asn1.fromDer as unknown as (der: string, options: object) => Asn1)(bytes.toString('binary'), { parseAllBytes: false, strict: true, decodeBitStrings: false });

/** A certificate parsed once: its DER, ASN.1 tree, issuer name and serial number nodes. */
export interface CertificateInfo {
  der: Buffer;
  node: Asn1;
  issuer: Asn1;
  serial: Asn1;
  subject: Asn1;
  sha256: Buffer;
}

const certificateCache = new Map<string, CertificateInfo>();

export function certificateInfo(der: Buffer): CertificateInfo {
  const key = createHash('sha256').update(der).digest();
  const cacheKey = key.toString('hex');
  const cached = certificateCache.get(cacheKey);
  if (cached) return cached;
  const node = fromDer(der);
  const tbs = (node.value as Asn1[])[0].value as Asn1[];
  const shift = tbs[0].tagClass === asn1.Class.CONTEXT_SPECIFIC ? 1 : 0;
  const info = { der, node, serial: tbs[shift], issuer: tbs[shift + 2], subject: tbs[shift + 4], sha256: key };
  if (certificateCache.size > 1000) certificateCache.clear();
  certificateCache.set(cacheKey, info);
  return info;
}

function attribute(type: string, value: Asn1): Asn1 {
  return seq(oid(type), set(value));
}

/** The DER SET OF signed attributes, sorted by their encodings as DER requires. */
function signedAttributes(digest: Buffer, signer: CertificateInfo, contentType: string = OID.data): Asn1[] {
  const essCertIdV2 = seq(
    // hashAlgorithm is omitted: SHA-256 is its DEFAULT, and DER leaves defaults out.
    octets(signer.sha256),
    seq(seq(explicit(4, signer.issuer)), signer.serial),
  );
  const attributes = [
    attribute(OID.contentType, oid(contentType)),
    attribute(OID.messageDigest, octets(digest)),
    attribute(OID.signingCertificateV2, seq(seq(essCertIdV2))),
  ];
  return attributes
    .map((node) => ({ node, der: toDer(node) }))
    .sort((a, b) => Buffer.compare(a.der, b.der))
    .map((a) => a.node);
}

export interface CmsSignOptions {
  /** SHA-256 of the signed byte ranges. */
  digest: Buffer;
  /** Signer certificate first, then the rest of its chain (DER). */
  certificates: Buffer[];
  privateKey: KeyObject;
  /** Encapsulated content (a time-stamp token's TSTInfo) and its type; detached id-data when omitted. */
  encapsulated?: { contentType: string; content: Buffer };
}

/** A CMS SignedData (DER): detached over a precomputed SHA-256 digest, or encapsulating content. */
export function buildCmsSignature(options: CmsSignOptions): Buffer {
  const certs = options.certificates.map(certificateInfo);
  const signer = certs[0];
  const contentType = options.encapsulated?.contentType ?? OID.data;
  const attrs = signedAttributes(options.digest, signer, contentType);
  const signature = nativeSign('sha256', toDer(set(...attrs)), options.privateKey);
  const sha256Algorithm = seq(oid(OID.sha256));
  const signerInfo = seq(
    integer(1),
    seq(signer.issuer, signer.serial),
    sha256Algorithm,
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, attrs),
    seq(oid(OID.rsaEncryption), nullValue()),
    octets(signature),
  );
  const encapContentInfo = options.encapsulated
    ? seq(oid(contentType), explicit(0, octets(options.encapsulated.content)))
    : seq(oid(OID.data));
  const signedData = seq(
    // RFC 5652: version 3 when the encapsulated content is not id-data
    integer(options.encapsulated ? 3 : 1),
    set(sha256Algorithm),
    encapContentInfo,
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, certs.map((c) => c.node)),
    set(signerInfo),
  );
  return toDer(seq(oid(OID.signedData), explicit(0, signedData)));
}

/** The CMS with one more unsigned attribute on its (single) SignerInfo; signed parts unchanged. */
export function addUnsignedAttribute(cms: Buffer, type: string, value: Asn1): Buffer {
  const contentInfo = fromDer(cms);
  const signedData = ((contentInfo.value as Asn1[])[1].value as Asn1[])[0];
  const signerInfos = (signedData.value as Asn1[]).filter((n) => n.tagClass === U && n.type === T.SET).at(-1)!; // the last SET: the first is digestAlgorithms
  const signerInfo = (signerInfos.value as Asn1[])[0];
  const parts = signerInfo.value as Asn1[];
  let unsigned = parts.find((n) => n.tagClass === asn1.Class.CONTEXT_SPECIFIC && n.type === 1);
  if (!unsigned) {
    unsigned = asn1.create(asn1.Class.CONTEXT_SPECIFIC, 1, true, []);
    parts.push(unsigned);
  }
  (unsigned.value as Asn1[]).push(attribute(type, value));
  return toDer(contentInfo);
}
