// The evaluation year's pages in headless Chromium against the real stack: the administrator
// imports an organisation from a spreadsheet (a rejected file's problems by sheet, row and column,
// then the corrected file starts the cycle); the evaluator sees the cascade gaps counted on the
// dashboard, opens the performance tree, unfolds a unit, sees the gap and downloads the gaps as
// an Excel file; an official attaches
// evidence to a quarterly report and the superior opens it while verifying.
import path from 'node:path';
import { mkdirSync, readFileSync } from 'node:fs';
import { startStack, type Stack } from '../support/stack';
import { ADMIN, EVALUATOR, officialPerson } from '../support/browser-sign-in';
import { BrowserSession } from '../support/browser-session';
import { client, enc, nipOf, sampleOrganisation, tokens, waitFor } from '../support/api-client';
import { toFirstQuarter } from '../support/reporting';
import { organisationCsv, readXlsx } from '../../api/spreadsheet';
import { clickToDownloadXlsx } from '../support/xlsx-download';

const SHOTS = path.join(__dirname, '..', '..', 'test-output', 'screenshots');
let stack: Stack;
let t: ReturnType<typeof tokens>;
const session = new BrowserSession({ acceptDownloads: true });

jest.setTimeout(90_000);

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  stack = await startStack({}, { identityProvider: true });
  t = tokens(stack.config.KINERJA_SECRET);
  await session.launch(stack);
});
afterAll(async () => {
  await session.close();
  await stack?.stop();
});
afterEach(() => expect(session.pageErrors).toEqual([]));

