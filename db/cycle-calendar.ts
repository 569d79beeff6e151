// A cycle's calendar in the records: a change is merged, numbered and audited (on the cycle's chain)
// in one transaction, once per change id.
import type { Pool, PoolClient } from 'pg';
import { applyCalendarPatch, type CalendarPatch } from '../domain/calendar-patch';
import type { CycleCalendar } from '../domain/schedule';
import { DEFAULT_UTC_OFFSET_HOURS } from '../domain/time-zones';
import { insertAuditRow } from './audit-log';

export interface StoredCalendarChange {
  calendarVersion: number;
  calendar: CycleCalendar;
}

const auditKey = (cycleId: string, changeId: string) => `calendar:${cycleId}:${changeId}`;

/** Null when there is no such cycle. A change already stored (a retry) returns what it stored. */
export async function storeCalendarChange(
  db: Pool,
  change: { cycleId: string; changeId: string; patch: CalendarPatch; actorId: string; at: Date },
): Promise<StoredCalendarChange | null> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    // the cycle's audit chain lock, which insertAuditRow needs, also orders concurrent changes
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [change.cycleId]);
    const key = auditKey(change.cycleId, change.changeId);
    const done = (await client.query('SELECT data FROM audit_log WHERE key = $1', [key])).rows[0];
    if (done) {
      await client.query('ROLLBACK');
      return { calendarVersion: done.data.calendarVersion, calendar: done.data.calendar };
    }
    const stored = await storeIn(client, change, key);
    await client.query('COMMIT');
    return stored;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

async function storeIn(
  client: PoolClient,
  change: { cycleId: string; changeId: string; patch: CalendarPatch; actorId: string; at: Date },
  key: string,
): Promise<StoredCalendarChange | null> {
  const row = (await client.query('SELECT calendar, calendar_version FROM cycles WHERE id = $1 FOR UPDATE', [change.cycleId])).rows[0];
  if (!row) return null;
  const calendar = applyCalendarPatch(row.calendar, change.patch);
  const calendarVersion: number = row.calendar_version + 1;
  await client.query('UPDATE cycles SET calendar = $2, calendar_version = $3 WHERE id = $1', [change.cycleId, JSON.stringify(calendar), calendarVersion]);
  await insertAuditRow(client, {
    agreementId: change.cycleId, key, action: 'calendar.changed', actorId: change.actorId, at: change.at.toISOString(),
    data: { changeId: change.changeId, calendarVersion, patch: change.patch, calendar },
  });
  return { calendarVersion, calendar };
}

/** The cycle calendar's current version (an extension records it: a later change clears the extension). */
export async function calendarVersionOf(db: Pool, cycleId: string): Promise<number> {
  const { rows } = await db.query('SELECT calendar_version FROM cycles WHERE id = $1', [cycleId]);
  return rows[0].calendar_version;
}

/** The ids of the cycle's PKs that are not closed, in order (the calendar change tells them). */
export async function openAgreementIds(db: Pool, cycleId: string): Promise<string[]> {
  const { rows } = await db.query(`SELECT id FROM agreements WHERE cycle_id = $1 AND phase <> 'closed' ORDER BY id`, [cycleId]);
  return rows.map((r) => r.id as string);
}

/**
 * A cycle's zone as hours ahead of UTC (WIB 7, WITA 8, WIT 9), in SQL over `cycles c`: the
 * calendar's, else the default's. The page shows a PK's times in it (web/js/format.js).
 */
export const UTC_OFFSET_HOURS_SQL = `coalesce((c.calendar->>'utcOffsetHours')::float8, ${DEFAULT_UTC_OFFSET_HOURS})`;

/** The zone of one cycle, as UTC_OFFSET_HOURS_SQL reads it. */
export async function utcOffsetHoursOf(db: Pool, cycleId: string): Promise<number> {
  const { rows } = await db.query(`SELECT ${UTC_OFFSET_HOURS_SQL} AS hours FROM cycles c WHERE c.id = $1`, [cycleId]);
  return rows[0]?.hours ?? DEFAULT_UTC_OFFSET_HOURS;
}
