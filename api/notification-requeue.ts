// An administrator requeues a dead notification: its delivery starts again, and the requeue is on
// the audit log of the PK the notification is about, in the same transaction.
import type { Pool } from 'pg';
import { insertAuditRow } from '../db/audit-log';
import { inTransaction } from '../db/transaction';
import { HttpProblem } from './problem';
import { requestScopedId } from './request-id';

export const NOTIFICATION_REQUEUED = 'notification.requeued';

export async function requeueNotification(db: Pool, key: string, actorId: string): Promise<void> {
  const found = (await db.query('SELECT agreement_id FROM notifications WHERE key = $1', [key])).rows[0];
  if (!found) throw new HttpProblem(404, 'not_found', 'No such notification.');
  const agreementId: string = found.agreement_id;
  const auditKey = `api:${agreementId}:notification.requeued:${requestScopedId()}`;
  await inTransaction(db, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [agreementId]);
    // a re-run of a request whose answer was lost finds its own row: the requeue is done
    if ((await client.query('SELECT 1 FROM audit_log WHERE key = $1', [auditKey])).rowCount !== 0) return;
    const { rows } = await client.query(
      `UPDATE notifications SET delivery_status = 'pending', attempts = 0, next_attempt_at = now(), last_error = NULL
        WHERE key = $1 AND delivery_status = 'dead' RETURNING item, kind, level, recipient_position`,
      [key],
    );
    if (rows.length === 0) {
      const now = (await client.query('SELECT delivery_status FROM notifications WHERE key = $1', [key])).rows[0];
      throw new HttpProblem(409, 'not_dead', `The notification is ${now?.delivery_status ?? 'gone'}, not dead.`);
    }
    const n = rows[0];
    await insertAuditRow(client, {
      agreementId, key: auditKey, action: NOTIFICATION_REQUEUED, actorId,
      data: { notificationKey: key, item: n.item, kind: n.kind, level: n.level, recipientPositionId: n.recipient_position }, at: new Date().toISOString(),
    });
  });
}
