// The CA's certificate revocation list (RFC 5280 §5): built on demand from the revocation store,
// signed with the CA key (SHA-256 with RSA, Node's crypto), valid for a day. Parsed back by the
// verifier, which checks its signature against the issuing CA before believing it.
import { createHash, sign as nativeSign, verify as nativeVerify, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { certificateInfo, explicit, fromDer, integer, octets, oid, OID, seq, toDer } from './cms';
import type { LocalCa } from './certificates';
import { normaliseSerial, REVOCATION_REASONS, type Revocation, type RevocationReason } from './revocations';

const { asn1 } = forge;
type Asn1 = forge.asn1.Asn1;

const OIDS = {
  authorityKeyIdentifier: '2.5.29.35',
  cRLNumber: '2.5.29.20',
  reasonCode: '2.5.29.21',
} as const;

/** How long a CRL is fresh: a validator wants the next one by then. */
export const CRL_VALIDITY_MS = 24 * 3_600_000;

const utcTime = (at: Date): Asn1 => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(at));
const serialInteger = (hex: string): Asn1 => {
  const bytes = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, (bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes).toString('binary'));
};
const extension = (id: string, value: Asn1): Asn1 => seq(oid(id), octets(toDer(value)));
const enumerated = (n: number): Asn1 => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.ENUMERATED, false, String.fromCharCode(n));

/** The CA certificate's subject key identifier (for the CRL's authority key identifier). */
function subjectKeyIdentifier(caPem: string): Buffer {
  const ext = forge.pki.certificateFromPem(caPem).getExtension('subjectKeyIdentifier') as { subjectKeyIdentifier?: string } | null;
  if (!ext?.subjectKeyIdentifier) throw new Error('The CA certificate has no subject key identifier');
  return Buffer.from(ext.subjectKeyIdentifier, 'hex');
}

export interface CrlOptions {
  ca: LocalCa;
  revoked: Revocation[];
  now?: Date;
}

/** A DER CRL of the CA's revocations, this update now, next update in a day. */
export function buildCrl(options: CrlOptions): Buffer {
  const now = options.now ?? new Date();
  const issuer = certificateInfo(options.ca.certificateDer).subject;
  const sha256WithRsa = seq(oid(OID.sha256WithRSA), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, ''));
  const entries = options.revoked.map((r) => seq(
    serialInteger(normaliseSerial(r.serialNumber)),
    utcTime(r.revokedAt),
    seq(extension(OIDS.reasonCode, enumerated(REVOCATION_REASONS[r.reason]))),
  ));
  // CRL numbers must grow: seconds since the epoch do, for CRLs made on demand.
  const crlNumber = integer(Math.floor(now.getTime() / 1000));
  const tbs = seq(
    integer(1), // v2
    sha256WithRsa,
    issuer,
    utcTime(now),
    utcTime(new Date(now.getTime() + CRL_VALIDITY_MS)),
    ...(entries.length ? [seq(...entries)] : []),
    explicit(0, seq(
      extension(OIDS.authorityKeyIdentifier, seq(asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, false, subjectKeyIdentifier(options.ca.certificatePem).toString('binary')))),
      extension(OIDS.cRLNumber, crlNumber),
    )),
  );
  const signature = nativeSign('sha256', toDer(tbs), options.ca.privateKey);
  const bitString = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, `\x00${signature.toString('binary')}`);
  return toDer(seq(tbs, sha256WithRsa, bitString));
}

export interface ParsedCrl {
  issuerDer: Buffer;
  thisUpdate: Date;
  nextUpdate: Date | null;
  revoked: Map<string, { revokedAt: Date; reason: RevocationReason | null }>;
  sha256: string;
}

/** A CRL's contents, if it is signed by `issuer`; null otherwise. */
export function readCrl(der: Buffer, issuer: X509Certificate): ParsedCrl | null {
  const [tbs, , signatureBits] = fromDer(der).value as Asn1[];
  const signature = Buffer.from(signatureBits.value as string, 'binary').subarray(1);
  if (!nativeVerify('sha256', toDer(tbs), issuer.publicKey, signature)) return null;
  const parts = tbs.value as Asn1[];
  const shift = parts[0].type === asn1.Type.INTEGER ? 1 : 0;
  const issuerName = parts[shift + 1];
  if (!toDer(issuerName).equals(toDer(certificateInfo(issuer.raw).subject))) return null;
  const time = (node: Asn1) => (node.type === asn1.Type.UTCTIME ? asn1.utcTimeToDate(node.value as string) : asn1.generalizedTimeToDate(node.value as string));
  const thisUpdate = time(parts[shift + 2]);
  const next = parts[shift + 3];
  const nextUpdate = next && (next.type === asn1.Type.UTCTIME || next.type === asn1.Type.GENERALIZEDTIME) ? time(next) : null;
  const list = parts.find((p, i) => i > shift + 2 && p.tagClass === asn1.Class.UNIVERSAL && p.type === asn1.Type.SEQUENCE);
  const revoked = new Map<string, { revokedAt: Date; reason: RevocationReason | null }>();
  const byCode = new Map<number, RevocationReason>(Object.entries(REVOCATION_REASONS).map(([k, v]) => [v, k as RevocationReason]));
  for (const entry of (list?.value as Asn1[] | undefined) ?? []) {
    const [serial, date, extensions] = entry.value as Asn1[];
    let reason: RevocationReason | null = null;
    for (const ext of (extensions?.value as Asn1[] | undefined) ?? []) {
      const [id, value] = ext.value as Asn1[];
      if (asn1.derToOid(id.value as string) === OIDS.reasonCode) reason = byCode.get((fromDer(Buffer.from(value.value as string, 'binary')).value as string).charCodeAt(0)) ?? null;
    }
    revoked.set(normaliseSerial(Buffer.from(serial.value as string, 'binary').toString('hex')), { revokedAt: time(date), reason });
  }
  return { issuerDer: toDer(issuerName), thisUpdate, nextUpdate, revoked, sha256: createHash('sha256').update(der).digest('hex') };
}
