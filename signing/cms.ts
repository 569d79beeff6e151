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
} as const;

type Asn1 = forge.asn1.Asn1;

export const seq = (...items: Asn1[]): Asn1 => asn1.create(U, T.SEQUENCE, true, items);
export const set = (...items: Asn1[]): Asn1 => asn1.create(U, T.SET, true, items);
export const oid = (value: string): Asn1 => asn1.create(U, T.OID, false, asn1.oidToDer(value).getBytes());
export const octets = (bytes: Buffer): Asn1 => asn1.create(U, T.OCTETSTRING, false, bytes.toString('binary'));
const integer = (n: number): Asn1 => asn1.create(U, T.INTEGER, false, asn1.integerToDer(n).getBytes());
const nullValue = (): Asn1 => asn1.create(U, T.NULL, false, '');
const explicit = (tag: number, ...items: Asn1[]): Asn1 => asn1.create(asn1.Class.CONTEXT_SPECIFIC, tag, true, items);

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
function signedAttributes(digest: Buffer, signer: CertificateInfo): Asn1[] {
  const essCertIdV2 = seq(
    // hashAlgorithm is omitted: SHA-256 is its DEFAULT, and DER leaves defaults out.
    octets(signer.sha256),
    seq(seq(explicit(4, signer.issuer)), signer.serial),
  );
  const attributes = [
    attribute(OID.contentType, oid(OID.data)),
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
}

/** A detached CMS SignedData (DER) over a precomputed SHA-256 digest. */
export function buildCmsSignature(options: CmsSignOptions): Buffer {
  const certs = options.certificates.map(certificateInfo);
  const signer = certs[0];
  const attrs = signedAttributes(options.digest, signer);
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
  const signedData = seq(
    integer(1),
    set(sha256Algorithm),
    seq(oid(OID.data)),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, certs.map((c) => c.node)),
    set(signerInfo),
  );
  return toDer(seq(oid(OID.signedData), explicit(0, signedData)));
}
