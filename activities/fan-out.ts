// Starts one agreement workflow per position of a cycle, top down, in heartbeated batches: a crashed
// or retried attempt resumes at the last batch it reported, and deterministic ids with the
// USE_EXISTING conflict policy make restarting an already started agreement harmless.
import { Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { ActivityDeps } from './deps';
import type { AgreementInput } from '../workflows/messages';
import { agreementId } from '../workflows/ids';
import { indicatorIdsOf } from './store';
import { OrgKey, PhaseKey, UnitKey, YearKey } from '../workflows/search-attributes';

const BATCH = 200;
const CONCURRENCY = 64;

interface PositionRow {
  id: string;
  unit_id: string | null;
  parent_id: string | null;
  depth: number;
  escalation_chain: string[];
  children: string[];
}

async function mapConcurrently<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  });
  await Promise.all(workers);
}

export function createFanOutActivities({ db, client, taskQueue }: ActivityDeps) {
  return {
    async startAgreements({ cycleId }: { cycleId: string }): Promise<{ started: number }> {
      const ctx = Context.current();
      const resumeAt = (ctx.info.heartbeatDetails as { offset?: number } | undefined)?.offset ?? 0;
      const cycle = (await db.query('SELECT organisation_id, year, plan FROM cycles WHERE id = $1', [cycleId])).rows[0];
      if (!cycle) throw new Error(`cycle ${cycleId} is not stored`);
      const { rows } = await db.query<PositionRow>(
        `SELECT p.id, p.unit_id, p.parent_id, p.depth, p.escalation_chain,
                COALESCE(array_agg(c.id ORDER BY c.id) FILTER (WHERE c.id IS NOT NULL), '{}') AS children
           FROM positions p LEFT JOIN positions c ON c.cycle_id = p.cycle_id AND c.parent_id = p.id
          WHERE p.cycle_id = $1 GROUP BY p.cycle_id, p.id ORDER BY p.depth, p.id`,
        [cycleId],
      );
      const rootId = rows.find((p) => p.parent_id === null)?.id;
      const planIndicatorIds = indicatorIdsOf(cycle.plan ?? {});
      for (let offset = resumeAt; offset < rows.length; offset += BATCH) {
        const batch = rows.slice(offset, offset + BATCH);
        const ids = batch.map((p) => agreementId(cycle.organisation_id, cycle.year, p.id));
        await db.query(
          `INSERT INTO agreements (id, cycle_id, position_id, unit_id, phase)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
           ON CONFLICT (id) DO NOTHING`,
          [ids, batch.map(() => cycleId), batch.map((p) => p.id), batch.map((p) => p.unit_id),
            batch.map((p) => (p.parent_id === null || p.parent_id === rootId ? 'drafting' : 'waiting_superior'))],
        );
        await mapConcurrently(batch, CONCURRENCY, async (p) => {
          const id = agreementId(cycle.organisation_id, cycle.year, p.id);
          const input: AgreementInput = {
            agreementId: id,
            cycleId,
            organisationId: cycle.organisation_id,
            year: cycle.year,
            positionId: p.id,
            unitId: p.unit_id,
            parentPositionId: p.parent_id,
            childPositionIds: p.children,
            escalationChain: p.escalation_chain,
            opensAtOnce: p.parent_id === null || p.parent_id === rootId,
          };
          if (input.opensAtOnce) input.planIndicatorIds = planIndicatorIds;
          try {
            await client.workflow.start('agreementWorkflow', {
              workflowId: id,
              taskQueue,
              args: [input],
              workflowIdConflictPolicy: 'USE_EXISTING',
              typedSearchAttributes: [
                { key: OrgKey, value: cycle.organisation_id },
                { key: YearKey, value: cycle.year },
                { key: UnitKey, value: p.unit_id ?? '-' },
                { key: PhaseKey, value: input.opensAtOnce ? 'drafting' : 'waiting_superior' },
              ],
            });
          } catch (err) {
            if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err; // closed already: fine
          }
        });
        const done = Math.min(offset + BATCH, rows.length);
        await db.query('UPDATE cycles SET started_count = GREATEST(started_count, $2) WHERE id = $1', [cycleId, done]);
        ctx.heartbeat({ offset: done });
      }
      await db.query(`UPDATE cycles SET status = 'running', started_count = $2 WHERE id = $1`, [cycleId, rows.length]);
      return { started: rows.length };
    },
  };
}