test('the administrator imports a spreadsheet: a rejected file lists its problems by row and column, the corrected one starts the cycle', async () => {
  const org = sampleOrganisation('kab-page-sheet');
  const good = organisationCsv(org);
  const lines = good.split('\r\n');
  const row = lines.findIndex((l) => l.startsWith('kepala-dinkes,'));
  lines[row] = lines[row].replace(/,(\d{18}),/, (_, nip: string) => `,${nip.slice(1)},`); // a leading digit lost

  const page = await session.signedIn(ADMIN);
  await page.getByRole('link', { name: 'Impor organisasi' }).click();
  await page.locator('[data-testid=import-form]').waitFor();
  const download = page.waitForEvent('download');
  await page.locator('[data-testid=template-xlsx]').click();
  expect((await download).suggestedFilename()).toBe('organisasi.xlsx');
  // the template the administrator fills is headed in Bahasa Indonesia, as the page explains it
  const template = await readXlsx(readFileSync((await (await download).path())!));
  expect([template.positions.name, template.positions.header[0], template.plan?.name]).toEqual(['jabatan', 'kode_jabatan', 'iku_pemda']);
  await page.getByText('kode_jabatan (unik)', { exact: false }).waitFor();

  await page.locator('input[name=organisation]').fill(org.organisation.id);
  await page.locator('input[name=name]').fill(org.organisation.name);
  await page.locator('input[name=place]').fill(org.organisation.place);
  await page.locator('input[name=year]').fill(String(org.year));
  // an empty file is said to be empty, not a table with problems
  await page.locator('[data-testid=import-file]').setInputFiles({ name: 'organisasi.csv', mimeType: 'text/csv', buffer: Buffer.alloc(0) });
  await page.getByRole('button', { name: 'Impor dan mulai siklus' }).click();
  await page.locator('[data-testid=import-status]').getByText('Berkas kosong.', { exact: true }).waitFor();
  await page.locator('[data-testid=import-file]').setInputFiles({ name: 'organisasi.csv', mimeType: 'text/csv', buffer: Buffer.from(lines.join('\r\n')) });
  await page.getByRole('button', { name: 'Impor dan mulai siklus' }).click();
  const problem = page.locator('[data-testid=import-problems] tr[data-code=malformed_nip]');
  await problem.waitFor();
  expect(await problem.locator('td').allTextContents()).toEqual(['jabatan', String(row + 1), 'G (nip)', 'NIP harus tepat 18 digit.']);
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
  // and an IKU Pemda no PK serves is a gap outside every unit
  org.plan.objectives.push({ id: 'S-uji', text: 'Sasaran uji tanpa pengampu', indicators: [{ id: 'IKU-uji', name: 'Indeks uji', unit: 'indeks', direction: 'up', target: 1 }] });
  const call = client(stack.baseUrl);
  expect((await call('POST', '/api/cycles', { token: t.admin, body: org })).status).toBe(201);
  const cycleId = `cycle:kab-page-tree:${org.year}`;
  await waitFor(() => call('GET', `/api/cycles/${enc(cycleId)}`, { token: t.admin }), (r) => r.body.status === 'running');

  const page = await session.signedIn(EVALUATOR);
  await page.evaluate((h) => { location.hash = h; }, `#/dasbor/${enc(cycleId)}`);
  await page.locator('[data-testid=stat-gaps]').waitFor();
  expect(await page.locator('main h1').textContent()).toBe(`Dasbor ${org.organisation.name} — Tahun ${org.year}`);
  expect(await page.locator('#cycle option:checked').textContent()).toBe(`${org.organisation.name} · ${org.year}`);
  expect(await page.locator('[data-testid=stat-gaps]').textContent()).toBe('2');
  // the table's rows add up to that count: the unit's gap, and the IKU Pemda's outside every unit
  const gapRows = await page.locator('[data-testid=gap-table] tbody tr').evaluateAll((rows) => rows.map((r) => Array.from(r.querySelectorAll('td'), (td) => td.textContent)));
  expect(gapRows).toEqual([
    ['Dinas Kesehatan', String(org.positions.filter((p: any) => p.unit === 'dinkes').length), '1'],
    ['IKU Pemda dan Kepala Daerah', String(org.positions.filter((p: any) => !p.unit).length), '1'],
  ]);
  expect(gapRows.reduce((sum, r) => sum + Number(r[2]), 0)).toBe(2);

  await page.locator('[data-testid=tree-link]').click();
  const dinkes = page.locator('details[data-unit=dinkes]');
  await dinkes.waitFor();
  expect(await dinkes.locator('[data-testid=unit-gaps]').textContent()).toBe('1 celah');
  expect(await page.locator('details[data-unit=pupr] [data-testid=unit-gaps]').count()).toBe(0);
  await dinkes.locator('summary').click();
  const gap = dinkes.locator('li.tree-node[data-position=kepala-dinkes] > ul.indicators li[data-indicator="kepala-dinkes#3"]');
  await gap.locator('[data-testid=gap]').waitFor();
  expect(await gap.textContent()).toContain('Prevalensi stunting balita');
  expect(await page.locator('main h1').textContent()).toBe(`Pohon kinerja ${org.organisation.name} — Tahun ${org.year}`);
  // the gaps as an Excel file in Bahasa Indonesia: the gap's row with its phase in words
  const gapsButton = page.locator('[data-testid=gaps-xlsx]');
  expect(await gapsButton.textContent()).toBe('Unduh daftar celah (Excel)');
  const gaps = await clickToDownloadXlsx(gapsButton);
  expect(gaps.name).toBe(`celah-pohon-kinerja-${org.organisation.id}-${org.year}.xlsx`);
  expect(gaps.header).toEqual(['Kode unit', 'Nama unit', 'Kode jabatan', 'Jabatan', 'Nama pejabat', 'Tahap', 'Kode indikator', 'Indikator', 'Target']);
  expect(gaps.rows.filter((r) => r['Kode indikator'] === 'kepala-dinkes#3')).toEqual([expect.objectContaining({
    'Kode unit': 'dinkes', 'Nama unit': 'Dinas Kesehatan', Indikator: 'Prevalensi stunting balita', Target: 18.5, Tahap: expect.stringMatching(/^(Menunggu PK atasan|Penyusunan draf)$/),
  })]);
  // an indicator names the superior's indicator it serves, and its target reads with a decimal comma
  const head = dinkes.locator('li.tree-node[data-position=kepala-dinkes] > ul.indicators li[data-indicator="kepala-dinkes#3"]');
  expect(await head.locator('[data-testid=serves]').textContent()).toBe(' · mendukung Usia Harapan Hidup');
  expect(await head.textContent()).toContain(' · target 18,5 %');
  const served = dinkes.locator('li.tree-node[data-position=dinkes-e3-1] li[data-indicator="dinkes-e3-1#1"] [data-testid=serves]');
  expect(await served.textContent()).toBe(' · mendukung Angka Kematian Ibu');
  // the head's subordinates are nested under it; the one that stopped serving shows its additional task
  const sub = dinkes.locator('li.tree-node[data-position=kepala-dinkes] li.tree-node[data-position=dinkes-e3-3]');
  expect(await sub.locator('li.indicator').first().textContent()).toContain('Tugas tambahan');
  expect(await dinkes.locator('[data-testid=gap]').count()).toBe(1);
  await page.screenshot({ path: path.join(SHOTS, 'evaluation-year-tree.png'), fullPage: true });
});

