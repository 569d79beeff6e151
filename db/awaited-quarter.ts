// Which quarter a PK in reporting waits on, from the record alone: the workflow reports and
// verifies one quarter at a time, the first one not verified (workflows/agreement.ts `reporting`),
// and the audit log holds each quarter's realization events (db/report-status.ts reads them too).
// So the inbox names the quarter ("Laporkan realisasi Triwulan I") without asking the workflow.

/**
 * SQL over `a` (agreements) and `o` (the PK's own position): the first quarter with no
 * verification on the audit log, or null. The Kepala Daerah's statement has no superior to verify
 * it: its report is final when it is made.
 */
export const AWAITED_QUARTER_SQL = `(SELECT min(q) FROM generate_series(1, 4) q
    WHERE NOT EXISTS (SELECT 1 FROM audit_log l
                       WHERE l.agreement_id = a.id AND l.data->>'quarter' = q::text
                         AND (l.action = 'realization.verified' OR (o.parent_id IS NULL AND l.action = 'realization.reported'))))`;
