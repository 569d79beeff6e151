// The evaluation team and the PK Perubahan on the PK page, in headless Chromium against the real
// stack: the evaluator opens a PK in evaluation from the inbox task, is stopped on the page when an
// adjusted value has no reason, adjusts one indicator with a reason, saves, sees the adjusted score,
// closes after the confirmation and sees the PK closed; the first party of a PK in its reporting
// year starts a PK Perubahan and sees it back in drafting as version 2.
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { startStack, type Stack } from '../support/stack';
import { ADMIN, EVALUATOR, officialPerson } from '../support/browser-sign-in';
import { BrowserSession } from '../support/browser-session';
import { BUPATI_NIP, client, enc, nipOf, tokens, waitFor } from '../support/api-client';
import { sampleOrganisation } from '../support/time-skipping';
import { ownNip } from '../support/own-officials';
import { endedYearCalendar, levelIndicators, toEvaluation } from '../support/evaluation';
import { toFirstQuarter } from '../support/reporting';
import { pageTexts } from '../support/pki';

const ORG = 'kab-page-evaluasi';
const YEAR = new Date().getFullYear();
const EVALUATED = 'kepala-dinkes';
const REVISED = 'dinkes-e3-1';
const org: any = sampleOrganisation(ORG, YEAR, [EVALUATED, REVISED]);
org.positions.find((p: any) => p.id === 'bupati').official.nip = ownNip(ORG, BUPATI_NIP);
levelIndicators(org, [EVALUATED]);
const capaianOf = (percent: number) => (i: any) => (i.target * (200 - percent)) / 100;
const SHOTS = path.join(__dirname, '..', '..', 'test-output', 'screenshots');
const percent = (n: number) => `${new Intl.NumberFormat('id-ID', { maximumFractionDigits: 2 }).format(n)}%`;

let stack: Stack;
let t: ReturnType<typeof tokens>;
let call: ReturnType<typeof client>;
let evaluatedId: string;
let revisedId: string;
const session = new BrowserSession();

jest.setTimeout(300_000);

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  stack = await startStack({}, { identityProvider: true });
  t = tokens(stack.config.KINERJA_SECRET);
  call = client(stack.baseUrl);
  const started = await call('POST', '/api/cycles', { token: t.admin, body: { import: org, calendar: endedYearCalendar() } });
  if (started.status !== 201) throw new Error(JSON.stringify(started.body));
  await waitFor(() => call('GET', `/api/cycles/${enc(`cycle:${ORG}:${YEAR}`)}`, { token: t.admin }), (r) => r.body.status === 'running');
  let revised!: Promise<string>;
  evaluatedId = await toEvaluation(call, t.evaluator, t.official, org, EVALUATED, 'bupati', capaianOf(80), () => {
    revised = toFirstQuarter(call, t.evaluator, t.official, org, REVISED, EVALUATED);
  });
  revisedId = await revised;
  await session.launch(stack);
});
afterAll(async () => {
  await session.close();
  await stack?.stop();
});
afterEach(() => expect(session.pageErrors).toEqual([]));

/** The POSTs the page sends to `path`, counted from now. */
function countPosts(page: Page, path: string): { count: number } {
  const seen = { count: 0 };
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === path) seen.count += 1;
  });
  return seen;
}

