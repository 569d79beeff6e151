// A signed PK releases the subordinates' drafting: each subordinate workflow gets the superior's
// indicator ids to link its own indicators to (below the Kepala Daerah: the plan's too). A subordinate not started yet learns it on start
// from the stored record instead (activities/store.ts superiorSignature), so no notice is lost.
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { ActivityDeps } from './deps';
import { superiorSignedSignal } from '../workflows/messages';
import { offeredBelow } from './store';

export function createReleaseActivities({ db, client }: ActivityDeps) {
  return {
    async releaseSubordinates({ agreementId, cycleId, version }: { agreementId: string; cycleId: string; version: number }): Promise<number> {
      // The Kepala Daerah's PK carries the IKU Pemda: their direct reports keep the plan's ids too.
      const signed = (await db.query(
        `SELECT v.content, CASE WHEN p.parent_id IS NULL THEN c.plan END AS plan FROM agreement_versions v
           JOIN agreements a ON a.id = v.agreement_id JOIN cycles c ON c.id = a.cycle_id
           JOIN positions p ON p.cycle_id = a.cycle_id AND p.id = a.position_id
          WHERE v.agreement_id = $1 AND v.version = $2`,
        [agreementId, version],
      )).rows[0];
      const indicatorIds = offeredBelow(signed?.content ?? null, signed?.plan ?? null);
      const { rows } = await db.query(
        `SELECT a.id FROM agreements a JOIN positions p ON p.cycle_id = a.cycle_id AND p.id = a.position_id
          JOIN agreements me ON me.id = $2 WHERE a.cycle_id = $1 AND p.parent_id = me.position_id`,
        [cycleId, agreementId],
      );
      for (const { id } of rows) {
        try {
          await client.workflow.getHandle(id).signal(superiorSignedSignal, { version, indicatorIds });
        } catch (err) {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        }
        // a signal again on retry is harmless (the notice sets what it sets), so no progress is kept
        Context.current().heartbeat();
      }
      return rows.length;
    },
  };
}
