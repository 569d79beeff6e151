// The public verification report: our verifier's report on a PDF, against every CA this
// installation holds, plus whether the exact file is one this installation issued (matched by
// SHA-256 to a stored signed version). Nothing of the PK's content is in it: only who signed,
// when, with which certificates, and the PK's id and version.
import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { PgSigningStore, verifyDocument, type SignatureReport } from '../signing';
import { VERDICT_SUMMARY, type PadesLevel, type VerdictCode } from '../signing/verdict';

export interface IssuedDocument {
  documentId: string;
  agreementId: string;
  version: number;
  party: string;
  signedAt: string;
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
  problems: string[];
}

export async function trustedRoots(db: Pool): Promise<string[]> {
  const store = new PgSigningStore(db);
  const cas = await Promise.all((await store.listCaIds()).map((id) => store.getCa(id)));
  return cas.flatMap((ca) => (ca ? [ca.certificatePem] : []));
}

async function issuedDocument(db: Pool, sha256: string): Promise<IssuedDocument | null> {
  const row = (await db.query(
    'SELECT id, agreement_id, version, party, signed_at FROM documents WHERE sha256 = $1 ORDER BY signed_at LIMIT 1',
    [sha256],
  )).rows[0];
  return row
    ? { documentId: row.id, agreementId: row.agreement_id, version: row.version, party: row.party, signedAt: new Date(row.signed_at).toISOString() }
    : null;
}

export async function verifyPublicly(db: Pool, pdf: Buffer): Promise<PublicVerification> {
  const sha256 = createHash('sha256').update(pdf).digest('hex');
  const [roots, issued] = await Promise.all([trustedRoots(db), issuedDocument(db, sha256)]);
  const report = verifyDocument(pdf, { trustedRoots: roots });
  return {
    verdict: report.verdict,
    summary: VERDICT_SUMMARY[report.verdict],
    ok: report.ok,
    level: report.level,
    sha256,
    size: pdf.length,
    issued,
    signatures: report.signatures,
    problems: report.problems,
  };
}
