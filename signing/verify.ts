// Verifies every signature of a PK's PDF: the CMS over its byte range, the signed attributes
// PAdES requires, the certificate chain up to a trusted root, and that nothing but signatures
// was appended after the first signature (and nothing at all after the last).
import { createHash, verify as nativeVerify, type X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { certificateParty } from './certificate-names';
import { OID, fromDer, set, toDer } from './cms';
import { PdfRef, PdfString, type PdfDict } from './pdf-objects';
import { PdfReader, nameOf, textOf } from './pdf-reader';
import { readTstInfo } from './timestamp-authority';
import { readCrl, type ParsedCrl } from './crl';
import { parseCertificate } from './x509-cache';
import { normaliseSerial } from './revocations';
import { validationOnlyRevision } from './revision-check';
import { worstSignatureProblem, type PadesLevel, type SignatureProblemCode, type VerdictCode } from './verdict';

type Asn1 = forge.asn1.Asn1;

/** One certificate of a signer's chain, as a person checking it wants to see it. */
export interface ChainCertificate {
  subject: string;
  /** The subject's common name (CN): the person or authority, as a reader names them. */
  subjectName: string;
  issuer: string;
  issuerName: string;
  serialNumber: string;
  validFrom: string;
  validTo: string;
  sha256: string;
}

/** The signature timestamp (RFC 3161) over a signature, when it carries one. */
export interface TimestampReport {
  /** genTime of the token. */
  time: string;
  /** Subject of the time-stamping authority's certificate. */
  authority: string;
  /** Its common name. */
  authorityName: string;
  valid: boolean;
}

/** Whether the signer's certificate was revoked, as far as this verifier knows. */
export interface RevocationReport {
  /** unknown: no revocation data for it, in the document or given to the verifier. */
  status: 'good' | 'revoked' | 'unknown';
  /** Where the answer comes from. */
  source: 'document' | 'issuer' | null;
  revokedAt?: string;
  reason?: string;
}

export interface SignatureReport {
  fieldName: string;
  signerName: string | null;
  nip: string | null;
  issuer: string | null;
  /** Subjects from the signer up to the root. */
  chain: string[];
  /** The same chain with serial numbers, validity and fingerprints. */
  certificates: ChainCertificate[];
  /** Whether the chain ends at a CA this verifier trusts. */
  trusted: boolean;
  /** The PAdES baseline level this signature reaches. */
  level: PadesLevel;
  timestamp: TimestampReport | null;
  revocation: RevocationReport;
  signingTime: string | null;
  reason: string | null;
  location: string | null;
  subFilter: string | null;
  byteRange: number[];
  coversWholeFile: boolean;
  valid: boolean;
  /** Why the signature is invalid, when it is. */
  invalidReason?: string;
  problems: string[];
  /** The problems as stable codes (same order, possibly fewer: one code per kind). */
  codes: SignatureProblemCode[];
}

export interface VerificationReport {
  ok: boolean;
  /** The verdict on the whole document: 'valid' or the most severe problem. */
  verdict: VerdictCode;
  /** The lowest level among the signatures (null when there is none). */
  level: PadesLevel | null;
  documentTimestamps: DocumentTimestampReport[];
  /** What the document's DSS holds (PAdES-LT), when it has one. */
  validationData: { certificates: number; crls: number } | null;
  signatures: SignatureReport[];
  /** Problems with the document as a whole (unsigned additions, unreadable file…). */
  problems: string[];
}

/** Collects problems with their codes. */
class Findings {
  readonly messages: string[] = [];
  readonly codes: SignatureProblemCode[] = [];
  add(code: SignatureProblemCode, message: string): void {
    this.messages.push(message);
    if (!this.codes.includes(code)) this.codes.push(code);
  }
}

export interface VerifyOptions {
  /** Trusted root certificates, PEM or DER. */
  trustedRoots: Array<string | Buffer>;
  /** Require at least this many signatures (default 1). */
  minSignatures?: number;
  /** What the issuing CA itself knows about a certificate (this installation's revocations). */
  revocations?: (issuer: X509Certificate, serialNumber: string) => { revokedAt: Date; reason: string | null } | null;
}

/** A document timestamp (PAdES-LTA): an RFC 3161 token over the whole file up to it. */
export interface DocumentTimestampReport {
  fieldName: string;
  time: string | null;
  authority: string | null;
  authorityName: string | null;
  byteRange: number[];
  coversWholeFile: boolean;
  valid: boolean;
  problems: string[];
}

function asn1Children(node: Asn1): Asn1[] {
  return Array.isArray(node.value) ? node.value : [];
}

function oidOf(node: Asn1): string {
  return forge.asn1.derToOid(node.value as string);
}

function parseDate(value: string | null): Date | null {
  const m = value && /^D:(\d{4})(\d{2})(\d{2})(\d{2})?(\d{2})?(\d{2})?(Z|[+-]\d{2}'?\d{2}'?)?/.exec(value);
  if (!m) return null;
  const base = Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0));
  const zone = m[7] && m[7] !== 'Z' ? m[7].replace(/'/g, '') : null;
  const offset = zone ? (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(3, 5))) : 0;
  return new Date(base - offset * 60_000);
}

