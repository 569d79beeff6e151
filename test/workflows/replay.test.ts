// A PK workflow lives ~14 months, so workflow code changes must not break running histories:
// recorded histories of full years (test/fixtures/histories/) replay against the current code.
// A change that would break them goes behind patched(). Record new fixtures (one file per run, as
// continue-as-new splits a year) with:
//   RECORD_HISTORY=$PWD/test/fixtures/histories/<name> npx jest test/workflows/lifecycle.test.ts
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
  expect(history.events!.length).toBeGreaterThan(50); // a real stretch of the year, not a stub
  await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, `${file}-replay`);
});
