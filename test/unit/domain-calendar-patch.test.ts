// A calendar change merges into the stored calendar: nested parts key by key, a null override removed.
import { applyCalendarPatch } from '../../domain/calendar-patch';
import { mergeCalendar } from '../../domain/schedule';

const stored = applyCalendarPatch({}, {
  signBy: { JPT_PRATAMA: '01-20' },
  revisionDays: { review: 12 },
  ladder: { maxLevels: 2 },
  overrides: { draft: '2027-01-10T16:59:59.999Z', 'report:Q1': '2027-04-12T16:59:59.999Z' },
});

test('given fields replace, nested ones merge key by key, and what is not given stays', () => {
  const changed = applyCalendarPatch(stored, { utcOffsetHours: 8, signBy: { PENGAWAS: '02-01' }, revisionDays: { draft: 5 }, ladder: { escalationEveryDays: 2 } });
  expect(changed.utcOffsetHours).toBe(8);
  expect(changed.signBy).toMatchObject({ JPT_PRATAMA: '01-20', PENGAWAS: '02-01' });
  expect(changed.revisionDays).toEqual({ ...mergeCalendar({}).revisionDays, draft: 5, review: 12 });
  expect(changed.ladder).toMatchObject({ maxLevels: 2, escalationEveryDays: 2 });
  expect(changed.overrides).toEqual(stored.overrides);
});

test('an override given as null is removed; a given one is stored as an ISO date-time', () => {
  const changed = applyCalendarPatch(stored, { overrides: { draft: null, sign: '2027-01-20T10:00:00+07:00' } });
  expect(changed.overrides).toEqual({ 'report:Q1': '2027-04-12T16:59:59.999Z', sign: '2027-01-20T03:00:00.000Z' });
});
