// A change to a cycle's calendar: what is given replaces the stored value; signBy, revisionDays,
// ladder and overrides merge key by key, and an override given as null is removed. Shared by the
// import (a calendar beside the organisation) and the calendar change (a workflow's activity).
import type { LadderPolicy } from './ladder';
import { mergeCalendar, type CycleCalendar, type RevisionDays } from './schedule';
import type { Level } from './types';

export interface CalendarPatch {
  utcOffsetHours?: number;
  signBy?: Partial<Record<Level, string>>;
  draftDaysBeforeSign?: number;
  reviewDaysBeforeSign?: number;
  reportDaysAfterQuarter?: number;
  verifyDaysAfterReport?: number;
  evaluationBy?: string;
  revisionDays?: Partial<RevisionDays>;
  ladder?: Partial<LadderPolicy>;
  /** By item ('draft', 'report:Q1', …): an ISO date-time, or null to remove the override. */
  overrides?: Record<string, string | null>;
}

const MERGED_BY_KEY = ['signBy', 'revisionDays', 'ladder', 'overrides'];

export function applyCalendarPatch(stored: Partial<CycleCalendar> | null | undefined, patch: CalendarPatch): CycleCalendar {
  const base = mergeCalendar(stored);
  const overrides = { ...base.overrides };
  for (const [item, value] of Object.entries(patch.overrides ?? {})) {
    if (value === null) delete overrides[item];
    else overrides[item] = new Date(value).toISOString();
  }
  return {
    ...base,
    ...Object.fromEntries(Object.entries(patch).filter(([k, v]) => v !== undefined && !MERGED_BY_KEY.includes(k))),
    signBy: { ...base.signBy, ...(patch.signBy ?? {}) },
    revisionDays: { ...base.revisionDays, ...(patch.revisionDays ?? {}) },
    ladder: { ...base.ladder, ...(patch.ladder ?? {}) },
    overrides,
  };
}
