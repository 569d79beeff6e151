// A quarter's report status as the record shows it: the last of the quarter's realization events on
// the agreement's audit log. Read under the agreement's chain lock, it is exact against the
// workflow's writes (each commits its audit rows under that lock): what is read cannot be
// overtaken by a verification until the reader's transaction ends.
import type { PoolClient } from 'pg';
import type { Quarter } from '../domain/types';
import type { QuarterStatus } from '../workflows/messages';

/** A quarter's status after each of its realization events. */
export const QUARTER_STATUS_AFTER: Record<string, QuarterStatus> = {
  'realization.opened': 'open',
  'realization.reported': 'reported',
  'realization.returned': 'open',
  'realization.verified': 'verified',
};

/**
 * Locks the agreement's chain for the rest of the transaction and reads the quarter's status. The
 * Kepala Daerah's statement has no superior to verify it: its report is final when it is made.
 */
export async function lockedReportStatus(client: PoolClient, agreementId: string, quarter: Quarter): Promise<QuarterStatus> {
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [agreementId]);
  const { rows: [row] } = await client.query(
    `SELECT (SELECT action FROM audit_log
              WHERE agreement_id = a.id AND action = ANY($2) AND (data->>'quarter')::int = $3
              ORDER BY seq DESC LIMIT 1) AS action,
            p.parent_id IS NULL AS root
       FROM agreements a JOIN positions p ON p.cycle_id = a.cycle_id AND p.id = a.position_id
      WHERE a.id = $1`,
    [agreementId, Object.keys(QUARTER_STATUS_AFTER), quarter],
  );
  return quarterStatusAfter(row?.action, Boolean(row?.root));
}

/** A quarter's status from its last realization event (none: not open); the root's report is final. */
export function quarterStatusAfter(lastAction: string | null | undefined, root: boolean): QuarterStatus {
  const status = lastAction ? QUARTER_STATUS_AFTER[lastAction] : 'not_open';
  return status === 'reported' && root ? 'verified' : status;
}
