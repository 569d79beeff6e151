// A PK workflow lives ~14 months, so workflow code changes must not break running histories:
// recorded histories of full years (test/fixtures/histories/) replay against the current code,
// those of the earlier type `agreementWorkflow` (workflows/legacy/) and of `agreementV2` alike.
// A change that would break them goes behind patched() or into a new workflow type. Record new
// fixtures (one file per run, as continue-as-new splits a year) with, e.g.:
//   RECORD_HISTORY=$PWD/test/fixtures/histories/<name> npx jest test/workflows/lifecycle.test.ts
// (lifecycle-revision.test.ts and lifecycle-deadlines.test.ts record theirs the same way).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { workflowBundle } from '../../worker/create-worker';

const dir = join(__dirname, '..', 'fixtures', 'histories');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.pb'));

const workflowType = (history: temporal.api.history.v1.IHistory) =>
  history.events![0].workflowExecutionStartedEventAttributes!.workflowType!.name;

test('there are recorded histories of both agreement workflow types to replay', () => {
  const types = new Set(fixtures.map((f) => workflowType(temporal.api.history.v1.History.decode(readFileSync(join(dir, f))))));
  expect([...types].sort()).toEqual(['agreementV2', 'agreementWorkflow']);
});

test.each(fixtures)('%s replays against the current workflow code', async (file) => {
  const history = temporal.api.history.v1.History.decode(readFileSync(join(dir, file)));
  expect(history.events!.length).toBeGreaterThan(50); // a real stretch of the year, not a stub
  await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, `${file}-replay`);
});