interface CmsExpectation {
  /** Detached: SHA-256 of the signed bytes. Omitted: the digest of the encapsulated content. */
  digest?: Buffer;
  contentType: string;
  /** PAdES rules: signing-certificate-v2 required, no signing-time. */
  pades: boolean;
  /** Codes for a broken signature and a digest mismatch (a signature, or its timestamp token). */
  invalid: SignatureProblemCode;
  changed: SignatureProblemCode;
}

interface CmsResult {
  signer: X509Certificate | null;
  certificates: X509Certificate[];
  /** The SignerInfo's signature value (what a signature timestamp covers). */
  signature: Buffer | null;
  /** Unsigned attributes by type. */
  unsigned: Map<string, Asn1[]>;
  /** Encapsulated content, when there is some. */
  content: Buffer | null;
}

/** Checks one CMS SignedData; returns its signer certificate and adds the problems found. */
function checkCms(cmsBytes: Buffer, expect: CmsExpectation, problems: Findings): CmsResult {
  const bad = (message: string) => problems.add(expect.invalid, message);
  const result: CmsResult = { signer: null, certificates: [], signature: null, unsigned: new Map(), content: null };
  const contentInfo = fromDer(cmsBytes);
  const [type, wrapped] = asn1Children(contentInfo);
  if (!type || oidOf(type) !== OID.signedData || !wrapped) { bad('CMS is not SignedData'); return result; }
  const signedData = asn1Children(asn1Children(wrapped)[0]);
  const [eContentType, eContent] = asn1Children(signedData[2]);
  if (!eContentType || oidOf(eContentType) !== expect.contentType) bad(`Encapsulated content is not ${expect.contentType}`);
  if (eContent) result.content = Buffer.from(asn1Children(eContent)[0]?.value as string ?? '', 'binary');
  const certificates = result.certificates;
  let signerInfos: Asn1 | undefined;
  for (const part of signedData.slice(3)) {
    if (part.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && part.type === 0) {
      for (const cert of asn1Children(part)) certificates.push(parseCertificate(toDer(cert)));
    } else if (part.tagClass === forge.asn1.Class.UNIVERSAL && part.type === forge.asn1.Type.SET) signerInfos = part;
  }
  const infos = signerInfos ? asn1Children(signerInfos) : [];
  if (infos.length !== 1) { bad(`Expected one SignerInfo, found ${infos.length}`); return result; }
  const info = asn1Children(infos[0]);
  const sid = info[1];
  const digestAlgorithm = oidOf(asn1Children(info[2])[0]);
  if (digestAlgorithm !== OID.sha256) bad(`Unsupported digest algorithm ${digestAlgorithm}`);
  const signedAttrs = info[3];
  if (!signedAttrs || signedAttrs.tagClass !== forge.asn1.Class.CONTEXT_SPECIFIC || signedAttrs.type !== 0) {
    bad('No signed attributes');
    return result;
  }
  const signatureAlgorithm = oidOf(asn1Children(info[4])[0]);
  const signature = Buffer.from(info[5].value as string, 'binary');
  result.signature = signature;
  const unsignedAttrs = info[6];
  if (unsignedAttrs && unsignedAttrs.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && unsignedAttrs.type === 1) {
    for (const attr of asn1Children(unsignedAttrs)) {
      const [attrType, values] = asn1Children(attr);
      result.unsigned.set(oidOf(attrType), asn1Children(values));
    }
  }

  const [sidIssuer, sidSerial] = asn1Children(sid);
  const sidIssuerDer = toDer(sidIssuer);
  const sidSerialHex = Buffer.from(sidSerial.value as string, 'binary').toString('hex').replace(/^0+/, '').toUpperCase();
  const signer = certificates.find((c) => {
    const parsed = fromDer(c.raw);
    const tbs = asn1Children(asn1Children(parsed)[0]);
    const shift = tbs[0].tagClass === forge.asn1.Class.CONTEXT_SPECIFIC ? 1 : 0;
    return c.serialNumber.replace(/^0+/, '').toUpperCase() === sidSerialHex && toDer(tbs[shift + 2]).equals(sidIssuerDer);
  }) ?? null;
  if (!signer) { bad('Signer certificate not included'); return result; }
  result.signer = signer;

  const attrs = new Map<string, Asn1>();
  for (const attr of asn1Children(signedAttrs)) {
    const [attrType, values] = asn1Children(attr);
    attrs.set(oidOf(attrType), asn1Children(values)[0]);
  }
  const contentType = attrs.get(OID.contentType);
  if (!contentType || oidOf(contentType) !== expect.contentType) bad(`content-type attribute missing or not ${expect.contentType}`);
  const digest = expect.digest ?? (result.content ? createHash('sha256').update(result.content).digest() : null);
  const messageDigest = attrs.get(OID.messageDigest);
  if (!messageDigest || !digest) bad('message-digest attribute or content missing');
  else if (!Buffer.from(messageDigest.value as string, 'binary').equals(digest)) {
    problems.add(expect.changed, expect.pades ? 'Document digest does not match: the signed bytes were changed' : 'Timestamp token digest does not match its content');
  }
  if (expect.pades && attrs.has(OID.signingTime)) bad('signing-time attribute present (not allowed in PAdES)');
  const signingCertificate = attrs.get(OID.signingCertificateV2);
  if (!signingCertificate) {
    if (expect.pades) bad('signing-certificate-v2 attribute missing');
  } else {
    const firstId = asn1Children(asn1Children(asn1Children(signingCertificate)[0])[0]);
    const hashNode = firstId[0].type === forge.asn1.Type.OCTETSTRING ? firstId[0] : firstId[1];
    const expected = createHash('sha256').update(signer.raw).digest();
    if (!hashNode || !Buffer.from(hashNode.value as string, 'binary').equals(expected)) bad('signing-certificate-v2 does not match the signer certificate');
  }
  if (signatureAlgorithm !== OID.rsaEncryption && signatureAlgorithm !== OID.sha256WithRSA) bad(`Unsupported signature algorithm ${signatureAlgorithm}`);
  // The signature covers the attributes re-tagged as a SET OF, exactly as encoded.
  const signedBytes = toDer(set(...asn1Children(signedAttrs)));
  // A changed document fails the digest; the RSA check over unchanged attributes still tells
  // whether the signature itself is intact, so only report it when it is not.
  if (!nativeVerify('sha256', signedBytes, signer.publicKey, signature)) bad('RSA signature does not verify');
  return result;
}

