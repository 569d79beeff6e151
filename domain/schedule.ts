// The due dates of one PK in its year, from the cycle calendar (the domain's calendar): every date
// has a default and can be overridden per cycle. Dates are local days in the organisation's zone;
// a due date means the end of that day.
import { defaultLadderPolicy, type LadderPolicy } from './ladder';
import { DEFAULT_UTC_OFFSET_HOURS } from './time-zones';
import type { Level } from './types';

export interface CycleCalendar {
  /** Hours ahead of UTC: WIB 7, WITA 8, WIT 9. */
  utcOffsetHours: number;
  /** Day the PK must be signed by, per level (MM-DD of the PK year). Eselon II first, lower levels after. */
  signBy: Record<Level, string>;
  /** Drafting closes this many days before the signing date, review this many. */
  draftDaysBeforeSign: number;
  reviewDaysBeforeSign: number;
  /** Realization is due this many days after each quarter ends; verification this many after that. */
  reportDaysAfterQuarter: number;
  verifyDaysAfterReport: number;
  /** Year-end evaluation by this day of the next year (MM-DD). */
  evaluationBy: string;
  /** A PK Perubahan is drafted, reviewed and signed within these many days of the day it starts. */
  revisionDays: RevisionDays;
  ladder: LadderPolicy;
  /** Exact overrides by item ('draft', 'review', 'sign', 'quarter:Q1', 'report:Q1', 'verify:Q4', 'evaluation'), ISO date-times. */
  overrides: Record<string, string>;
}

export const defaultCalendar: CycleCalendar = {
  utcOffsetHours: DEFAULT_UTC_OFFSET_HOURS,
  signBy: {
    KEPALA_DAERAH: '01-10',
    JPT_MADYA: '01-15',
    JPT_PRATAMA: '01-15',
    ADMINISTRATOR: '01-22',
    PENGAWAS: '01-29',
    PELAKSANA: '01-31',
  },
  draftDaysBeforeSign: 5,
  reviewDaysBeforeSign: 2,
  reportDaysAfterQuarter: 10,
  verifyDaysAfterReport: 7,
  evaluationBy: '02-28',
  revisionDays: { draft: 7, review: 10, sign: 14 },
  ladder: defaultLadderPolicy,
  overrides: {},
};

const DAY = 86_400_000;

/** End of a local day (23:59:59.999) as an ISO instant. */
export function endOfLocalDay(year: number, month: number, day: number, utcOffsetHours: number): string {
  return new Date(Date.UTC(year, month - 1, day, 24, 0, 0, 0) - utcOffsetHours * 3_600_000 - 1).toISOString();
}

function endOfDay(year: number, mmdd: string, offset: number): string {
  const [m, d] = mmdd.split('-').map(Number);
  return endOfLocalDay(year, m, d, offset);
}

const shift = (iso: string, days: number) => new Date(Date.parse(iso) + days * DAY).toISOString();

export function mergeCalendar(partial: Partial<CycleCalendar> | null | undefined): CycleCalendar {
  const p = partial ?? {};
  return {
    ...defaultCalendar,
    ...p,
    signBy: { ...defaultCalendar.signBy, ...(p.signBy ?? {}) },
    revisionDays: { ...defaultCalendar.revisionDays, ...(p.revisionDays ?? {}) },
    ladder: { ...defaultCalendar.ladder, ...(p.ladder ?? {}) },
    overrides: { ...(p.overrides ?? {}) },
  };
}

export interface DueDates {
  draftDue: string;
  reviewDue: string;
  signDue: string;
  quarterEnds: string[];
  reportDue: string[];
  verifyDue: string[];
  evaluationDue: string;
  policy: LadderPolicy;
  revisionDays: RevisionDays;
  utcOffsetHours: number;
  /**
   * The version of the cycle calendar the dates were read from (cycles.calendar_version), so a PK
   * that reads the calendar twice keeps the newer; absent in dates carried from older runs.
   */
  calendarVersion?: number;
}

export interface RevisionDays {
  draft: number;
  review: number;
  sign: number;
}

/** Due dates of a PK Perubahan started at `startedAt`: the end of the local day N days later. */
export function revisionDueDates(startedAt: string, due: Pick<DueDates, 'revisionDays' | 'utcOffsetHours'>): { draftDue: string; reviewDue: string; signDue: string } {
  const local = new Date(Date.parse(startedAt) + due.utcOffsetHours * 3_600_000);
  const at = (days: number) => endOfLocalDay(local.getUTCFullYear(), local.getUTCMonth() + 1, local.getUTCDate() + days, due.utcOffsetHours);
  return { draftDue: at(due.revisionDays.draft), reviewDue: at(due.revisionDays.review), signDue: at(due.revisionDays.sign) };
}

export function dueDatesFor(year: number, level: Level, partial?: Partial<CycleCalendar> | null): DueDates {
  const c = mergeCalendar(partial);
  const o = c.overrides;
  const signDue = o['sign'] ?? endOfDay(year, c.signBy[level], c.utcOffsetHours);
  // day 0 of the next month is the last day of the quarter's last month
  const quarterEnds = [3, 6, 9, 12].map((m) => endOfLocalDay(year, m + 1, 0, c.utcOffsetHours));
  const reportDue = quarterEnds.map((end, i) => o[`report:Q${i + 1}`] ?? shift(end, c.reportDaysAfterQuarter));
  return {
    draftDue: o['draft'] ?? shift(signDue, -c.draftDaysBeforeSign),
    reviewDue: o['review'] ?? shift(signDue, -c.reviewDaysBeforeSign),
    signDue,
    quarterEnds: quarterEnds.map((end, i) => o[`quarter:Q${i + 1}`] ?? end),
    reportDue,
    verifyDue: reportDue.map((due, i) => o[`verify:Q${i + 1}`] ?? shift(due, c.verifyDaysAfterReport)),
    evaluationDue: o['evaluation'] ?? endOfDay(year + 1, c.evaluationBy, c.utcOffsetHours),
    policy: c.ladder,
    revisionDays: c.revisionDays,
    utcOffsetHours: c.utcOffsetHours,
  };
}
