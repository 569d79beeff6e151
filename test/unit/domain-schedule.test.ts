// The cycle calendar and the deadline ladder (the domain's calendar and escalation), table-first.
import { dueDatesFor, endOfLocalDay, mergeCalendar, revisionDueDates } from '../../domain/schedule';
import { escalationLevelAt, ladderSteps } from '../../domain/ladder';

const DAY = 86_400_000;

describe('due dates from the cycle calendar', () => {
  it.each([
    // level, signing due (end of the local day in WIB = 16:59:59.999Z)
    ['JPT_PRATAMA', '2025-01-15T16:59:59.999Z'],
    ['ADMINISTRATOR', '2025-01-22T16:59:59.999Z'],
    ['PENGAWAS', '2025-01-29T16:59:59.999Z'],
    ['PELAKSANA', '2025-01-31T16:59:59.999Z'],
  ] as const)('%s signs by %s (eselon II first, then lower levels)', (level, signDue) => {
    expect(dueDatesFor(2025, level).signDue).toBe(signDue);
  });

  it('quarters end on the last day of March, June, September, December; reports are due 10 days later', () => {
    const d = dueDatesFor(2025, 'ADMINISTRATOR');
    expect(d.quarterEnds).toEqual(['2025-03-31T16:59:59.999Z', '2025-06-30T16:59:59.999Z', '2025-09-30T16:59:59.999Z', '2025-12-31T16:59:59.999Z']);
    expect(d.reportDue).toEqual(['2025-04-10T16:59:59.999Z', '2025-07-10T16:59:59.999Z', '2025-10-10T16:59:59.999Z', '2026-01-10T16:59:59.999Z']);
    expect(d.evaluationDue).toBe('2026-02-28T16:59:59.999Z');
    expect(Date.parse(d.draftDue)).toBeLessThan(Date.parse(d.reviewDue));
    expect(Date.parse(d.reviewDue)).toBeLessThan(Date.parse(d.signDue));
  });

  it('every date can be overridden per cycle, and the zone moves the end of day', () => {
    const d = dueDatesFor(2025, 'JPT_PRATAMA', { utcOffsetHours: 9, overrides: { 'report:Q2': '2025-07-20T00:00:00.000Z' }, signBy: { JPT_PRATAMA: '02-01' } as any });
    expect(d.signDue).toBe('2025-02-01T14:59:59.999Z'); // WIT
    expect(d.reportDue[1]).toBe('2025-07-20T00:00:00.000Z');
    expect(mergeCalendar({}).ladder).toEqual({ reminderDaysBefore: [3, 1], escalationEveryDays: 3, maxLevels: 4 });
  });

  it('the end of a local day is one millisecond before the next local midnight', () => {
    expect(endOfLocalDay(2024, 2, 29, 7)).toBe('2024-02-29T16:59:59.999Z');
    expect(endOfLocalDay(2025, 1, 0, 8)).toBe('2024-12-31T15:59:59.999Z'); // day 0 = last day of the previous month
  });
});

describe('deadline ladder', () => {
  const due = Date.parse('2025-01-15T16:59:59.999Z');

  it('reminds 3 and 1 days before, then escalates one level every 3 days from the due date', () => {
    expect(ladderSteps(due).map((s) => [(s.at - due) / DAY, s.kind, s.level])).toEqual([
      [-3, 'reminder', 0],
      [-1, 'reminder', 0],
      [0, 'escalation', 1],
      [3, 'escalation', 2],
      [6, 'escalation', 3],
      [9, 'escalation', 4],
    ]);
  });

  it.each([
    [-2, 0],
    [0, 1],
    [2.9, 1],
    [3, 2],
    [8, 3],
    [100, 4],
  ])('%d days after the due date the level is %d', (days, level) => {
    expect(escalationLevelAt(due + days * DAY, due)).toBe(level);
  });

  it('follows a custom policy', () => {
    const steps = ladderSteps(due, { reminderDaysBefore: [7], escalationEveryDays: 1, maxLevels: 2 });
    expect(steps.map((s) => (s.at - due) / DAY)).toEqual([-7, 0, 1]);
  });
});

describe('PK Perubahan due dates', () => {
  const due = dueDatesFor(2025, 'JPT_PRATAMA');

  it('count from the local day the revision starts, not from January', () => {
    // 2025-07-03 23:30 WIB is still 3 July locally (16:30 UTC)
    const r = revisionDueDates('2025-07-03T16:30:00.000Z', due);
    expect(r).toEqual({
      draftDue: endOfLocalDay(2025, 7, 10, 7),
      reviewDue: endOfLocalDay(2025, 7, 13, 7),
      signDue: endOfLocalDay(2025, 7, 17, 7),
    });
  });

  it('cross into the next day in the organisation zone, and follow the cycle calendar', () => {
    const wit = dueDatesFor(2025, 'JPT_PRATAMA', { utcOffsetHours: 9, revisionDays: { draft: 1, review: 2, sign: 3 } });
    // 20:00 UTC on 3 July is already 4 July in WIT (UTC+9)
    expect(revisionDueDates('2025-07-03T20:00:00.000Z', wit).draftDue).toBe(endOfLocalDay(2025, 7, 5, 9));
    expect(revisionDueDates('2025-12-30T00:00:00.000Z', wit).signDue).toBe(endOfLocalDay(2026, 1, 2, 9));
  });
});