/** Checks a signature timestamp token over `signatureValue`: its CMS, imprint, and TSA chain. */
function checkTimestamp(token: Asn1, signatureValue: Buffer, roots: X509Certificate[], problems: Findings): TimestampReport | null {
  const local = new Findings();
  const cms = checkCms(toDer(token), { contentType: OID.tstInfo, pades: false, invalid: 'timestamp_invalid', changed: 'timestamp_invalid' }, local);
  if (!cms.content || !cms.signer) {
    for (const message of local.messages) problems.add('timestamp_invalid', `Timestamp: ${message}`);
    return null;
  }
  const info = readTstInfo(cms.content);
  if (info.imprintAlgorithm !== OID.sha256 || !info.imprint.equals(createHash('sha256').update(signatureValue).digest())) {
    local.add('timestamp_invalid', 'The timestamp is not over this signature');
  }
  if (!(cms.signer.keyUsage ?? []).includes(OID.timeStamping)) local.add('timestamp_invalid', 'The timestamp certificate is not for time-stamping');
  const chain = checkChain(cms.signer, cms.certificates, roots, info.genTime, local);
  for (const message of local.messages) problems.add('timestamp_invalid', `Timestamp: ${message}`);
  return {
    time: info.genTime.toISOString(),
    authority: chain.chain[0].subject.replace(/\n/g, ', '),
    authorityName: certificateNames(chain.chain[0]).subjectName,
    valid: local.messages.length === 0,
  };
}

