// Two notices of one kind close together, the older one finishing last: a PK keeps the newer.
// Calendar changes: each notice makes the PK read the stored calendar (an activity), and the read
// of the older calendar may return after the newer one's. A superior's PK signed again (a PK
// Perubahan) sends its subordinates a notice per version, and a retried release of the older
// version may arrive after the newer one's. An administrator's extension granted after a calendar
// change was stored may reach the PK before the change's notice does.
import { calendarChangedSignal, extendDeadlineUpdate, stateQuery, superiorSignedSignal } from '../../workflows/messages';
import { admin, agreementDriver, sampleOrganisation, startLifecycle, startTestCycle, type Lifecycle } from '../support/time-skipping';

jest.setTimeout(180_000);
const YEAR = new Date().getFullYear() + 1;
const org = sampleOrganisation('kab-notices-order', YEAR, ['kepala-dinkes']);
const cycleId = `cycle:${org.organisation.id}:${YEAR}`;
let l: Lifecycle;
let d: ReturnType<typeof agreementDriver>;

/** A calendar read the test holds after it has read the database, until the test lets it return. */
interface HeldRead { hasRead: Promise<void>; read: () => void; mayReturn: Promise<void>; release: () => void }
let held: HeldRead | null = null;
const releases: (() => void)[] = [];
function holdNextRead(): HeldRead {
  const h = {} as HeldRead;
  h.hasRead = new Promise<void>((resolve) => (h.read = resolve));
  h.mayReturn = new Promise<void>((resolve) => (h.release = resolve));
  releases.push(h.release);
  return (held = h);
}

beforeAll(async () => {
  l = await startLifecycle({
    activities: (real) => ({
      ...real,
      async loadSchedule(args) {
        const hold = held;
        held = null;
        const schedule = await real.loadSchedule(args);
        if (hold) {
          hold.read();
          await hold.mayReturn;
        }
        return schedule;
      },
    }),
  });
  await startTestCycle(l, org);
  d = agreementDriver(l, org);
});
afterAll(async () => {
  releases.forEach((release) => release());
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

/** Waits until `count` calendar reads have completed in the PK's history (a query then sees their effect). */
async function readsCompleted(id: string, count: number): Promise<void> {
  for (let i = 0; ; i++) {
    const events = (await d.handle(id).fetchHistory()).events!;
    const scheduled = new Set(events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'loadSchedule').map((e) => String(e.eventId)));
    if (events.filter((e) => scheduled.has(String(e.activityTaskCompletedEventAttributes?.scheduledEventId))).length >= count) return;
    if (i > 200) throw new Error(`fewer than ${count} calendar reads completed`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('two calendar changes whose reads finish out of order: the PK keeps the newer calendar', async () => {
  const id = 'kepala-dinkes';
  const pk = d.handle(id);
  await d.until(id, (s) => s.deadline?.item === 'draft');
  const older = `${YEAR}-02-10T16:59:59.999Z`;
  const newer = `${YEAR}-02-24T16:59:59.999Z`;

  const first = holdNextRead();
  await pk.signal(calendarChangedSignal, { calendarVersion: await storeCalendarChange(older) });
  await first.hasRead; // it read the older calendar and is held
  await pk.signal(calendarChangedSignal, { calendarVersion: await storeCalendarChange(newer) });
  await d.until(id, (s) => s.deadline?.dueAt === newer);

  // the older read returns last; once its completion is in the history, a query answers after the
  // workflow task that takes it in
  first.release();
  await readsCompleted(id, 2);
  const state = await pk.query(stateQuery);
  expect(state.deadline).toMatchObject({ item: 'draft', dueAt: newer });
});

test('an extension granted after a calendar change, before the change reached the PK, stands; a later change clears it', async () => {
  const id = 'kepala-dinkes';
  const pk = d.handle(id);
  const calendarDue = `${YEAR}-03-03T16:59:59.999Z`;
  const extended = `${YEAR}-03-20T09:00:00.000Z`;

  const read = holdNextRead();
  const calendarVersion = await storeCalendarChange(calendarDue);
  await pk.signal(calendarChangedSignal, { calendarVersion });
  await read.hasRead; // the change is on its way to the PK
  // the administrator extends under the stored calendar (the API passes its version)
  const answer = await pk.executeUpdate(extendDeadlineUpdate, { args: [{ actor: admin, dueAt: extended, reason: 'Menunggu DPA', calendarVersion }] });
  expect(answer).toMatchObject({ item: 'draft', dueAt: extended });
  read.release();
  await readsCompleted(id, 3);
  expect((await pk.query(stateQuery)).deadline).toMatchObject({ item: 'draft', dueAt: extended });

  // a calendar change stored after the extension sets the due date again
  const later = `${YEAR}-03-10T16:59:59.999Z`;
  await pk.signal(calendarChangedSignal, { calendarVersion: await storeCalendarChange(later) });
  await d.until(id, (s) => s.deadline?.dueAt === later);
  expect((await pk.query(stateQuery)).extendedDueAt).toBeUndefined();
});

test("a superior's notice of an older version arriving after the newer one's changes nothing", async () => {
  const pk = d.handle('kepala-dinkes');
  await pk.signal(superiorSignedSignal, { version: 2, indicatorIds: ['IKU-2'] });
  await pk.signal(superiorSignedSignal, { version: 1, indicatorIds: ['IKU-1'] });
  const state = await pk.query(stateQuery);
  expect([state.superiorVersion, state.superiorIndicatorIds]).toEqual([2, ['IKU-2']]);
});
