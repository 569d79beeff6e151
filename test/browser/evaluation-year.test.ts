// The evaluation year's pages in headless Chromium against the real stack: the administrator
// imports an organisation from a spreadsheet (a rejected file's problems by sheet, row and column,
// then the corrected file starts the cycle); the evaluator sees the cascade gaps counted on the
// dashboard, opens the performance tree, unfolds a unit and sees the gap.
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startStack, type Stack } from '../support/stack';
import { client, enc, sampleOrganisation, tokens, waitFor } from '../support/api-client';
import { organisationCsv } from '../../api/spreadsheet';

const SHOTS = path.join(__dirname, '..', '..', 'test-output', 'screenshots');
let stack: Stack;
let t: ReturnType<typeof tokens>;
let browser: Browser;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

jest.setTimeout(90_000);

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  stack = await startStack();
  t = tokens(stack.config.KINERJA_SECRET);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  await browser?.close();
  await stack?.stop();
});
afterEach(() => expect(pageErrors).toEqual([]));

async function signedIn(token: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'id-ID', acceptDownloads: true });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) pageErrors.push(msg.text());
  });
  await page.goto(`${stack.baseUrl}/`);
  await page.locator('[data-testid=login] textarea#token').fill(token);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.locator('[data-testid=who]').waitFor();
  return page;
}

test('the administrator imports a spreadsheet: a rejected file lists its problems by row and column, the corrected one starts the cycle', async () => {
  const org = sampleOrganisation('kab-page-sheet');
  const good = organisationCsv(org);
  const lines = good.split('\r\n');
  const row = lines.findIndex((l) => l.startsWith('kepala-dinkes,'));
  lines[row] = lines[row].replace(/,(\d{18}),/, (_, nip: string) => `,${nip.slice(1)},`); // a leading digit lost

  const page = await signedIn(t.admin);
  await page.getByRole('link', { name: 'Impor organisasi' }).click();
  await page.locator('[data-testid=import-form]').waitFor();
  const download = page.waitForEvent('download');
  await page.locator('[data-testid=template-xlsx]').click();
  expect((await download).suggestedFilename()).toBe('organisasi.xlsx');

  await page.locator('input[name=organisation]').fill(org.organisation.id);
  await page.locator('input[name=name]').fill(org.organisation.name);
  await page.locator('input[name=place]').fill(org.organisation.place);
  await page.locator('input[name=year]').fill(String(org.year));
  await page.locator('[data-testid=import-file]').setInputFiles({ name: 'organisasi.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\r\n')) });
  await page.getByRole('button', { name: 'Impor dan mulai siklus' }).click();
  const problem = page.locator('[data-testid=import-problems] tr[data-code=malformed_nip]');
  await problem.waitFor();
  expect(await problem.locator('td').allTextContents()).toEqual(['positions', String(row + 1), 'G (nip)', 'NIP harus tepat 18 digit.']);
  await page.screenshot({ path: path.join(SHOTS, 'evaluation-year-import-problems.png'), fullPage: true });

  await page.locator('[data-testid=import-file]').setInputFiles({ name: 'organisasi.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
  await page.getByRole('button', { name: 'Impor dan mulai siklus' }).click();
  await page.getByText('Siklus dimulai: 80 jabatan.').waitFor();
  await page.getByRole('link', { name: 'Buka dasbor' }).click();
  await page.locator('[data-testid=stat-total]').waitFor();
});

test('the evaluator sees the gaps on the dashboard, opens the performance tree, unfolds a unit and sees the gap', async () => {
  const org = sampleOrganisation('kab-page-tree');
  // a subordinate indicator turned into an additional task leaves its superior's indicator unserved
  for (const i of org.drafts['dinkes-e3-3'].objectives[0].indicators) Object.assign(i, { parentIndicatorId: null, additionalTask: true });
  const call = client(stack.baseUrl);
  expect((await call('POST', '/api/cycles', { token: t.admin, body: org })).status).toBe(201);
  const cycleId = `cycle:kab-page-tree:${org.year}`;
  await waitFor(() => call('GET', `/api/cycles/${enc(cycleId)}`, { token: t.admin }), (r) => r.body.status === 'running');

  const page = await signedIn(t.evaluator);
  await page.evaluate((h) => { location.hash = h; }, `#/dasbor/${enc(cycleId)}`);
  await page.locator('[data-testid=stat-gaps]').waitFor();
  expect(await page.locator('[data-testid=stat-gaps]').textContent()).toBe('1');
  expect(await page.locator('[data-testid=gap-table] tbody tr td').allTextContents()).toEqual(['Dinas Kesehatan', String(org.positions.filter((p: any) => p.unit === 'dinkes').length), '1']);

  await page.locator('[data-testid=tree-link]').click();
  const dinkes = page.locator('details[data-unit=dinkes]');
  await dinkes.waitFor();
  expect(await dinkes.locator('[data-testid=unit-gaps]').textContent()).toBe('1 celah');
  expect(await page.locator('details[data-unit=pupr] [data-testid=unit-gaps]').count()).toBe(0);
  await dinkes.locator('summary').click();
  const gap = dinkes.locator('li.tree-node[data-position=kepala-dinkes] > ul.indicators li[data-indicator="kepala-dinkes#3"]');
  await gap.locator('[data-testid=gap]').waitFor();
  expect(await gap.textContent()).toContain('Prevalensi stunting balita');
  // the head's subordinates are nested under it; the one that stopped serving shows its additional task
  const sub = dinkes.locator('li.tree-node[data-position=kepala-dinkes] li.tree-node[data-position=dinkes-e3-3]');
  expect(await sub.locator('li.indicator').first().textContent()).toContain('Tugas tambahan');
  expect(await dinkes.locator('[data-testid=gap]').count()).toBe(1);
  await page.screenshot({ path: path.join(SHOTS, 'evaluation-year-tree.png'), fullPage: true });
});