/** Builds the chain from the signer to a trusted root; problems when it cannot. */
function checkChain(signer: X509Certificate, pool: X509Certificate[], roots: X509Certificate[], at: Date, problems: Findings): { chain: X509Certificate[]; trusted: boolean } {
  const chain = [signer];
  // Certificates are told apart by fingerprint: a document may carry one certificate twice (in a
  // CMS and in the DSS), and a chain never lists one twice (a self-issued CA ends the walk).
  const listed = new Set([signer.fingerprint256]);
  const within = (c: X509Certificate) => new Date(c.validFrom) <= at && at <= new Date(c.validTo);
  for (let depth = 0; depth < 8; depth++) {
    const current = chain[chain.length - 1];
    if (!within(current)) problems.add('certificate_expired', `Certificate "${current.subject.replace(/\n/g, ', ')}" was not valid at the signing time`);
    const trusted = roots.find((root) => root.fingerprint256 === current.fingerprint256)
      ?? roots.find((root) => current.checkIssued(root) && current.verify(root.publicKey));
    if (trusted) {
      // Appended even when `current` is that root (a signer that is itself trusted): such a chain has
      // always listed it twice, and revocationOf takes chain[1] for the signer's issuer.
      chain.push(trusted);
      if (!within(trusted)) problems.add('certificate_expired', 'Trusted root was not valid at the signing time');
      return { chain, trusted: true };
    }
    const issuer = pool.find((c) => !listed.has(c.fingerprint256) && c.ca && current.checkIssued(c) && current.verify(c.publicKey));
    if (!issuer) break;
    chain.push(issuer);
    listed.add(issuer.fingerprint256);
  }
  problems.add('untrusted_certificate', 'Certificate chain does not reach a trusted CA');
  return { chain, trusted: false };
}

/** Ends (exclusive) of each revision: just after each "%%EOF" and its end-of-line. */
function revisionEnds(bytes: Buffer): number[] {
  const ends: number[] = [];
  let at = bytes.indexOf('%%EOF');
  while (at >= 0) {
    let end = at + 5;
    if (bytes[end] === 0x0d) end++;
    if (bytes[end] === 0x0a) end++;
    ends.push(end);
    at = bytes.indexOf('%%EOF', end);
  }
  return ends;
}

interface Dss {
  certificates: X509Certificate[];
  crls: Buffer[];
}

function readDss(reader: PdfReader): Dss | null {
  const dss = reader.dict(reader.catalog().get('DSS'));
  if (!dss) return null;
  const streams = (key: string) => {
    const list = reader.resolve(dss.get(key));
    return Array.isArray(list) ? list.map((ref) => reader.streamData(ref)).filter((b): b is Buffer => b !== null) : [];
  };
  const certificates: X509Certificate[] = [];
  for (const der of streams('Certs')) {
    try {
      certificates.push(parseCertificate(der));
    } catch {
      /* not a certificate: ignored, as a validator would */
    }
  }
  return { certificates, crls: streams('CRLs') };
}

/** The signer certificate's revocation status: the issuing CA's own word first, else the DSS's CRLs. */
function revocationOf(chain: X509Certificate[], dss: Dss | null, options: VerifyOptions): RevocationReport {
  const [signer, issuer] = chain;
  if (!signer || !issuer) return { status: 'unknown', source: null };
  const serial = normaliseSerial(signer.serialNumber);
  const known = options.revocations?.(issuer, serial);
  if (known) return { status: 'revoked', source: 'issuer', revokedAt: known.revokedAt.toISOString(), reason: known.reason ?? undefined };
  for (const der of dss?.crls ?? []) {
    let crl: ParsedCrl | null = null;
    try {
      crl = readCrl(der, issuer);
    } catch {
      continue;
    }
    if (!crl) continue;
    const entry = crl.revoked.get(serial);
    if (entry) return { status: 'revoked', source: 'document', revokedAt: entry.revokedAt.toISOString(), reason: entry.reason ?? undefined };
    return { status: 'good', source: 'document' };
  }
  return { status: 'unknown', source: null };
}

