// A PK workflow lives ~14 months, so workflow code changes must not break running histories:
// recorded histories of full years (test/fixtures/histories/) replay against the current code,
// those of the earlier type `agreementWorkflow` (workflows/legacy/) and of `agreementV2` alike.
// A change that would break them goes behind patched() or into a new workflow type. Record new
// fixtures (one file per run, as continue-as-new splits a year) with, e.g.:
//   RECORD_HISTORY=$PWD/test/fixtures/histories/<name> npx jest test/workflows/lifecycle.test.ts
// (lifecycle-revision.test.ts and lifecycle-deadlines.test.ts record theirs the same way).
// (the change workflows' fixtures, layers-*.pb: the same with test/integration/api-background-changes.test.ts)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { workflowBundle } from '../../worker/create-worker';

const dir = join(__dirname, '..', 'fixtures', 'histories');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.pb'));

const workflowType = (history: temporal.api.history.v1.IHistory) =>
  history.events![0].workflowExecutionStartedEventAttributes!.workflowType!.name;

test('there are recorded histories of both agreement workflow types and of the change workflows to replay', () => {
  const types = new Set(fixtures.map((f) => workflowType(temporal.api.history.v1.History.decode(readFileSync(join(dir, f))))));
  expect([...types].sort()).toEqual(['agreementV2', 'agreementWorkflow', 'calendarChangeWorkflow', 'officialChangeWorkflow']);
});

/** The write activity a local-write marker ran (its marker data names it). */
const localWriteType = (e: temporal.api.history.v1.IHistoryEvent): string | null => {
  const marker = e.markerRecordedEventAttributes;
  if (marker?.markerName !== 'core_local_activity') return null;
  return (JSON.parse(Buffer.from(marker.details!.data.payloads![0].data!).toString()) as { activity_type: string }).activity_type;
};

/** The behaviour a run started with (`AgreementInput.behaviour`), from its first event. */
const behaviourOf = (history: temporal.api.history.v1.IHistory): string | undefined => {
  const input = history.events![0].workflowExecutionStartedEventAttributes!.input!.payloads![0];
  return (JSON.parse(Buffer.from(input.data!).toString()) as { behaviour?: string }).behaviour;
};

test('agreementV2 is recorded writing every way: regular activities, one local write at a time, local writes that carry what waited together, lean runs, and runs whose signature carries its step', () => {
  const ways = new Set(fixtures.map((f) => temporal.api.history.v1.History.decode(readFileSync(join(dir, f)))).filter((h) => workflowType(h) === 'agreementV2').map((h) => {
    const local = new Set(h.events!.map(localWriteType).filter((t) => t !== null));
    // a lean run (and every behaviour since) records no patch, and writes, signs and reads through local activities only
    const behaviour = behaviourOf(h);
    if (behaviour) {
      const patches = h.events!.some((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch');
      const scheduled = h.events!.map((e) => e.activityTaskScheduledEventAttributes?.activityType?.name).filter((n) => n);
      return !patches && scheduled.every((n) => ['notify', 'releaseSubordinates', 'loadSchedule'].includes(n!)) ? behaviour : `${behaviour}, recorded otherwise`;
    }
    const regular = h.events!.some((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'recordTransition');
    if (regular) return local.size === 0 ? 'regular' : 'mixed';
    return local.size === 1 ? [...local][0] : 'mixed';
  }));
  expect([...ways].sort()).toEqual(['lean', 'recordTransition', 'recordTransitions', 'regular', 'signature-carries-step']);
  for (const behaviour of ['lean', 'signature-carries-step']) {
    const localSignatures = fixtures.map((f) => temporal.api.history.v1.History.decode(readFileSync(join(dir, f))))
      .filter((h) => behaviourOf(h) === behaviour).flatMap((h) => h.events!.map(localWriteType)).filter((t) => t === 'signAgreement');
    expect(localSignatures.length).toBeGreaterThan(0);
  }
});

test.each(fixtures)('%s replays against the current workflow code', async (file) => {
  const history = temporal.api.history.v1.History.decode(readFileSync(join(dir, file)));
  // a real stretch of a PK's year, or a whole run of a short workflow (a calendar change, a change of official); not a stub
  const { EVENT_TYPE_WORKFLOW_EXECUTION_STARTED: STARTED, EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED: COMPLETED } = temporal.api.enums.v1.EventType;
  const wholeRun = history.events![0].eventType === STARTED && history.events!.at(-1)!.eventType === COMPLETED;
  expect(wholeRun || history.events!.length > 50).toBe(true);
  await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, `${file}-replay`);
});
