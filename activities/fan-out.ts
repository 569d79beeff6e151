// Starts one agreement workflow per position of a cycle, top down, in heartbeated batches: a crashed
// or retried attempt resumes at the last batch it reported, and deterministic ids with the
// USE_EXISTING conflict policy make restarting an already started agreement harmless. The starts
// flow through one window of FAN_OUT_CONCURRENCY requests across batch boundaries (a batch's slow
// last starts no longer leave the window idle); a batch's records are stored before any of its
// workflows starts, and progress is reported only up to the first batch not yet wholly started.
import { Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { ActivityDeps } from './deps';
import { CURRENT_BEHAVIOUR, type AgreementInput } from '../workflows/messages';
import { agreementId } from '../workflows/ids';
import { agreementV2 } from '../workflows/agreement';
import { indicatorIdsOf } from './store';
import { closeCycleIfDone } from '../db/cycle-status';
import { OrgKey, UnitKey, YearKey } from '../workflows/search-attributes';

const BATCH = 200;
/** Workflow starts in flight at once (the benchmark's ceiling uses the same). */
export const FAN_OUT_CONCURRENCY = 64;

interface PositionRow {
  id: string;
  unit_id: string | null;
  parent_id: string | null;
  depth: number;
  escalation_chain: string[];
  children: string[];
}

/** Runs fn over items[from..] with at most `limit` in flight, in order of start. */
async function inWindow<T>(items: T[], from: number, limit: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = from;
  let failed = false;
  const lanes = Array.from({ length: Math.max(0, Math.min(limit, items.length - from)) }, async () => {
    while (next < items.length && !failed) {
      const i = next++;
      try {
        await fn(items[i], i);
      } catch (err) {
        failed = true;
        throw err;
      }
    }
  });
  await Promise.all(lanes);
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
      const idOf = (positionId: string) => agreementId(cycle.organisation_id, cycle.year, positionId);
      // rows come parents first (by depth), so each lineage extends its parent's
      const lineage = new Map<string, string[]>();
      for (const p of rows) lineage.set(p.id, [...(p.parent_id ? lineage.get(p.parent_id) ?? [] : []), idOf(p.id)]);
      const planIndicatorIds = indicatorIdsOf(cycle.plan ?? {});
      const stored = new Map<number, Promise<unknown>>();
      /** The batch's agreement records, stored once, before any of its workflows starts. */
      const storeBatch = (offset: number) => {
        if (!stored.has(offset)) {
          const batch = rows.slice(offset, offset + BATCH);
          stored.set(offset, db.query(
            `INSERT INTO agreements (id, cycle_id, position_id, unit_id, phase, lineage)
             SELECT t.id, t.cycle_id, t.position_id, t.unit_id, t.phase, ARRAY(SELECT jsonb_array_elements_text(t.lineage))
               FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[]) AS t(id, cycle_id, position_id, unit_id, phase, lineage)
             ON CONFLICT (id) DO NOTHING`,
            [batch.map((p) => idOf(p.id)), batch.map(() => cycleId), batch.map((p) => p.id), batch.map((p) => p.unit_id),
              batch.map((p) => (p.parent_id === null || p.parent_id === rootId ? 'drafting' : 'waiting_superior')),
              batch.map((p) => JSON.stringify(lineage.get(p.id)))],
          ));
        }
        return stored.get(offset)!;
      };
      // Starts still missing per batch; progress advances over batches wholly started, in order.
      const missing = new Map<number, number>();
      for (let offset = resumeAt; offset < rows.length; offset += BATCH) missing.set(offset, Math.min(BATCH, rows.length - offset));
      let reported = resumeAt;
      let reporting: Promise<void> = Promise.resolve();
      let reportFailure: unknown = null;
      const reportProgress = () => {
        let done = reported;
        while (done < rows.length && missing.get(done) === 0) done = Math.min(done + BATCH, rows.length);
        if (done === reported) return;
        reported = done;
        reporting = reporting
          .then(async () => {
            await db.query('UPDATE cycles SET started_count = GREATEST(started_count, $2) WHERE id = $1', [cycleId, done]);
            ctx.heartbeat({ offset: done });
          })
          .catch((err) => {
            reportFailure ??= err;
          });
      };
      await inWindow(rows, resumeAt, FAN_OUT_CONCURRENCY, async (p, index) => {
        const offset = resumeAt + Math.floor((index - resumeAt) / BATCH) * BATCH;
        await storeBatch(offset);
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
          behaviour: CURRENT_BEHAVIOUR,
        };
        if (input.opensAtOnce) input.planIndicatorIds = planIndicatorIds;
        try {
          await client.workflow.start(agreementV2, {
            workflowId: id,
            taskQueue,
            args: [input],
            workflowIdConflictPolicy: 'USE_EXISTING',
            // a PK that has run its year is never started again by a repeated fan-out
            workflowIdReusePolicy: 'REJECT_DUPLICATE',
            typedSearchAttributes: [
              { key: OrgKey, value: cycle.organisation_id },
              { key: YearKey, value: cycle.year },
              { key: UnitKey, value: p.unit_id ?? '-' },
            ],
          });
        } catch (err) {
          if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err; // closed already: fine
        }
        missing.set(offset, missing.get(offset)! - 1);
        reportProgress();
      });
      await reporting;
      if (reportFailure) throw reportFailure;
      await db.query(`UPDATE cycles SET status = 'running', started_count = $2 WHERE id = $1`, [cycleId, rows.length]);
      // a repeated fan-out may find every PK closed already
      await closeCycleIfDone(db, cycleId);
      return { started: rows.length };
    },
  };
}