function verifyDocumentTimestamp(bytes: Buffer, fieldName: string, sig: PdfDict, roots: X509Certificate[]): DocumentTimestampReport {
  const report: DocumentTimestampReport = { fieldName, time: null, authority: null, authorityName: null, byteRange: [], coversWholeFile: false, valid: false, problems: [] };
  const findings = new Findings();
  try {
    const range = sig.get('ByteRange');
    if (!Array.isArray(range) || range.length !== 4 || !range.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 0)) throw new Error('Bad /ByteRange');
    const [a, b, c, d] = range as number[];
    report.byteRange = [a, b, c, d];
    if (a !== 0 || b >= c || c + d > bytes.length || bytes[b] !== 0x3c || bytes[c - 1] !== 0x3e) throw new Error('/ByteRange does not describe this file');
    report.coversWholeFile = c + d === bytes.length;
    const hex = bytes.toString('latin1', b + 1, c - 1);
    if (!/^[0-9a-fA-F]*$/.test(hex)) throw new Error('/ByteRange gap is not the /Contents string');
    const cms = checkCms(Buffer.from(hex, 'hex'), { contentType: OID.tstInfo, pades: false, invalid: 'timestamp_invalid', changed: 'timestamp_invalid' }, findings);
    if (cms.content && cms.signer) {
      const info = readTstInfo(cms.content);
      report.time = info.genTime.toISOString();
      const digest = createHash('sha256').update(bytes.subarray(a, a + b)).update(bytes.subarray(c, c + d)).digest();
      if (info.imprintAlgorithm !== OID.sha256 || !info.imprint.equals(digest)) findings.add('document_modified', 'Document timestamp: the timestamped bytes were changed');
      if (!(cms.signer.keyUsage ?? []).includes(OID.timeStamping)) findings.add('timestamp_invalid', 'Document timestamp: the certificate is not for time-stamping');
      const chain = checkChain(cms.signer, cms.certificates, roots, info.genTime, findings);
      report.authority = chain.chain[0].subject.replace(/\n/g, ', ');
      report.authorityName = certificateNames(chain.chain[0]).subjectName;
    }
  } catch (err) {
    findings.add('malformed_signature', `Document timestamp: ${err instanceof Error ? err.message : String(err)}`);
  }
  report.problems = findings.messages;
  report.valid = findings.messages.length === 0;
  (report as DocumentTimestampReport & { codes?: SignatureProblemCode[] }).codes = findings.codes;
  return report;
}

const end = (range: number[]) => range[2] + range[3];

