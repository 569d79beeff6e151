// The evaluation year's pages in headless Chromium against the real stack: the administrator
// imports an organisation from a spreadsheet (a rejected file's problems by sheet, row and column,
// then the corrected file starts the cycle).
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startStack, type Stack } from '../support/stack';
import { sampleOrganisation, tokens } from '../support/api-client';
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
