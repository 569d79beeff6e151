// Evidence (bukti dukung) of quarterly reports, kept at the API and in PostgreSQL, not in the
// workflow. A change reads the quarter's status from the record under the agreement's chain lock,
// the lock every workflow write commits under (db/report-status.ts), so "a verified report's evidence
// cannot change" is exact without holding anything across a Workflow Update: a change either commits
// before the verification's write (and is part of what was verified), or finds the quarter verified
// and is refused. Each change and its audit row commit together.
import type { Pool } from 'pg';
import { CAPTION_MAX, detectEvidenceType, EVIDENCE_TYPES, isEvidenceLink } from '../domain/evidence';
import type { Quarter } from '../domain/types';
import { insertAuditRow } from '../db/audit-log';
import { lockedReportStatus } from '../db/report-status';
import { inTransaction } from '../db/transaction';
import { sha256Hex } from '../security/hash';
import type { QuarterStatus } from '../workflows/messages';
import { HttpProblem, invalid } from './problem';
import { requestScopedId } from './request-id';

export const EVIDENCE_ADDED = 'evidence.added';
export const EVIDENCE_REMOVED = 'evidence.removed';

/** Evidence may change while the quarter is open (before its report, or after it was returned) or reported and not yet verified. */
function requireChangeable(status: QuarterStatus, quarter: Quarter) {
  if (status === 'verified') throw new HttpProblem(409, 'evidence_frozen', `The report of quarter ${quarter} is verified; its evidence can no longer change.`);
  if (status === 'not_open') throw new HttpProblem(409, 'wrong_quarter', `Quarter ${quarter} is not open for reporting yet.`);
}

export type EvidenceInput =
  | { kind: 'file'; bytes: Buffer; fileName: string | null; caption: string }
  | { kind: 'link'; url: string; caption: string };

function checkInput(input: EvidenceInput) {
  const problems = [];
  const caption = input.caption.trim();
  if (caption === '' || caption.length > CAPTION_MAX) problems.push({ path: '/caption', code: 'invalid_caption', message: `A caption of 1 to ${CAPTION_MAX} characters is required` });
  if (input.kind === 'link' && !isEvidenceLink(input.url)) problems.push({ path: '/url', code: 'invalid_url', message: 'A link must be an absolute http(s) URL of at most 2000 characters' });
  if (input.kind === 'file' && input.fileName !== null && input.fileName.length > 255) problems.push({ path: '/name', code: 'invalid_file_name', message: 'A file name has at most 255 characters' });
  if (problems.length > 0) throw invalid(problems, 'The evidence has problems; nothing was stored.');
  if (input.kind === 'file') {
    // an empty body is not a file of the wrong type: said as itself, before the content is read
    if (input.bytes.length === 0) throw new HttpProblem(400, 'empty_file', 'The file is empty; nothing was stored.');
    const type = detectEvidenceType(input.bytes);
    if (!type) {
      throw new HttpProblem(415, 'unsupported_evidence_type', `The file's content is not one of the accepted types (${Object.values(EVIDENCE_TYPES).join(', ')}).`);
    }
    return type;
  }
  return null;
}

export async function addEvidence(db: Pool, agreementId: string, quarter: Quarter, input: EvidenceInput, actorId: string) {
  const mediaType = checkInput(input);
  return inTransaction(db, async (client) => {
    const status = await lockedReportStatus(client, agreementId, quarter);
    const id = `ev_${requestScopedId()}`;
    // a re-run of a request whose answer was lost finds what it stored, even if the quarter changed since
    const stored = (await client.query(
      `SELECT e.id, e.quarter, e.kind, e.sha256, f.media_type, f.size, e.file_name, e.url, e.caption, e.added_by, e.added_at
         FROM report_evidence e LEFT JOIN evidence_files f ON f.sha256 = e.sha256 WHERE e.id = $1 AND e.agreement_id = $2`,
      [id, agreementId],
    )).rows[0];
    if (stored) return evidenceView(stored, agreementId);
    requireChangeable(status, quarter);
    const caption = input.caption.trim();
    let sha256: string | null = null;
    if (input.kind === 'file') {
      sha256 = sha256Hex(input.bytes);
      await client.query(
        'INSERT INTO evidence_files (sha256, media_type, size, bytes) VALUES ($1, $2, $3, $4) ON CONFLICT (sha256) DO NOTHING',
        [sha256, mediaType, input.bytes.length, input.bytes],
      );
    }
    const fileName = input.kind === 'file' ? input.fileName : null;
    const size = input.kind === 'file' ? input.bytes.length : null;
    const url = input.kind === 'link' ? input.url : null;
    const row = (await client.query(
      `INSERT INTO report_evidence (id, agreement_id, quarter, kind, sha256, file_name, url, caption, added_by)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) RETURNING added_at`,
      [id, agreementId, quarter, input.kind, sha256, fileName, url, caption, actorId],
    )).rows[0];
    await insertAuditRow(client, {
      agreementId, key: `api:${agreementId}:evidence:${id}:added`, action: EVIDENCE_ADDED, actorId,
      data: { quarter, evidenceId: id, kind: input.kind, caption, ...(sha256 ? { sha256, mediaType, size, fileName } : { url }) },
      at: new Date(row.added_at).toISOString(),
    });
    return evidenceView({ id, quarter, kind: input.kind, sha256, media_type: mediaType, size, file_name: fileName, url, caption, added_by: actorId, added_at: row.added_at }, agreementId);
  });
}

