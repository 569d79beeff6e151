// The steps of a calendar change (workflows/calendar-change.ts): store it, then tell the cycle's
// running PKs. Both are safe to repeat: the store is once per change id, and a PK told twice reloads
// the same stored calendar.
import { Context } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import { openAgreementIds, storeCalendarChange, type StoredCalendarChange } from '../db/cycle-calendar';
import type { CalendarChangeInput } from '../workflows/changes';
import { calendarChangedSignal } from '../workflows/messages';
import type { ActivityDeps } from './deps';

const BATCH = 50;

export function createCalendarChangeActivities({ db, client, clock }: ActivityDeps) {
  return {
    async storeCalendarChange(input: CalendarChangeInput): Promise<StoredCalendarChange | null> {
      return storeCalendarChange(db, { ...input, at: clock() });
    },

    /** Signals in batches, heartbeating the index reached, so a retried attempt resumes there. */
    async signalCalendarChanged({ cycleId, calendarVersion }: { cycleId: string; calendarVersion: number }): Promise<{ signalled: number; notRunning: number }> {
      const ids = await openAgreementIds(db, cycleId);
      const resumed = Context.current().info.heartbeatDetails as { next: number; signalled: number; notRunning: number } | undefined;
      let { next, signalled, notRunning } = resumed ?? { next: 0, signalled: 0, notRunning: 0 };
      while (next < ids.length) {
        const batch = ids.slice(next, next + BATCH);
        const told = await Promise.all(batch.map(async (id) => {
          try {
            await client.workflow.getHandle(id).signal(calendarChangedSignal, { calendarVersion });
            return true;
          } catch (err) {
            // closed, or not started yet: it reads the stored calendar when it starts
            if (err instanceof WorkflowNotFoundError) return false;
            throw err;
          }
        }));
        signalled += told.filter(Boolean).length;
        notRunning += told.filter((t) => !t).length;
        next += batch.length;
        Context.current().heartbeat({ next, signalled, notRunning });
      }
      return { signalled, notRunning };
    },
  };
}