test('an official attaches evidence to a quarterly report; the superior opens it while verifying', async () => {
  const org = sampleOrganisation('kab-page-evidence', new Date().getFullYear() - 1);
  const call = client(stack.baseUrl);
  expect((await call('POST', '/api/cycles', { token: t.admin, body: org })).status).toBe(201);
  await waitFor(() => call('GET', `/api/cycles/${enc(`cycle:kab-page-evidence:${org.year}`)}`, { token: t.admin }), (r) => r.body.status === 'running');
  const id = await toFirstQuarter(call, t.evaluator, t.official, org, 'kepala-dinkes', 'bupati');
  const pdf = Buffer.from('%PDF-1.4\n% daftar hadir posyandu\n%%EOF\n');

  const owner = await session.signedIn(officialPerson(nipOf(org, 'kepala-dinkes')));
  await owner.evaluate((h) => { location.hash = h; }, `#/pk/${enc(id)}/laporan/1`);
  const form = owner.locator('[data-testid=evidence-form]');
  await form.waitFor();
  await form.locator('input[name=evidence-caption]').fill('Daftar hadir posyandu');
  await form.locator('input[name=evidence-file]').setInputFiles({ name: 'daftar-hadir.pdf', mimeType: 'application/pdf', buffer: pdf });
  await form.getByRole('button', { name: 'Lampirkan' }).click();
  await owner.locator('[data-testid=evidence-list] li[data-kind=file]').waitFor();
  // a program renamed to .pdf is refused by its content
  await form.locator('input[name=evidence-caption]').fill('Bukti palsu');
  await form.locator('input[name=evidence-file]').setInputFiles({ name: 'bukti.pdf', mimeType: 'application/pdf', buffer: Buffer.from('MZ\x90\0program') });
  await form.getByRole('button', { name: 'Lampirkan' }).click();
  await owner.locator('[data-testid=evidence-status]').getByText('Isi berkas bukan PDF').waitFor();
  // an empty file is said to be empty, not of the wrong type
  await form.locator('input[name=evidence-file]').setInputFiles({ name: 'kosong.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(0) });
  await form.getByRole('button', { name: 'Lampirkan' }).click();
  await owner.locator('[data-testid=evidence-status]').getByText('Berkas kosong.', { exact: true }).waitFor();
  expect(await owner.locator('[data-testid=evidence-list] li[data-kind=file]').count()).toBe(1);
  await form.locator('input[name=evidence-file]').setInputFiles([]);
  await form.locator('input[name=evidence-caption]').fill('Data posyandu daring');
  await form.locator('input[name=evidence-url]').fill('https://data.example.go.id/posyandu');
  await form.getByRole('button', { name: 'Lampirkan' }).click();
  await owner.locator('[data-testid=evidence-list] li[data-kind=link]').waitFor();
  await owner.screenshot({ path: path.join(SHOTS, 'evaluation-year-evidence-report.png'), fullPage: true });
  // the numbers go in through the report form as before
  for (const input of await owner.locator('[data-testid=report-table] input').all()) await input.fill('100');
  for (const input of await owner.locator('input[data-path^="/budgetSpent/"]').all()) await input.fill('0');
  await owner.getByRole('button', { name: 'Kirim laporan Triwulan I' }).click();
  await owner.waitForURL((u) => u.hash === `#/pk/${enc(id)}`);

  const superior = await session.signedIn(officialPerson(nipOf(org, 'bupati')));
  await superior.evaluate((h) => { location.hash = h; }, `#/pk/${enc(id)}`);
  const panel = superior.locator('[data-testid=actions]');
  await panel.getByRole('button', { name: 'Verifikasi Triwulan I' }).waitFor();
  expect(await panel.locator('[data-testid=evidence-list] li strong').allTextContents()).toEqual(['Daftar hadir posyandu', 'Data posyandu daring']);
  const download = superior.waitForEvent('download');
  await panel.getByRole('button', { name: /daftar-hadir\.pdf/ }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('daftar-hadir.pdf');
  const { readFileSync } = await import('node:fs');
  expect(readFileSync((await file.path())!).equals(pdf)).toBe(true);
  expect(await panel.locator('a[href="https://data.example.go.id/posyandu"]').getAttribute('rel')).toBe('noopener noreferrer');
  await superior.screenshot({ path: path.join(SHOTS, 'evaluation-year-evidence-verify.png'), fullPage: true });
  await panel.getByRole('button', { name: 'Verifikasi Triwulan I' }).click();
  await waitFor(() => call('GET', `/api/agreements/${enc(id)}`, { token: t.evaluator }), (r) => r.body.state?.quarters?.[0]?.status === 'verified');

  // once verified, the official's report page shows the evidence without a way to change it
  await owner.evaluate((h) => { location.hash = h; }, `#/pk/${enc(id)}/laporan/1`);
  await owner.getByText('Laporan sudah diverifikasi; bukti dukung tidak dapat diubah.').waitFor();
  expect(await owner.locator('[data-testid=evidence-remove]').count()).toBe(0);
});