test('the evaluator opens the PK from the inbox, adjusts one indicator with a reason, saves, and closes the evaluation after the confirmation', async () => {
  const indicator = org.drafts[EVALUATED].objectives[0].indicators[0];
  const page = await session.signedIn(EVALUATOR);
  const posts = countPosts(page, `/api/agreements/${enc(evaluatedId)}/evaluation`);
  const task = page.locator(`[data-testid=tasks] li[data-agreement="${evaluatedId}"] a.task-title`);
  await expect(task.textContent()).resolves.toBe('Evaluasi PK');
  await task.click();
  const panel = page.locator('[data-testid=evaluation-panel]');
  await panel.waitFor();
  const before = (await call('GET', `/api/agreements/${enc(evaluatedId)}`, { token: t.evaluator })).body.state.evaluation;
  await expect(panel.locator('[data-testid=evaluation-score]').textContent()).resolves
    .toBe(`Nilai PK: ${percent(before.score)} · Predikat: ${before.predicate ?? '—'}`);
  // the same word for the same quantity: each indicator's evaluation value is its "nilai", in %
  await expect(panel.locator('[data-testid=evaluation-form] thead th').allTextContents()).resolves
    .toEqual(['Indikator', 'Nilai terhitung (%)', 'Nilai saat ini (%)', 'Nilai disesuaikan (%)', 'Alasan penyesuaian']);
  const row = panel.locator(`tr[data-indicator="${indicator.id}"]`);
  const computed = before.indicators.find((i: any) => i.indicatorId === indicator.id).computed;
  await expect(row.locator('[data-testid=computed]').textContent()).resolves.toContain(percent(computed));
  const adjusted = computed === 95.5 ? 90.5 : 95.5; // typed with the Indonesian decimal comma

  // a value out of range: the bound in Indonesian by the field, nothing sent
  await row.getByLabel(`Nilai disesuaikan (%) ${indicator.name}`).fill('-5');
  await panel.getByRole('button', { name: 'Simpan penyesuaian' }).click();
  await expect(row.locator('.field-error[data-path$="/value"]').textContent()).resolves.toBe('Nilai disesuaikan harus angka 0 sampai 1.000.');
  expect(posts.count).toBe(0);

  // an entry that is not a number: said by the field, never read as another number; nothing sent
  await row.getByLabel(`Nilai disesuaikan (%) ${indicator.name}`).fill('95,5,0');
  await panel.getByRole('button', { name: 'Simpan penyesuaian' }).click();
  await expect(row.locator('.field-error[data-path$="/value"]').textContent()).resolves.toBe('Bukan angka. Gunakan koma untuk desimal, mis. 70,95.');
  expect(posts.count).toBe(0);

  // a value without a reason: the Indonesian message by the field, nothing sent
  await row.getByLabel(`Nilai disesuaikan (%) ${indicator.name}`).fill(String(adjusted).replace('.', ','));
  await panel.getByRole('button', { name: 'Simpan penyesuaian' }).click();
  const reasonError = row.locator('.field-error[data-path$="/reason"]');
  await expect(reasonError.textContent()).resolves.toBe('Alasan penyesuaian wajib diisi bila nilai disesuaikan.');
  await expect(row.getByLabel(`Alasan penyesuaian ${indicator.name}`).getAttribute('aria-invalid')).resolves.toBe('true');
  expect(posts.count).toBe(0);

  await row.getByLabel(`Alasan penyesuaian ${indicator.name}`).fill('Data BPS terbaru dipakai untuk indikator ini');
  await panel.getByRole('button', { name: 'Simpan penyesuaian' }).click();
  await page.locator(`[data-testid=evaluation-panel] tr[data-indicator="${indicator.id}"] [data-testid=current]`, { hasText: 'Data BPS terbaru' }).waitFor();
  expect(posts.count).toBe(1);
  await page.screenshot({ path: path.join(SHOTS, 'evaluation-panel-adjusted.png'), fullPage: true });
  const saved = (await call('GET', `/api/agreements/${enc(evaluatedId)}`, { token: t.evaluator })).body;
  expect(saved.phase).toBe('evaluation');
  const savedIndicator = saved.state.evaluation.indicators.find((i: any) => i.indicatorId === indicator.id);
  expect(savedIndicator).toMatchObject({ computed, adjusted, adjustmentReason: 'Data BPS terbaru dipakai untuk indikator ini' });
  expect(saved.state.evaluation.score).not.toBe(before.score);
  await expect(page.locator('[data-testid=evaluation-score]').textContent()).resolves
    .toBe(`Nilai PK: ${percent(saved.state.evaluation.score)} · Predikat: ${saved.state.evaluation.predicate ?? '—'}`);
  await expect(page.locator(`[data-testid=evaluation-panel] tr[data-indicator="${indicator.id}"] [data-testid=current]`).textContent()).resolves
    .toContain(percent(adjusted));

  // closing asks first; declining sends nothing
  const messages: string[] = [];
  page.once('dialog', (d) => { messages.push(d.message()); void d.dismiss(); });
  await page.getByRole('button', { name: 'Simpan dan tutup evaluasi' }).click();
  for (let k = 0; k < 50 && messages.length === 0; k++) await page.waitForTimeout(100);
  expect(messages).toHaveLength(1);
  expect(posts.count).toBe(1);
  page.once('dialog', (d) => { messages.push(d.message()); void d.accept(); });
  await page.getByRole('button', { name: 'Simpan dan tutup evaluasi' }).click();
  await page.locator('[data-testid=closed]').waitFor();
  expect(messages).toEqual(['Tutup evaluasi? Setelah ditutup nilai tidak dapat diubah.', 'Tutup evaluasi? Setelah ditutup nilai tidak dapat diubah.']);
  expect(posts.count).toBe(2);
  expect(await page.locator('[data-testid=evaluation-panel]').count()).toBe(0);
  await page.screenshot({ path: path.join(SHOTS, 'evaluation-panel-closed.png'), fullPage: true });
  await expect(page.locator('.pk-head .badge').first().textContent()).resolves.toBe('Selesai');

  const closed = (await call('GET', `/api/agreements/${enc(evaluatedId)}`, { token: t.evaluator })).body;
  expect(closed.phase).toBe('closed');
  await expect(page.locator('[data-testid=score]').textContent()).resolves
    .toBe(`Nilai akhir PK: ${percent(closed.score)} · Predikat: ${closed.predicate ?? '—'}`);
  expect(closed.score).toBe(saved.state.evaluation.score);
  const record = (await call('GET', `/api/agreements/${enc(evaluatedId)}/realizations`, { token: t.evaluator })).body.evaluation;
  expect(record.closedAt).toBeTruthy();
  expect(record.adjustments).toEqual([expect.objectContaining({ indicatorId: indicator.id, value: adjusted, reason: 'Data BPS terbaru dipakai untuk indikator ini' })]);
  // the closed PK lists the adjustment by the indicator's name and says who made it, not their ids
  expect(await page.locator('[data-testid=adjustment]').allTextContents()).toEqual([
    `${indicator.name}: ${percent(adjusted)} — Data BPS terbaru dipakai untuk indikator ini (oleh Tim Evaluasi (${record.adjustments[0].by}))`,
  ]);
});

