// A cycle's status: `starting` while its PKs are being started (the fan-out), `running` once all
// are, `closed` when the last of them has closed. The read model's phase changes and the fan-out's
// end are the only writers.
import type { PoolClient, Pool } from 'pg';

export const CYCLE_STATUSES = ['starting', 'running', 'closed'] as const;
export type CycleStatus = (typeof CYCLE_STATUSES)[number];

/**
 * Closes the agreement's cycle if this was its last PK still open, inside the transaction that
 * wrote the PK's `closed` row. The cycle's row lock orders the last PKs closing at once: each sees
 * the others' rows once their transactions commit, so the last one to commit closes the cycle.
 */
export async function closeCycleIfLastAgreement(client: PoolClient, agreementId: string): Promise<void> {
  const { rows } = await client.query<{ id: string }>(
    `SELECT c.id FROM cycles c JOIN agreements a ON a.cycle_id = c.id WHERE a.id = $1 FOR UPDATE OF c`,
    [agreementId],
  );
  if (rows[0]) await closeCycleIfDone(client, rows[0].id);
}

/** `running` → `closed` when no PK of the cycle is open; a cycle still starting its PKs stays as it is. */
export async function closeCycleIfDone(db: Pool | PoolClient, cycleId: string): Promise<void> {
  await db.query(
    `UPDATE cycles c SET status = 'closed'
      WHERE c.id = $1 AND c.status = 'running'
        AND NOT EXISTS (SELECT 1 FROM agreements a WHERE a.cycle_id = c.id AND a.phase <> 'closed')`,
    [cycleId],
  );
}
