// `kinerja replay` names the event a nondeterminism is about, also when the SDK's message names a
// patch rather than an event (a change put in front of a run that recorded a patch marker first).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { failingEventId } from '../../archive/replay';

const history = temporal.api.history.v1.History.decode(readFileSync(join(__dirname, '..', 'fixtures', 'histories', 'local-writes-pk-year-returned-draft-and-report-run1.pb')));

test('a patch marker the code no longer asks for is named by its event', () => {
  const marker = history.events!.find((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')!;
  const message = '[TMPRL1100] Nondeterminism error: Non-deprecated patch marker encountered for change local-writes-one-at-a-time, but there is no corresponding change command!';
  expect(failingEventId(message, history)).toBe(Number(marker.eventId));
  expect(failingEventId(message.replace('local-writes-one-at-a-time', 'some-other-change'), history)).toBeNull();
});

test('the SDK\'s own event id and a named activity are found as before', () => {
  expect(failingEventId('Nondeterminism error: Timer machine does not handle this event: HistoryEvent(id: 19, WorkflowExecutionUpdateCompleted)', history)).toBe(19);
  const scheduled = history.events!.find((e) => e.activityTaskScheduledEventAttributes)!;
  const type = scheduled.activityTaskScheduledEventAttributes!.activityType!.name;
  expect(failingEventId(`Activity type of scheduled event '${type}' does not match`, history)).toBe(Number(scheduled.eventId));
});