test('the first party starts a PK Perubahan: the note is required, then after the confirmation the PK is drafted again as version 2', async () => {
  // an administrator may start one too; the second party may not
  const admin = await session.signedIn(ADMIN);
  await admin.evaluate((hash) => { location.hash = hash; }, `#/pk/${enc(revisedId)}`);
  await admin.locator('[data-testid=revision-panel]').getByRole('button', { name: 'Ajukan PK Perubahan' }).waitFor();
  const superior = await session.signedIn(officialPerson(nipOf(org, EVALUATED)));
  await superior.evaluate((hash) => { location.hash = hash; }, `#/pk/${enc(revisedId)}`);
  await superior.locator('[data-testid=documents]').waitFor();
  expect(await superior.locator('[data-testid=revision-panel]').count()).toBe(0);

  const page = await session.signedIn(officialPerson(nipOf(org, REVISED)));
  const posts = countPosts(page, `/api/agreements/${enc(revisedId)}/revisions`);
  await page.evaluate((hash) => { location.hash = hash; }, `#/pk/${enc(revisedId)}`);
  const panel = page.locator('[data-testid=revision-panel]');
  // an eselon III's budget lines are Kegiatan, on the page as in the signed PDF's annex
  await page.locator('[data-testid=budget]').waitFor();
  await expect(page.locator('[data-testid=budget] thead th').allTextContents()).resolves.toEqual(['No', 'Kegiatan', 'Anggaran (Rp)']);
  const signed = (await call('GET', `/api/agreements/${enc(revisedId)}/documents`, { token: t.evaluator })).body.items;
  const annex = pageTexts(Buffer.from(await (await fetch(`${stack.baseUrl}${signed[1].href}`, { headers: { authorization: `Bearer ${t.evaluator}` } })).arrayBuffer())).join('\n');
  expect(annex).toContain('Tabel 2. Kegiatan dan Anggaran');
  expect(annex).not.toContain('Program dan Anggaran');
  await panel.getByRole('button', { name: 'Ajukan PK Perubahan' }).click();
  const form = panel.locator('[data-testid=revision-form]');
  await form.getByLabel('Alasan perubahan').selectOption({ label: 'Perubahan anggaran (APBD-P)' });
  await form.getByRole('button', { name: 'Kirim pengajuan' }).click();
  await expect(form.locator('.field-error[data-path="/note"]').textContent()).resolves.toBe('Tidak boleh kosong.');
  expect(posts.count).toBe(0);
  await page.screenshot({ path: path.join(SHOTS, 'evaluation-panel-revision-form.png'), fullPage: true });

  await form.getByLabel('Catatan').fill('Pagu kegiatan posyandu berubah pada APBD-P');
  const messages: string[] = [];
  page.once('dialog', (d) => { messages.push(d.message()); void d.accept(); });
  await form.getByRole('button', { name: 'Kirim pengajuan' }).click();
  await page.locator('.pk-head .badge', { hasText: 'Penyusunan draf' }).waitFor();
  expect(messages).toEqual(['Ajukan PK Perubahan? PK kembali ke penyusunan draf sebagai versi baru, lalu direviu dan ditandatangani ulang.']);
  expect(posts.count).toBe(1);
  await expect(page.locator('.pk-head .head-meta').textContent()).resolves.toContain('Versi 2');
  expect(await page.locator('[data-testid=revision-panel]').count()).toBe(0);
  await page.getByRole('link', { name: 'Susun / sunting draf' }).click();
  // the draft editor names the lines so too
  await expect(page.locator('.budget-line .label').first().textContent()).resolves.toBe('Kegiatan');
  await page.getByRole('button', { name: '+ Tambah kegiatan' }).waitFor();

  const pk = (await call('GET', `/api/agreements/${enc(revisedId)}`, { token: t.evaluator })).body;
  expect(pk.state).toMatchObject({ phase: 'drafting', version: 2, revision: { reason: 'budget', note: 'Pagu kegiatan posyandu berubah pada APBD-P' } });
});
