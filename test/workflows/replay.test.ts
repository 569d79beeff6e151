// A PK workflow lives ~14 months, so workflow code changes must not break running histories:
// recorded histories of full years (test/fixtures/histories/) replay against the current code.
// A change that would break them goes behind patched(). Record new fixtures (one file per run, as
// continue-as-new splits a year) with:
//   RECORD_HISTORY=$PWD/test/fixtures/histories/<name> npx jest test/workflows/lifecycle.test.ts
// (the change workflows' fixtures, layers-*.pb: the same with test/integration/api-background-changes.test.ts)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { workflowBundle } from '../../worker/create-worker';

const dir = join(__dirname, '..', 'fixtures', 'histories');
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.pb'));

test('there are recorded histories to replay', () => {
  expect(fixtures.length).toBeGreaterThan(0);
});

test.each(fixtures)('%s replays against the current workflow code', async (file) => {
  const history = temporal.api.history.v1.History.decode(readFileSync(join(dir, file)));
  // a real stretch of a PK's year, or a whole run of a short workflow (a calendar change, a change of official); not a stub
  const { EVENT_TYPE_WORKFLOW_EXECUTION_STARTED: STARTED, EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED: COMPLETED } = temporal.api.enums.v1.EventType;
  const wholeRun = history.events![0].eventType === STARTED && history.events!.at(-1)!.eventType === COMPLETED;
  expect(wholeRun || history.events!.length > 50).toBe(true);
  await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, `${file}-replay`);
});
