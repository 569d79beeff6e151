// Two notices of one kind close together, the older one finishing last: a PK keeps the newer.
// Calendar changes: each notice makes the PK read the stored calendar (an activity), and the read
// of the older calendar may return after the newer one's. A superior's PK signed again (a PK
// Perubahan) sends its subordinates a notice per version, and a retried release of the older
// version may arrive after the newer one's.
import { calendarChangedSignal, stateQuery, superiorSignedSignal } from '../../workflows/messages';
import { agreementDriver, sampleOrganisation, startLifecycle, startTestCycle, type Lifecycle } from '../support/time-skipping';

jest.setTimeout(180_000);
const YEAR = new Date().getFullYear() + 1;
const org = sampleOrganisation('kab-notices-order', YEAR, ['kepala-dinkes']);
const cycleId = `cycle:${org.organisation.id}:${YEAR}`;
let l: Lifecycle;
let d: ReturnType<typeof agreementDriver>;

/** The first calendar read is held after it has read the database, until the test lets it return. */
let firstReadDone!: () => void;
const firstReadHasRead = new Promise<void>((resolve) => (firstReadDone = resolve));
let letFirstReadReturn!: () => void;
const firstReadMayReturn = new Promise<void>((resolve) => (letFirstReadReturn = resolve));
let reads = 0;

beforeAll(async () => {
  l = await startLifecycle({
    activities: (real) => ({
      ...real,
      async loadSchedule(args) {
        const first = ++reads === 1;
        const schedule = await real.loadSchedule(args);
        if (first) {
          firstReadDone();
          await firstReadMayReturn;
        }
        return schedule;
      },
    }),
  });
  await startTestCycle(l, org);
  d = agreementDriver(l, org);
});
afterAll(async () => {
  letFirstReadReturn();
  await l?.stop();
});

/** What an administrator's calendar change stores (db/cycle-calendar.ts): the calendar and its next version. */
async function storeCalendarChange(draftDue: string): Promise<number> {
  const { rows } = await l.db.query(
    `UPDATE cycles SET calendar = jsonb_set(COALESCE(calendar, '{}'::jsonb), '{overrides}', jsonb_build_object('draft', $2::text)),
            calendar_version = calendar_version + 1
      WHERE id = $1 RETURNING calendar_version`,
    [cycleId, draftDue],
  );
  return rows[0].calendar_version;
}

test('two calendar changes whose reads finish out of order: the PK keeps the newer calendar', async () => {
  const id = 'kepala-dinkes';
  const pk = d.handle(id);
  await d.until(id, (s) => s.deadline?.item === 'draft');
  const older = `${YEAR}-02-10T16:59:59.999Z`;
  const newer = `${YEAR}-02-24T16:59:59.999Z`;

  await pk.signal(calendarChangedSignal, { calendarVersion: await storeCalendarChange(older) });
  await firstReadHasRead; // it read the older calendar and is held
  await pk.signal(calendarChangedSignal, { calendarVersion: await storeCalendarChange(newer) });
  await d.until(id, (s) => s.deadline?.dueAt === newer);

  // the older read returns last; once its completion is in the history, a query answers after the
  // workflow task that takes it in
  letFirstReadReturn();
  const completedReads = async () => {
    const events = (await pk.fetchHistory()).events!;
    const scheduled = new Set(events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'loadSchedule').map((e) => String(e.eventId)));
    return events.filter((e) => scheduled.has(String(e.activityTaskCompletedEventAttributes?.scheduledEventId))).length;
  };
  for (let i = 0; (await completedReads()) < 2; i++) {
    if (i > 200) throw new Error('the older read never completed');
    await new Promise((r) => setTimeout(r, 50));
  }
  const state = await pk.query(stateQuery);
  expect(state.deadline).toMatchObject({ item: 'draft', dueAt: newer });
});

test("a superior's notice of an older version arriving after the newer one's changes nothing", async () => {
  const pk = d.handle('kepala-dinkes');
  await pk.signal(superiorSignedSignal, { version: 2, indicatorIds: ['IKU-2'] });
  await pk.signal(superiorSignedSignal, { version: 1, indicatorIds: ['IKU-1'] });
  const state = await pk.query(stateQuery);
  expect([state.superiorVersion, state.superiorIndicatorIds]).toEqual([2, ['IKU-2']]);
});