export async function removeEvidence(db: Pool, agreementId: string, quarter: Quarter, evidenceId: string, actorId: string) {
  return inTransaction(db, async (client) => {
    const status = await lockedReportStatus(client, agreementId, quarter);
    const found = (await client.query(
      'SELECT id, kind, caption, sha256, url FROM report_evidence WHERE id = $1 AND agreement_id = $2 AND quarter = $3 AND removed_at IS NULL',
      [evidenceId, agreementId, quarter],
    )).rows[0];
    if (!found) throw new HttpProblem(404, 'not_found', `No evidence ${evidenceId} on quarter ${quarter} of ${agreementId}.`);
    requireChangeable(status, quarter);
    const removed = (await client.query('UPDATE report_evidence SET removed_by = $2, removed_at = now() WHERE id = $1 RETURNING removed_at', [evidenceId, actorId])).rows[0];
    await insertAuditRow(client, {
      agreementId, key: `api:${agreementId}:evidence:${evidenceId}:removed`, action: EVIDENCE_REMOVED, actorId,
      data: { quarter, evidenceId, kind: found.kind, caption: found.caption, ...(found.sha256 ? { sha256: found.sha256 } : { url: found.url }) },
      at: new Date(removed.removed_at).toISOString(),
    });
    return { id: evidenceId, removed: true };
  });
}

function evidenceView(r: Record<string, any>, agreementId: string) {
  return {
    id: r.id,
    quarter: r.quarter,
    kind: r.kind,
    caption: r.caption,
    ...(r.kind === 'file'
      ? { sha256: r.sha256, mediaType: r.media_type, size: r.size, fileName: r.file_name, href: `/api/agreements/${encodeURIComponent(agreementId)}/evidence/${r.id}` }
      : { url: r.url }),
    addedBy: r.added_by,
    addedAt: new Date(r.added_at).toISOString(),
  };
}

/** The current evidence of an agreement's reports (all quarters, or one), oldest first. */
export async function listEvidence(db: Pool, agreementId: string, quarter?: Quarter) {
  const { rows } = await db.query(
    `SELECT e.id, e.quarter, e.kind, e.sha256, f.media_type, f.size, e.file_name, e.url, e.caption, e.added_by, e.added_at
       FROM report_evidence e LEFT JOIN evidence_files f ON f.sha256 = e.sha256
      WHERE e.agreement_id = $1 AND e.removed_at IS NULL AND ($2::int IS NULL OR e.quarter = $2)
      ORDER BY e.added_at, e.id`,
    [agreementId, quarter ?? null],
  );
  return rows.map((r) => evidenceView(r, agreementId));
}

/** A file of the agreement's evidence (also one since removed: the audit log points at it). */
export async function evidenceFile(db: Pool, agreementId: string, evidenceId: string) {
  const row = (await db.query(
    `SELECT f.bytes, f.media_type, f.sha256, e.file_name FROM report_evidence e JOIN evidence_files f ON f.sha256 = e.sha256
      WHERE e.id = $1 AND e.agreement_id = $2`,
    [evidenceId, agreementId],
  )).rows[0];
  if (!row) throw new HttpProblem(404, 'not_found', `No evidence file ${evidenceId} on ${agreementId}.`);
  return { bytes: row.bytes as Buffer, mediaType: row.media_type as string, sha256: row.sha256 as string, fileName: row.file_name as string | null };
}
