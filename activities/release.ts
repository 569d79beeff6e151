// A signed PK releases the subordinates' drafting: each subordinate workflow gets the superior's
// indicator ids to link its own indicators to. A subordinate not started yet learns it on start
// from the stored record instead (activities/store.ts superiorSignature), so no notice is lost.
import { WorkflowNotFoundError } from '@temporalio/client';
import type { ActivityDeps } from './deps';
import { superiorSignedSignal } from '../workflows/messages';
import { indicatorIdsOf } from './store';

export function createReleaseActivities({ db, client }: ActivityDeps) {
  return {
    async releaseSubordinates({ agreementId, cycleId, version }: { agreementId: string; cycleId: string; version: number }): Promise<number> {
      const content = (await db.query('SELECT content FROM agreement_versions WHERE agreement_id = $1 AND version = $2', [agreementId, version])).rows[0]?.content;
      const indicatorIds = indicatorIdsOf(content ?? {});
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
      }
      return rows.length;
    },
  };
}
