// A calendar change: merge the patch into the stored calendar, number it, then tell every running
// agreement of the cycle (calendarChangedSignal) in bounded batches. Agreements reload their due
// dates from the stored calendar, so a signal that is lost or repeated does no harm.
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import { mergeCalendar, type CycleCalendar } from '../domain/schedule';
import { calendarChangedSignal } from '../workflows/messages';
import { HttpProblem } from './problem';
import type { CalendarPatch } from './schemas';

const BATCH = 50;

export function applyCalendarPatch(stored: Partial<CycleCalendar>, patch: CalendarPatch): CycleCalendar {
  const base = mergeCalendar(stored);
  const overrides = { ...base.overrides };
  for (const [item, value] of Object.entries(patch.overrides ?? {})) {
    if (value === null) delete overrides[item]; // null removes an override
    else overrides[item] = new Date(value).toISOString();
  }
  return {
    ...base,
    ...Object.fromEntries(Object.entries(patch).filter(([k, v]) => v !== undefined && !['signBy', 'ladder', 'overrides'].includes(k))),
    signBy: { ...base.signBy, ...(patch.signBy ?? {}) },
    ladder: { ...base.ladder, ...(patch.ladder ?? {}) },
    overrides,
  };
}

export async function changeCalendar(deps: { db: Pool; temporal: Client }, cycleId: string, patch: CalendarPatch) {
  const { db, temporal } = deps;
  const client = await db.connect();
  let calendar: CycleCalendar;
  let calendarVersion: number;
  try {
    await client.query('BEGIN');
    const row = (await client.query('SELECT calendar, calendar_version FROM cycles WHERE id = $1 FOR UPDATE', [cycleId])).rows[0];
    if (!row) throw new HttpProblem(404, 'not_found', `No cycle ${cycleId}.`);
    calendar = applyCalendarPatch(row.calendar, patch);
    calendarVersion = row.calendar_version + 1;
    await client.query('UPDATE cycles SET calendar = $2, calendar_version = $3 WHERE id = $1', [cycleId, JSON.stringify(calendar), calendarVersion]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }

  const { rows } = await db.query(`SELECT id FROM agreements WHERE cycle_id = $1 AND phase <> 'closed' ORDER BY id`, [cycleId]);
  let signalled = 0;
  const failed: string[] = [];
  for (let i = 0; i < rows.length; i += BATCH) {
    const batch = rows.slice(i, i + BATCH);
    const results = await Promise.allSettled(
      batch.map((r) => temporal.workflow.getHandle(r.id).signal(calendarChangedSignal, { calendarVersion })),
    );
    results.forEach((r, j) => (r.status === 'fulfilled' ? signalled++ : failed.push(batch[j].id)));
  }
  return { cycleId, calendarVersion, calendar, signalled, failed };
}
