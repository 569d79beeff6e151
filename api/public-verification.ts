// The public verification report: our verifier's report on a PDF, against every CA this
// installation holds, plus whether the exact file is one this installation issued (matched by
// SHA-256 to a stored signed version). Nothing of the PK's content is in it: only who signed,
// when, with which certificates, and the PK's id and version.
import { createHash, X509Certificate } from 'node:crypto';
import type { Pool } from 'pg';
import { normaliseSerial, PgSigningStore, verifyDocument, type DocumentTimestampReport, type SignatureReport, type VerifyOptions } from '../signing';
import { VERDICT_SUMMARY, type PadesLevel, type VerdictCode } from '../signing/verdict';
import { UTC_OFFSET_HOURS_SQL } from '../db/cycle-calendar';

export interface IssuedDocument {
  documentId: string;
  agreementId: string;
  version: number;
  party: string;
  signedAt: string;
  /** What the document is, for a reader who holds only the file or its QR code: the first party's post, the year, the organisation. */
  /** `utcOffsetHours`: the cycle's zone, in which the page shows the signing time. */
  agreementOf: { title: string; year: number; organisation: string; utcOffsetHours: number };
}

export interface PublicVerification {
  verdict: VerdictCode;
  /** English one-liner of the verdict; the page words it in Bahasa Indonesia from `verdict`. */
  summary: string;
  ok: boolean;
  /** Lowest PAdES baseline level among the signatures. */
  level: PadesLevel | null;
  sha256: string;
  size: number;
  /** The stored signed version this exact file is, when this installation issued it. */
  issued: IssuedDocument | null;
  signatures: SignatureReport[];
  /** Document timestamps (PAdES-LTA) sealing the validation data. */
  documentTimestamps: DocumentTimestampReport[];
  /** What the document's DSS holds (PAdES-LT). */
  validationData: { certificates: number; crls: number } | null;
  problems: string[];
}

export async function trustedRoots(db: Pool): Promise<string[]> {
  const store = new PgSigningStore(db);
  const cas = await Promise.all((await store.listCaIds()).map((id) => store.getCa(id)));
  return cas.flatMap((ca) => (ca ? [ca.certificatePem] : []));
}

/** What this installation's CAs have revoked, looked up by issuing CA certificate and serial. */
async function revocationLookup(db: Pool): Promise<NonNullable<VerifyOptions['revocations']>> {
  const { rows: cas } = await db.query('SELECT id, certificate_pem FROM signing_ca');
  const caByFingerprint = new Map(cas.map((r) => [new X509Certificate(r.certificate_pem).fingerprint256, r.id as string]));
  const { rows } = await db.query('SELECT ca_id, serial_number, reason, revoked_at FROM certificate_revocation');
  const revoked = new Map(rows.map((r) => [`${r.ca_id}|${r.serial_number}`, { revokedAt: new Date(r.revoked_at), reason: r.reason as string }]));
  return (issuer, serial) => revoked.get(`${caByFingerprint.get(issuer.fingerprint256)}|${normaliseSerial(serial)}`) ?? null;
}

async function issuedDocument(db: Pool, sha256: string): Promise<IssuedDocument | null> {
  const row = (await db.query(
    `SELECT d.id, d.agreement_id, d.version, d.party, d.signed_at, p.title, c.year, g.name AS organisation, ${UTC_OFFSET_HOURS_SQL} AS utc_offset_hours
       FROM documents d JOIN agreements a ON a.id = d.agreement_id
       JOIN positions p ON p.cycle_id = a.cycle_id AND p.id = a.position_id
       JOIN cycles c ON c.id = a.cycle_id JOIN organisations g ON g.id = c.organisation_id
      WHERE d.sha256 = $1 ORDER BY d.signed_at LIMIT 1`,
    [sha256],
  )).rows[0];
  return row
    ? {
        documentId: row.id, agreementId: row.agreement_id, version: row.version, party: row.party, signedAt: new Date(row.signed_at).toISOString(),
        agreementOf: { title: row.title, year: row.year, organisation: row.organisation, utcOffsetHours: Number(row.utc_offset_hours) },
      }
    : null;
}

/** `extraRoots`: the remote signing provider's roots (SIGNING_PROVIDER=bsre), trusted besides our CAs. */
export async function verifyPublicly(db: Pool, pdf: Buffer, extraRoots: string[] = []): Promise<PublicVerification> {
  const sha256 = createHash('sha256').update(pdf).digest('hex');
  const [roots, issued, revocations] = await Promise.all([trustedRoots(db), issuedDocument(db, sha256), revocationLookup(db)]);
  const report = verifyDocument(pdf, { trustedRoots: [...roots, ...extraRoots], revocations });
  return {
    verdict: report.verdict,
    summary: VERDICT_SUMMARY[report.verdict],
    ok: report.ok,
    level: report.level,
    sha256,
    size: pdf.length,
    issued,
    signatures: report.signatures,
    documentTimestamps: report.documentTimestamps,
    validationData: report.validationData,
    problems: report.problems,
  };
}