/** A report of every signature in the PDF; never throws. */
export function verifyDocument(pdf: Uint8Array, options: VerifyOptions): VerificationReport {
  const problems: string[] = [];
  let signatures: SignatureReport[] = [];
  let documentTimestamps: DocumentTimestampReport[] = [];
  let validationData: VerificationReport['validationData'] = null;
  let verdict: VerdictCode | null = null;
  const extraCodes: SignatureProblemCode[] = [];
  try {
    const bytes = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
    const roots = options.trustedRoots.map((root) => parseCertificate(root));
    const reader = new PdfReader(bytes);
    const dss = readDss(reader);
    if (dss) validationData = { certificates: dss.certificates.length, crls: dss.crls.length };
    const checked: Array<{ report: SignatureReport; chain: X509Certificate[]; provenTime: Date | null }> = [];
    for (const { field } of reader.fields()) {
      if (nameOf(field.get('FT')) !== 'Sig' || !field.has('V')) continue;
      const sig = reader.dict(field.get('V'));
      if (!sig) continue;
      const fieldName = textOf(field.get('T')) ?? '';
      if (nameOf(sig.get('SubFilter')) === 'ETSI.RFC3161') documentTimestamps.push(verifyDocumentTimestamp(bytes, fieldName, sig, roots));
      else checked.push(verifySignature(bytes, fieldName, sig, roots, dss?.certificates ?? []));
    }
    for (const { report, chain, provenTime } of checked) {
      report.revocation = revocationOf(chain, dss, options);
      const at = provenTime ?? (report.signingTime ? new Date(report.signingTime) : null);
      if (report.revocation.status === 'revoked' && (!at || new Date(report.revocation.revokedAt!) <= at)) {
        report.problems.push('The signer certificate was revoked before the signature was made');
        if (!report.codes.includes('certificate_revoked')) report.codes.push('certificate_revoked');
        report.valid = false;
        report.invalidReason ??= report.problems[0];
      }
    }
    signatures = checked.map((c) => c.report);
    signatures.sort((a, b) => end(a.byteRange) - end(b.byteRange));
    documentTimestamps.sort((a, b) => end(a.byteRange) - end(b.byteRange));
    for (const ts of documentTimestamps) {
      problems.push(...ts.problems);
      extraCodes.push(...((ts as { codes?: SignatureProblemCode[] }).codes ?? []));
    }

    if (signatures.length < (options.minSignatures ?? 1)) {
      problems.push(`Expected at least ${options.minSignatures ?? 1} signature(s), found ${signatures.length}`);
      if (signatures.length === 0) verdict = 'not_signed';
    }
    if (signatures.length) {
      let unsigned = false;
      // Every revision after the first signature is a signature, a document timestamp, or adds
      // validation data only; and nothing follows the last revision.
      const ends = revisionEnds(bytes);
      const signedEnds = [...signatures, ...documentTimestamps].filter((s) => s.byteRange.length === 4).map((s) => end(s.byteRange));
      const firstSigned = Math.min(...signatures.filter((s) => s.byteRange.length === 4).map((s) => end(s.byteRange)));
      if (Number.isFinite(firstSigned) && !ends.includes(firstSigned)) problems.push('The first signature does not end at a revision boundary');
      ends.forEach((revisionEnd, i) => {
        if (revisionEnd <= firstSigned || signedEnds.includes(revisionEnd)) return;
        const why = validationOnlyRevision(bytes, ends[i - 1], revisionEnd);
        if (why) {
          const afterLast = revisionEnd > Math.max(...signatures.map((s) => end(s.byteRange)));
          problems.push(`${afterLast ? 'Bytes were added after the last signature (unsigned incremental update)' : 'A revision between signatures is not signed'}: ${why}`);
          unsigned = true;
        }
      });
      if ((ends.at(-1) ?? 0) < bytes.length) {
        problems.push('Bytes were added after the last signature (unsigned incremental update)');
        unsigned = true;
      }
      // Levels: B-LT when the DSS holds revocation data for the signer, B-LTA when a valid
      // document timestamp covers that DSS.
      const dssEnd = dss ? ends.find((e) => e > Math.max(...signatures.map((s) => end(s.byteRange)))) ?? null : null;
      const sealed = documentTimestamps.some((ts) => ts.valid && dssEnd !== null && ts.byteRange[1] >= dssEnd);
      for (const s of signatures) {
        if (s.level === 'B-T' && s.revocation.source === 'document') s.level = sealed ? 'B-LTA' : 'B-LT';
      }
      const worst = worstSignatureProblem([...signatures.flatMap((s) => s.codes), ...extraCodes]);
      // A changed or broken signature outweighs appended bytes; appended bytes outweigh trust.
      verdict = worst === 'document_modified' || worst === 'signature_invalid' || worst === 'malformed_signature'
        ? worst
        : unsigned ? 'unsigned_changes' : worst ?? (problems.length ? 'malformed_signature' : null);
    }
  } catch (err) {
    problems.push(`Unreadable document: ${err instanceof Error ? err.message : String(err)}`);
    verdict = 'unreadable';
  }
  const ok = problems.length === 0 && signatures.length > 0 && signatures.every((s) => s.valid);
  const levels: PadesLevel[] = ['B-B', 'B-T', 'B-LT', 'B-LTA'];
  const level = signatures.length ? levels[Math.min(...signatures.map((s) => levels.indexOf(s.level)))] : null;
  return { ok, verdict: ok ? 'valid' : verdict ?? 'signature_invalid', level, documentTimestamps, validationData, signatures, problems };
}

/**
 * How a reader names a certificate's subject and issuer: their common names as the DER holds them
 * (certificate-names.ts reads the UTF8String itself, no RFC 4514 escapes to undo), else the
 * organisation; the whole name on one line when it has neither.
 */
export function certificateNames(cert: X509Certificate): { subjectName: string; issuerName: string } {
  const party = certificateParty(cert.raw);
  return { subjectName: party.name || cert.subject.replace(/\n/g, ', '), issuerName: party.issuer || cert.issuer.replace(/\n/g, ', ') };
}

