// A calendar change, started by PATCH /api/cycles/:cycleId/calendar under one id per change: store
// the merged calendar with its audit row, then tell every running PK of the cycle to reload its due
// dates. Each step is an activity retried until it is done, so PostgreSQL, Temporal's frontend or
// the worker being away delays the change and never leaves half of it.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { CalendarChangeInput, CalendarChangeResult, ChangeOutcome } from './changes';

const retry = { initialInterval: '1 second', maximumInterval: '30 seconds' } as const;
const { storeCalendarChange } = proxyActivities<Activities>({ startToCloseTimeout: '1 minute', retry });
const { signalCalendarChanged } = proxyActivities<Activities>({ startToCloseTimeout: '1 hour', heartbeatTimeout: '1 minute', retry });

export async function calendarChangeWorkflow(input: CalendarChangeInput): Promise<ChangeOutcome<CalendarChangeResult>> {
  const stored = await storeCalendarChange(input);
  if (!stored) return { status: 'rejected', problem: { status: 404, code: 'not_found', detail: `No cycle ${input.cycleId}.` } };
  const told = await signalCalendarChanged({ cycleId: input.cycleId, calendarVersion: stored.calendarVersion });
  return { status: 'done', result: { cycleId: input.cycleId, changeId: input.changeId, ...stored, ...told } };
}
