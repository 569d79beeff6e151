// The page's timeline of a PK whose year spans several workflow runs, in real headless Chromium:
// after a compressed year (the PK continues as new at least twice) the evaluation team sees how
// many runs the year took and each continue-as-new as one marked line followed at once by the next
// run's first line, never a gap; and the same once Temporal has deleted the runs, from the archive
// alone. Screenshots go to test-output/screenshots/.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { Stack } from '../support/stack';
import { EVALUATOR, signInOnPage } from '../support/browser-sign-in';
import { BrowserSession } from '../support/browser-session';
import { client, enc, startStackWithCycle, tokens, waitFor } from '../support/api-client';
import { agreementIdIn, compressedYearOrganisation, driveCompressedYear } from '../support/compressed-year';

const SHOTS = path.join(__dirname, '..', '..', 'test-output', 'screenshots');
const org = compressedYearOrganisation('kab-archive-page', ['kepala-dinkes']);
const dinkes = agreementIdIn(org, 'kepala-dinkes');

let stack: Stack;
let call: ReturnType<typeof client>;
let t: ReturnType<typeof tokens>;
const session = new BrowserSession();
let page: Page;

jest.setTimeout(420_000);

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  ({ stack, call, t } = await startStackWithCycle(org, undefined, { identityProvider: true }));
  await session.launch(stack);
  page = await session.newPage();
});
afterAll(async () => {
  await session.close();
  await stack?.stop();
});

async function temporalRuns(): Promise<string[]> {
  const runs: string[] = [];
  for await (const e of stack.client.workflow.list({ query: `WorkflowId = '${dinkes}'` })) runs.push(e.runId);
  return runs;
}

/** The evaluation team signs in at the provider and opens the PK's timeline. */
async function signInToTimeline() {
  await signInOnPage(page, stack, EVALUATOR);
  await page.evaluate((h) => { location.hash = h; }, `#/pk/${enc(dinkes)}/linimasa`);
}

/** What the timeline shows: the runs line and, in order, each Temporal line's kind and run. */
async function readTimeline() {
  await page.locator('[data-testid=timeline] li[data-kind="workflow.continued"]').first().waitFor();
  const runsLine = await page.locator('[data-testid=timeline-runs]').innerText();
  const temporalLines = await page.locator('[data-testid=timeline] li.tl-temporal').evaluateAll((lis) =>
    lis.map((li) => ({ kind: li.getAttribute('data-kind'), run: li.getAttribute('data-run'), text: li.textContent ?? '' })));
  return { runsLine, temporalLines };
}

function expectNoGap(view: Awaited<ReturnType<typeof readTimeline>>, runs: string[], archived: number) {
  expect(view.runsLine).toBe(`Riwayat proses lengkap: ${runs.length} bagian berurutan (${archived} dari arsip), ditampilkan tanpa jeda.`);
  const lines = view.temporalLines;
  // every run has lines, in one block each, oldest first
  const order = lines.map((l) => l.run).filter((r, i, all) => i === 0 || r !== all[i - 1]);
  expect(order).toHaveLength(runs.length);
  expect([...order].sort()).toEqual([...runs].sort());
  // each continue-as-new: the old run's marked last line, then at once the new run's first line
  const continued = lines.flatMap((l, i) => (l.kind === 'workflow.continued' ? [i] : []));
  expect(continued).toHaveLength(runs.length - 1);
  for (const i of continued) {
    expect(lines[i].text).toContain('Riwayat proses dilanjutkan ke bagian berikutnya (status dibawa)');
    expect(lines[i + 1].kind).toBe('workflow.run_started');
    expect(lines[i + 1].text).toContain('Bagian berikutnya riwayat proses dimulai');
    expect(lines[i + 1].run).not.toBe(lines[i].run);
    expect(order.indexOf(lines[i + 1].run)).toBe(order.indexOf(lines[i].run) + 1);
  }
  expect(session.pageErrors).toEqual([]);
}

test('the timeline of a PK-year of several runs shows them all, marks each continue-as-new with no gap, also from the archive alone', async () => {
  await driveCompressedYear({ call, tokens: t, org, positionId: 'kepala-dinkes' });
  const runs = await temporalRuns();
  // agreementV2's year fits in two runs (one write per action keeps histories small): one seam at least
  expect(runs.length).toBeGreaterThanOrEqual(2);
  await waitFor(async () => (await stack.db.query('SELECT count(*)::int AS n FROM history_archive WHERE workflow_id = $1', [dinkes])).rows[0].n,
    (n) => n === runs.length, 60_000);

  await signInToTimeline();
  const live = await readTimeline();
  expectNoGap(live, runs, runs.length);
  await page.locator('li.tl-continued').first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SHOTS, 'archive-timeline-runs.png'), fullPage: true });

  // Retention ends: Temporal deletes every run; the page shows the same year from the archive.
  for (const runId of runs) {
    await stack.client.workflowService.deleteWorkflowExecution({ namespace: stack.config.TEMPORAL_NAMESPACE, workflowExecution: { workflowId: dinkes, runId } });
  }
  await waitFor(temporalRuns, (r) => r.length === 0, 60_000);
  await page.reload(); // the page reads the timeline afresh, still signed in
  const fromArchive = await readTimeline();
  expectNoGap(fromArchive, runs, runs.length);
  expect(fromArchive.temporalLines).toEqual(live.temporalLines);
  await page.screenshot({ path: path.join(SHOTS, 'archive-timeline-after-retention.png'), fullPage: true });
});
