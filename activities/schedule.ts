// Due dates of one PK, read from its cycle's calendar (data, configurable per cycle).
import type { ActivityDeps } from './deps';
import { dueDatesFor, type CycleCalendar, type DueDates } from '../domain/schedule';
import type { Level } from '../domain/types';
import { superiorSignature } from './store';

/** The due dates of one PK (domain/schedule.ts computes them). */
export type Schedule = DueDates;

export function createScheduleActivities({ db }: ActivityDeps) {
  return {
    async loadSchedule({ agreementId }: { agreementId: string }): Promise<Schedule> {
      return scheduleOf(db, agreementId);
    },

    /** What a run needs before it waits: its due dates and, for a subordinate, the superior's signed PK if any. */
    async loadStartContext({ agreementId, cycleId, parentPositionId }: { agreementId: string; cycleId: string; parentPositionId: string | null }): Promise<{ schedule: Schedule; superior: { indicatorIds: string[] } | null }> {
      const [schedule, superior] = await Promise.all([
        scheduleOf(db, agreementId),
        parentPositionId === null ? null : superiorSignature(db, cycleId, parentPositionId),
      ]);
      return { schedule, superior };
    },
  };
}

export async function scheduleOf(db: ActivityDeps['db'], agreementId: string): Promise<Schedule> {
  const { rows } = await db.query(
    `SELECT c.year, c.calendar, c.calendar_version, p.level FROM agreements a
       JOIN cycles c ON c.id = a.cycle_id
       JOIN positions p ON p.cycle_id = a.cycle_id AND p.id = a.position_id
      WHERE a.id = $1`,
    [agreementId],
  );
  if (rows.length === 0) throw new Error(`agreement ${agreementId} is not stored`);
  const { year, calendar, calendar_version, level } = rows[0] as { year: number; calendar: Partial<CycleCalendar>; calendar_version: number; level: Level };
  return { ...dueDatesFor(year, level, calendar), calendarVersion: calendar_version };
}