function describe(cert: X509Certificate): ChainCertificate {
  return {
    subject: cert.subject.replace(/\n/g, ', '),
    issuer: cert.issuer.replace(/\n/g, ', '),
    ...certificateNames(cert),
    serialNumber: cert.serialNumber,
    validFrom: new Date(cert.validFrom).toISOString(),
    validTo: new Date(cert.validTo).toISOString(),
    sha256: cert.fingerprint256.replace(/:/g, '').toLowerCase(),
  };
}

function verifySignature(bytes: Buffer, fieldName: string, sig: PdfDict, roots: X509Certificate[], extraPool: X509Certificate[]): { report: SignatureReport; chain: X509Certificate[]; provenTime: Date | null } {
  let chainCerts: X509Certificate[] = [];
  let provenTime: Date | null = null;
  const report: SignatureReport = {
    fieldName,
    signerName: null,
    nip: null,
    issuer: null,
    chain: [],
    certificates: [],
    trusted: false,
    level: 'B-B',
    timestamp: null,
    revocation: { status: 'unknown', source: null },
    signingTime: null,
    reason: textOf(sig.get('Reason')),
    location: textOf(sig.get('Location')),
    subFilter: nameOf(sig.get('SubFilter')),
    byteRange: [],
    coversWholeFile: false,
    valid: false,
    problems: [],
    codes: [],
  };
  const findings = new Findings();
  try {
    const signedAt = parseDate(textOf(sig.get('M')));
    report.signingTime = signedAt?.toISOString() ?? null;
    const range = sig.get('ByteRange');
    const contents = sig.get('Contents');
    if (!Array.isArray(range) || range.length !== 4 || !range.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 0)) {
      throw new Error('Bad /ByteRange');
    }
    const [a, b, c, d] = range as number[];
    report.byteRange = [a, b, c, d];
    if (a !== 0 || b >= c || c + d > bytes.length) throw new Error('/ByteRange does not describe this file');
    report.coversWholeFile = c + d === bytes.length;
    // The gap must be exactly the hex /Contents string, so nothing unsigned hides in it.
    if (bytes[b] !== 0x3c || bytes[c - 1] !== 0x3e || !(contents instanceof PdfString)) throw new Error('/ByteRange gap is not the /Contents string');
    const hex = bytes.toString('latin1', b + 1, c - 1);
    if (!/^[0-9a-fA-F]*$/.test(hex)) throw new Error('/ByteRange gap is not the /Contents string');
    if (report.subFilter !== 'ETSI.CAdES.detached') findings.add('malformed_signature', `SubFilter ${report.subFilter} is not ETSI.CAdES.detached`);
    const digest = createHash('sha256').update(bytes.subarray(a, a + b)).update(bytes.subarray(c, c + d)).digest();
    const cms = checkCms(Buffer.from(hex, 'hex'), { digest, contentType: OID.data, pades: true, invalid: 'signature_invalid', changed: 'document_modified' }, findings);
    const token = cms.unsigned.get(OID.timeStampToken)?.[0];
    if (token && cms.signature) {
      report.timestamp = checkTimestamp(token, cms.signature, roots, findings);
      if (report.timestamp?.valid) report.level = 'B-T';
    }
    // A valid timestamp proves when the signature existed; the claimed /M only what the signer said.
    provenTime = report.timestamp?.valid ? new Date(report.timestamp.time) : null;
    if (cms.signer) {
      const party = certificateParty(cms.signer.raw);
      report.signerName = party.name;
      report.nip = party.nip;
      report.issuer = party.issuer;
      const chain = checkChain(cms.signer, [...cms.certificates, ...extraPool], roots, provenTime ?? signedAt ?? new Date(), findings);
      chainCerts = chain.chain;
      report.chain = chain.chain.map((cert) => cert.subject.replace(/\n/g, ', '));
      report.certificates = chain.chain.map(describe);
      report.trusted = chain.trusted;
    }
    if (!signedAt) findings.add('malformed_signature', 'No signing time (/M)');
  } catch (err) {
    findings.add('malformed_signature', err instanceof Error ? err.message : String(err));
  }
  report.problems = findings.messages;
  report.codes = findings.codes;
  report.valid = report.problems.length === 0;
  if (!report.valid) report.invalidReason = report.problems[0];
  return { report, chain: chainCerts, provenTime };
}
