// The page in real headless Chromium against the real stack (worker + API + PostgreSQL + Temporal),
// on last year's calendar so every deadline has passed (overdue marks) and every quarter is open:
// an official drafts (a validation message lands next to its field), the superior approves on a
// phone, a wrong passphrase shows its error and signs nothing, both sign, a quarter is reported
// with the capaian computed as the official types and verified, and the evaluation team sees it on
// the dashboard, drills down and downloads the report and the predikats as Excel files. Screenshots of each screen go to test-output/screenshots/.
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { Stack } from '../support/stack';
import { client, enc, nipOf, sampleOrganisation, startStackWithCycle, tokens, waitFor } from '../support/api-client';
import { createSigningDeps } from '../../activities/signing';
import { issueOfficialCertificate } from '../../signing';
import { setPasswordByInvite } from '../support/identity-provider';
import { ownNip } from '../support/own-officials';
import { logInOnPage } from '../support/browser-sign-in';
import { clickToDownloadXlsx } from '../support/xlsx-download';
import { BrowserSession, LAPTOP, PHONE } from '../support/browser-session';

const ORG = 'kab-page';
const org = sampleOrganisation(ORG, new Date().getFullYear() - 1);
// A Bupati of this file's own, enrolled by no other test (a signing key is per person across the
// database): their countersignature is their first, so the page's enrolment step is what they meet.
const BUPATI_NIP = '196501011990011066';
org.positions.find((p: any) => p.id === 'bupati').official.nip = BUPATI_NIP;
const dinkes = `pk:${ORG}:${org.year}:kepala-dinkes`;
const OWNER_NIP = nipOf(org, 'kepala-dinkes');
const passphraseOf = (nip: string) => `frasa-rahasia-${nip}`;
const EVALUATOR = 'evaluator-test';

const SHOTS = path.join(__dirname, '..', '..', 'test-output', 'screenshots');

let stack: Stack;
let call: ReturnType<typeof client>;
let t: ReturnType<typeof tokens>;
let cycleId: string;
let owner: Page;
let superior: Page;
const session = new BrowserSession({ acceptDownloads: true });

jest.setTimeout(90_000);

/** From the page to the provider's sign-in form and back, as the person does it (passwords set in beforeAll). */
const signIn = (page: Page, accountId: string) => logInOnPage(page, stack, accountId);

async function go(page: Page, hash: string) {
  await page.evaluate((h) => { location.hash = h; }, hash);
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

const agreement = () => call('GET', `/api/agreements/${enc(dinkes)}`, { token: t.evaluator });
const until = (ok: (body: any) => boolean) => waitFor(agreement, (r) => ok(r.body), 60_000);

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  ({ stack, call, t, cycleId } = await startStackWithCycle(org, undefined, { identityProvider: true }));
  for (const accountId of [OWNER_NIP, BUPATI_NIP]) await setPasswordByInvite(stack.db, stack.identityProvider!.issuer, { accountId });
  await setPasswordByInvite(stack.db, stack.identityProvider!.issuer, { accountId: EVALUATOR, role: 'evaluator' });
  // The local provider enrols an official on their first signature with that passphrase; the
  // official here must already hold a certificate, so that a wrong passphrase is wrong.
  const signing = await createSigningDeps(stack.db, stack.config);
  if (!(await signing.store.getCredential(OWNER_NIP))) {
    const ca = await signing.ca({ id: ORG, name: org.organisation.name });
    await issueOfficialCertificate({ store: signing.store, ca, official: { signerId: OWNER_NIP, name: 'Kepala Dinas Kesehatan', nip: OWNER_NIP }, passphrase: passphraseOf(OWNER_NIP) });
  }
  await session.launch(stack);
  owner = await session.newPage({ viewport: LAPTOP });
  superior = await session.newPage({ viewport: PHONE });
});

afterAll(async () => {
  await session.close();
  await stack?.stop();
});

afterEach(() => {
  expect(session.pageErrors).toEqual([]);
});

test('the page is served at / with its security headers; /api keeps its 404', async () => {
  const res = await fetch(`${stack.baseUrl}/`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  const html = await res.text();
  expect(html).toContain('<html lang="id">');
  expect(html).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml">');
  // the tab's icon: the page links it, and the conventional /favicon.ico leads there (no 404)
  const icon = await fetch(`${stack.baseUrl}/favicon.svg`);
  expect([icon.status, icon.headers.get('content-type')]).toEqual([200, expect.stringMatching(/^image\/svg\+xml/)]);
  const conventional = await fetch(`${stack.baseUrl}/favicon.ico`, { redirect: 'manual' });
  expect([conventional.status, conventional.headers.get('location')]).toEqual([301, '/favicon.svg']);
  const lib = await fetch(`${stack.baseUrl}/lib/achievement.js`);
  expect(lib.headers.get('content-type')).toMatch(/javascript/);
  expect(await lib.text()).toMatch(/function yearAchievement[\s\S]*export \{[^}]*yearAchievement/);
  const missing = await call('GET', '/api/no-such-thing');
  expect([missing.status, missing.body.code]).toEqual([404, 'not_found']);
  // the API's answers have their own, stricter policy than the page's: they load and run nothing
  expect(missing.headers.get('content-security-policy')).toMatch(/^default-src 'none';.*frame-ancestors 'none'/);
  expect(missing.headers.get('x-content-type-options')).toBe('nosniff');
});

test('an official signs in and sees the overdue draft task with its escalation level', async () => {
  await until((a) => a.phase === 'drafting' && a.overdue === true);
  await signIn(owner, OWNER_NIP);
  const task = owner.locator(`li.task[data-agreement="${dinkes}"]`);
  await task.waitFor();
  expect(await task.getAttribute('data-task')).toBe('draft');
  await task.locator('[data-testid=overdue]').waitFor();
  expect(await task.locator('[data-testid=overdue]').textContent()).toBe('Terlambat');
  // the level, without guessing from the number whom it reached (the chain runs past the superiors
  // to the Asisten and the Sekda; the mail names the post)
  expect(await task.locator('.badge.escalation').textContent()).toMatch(/^Eskalasi tingkat [1-9]$/);
  // the table's last column only says whether a PK is late: named for that
  const mine = owner.locator('section', { has: owner.locator('h2', { hasText: 'PK saya dan bawahan' }) });
  expect(await mine.locator('thead th').allTextContents()).toEqual(['Jabatan', 'Pejabat', 'Tahap', 'Keterlambatan']);
  // their own PK first, then each PK beneath its superior's, siblings by title
  const listed = await mine.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [r.getAttribute('data-agreement'), Number(r.getAttribute('data-depth'))]));
  expect(listed[0]).toEqual([dinkes, 0]);
  const position = (id: string) => org.positions.find((p: any) => `pk:${ORG}:${org.year}:${p.id}` === id);
  for (const [i, [id, depth]] of listed.entries()) {
    if (i === 0) continue;
    // the nearest row above with one level less is the superior's
    const above = listed.slice(0, i).reverse().find(([, d]) => d === (depth as number) - 1);
    expect([id, `pk:${ORG}:${org.year}:${position(id as string).parent}`]).toEqual([id, above?.[0]]);
  }
  const titlesUnderHead = listed.filter(([, d]) => d === 1).map(([id]) => position(id as string).title);
  expect(titlesUnderHead).toEqual([...titlesUnderHead].sort((x, y) => x.localeCompare(y, 'id')));
  await shot(owner, '01-inbox-laptop');
});

test('the link in a notification e-mail opens the PK on the page, and so does one of the earlier form', async () => {
  const { rows } = await stack.db.query('SELECT body FROM notifications WHERE agreement_id = $1 ORDER BY created_at DESC LIMIT 1', [dinkes]);
  expect(rows).toHaveLength(1);
  const link = /Buka: (\S+)/.exec(rows[0].body)![1];
  for (const url of [link, link.replace('#/pk/', '#/agreements/')]) {
    await owner.goto(url);
    await owner.waitForFunction(() => document.getElementById('main')?.dataset.view === 'renderAgreement');
    expect(new URL(owner.url()).hash).toBe(`#/pk/${enc(dinkes)}`);
  }
});

test('the official drafts: a server validation message shows next to its field, then the draft is submitted', async () => {
  await go(owner, `#/pk/${enc(dinkes)}/draf`);
  const target = owner.locator('input[data-path="/objectives/0/indicators/0/target"]');
  await target.waitFor();
  expect(await target.inputValue()).toBe('180');
  // the superior's indicators are offered for the link
  expect(await owner.locator('select[data-path="/objectives/0/indicators/0/parentIndicatorId"]').inputValue()).toBe('IKU-kesehatan');
  // the generated indicator code is not in the heading, only under "Rincian teknis"; the budget's sum reads as the PK's
  const first = owner.locator('fieldset.indicator[data-path="/objectives/0/indicators/0"]');
  expect(await first.locator('legend').textContent()).toBe('Indikator 1');
  const code = (await agreement()).body.content.content.objectives[0].indicators[0].id;
  expect(await first.locator('[data-testid=indicator-code]').textContent()).toBe(`Rincian teknisKode indikator: ${code}`);
  expect(await owner.locator('[data-testid=budget-total]').textContent()).toMatch(/^TOTAL Rp \d{1,3}(\.\d{3})*$/);

  // a Rupiah amount shows with dots grouping thousands, as the page writes Rupiah
  const numbersOf = (c: any) => ({
    budget: c.budget.map((b: any) => b.amount),
    indicators: c.objectives.flatMap((o: any) => o.indicators.filter((i: any) => i.name !== 'Pembinaan posyandu')
      .map((i: any) => [i.id, i.target, i.range ?? null, i.weight ?? null, i.quarterlyTargets ?? null])),
  });
  const imported = numbersOf((await agreement()).body.content.content);
  expect(await owner.locator('input[data-path="/budget/0/amount"]').inputValue()).toBe(new Intl.NumberFormat('id-ID').format(imported.budget[0]));
  // an entry that is not a number is said beside the field, and nothing is sent
  await target.fill('tujuh puluh');
  await owner.getByRole('button', { name: 'Simpan draf' }).click();
  await expect(owner.locator('.field-error[data-path="/objectives/0/indicators/0/target"]').textContent()).resolves
    .toBe('Bukan angka. Gunakan koma untuk desimal, mis. 70,95.');
  expect((await agreement()).body.content.source).toBe('imported');
  // a redraw (a Sasaran added, then removed) keeps what was typed and its mark, also in the folded
  // section, which opens to show it: nothing typed vanishes into an empty field
  const first0 = owner.locator('fieldset.indicator[data-path="/objectives/0/indicators/0"]');
  await first0.locator('details:has(input[data-path$="/weight"]) > summary').click();
  await owner.locator('input[data-path="/objectives/0/indicators/0/weight"]').fill('dua');
  await owner.getByRole('button', { name: '+ Tambah sasaran' }).click();
  const weight = owner.locator('input[data-path="/objectives/0/indicators/0/weight"]');
  await weight.waitFor();
  expect([await target.inputValue(), await weight.inputValue()]).toEqual(['tujuh puluh', 'dua']);
  expect([await target.getAttribute('aria-invalid'), await weight.getAttribute('aria-invalid')]).toEqual(['true', 'true']);
  expect(await owner.locator('.field-error[data-path="/objectives/0/indicators/0/weight"]').textContent()).toBe('Bukan angka. Gunakan koma untuk desimal, mis. 70,95.');
  const extraObjective = owner.locator('section.objective').last();
  owner.once('dialog', (dialog) => void dialog.accept());
  await extraObjective.getByRole('button', { name: 'Hapus sasaran' }).click();
  await weight.fill('');
  await weight.dispatchEvent('change');

  await target.fill('-5');
  await owner.getByRole('button', { name: 'Simpan draf' }).click();
  const error = owner.locator('.field-error[data-path="/objectives/0/indicators/0/target"]', { hasText: '≥ 0' });
  await error.waitFor();
  expect(await target.getAttribute('aria-invalid')).toBe('true');
  await shot(owner, '02-draft-validation-laptop');
  expect((await agreement()).body.content.source).toBe('imported'); // nothing was saved

  await target.fill('180');
  // an additional task (no superior indicator) with its own target
  await owner.getByRole('button', { name: '+ Tambah indikator' }).click();
  const added = '/objectives/0/indicators/3';
  await owner.locator(`input[data-path="${added}/name"]`).fill('Pembinaan posyandu');
  await owner.locator(`input[data-path="${added}/unit"]`).fill('kegiatan');
  await owner.locator(`input[data-path="${added}/target"]`).fill('10');
  await owner.locator(`select[data-path="${added}/parentIndicatorId"]`).selectOption({ label: 'Tugas tambahan (tanpa indikator atasan)' });
  await owner.getByRole('button', { name: 'Simpan draf' }).click();
  await owner.locator('[data-testid=draft-status] .notice-success').waitFor();
  expect(await owner.locator('.field-error').count()).toBe(0);
  // the numbers shown and saved without edits are the imported ones, unchanged
  expect(numbersOf((await agreement()).body.content.content)).toEqual(imported);
  await owner.getByRole('button', { name: 'Simpan dan ajukan ke atasan' }).click();
  await owner.waitForURL(/#\/pk\/[^/]+$/);
  const inReview = await until((a) => a.phase === 'review');
  const indicators = inReview.body.content.content.objectives[0].indicators;
  expect(indicators).toHaveLength(4);
  expect(indicators[3]).toMatchObject({ name: 'Pembinaan posyandu', unit: 'kegiatan', target: 10, additionalTask: true, parentIndicatorId: null });
});

test('the superior sees the late items escalated to them, with who is late, with what and by how much', async () => {
  // Kepala Dinas Pendidikan has not drafted (last year's calendar): escalated up to the Bupati at
  // the top of their chain (Asisten, Sekda, Bupati: level 3, never 4).
  const dikbud = `pk:${ORG}:${org.year}:kepala-dikbud`;
  await waitFor(
    () => call('GET', '/api/me/tasks', { token: t.official(BUPATI_NIP) }),
    (r) => r.body.escalations?.some((e: any) => e.agreementId === dikbud),
  );
  await signIn(superior, BUPATI_NIP);
  const escalated = superior.locator(`[data-testid=escalations] li.task[data-agreement="${dikbud}"]`);
  await escalated.waitFor();
  expect(await superior.locator('section', { has: superior.locator('[data-testid=escalations]') }).locator('h2').textContent()).toBe('Eskalasi kepada Anda');
  const dikbudHead = org.positions.find((p: any) => p.id === 'kepala-dikbud');
  expect(await escalated.locator('.task-title').textContent()).toBe(`${dikbudHead.official.name} — ${dikbudHead.title}`);
  expect(await escalated.textContent()).toContain(`Belum menyusun draf PK (PK ${dikbudHead.title} ${org.year}) · ${org.organisation.name}`);
  expect(await escalated.locator('[data-testid=lateness]').textContent()).toMatch(/^Terlambat \d+ hari/);
  expect(await escalated.locator('.badge.escalation').textContent()).toBe('Eskalasi tingkat 3');
  await shot(superior, '03-escalations-phone');

  // the Kepala Daerah has no superior: their own draft goes on to signing, and the button says so
  await go(superior, `#/pk/${enc(`pk:${ORG}:${org.year}:bupati`)}/draf`);
  await superior.getByRole('button', { name: 'Simpan dan lanjutkan ke penandatanganan' }).waitFor();
  expect(await superior.getByRole('button', { name: 'Simpan dan ajukan ke atasan' }).count()).toBe(0);
  await go(superior, '#/');
  await superior.locator('[data-testid=escalations]').waitFor();
});

test('the superior returns the draft once with a reason: the official\'s inbox says so; submitted again, it is reviewed again', async () => {
  const task = superior.locator(`li.task[data-agreement="${dinkes}"][data-task="review"]`);
  await task.waitFor();
  await task.locator('a').click();
  const form = superior.locator('form.reason-form', { has: superior.getByRole('button', { name: 'Kembalikan draf' }) });
  await form.locator('textarea[name=reason]').fill('Lengkapi target triwulan');
  await form.getByRole('button', { name: 'Kembalikan draf' }).click();
  await until((a) => a.phase === 'drafting');

  await go(owner, '#/');
  const returned = owner.locator(`li.task[data-agreement="${dinkes}"][data-task="draft"] [data-testid=returned]`);
  await returned.waitFor();
  expect(await returned.textContent()).toBe('Dikembalikan atasan Lengkapi target triwulan');
  await shot(owner, '02b-returned-draft-laptop');
  // the official submits the same draft again from its page
  await owner.locator(`li.task[data-agreement="${dinkes}"] a.task-title`).click();
  await owner.getByRole('button', { name: 'Simpan dan ajukan ke atasan' }).click();
  await owner.waitForURL(/#\/pk\/[^/]+$/);
  await until((a) => a.phase === 'review');
  await go(superior, '#/');
});

test('the superior reviews and approves on a phone', async () => {
  const task = superior.locator(`li.task[data-agreement="${dinkes}"][data-task="review"]`);
  await task.waitFor();
  await task.locator('a').click();
  await superior.getByRole('button', { name: 'Setujui draf' }).waitFor();
  await superior.locator('[data-testid=indicators]').getByText('Pembinaan posyandu').waitFor();
  // each indicator names the superior's indicator it serves, not its id
  expect(new Set(await superior.locator('[data-testid=indicators] [data-testid=serves]').allTextContents())).toEqual(new Set(['Mendukung: Usia Harapan Hidup']));
  expect((await agreement()).body.content.parentIndicators).toEqual({ 'IKU-kesehatan': 'Usia Harapan Hidup' });
  await shot(superior, '03-review-phone');
  await superior.getByRole('button', { name: 'Setujui draf' }).click();
  await superior.locator('.pk-head .badge.phase-signing').waitFor();
  await until((a) => a.phase === 'signing' && a.awaitingPositionId === 'kepala-dinkes');
});

test('a wrong passphrase shows the error and signs nothing; the right one signs and shows the verification', async () => {
  await go(owner, `#/pk/${enc(dinkes)}/tanda-tangan`);
  const preview = owner.locator('iframe[data-testid=pdf-preview]');
  await preview.waitFor();
  expect(await preview.getAttribute('data-type')).toBe('application/pdf');
  expect(Number(await preview.getAttribute('data-bytes'))).toBeGreaterThan(1000);
  expect(await preview.getAttribute('src')).toMatch(/^blob:/);

  await owner.locator('#passphrase').fill('bukan-frasa-ini');
  await owner.getByRole('button', { name: 'Tanda tangani' }).click();
  const error = owner.locator('[data-testid=sign-status] .notice-error');
  await error.waitFor();
  expect(await error.textContent()).toContain('Frasa sandi salah');
  await shot(owner, '04-sign-wrong-passphrase-laptop');
  const docs = await call('GET', `/api/agreements/${enc(dinkes)}/documents`, { token: t.evaluator });
  expect(docs.body.items).toEqual([]);
  const { rows } = await stack.db.query('SELECT count(*)::int AS n FROM documents WHERE agreement_id = $1', [dinkes]);
  expect(rows[0].n).toBe(0);
  const still = (await agreement()).body;
  expect([still.phase, still.awaitingPositionId]).toEqual(['signing', 'kepala-dinkes']);
  expect(still.state.versions.flatMap((v: any) => v.signatures)).toEqual([]);

  await owner.locator('#passphrase').fill(passphraseOf(OWNER_NIP));
  await owner.getByRole('button', { name: 'Tanda tangani' }).click();
  await owner.locator('[data-testid=verification][data-ok=true]').waitFor({ timeout: 30_000 });
  expect(await owner.locator('[data-testid=sign-result] .hash').textContent()).toMatch(/^[0-9a-f]{64}$/);
  expect(await owner.locator('[data-testid=verification] .signatures li').count()).toBe(1);
  await shot(owner, '05-signed-first-party-laptop');
});

test('the superior signs second on a phone, previewing the first party\'s signed file', async () => {
  await until((a) => a.phase === 'signing' && a.awaitingPositionId === 'bupati');
  await go(superior, `#/pk/${enc(dinkes)}/tanda-tangan`);
  await superior.locator('iframe[data-testid=pdf-preview]').waitFor();
  // First signature: the page explains enrolment and asks for the new passphrase twice.
  await superior.locator('#passphrase-confirm').waitFor();
  // the lockout rule as configured (GET /api/me signing.maxFailures / lockMinutes), not a fixed sentence
  expect(await superior.locator('[data-testid=lockout-rule]').textContent())
    .toBe(`${stack.config.SIGNING_MAX_FAILURES} kali salah memasukkan frasa sandi mengunci penandatanganan selama ${stack.config.SIGNING_LOCK_MINUTES} menit.`);
  await superior.locator('#passphrase').fill(passphraseOf(BUPATI_NIP));
  await superior.locator('#passphrase-confirm').fill(passphraseOf(BUPATI_NIP));
  await superior.getByRole('button', { name: 'Tanda tangani' }).click();
  await superior.locator('[data-testid=verification][data-ok=true]').waitFor({ timeout: 30_000 }).catch(async (err) => {
    throw new Error(`${err.message}\nthe page shows: ${await superior.locator('main').textContent()}`);
  });
  expect(await superior.locator('[data-testid=verification] .signatures li').count()).toBe(2);
  await shot(superior, '06-signed-second-party-phone');
  await until((a) => a.phase === 'reporting' && a.state?.quarters?.[0]?.status === 'open');
});

test('the official reports a quarter with the capaian computed as they type; the superior verifies it', async () => {
  // the inbox names the quarter due, as the reminders do
  await waitFor(() => call('GET', '/api/me/tasks', { token: t.official(OWNER_NIP) }), (r) => r.body.items?.some((i: any) => i.agreementId === dinkes && i.task === 'report'), 60_000);
  await go(owner, '#/');
  await expect(owner.locator(`[data-testid=tasks] li[data-agreement="${dinkes}"][data-task=report] .task-title`).textContent()).resolves
    .toBe('Laporkan realisasi Triwulan I');
  await go(owner, `#/pk/${enc(dinkes)}/laporan/1`);
  const row = (id: string) => owner.locator(`[data-testid=report-table] tr[data-indicator="${id}"]`);
  const aki = row('kepala-dinkes#1');
  await aki.waitFor();
  expect(await owner.locator('[data-testid=report-table] thead th').allTextContents())
    .toEqual(['Indikator', 'Target', 'Realisasi', 'Capaian TW I', 'Capaian s.d. kini', 'Kategori capaian']);
  // Angka Kematian Ibu: lower is better, target 180: (2 × 180 − 198) / 180 × 100 = 90 → Baik
  await aki.locator('input').fill('198');
  expect(await aki.locator('[data-testid=capaian-quarter]').textContent()).toBe('90%');
  expect(await aki.locator('[data-testid=category]').textContent()).toBe('Baik');
  await aki.locator('input').fill('171'); // (360 − 171) / 180 × 100 = 105 → Sangat Baik
  expect(await aki.locator('[data-testid=capaian-quarter]').textContent()).toBe('105%');
  expect(await aki.locator('[data-testid=capaian-year]').textContent()).toBe('105%');
  expect(await aki.locator('[data-testid=category]').textContent()).toBe('Sangat Baik');
  // a lone dot before three digits could be a thousands dot or a decimal point: said, not guessed
  await row('kepala-dinkes#2').locator('input').fill('1.250');
  await row('kepala-dinkes#3').locator('input').fill('18,5'); // the Indonesian decimal comma
  await owner.getByRole('button', { name: 'Kirim laporan Triwulan I' }).click();
  await expect(owner.locator('.field-error[data-path="/realizations/1/value"]').textContent()).resolves
    .toBe('Tidak jelas: 1.250 bisa berarti 1250 atau 1,250. Tulis 1250 tanpa titik, atau 1,250 dengan koma desimal.');
  expect(await row('kepala-dinkes#2').locator('input').getAttribute('aria-invalid')).toBe('true');
  expect((await call('GET', `/api/agreements/${enc(dinkes)}/realizations`, { token: t.evaluator })).body.quarters.find((q: any) => q.quarter === 1)).toBeUndefined();
  await row('kepala-dinkes#2').locator('input').fill('12');
  const additional = owner.locator('[data-testid=report-table] tr[data-indicator]').nth(3);
  await additional.locator('input').fill('3'); // a count: cumulative 3 of 10 → 30 → Sangat Kurang
  expect(await additional.locator('[data-testid=capaian-year]').textContent()).toBe('30%');
  await additional.locator('input').fill('10');
  const budget = owner.locator('input[data-path^="/budgetSpent/"]');
  for (let i = 0; i < (await budget.count()); i++) await budget.nth(i).fill('1.000.000.000'); // Rupiah: dots group thousands
  const pagu = org.drafts['kepala-dinkes'].budget.reduce((sum: number, b: any) => sum + b.amount, 0);
  const absorption = Math.round(((await budget.count()) * 1e9 * 100 * 100) / pagu) / 100; // serapan = spent / pagu × 100
  expect(await owner.locator('[data-testid=absorption]').textContent()).toBe(`${String(absorption).replace('.', ',')}%`);
  await shot(owner, '07-report-laptop');
  await owner.getByRole('button', { name: 'Kirim laporan Triwulan I' }).click();
  await owner.locator('tr[data-quarter="1"][data-status="reported"]').waitFor();

  await go(superior, `#/pk/${enc(dinkes)}`);
  await superior.getByRole('button', { name: 'Verifikasi Triwulan I' }).waitFor();
  await shot(superior, '08-verify-phone');
  await superior.getByRole('button', { name: 'Verifikasi Triwulan I' }).click();
  await superior.locator('tr[data-quarter="1"][data-status="verified"]').waitFor();
  const stored = await call('GET', `/api/agreements/${enc(dinkes)}/realizations`, { token: t.evaluator });
  expect(stored.body.quarters[0].realizations.find((r: any) => r.indicatorId === 'kepala-dinkes#3').value).toBe(18.5);
  expect(stored.body.quarters[0].budgetSpent.every((x: number) => x === 1_000_000_000)).toBe(true);

  await go(owner, `#/pk/${enc(dinkes)}/linimasa`);
  await owner.locator('[data-testid=timeline] li[data-kind="realization.verified"]').waitFor();
  await shot(owner, '09-timeline-laptop');
  // the lines read in Indonesian: the wrong passphrase with the attempts left, the quarter opened,
  // and no code names (saveDraft, recordTransition…) outside "Rincian teknis"
  const line = (kind: string) => owner.locator(`[data-testid=timeline] li[data-kind="${kind}"] .tl-text > span`).first().textContent();
  expect(await line('signing.wrong_passphrase')).toMatch(/^Frasa sandi salah saat tanda tangan Pihak Pertama \(sisa \d+ percobaan\)$/);
  expect(await line('realization.opened')).toBe('Triwulan I dibuka untuk pelaporan');
  expect(await line('update.accepted')).toMatch(/^Tindakan "[^"]+" diterima$/);
  expect(await owner.locator('.notice-success', { hasText: 'Catatan audit' }).textContent()).toBe('Catatan audit utuh: tidak ada catatan yang diubah atau dihapus.');
  // who did it, in words: the officials by name and NIP, the workflow's own steps by the system
  const actors = await owner.locator('[data-testid=timeline] [data-testid=actor]').allTextContents();
  const nameOf = (positionId: string) => org.positions.find((p: any) => p.id === positionId).official.name;
  expect(actors).toContain(` oleh ${nameOf('kepala-dinkes')} (NIP ${OWNER_NIP})`);
  expect(actors).toContain(` oleh ${nameOf('bupati')} (NIP ${BUPATI_NIP})`);
  expect(actors.filter((a) => !/^ oleh (sistem|[^()]+ \(NIP \d{18}\)|Tim Evaluasi \(.+\)|administrator \(.+\))$/.test(a))).toEqual([]);
  // the audit log alone, as the PK's story: every line shown is one of its rows, as many as the option says
  const all = await owner.locator('[data-testid=timeline] > li').count();
  const auditRows = await owner.locator('[data-testid=timeline] > li.tl-audit').count();
  expect(await owner.locator('[data-testid=timeline-filter] option').allTextContents()).toEqual([
    `Semua (${all})`, expect.stringMatching(/^Proses saja \(\d+\)$/), `Catatan audit saja (${auditRows})`, expect.stringMatching(/^Notifikasi saja \(\d+\)$/),
  ]);
  await owner.locator('[data-testid=timeline-filter]').selectOption('audit');
  expect(await owner.locator('[data-testid=timeline] > li:visible').count()).toBe(auditRows);
  expect(await owner.locator('[data-testid=timeline] > li:visible:not(.tl-audit)').count()).toBe(0);
  expect(auditRows).toBeLessThan(all);
  await shot(owner, '09b-timeline-audit-only-laptop');
  await owner.locator('[data-testid=timeline-filter]').selectOption('');
  expect(await owner.locator('[data-testid=timeline] > li:visible').count()).toBe(all);
  const texts = await owner.locator('[data-testid=timeline] .tl-text > span').allTextContents();
  expect(texts.filter((text) => /\b(saveDraft|submitDraft|approveDraft|reportRealization|verifyRealization|recordTransitions?|signAgreement|releaseSubordinates|loadSchedule|loadStartContext|notify|superiorSigned|calendarChanged|report:Q\d|verify:Q\d)\b/.test(text))).toEqual([]);
});

test('the evaluation team sees it on the dashboard, drills down to the PK and downloads the report as an Excel file', async () => {
  // the Bupati finalises his own statement, which has no second party (its timeline, below)
  const bupatiPk = `/api/agreements/${enc(`pk:${ORG}:${org.year}:bupati`)}`;
  expect((await call('PUT', `${bupatiPk}/draft`, { token: t.official(BUPATI_NIP), body: { objectives: org.plan.objectives, budget: [] } })).status).toBe(200);
  expect((await call('POST', `${bupatiPk}/submit`, { token: t.official(BUPATI_NIP) })).status).toBe(200);
  for (const [viewport, name] of [[LAPTOP, 'laptop'], [PHONE, 'phone']] as const) {
    const page = await session.newPage({ viewport });
    await signIn(page, EVALUATOR);
    await go(page, `#/dasbor/${enc(cycleId)}`);
    const chart = page.locator('[data-testid=chart-achievement]');
    await chart.waitFor();
    // Dinas Kesehatan, Q1: (105 + 100 + 100 + 100) / 4; the other quarters are not reported (no bar, not 0)
    expect(await chart.locator('rect.bar').evaluateAll((rects) => rects.map((r) => r.getAttribute('data-value')))).toEqual(['101.25', '', '', '']);
    expect(await page.locator('[data-testid=stat-total]').textContent()).toBe(String(org.positions.length));
    expect(Number(await page.locator('[data-testid=stat-overdue]').textContent())).toBeGreaterThan(0);
    await page.locator('[data-testid=overdue-table]').waitFor();
    // a column per level (level 0: late, not escalated yet)
    const levels = (await page.locator('[data-testid=overdue-table] thead th').allTextContents()).slice(1);
    expect(levels.length).toBeGreaterThan(0);
    expect(levels.filter((l) => l !== 'Belum dieskalasi' && !/^Eskalasi tingkat \d+$/.test(l))).toEqual([]);
    expect(await page.locator('[data-testid=chart-absorption] rect.bar').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=chart-categories] rect.bar[data-value="1"]').count()).toBe(1);
    // the in-year bands are "kategori capaian", the year-end results "predikat": the section says both
    expect(await page.locator('section', { has: page.locator('[data-testid=chart-categories]') }).locator('h2').textContent()).toBe('Kategori capaian dan predikat PK');
    await shot(page, `10-dashboard-${name}`);
    if (name === 'phone') {
      // nothing wider than the phone but the tables that scroll inside their own box
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      continue;
    }

    // the report as an Excel file in Bahasa Indonesia (the API's ?format=csv stays for machines)
    const reportButton = page.locator('[data-testid=report-xlsx]');
    expect(await reportButton.textContent()).toBe('Unduh laporan (Excel)');
    const report = await clickToDownloadXlsx(reportButton);
    // the server's name (Content-Disposition, laporan-<organisation>-<year>.xlsx), not one made from the cycle id
    expect(report.name).toBe(`laporan-${ORG}-${org.year}.xlsx`);
    expect(report.header.slice(0, 6)).toEqual(['Kode unit', 'Nama unit', 'Jumlah PK', 'PK dinilai', 'Rata-rata nilai (%)', 'Predikat']);
    expect(report.header.slice(-3)).toEqual(['Pagu (Rp)', 'Realisasi anggaran (Rp)', 'Serapan (%)']);
    expect(report.rows.filter((r) => r['Kode unit'] === 'dinkes')).toEqual([expect.objectContaining({ 'Nama unit': 'Dinas Kesehatan', 'Jumlah PK': expect.any(Number) })]);
    // the officials' predikats, from the staff predikat section
    const ratingsButton = page.locator('[data-testid=ratings-xlsx]');
    expect(await ratingsButton.textContent()).toBe('Unduh predikat pegawai (Excel)');
    const ratings = await clickToDownloadXlsx(ratingsButton);
    expect(ratings.name).toBe(`predikat-pegawai-${ORG}-${org.year}.xlsx`);
    expect(ratings.header).toEqual(expect.arrayContaining(['NIP', 'Tahap PK', 'Hasil kerja', 'Perilaku kerja', 'Predikat pegawai']));
    const phase = { reporting: 'Pelaporan triwulan', evaluation: 'Evaluasi' }[(await agreement()).body.phase as string];
    expect(phase).toEqual(expect.any(String));
    expect(ratings.rows.find((r) => r['Kode jabatan'] === 'kepala-dinkes')).toMatchObject({ NIP: OWNER_NIP, 'Tahap PK': phase });

    await page.locator('[data-testid=unit-filter]').selectOption('dinkes');
    await page.locator(`[data-testid=agreement-list] a[href="#/pk/${enc(dinkes)}"]`).click();
    const indicatorRow = page.locator('[data-testid=realizations] tr[data-indicator="kepala-dinkes#1"]');
    await indicatorRow.waitFor();
    expect(await indicatorRow.locator('td').nth(1).textContent()).toBe('171');
    expect(await indicatorRow.locator('[data-testid=capaian]').textContent()).toMatch(/^105%/);
    expect(await page.locator('[data-testid=documents] tbody tr').count()).toBe(2);
    await page.locator('[data-testid=timeline] li[data-kind="document.signed"]').first().waitFor();
    expect(await page.locator('[data-testid=timeline] li[data-kind="draft.submitted"] .tl-text > span').first().textContent()).toBe('Draf diajukan untuk reviu');
    await shot(page, '11-drilldown-laptop');
    // the Kepala Daerah's PK has no second party: his draft went straight to signing
    await go(page, `#/pk/${enc(`pk:${ORG}:${org.year}:bupati`)}/linimasa`);
    const bupatiSubmitted = page.locator('[data-testid=timeline] li[data-kind="draft.submitted"] .tl-text > span').first();
    await bupatiSubmitted.waitFor();
    expect(await bupatiSubmitted.textContent()).toBe('Draf difinalkan untuk penandatanganan');
    // the timeline links the workflow in Temporal's UI and downloads the whole history export as a file
    const bupati = `pk:${ORG}:${org.year}:bupati`;
    const temporalUi = page.locator('[data-testid=temporal-ui]');
    expect(await temporalUi.textContent()).toBe('Buka di Temporal UI');
    expect(await temporalUi.getAttribute('href'))
      .toBe(`${stack.config.TEMPORAL_UI_URL.replace(/\/$/, '')}/namespaces/${enc(stack.config.TEMPORAL_NAMESPACE)}/workflows/${enc(bupati)}`);
    const exportButton = page.locator('[data-testid=history-export]');
    expect(await exportButton.textContent()).toBe('Unduh riwayat lengkap (JSON)');
    const download = page.waitForEvent('download');
    await exportButton.click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`riwayat-pk-${ORG}-${org.year}-bupati.json`);
    const exported = JSON.parse(readFileSync((await file.path())!, 'utf8'));
    const api = (await call('GET', `/api/agreements/${enc(bupati)}/history/export`, { token: t.evaluator })).body;
    expect(exported.agreementId).toBe(bupati);
    expect(exported.runs.map((r: any) => r.runId)).toEqual(api.runs.map((r: any) => r.runId));
    expect(exported.runs[0].history.events[0]).toEqual(api.runs[0].history.events[0]);
  }
});

test('an official with more tasks than the page shows sees the oldest twenty, how many there are, and the rest on request', async () => {
  // A Sekda of this file's own who holds the same post in 21 small regencies: 21 draft tasks.
  const nip = ownNip('kab-page-inbox', '197203151998031001');
  const regencies = 21;
  for (let i = 1; i <= regencies; i++) {
    const small = {
      organisation: { id: `kab-page-inbox-${i}`, name: `Pemerintah Kabupaten Uji ${i}`, place: 'Uji' },
      year: org.year,
      units: [{ id: 'setda', name: 'Sekretariat Daerah' }],
      positions: [
        { id: 'bupati', title: `Bupati Uji ${i}`, unit: null, parent: null, level: 'KEPALA_DAERAH', official: { nip: null, name: 'Bupati Uji', email: 'bupati@uji.example' } },
        { id: 'sekda', title: 'Sekretaris Daerah', unit: 'setda', parent: 'bupati', level: 'JPT_MADYA', official: { nip, name: 'Sekda Uji', email: 'sekda@uji.example' } },
      ],
    };
    const started = await call('POST', '/api/cycles', { token: t.admin, body: small });
    expect(started.status).toBe(201);
  }
  const inbox = await waitFor(() => call('GET', '/api/me/tasks', { token: t.official(nip) }), (r) => r.body.total === regencies, 120_000);
  const order = inbox.body.items.map((item: any) => item.agreementId);
  expect(order).toHaveLength(regencies);
  // each item says whose regency and which year: the titles alone are all "Sekretaris Daerah"
  const regencyOf = new Map(inbox.body.items.map((item: any) => [item.agreementId, item.cycleOf]));
  expect(regencyOf.get(`pk:kab-page-inbox-7:${org.year}:sekda`)).toEqual({ organisation: 'Pemerintah Kabupaten Uji 7', year: org.year, utcOffsetHours: 7 });

  await setPasswordByInvite(stack.db, stack.identityProvider!.issuer, { accountId: nip });
  const page = await session.newPage({ viewport: LAPTOP });
  await logInOnPage(page, stack, nip);
  const more = page.locator('[data-testid=tasks-more]');
  await more.waitFor();
  const shown = () => page.locator('[data-testid=tasks] li.task').evaluateAll((items) => items.map((li) => li.getAttribute('data-agreement')));
  expect(await shown()).toEqual(order.slice(0, 20));
  const seventh = page.locator(`[data-testid=tasks] li.task[data-agreement="pk:kab-page-inbox-7:${org.year}:sekda"]`);
  expect(await seventh.locator('div').first().textContent()).toBe(`PK Sekretaris Daerah ${org.year} — Sekda Uji · Pemerintah Kabupaten Uji 7`);
  expect(await more.textContent()).toBe('Menampilkan 20 dari 21 tugas, yang paling dahulu jatuh tempo. Tampilkan semua');
  await shot(page, '12-inbox-cut');

  await page.locator('[data-testid=tasks-all]').click();
  await more.waitFor({ state: 'detached' });
  expect(await shown()).toEqual(order);
  await page.close();
});

test('a Kepala Daerah with more late items than the page shows sees the most overdue hundred and how many there are', async () => {
  // A regency of 101 heads of office under one Bupati, started after every draft was due: each
  // late draft escalates to him at once.
  const ID = 'kab-page-escalated';
  const bupatiNip = ownNip(ID, '196501011990011001');
  const heads = 101;
  const regency = {
    organisation: { id: ID, name: 'Pemerintah Kabupaten Terlambat', place: 'Terlambat' },
    year: org.year,
    units: Array.from({ length: heads }, (_, i) => ({ id: `dinas-${i + 1}`, name: `Dinas ${i + 1}` })),
    positions: [
      { id: 'bupati', title: 'Bupati Terlambat', unit: null, parent: null, level: 'KEPALA_DAERAH', official: { nip: bupatiNip, name: 'Bupati Terlambat', email: 'bupati@terlambat.example' } },
      ...Array.from({ length: heads }, (_, i) => ({
        id: `kepala-${i + 1}`, title: `Kepala Dinas ${i + 1}`, unit: `dinas-${i + 1}`, parent: 'bupati', level: 'JPT_PRATAMA',
        official: { nip: ownNip(ID, `19700101199503${String(1000 + i)}`), name: `Kepala Dinas ${i + 1}`, email: `kepala${i + 1}@terlambat.example` },
      })),
    ],
  };
  const started = await call('POST', '/api/cycles', { token: t.admin, body: regency });
  expect(started.status).toBe(201);
  const inbox = await waitFor(() => call('GET', '/api/me/tasks', { token: t.official(bupatiNip) }), (r) => r.body.escalationsTotal === heads, 200_000);
  expect(inbox.body.escalations).toHaveLength(100);
  const dues = inbox.body.escalations.map((e: any) => e.dueAt);
  expect(dues).toEqual([...dues].sort());

  await setPasswordByInvite(stack.db, stack.identityProvider!.issuer, { accountId: bupatiNip });
  const page = await session.newPage({ viewport: LAPTOP });
  await logInOnPage(page, stack, bupatiNip);
  const more = page.locator('[data-testid=escalations-more]');
  await more.waitFor();
  expect(await page.locator('[data-testid=escalations] li.task').count()).toBe(100);
  expect(await more.textContent()).toBe('Menampilkan 100 dari 101 eskalasi, yang paling lama terlambat. Sisanya muncul setelah yang terlambat ini diselesaikan.');
  await page.close();
}, 300_000);

test('the routes the page added answer what it shows', async () => {
  const owner = t.official(OWNER_NIP);
  const achievement = await call('GET', `/api/cycles/${enc(cycleId)}/achievement`, { token: t.evaluator });
  expect(achievement.status).toBe(200);
  const unit = achievement.body.units.find((u: any) => u.unitId === 'dinkes');
  expect(unit).toMatchObject({ reporting: 1, quarters: [101.25, null, null, null], achievement: 101.25, category: 'Sangat Baik', spent: 3e9 });
  expect(unit.absorption).toBeCloseTo((3e9 / unit.budget) * 100, 6);
  expect((await call('GET', `/api/cycles/${enc(cycleId)}/achievement`, { token: owner })).status).toBe(403);

  const parents = await call('GET', `/api/agreements/${enc(dinkes)}/parent-indicators`, { token: owner });
  expect(parents.body.items.map((i: any) => i.id)).toContain('IKU-kesehatan');
  const realizations = await call('GET', `/api/agreements/${enc(dinkes)}/realizations`, { token: owner });
  expect(realizations.body.rules).toMatchObject({ lowerIsBetter: 'reflected', cap: 120 });
  expect(realizations.body.quarters.map((q: any) => q.quarter)).toEqual([1]);

  // once the first party has signed, the preview is that signed file (what the second party signs)
  const preview = await fetch(`${stack.baseUrl}/api/agreements/${enc(dinkes)}/preview.pdf`, { headers: { authorization: `Bearer ${owner}` } });
  expect(preview.headers.get('content-type')).toBe('application/pdf');
  const bytes = Buffer.from(await preview.arrayBuffer());
  const first = await stack.db.query(`SELECT bytes FROM documents WHERE agreement_id = $1 AND party = 'first'`, [dinkes]);
  expect(bytes.equals(first.rows[0].bytes)).toBe(true);
  // a PK with no saved version (the late Kepala Dinas Pendidikan's) has nothing to sign yet
  const undrafted = await fetch(`${stack.baseUrl}/api/agreements/${enc(`pk:${ORG}:${org.year}:kepala-dikbud`)}/preview.pdf`, { headers: { authorization: `Bearer ${t.evaluator}` } });
  expect([undrafted.status, undrafted.headers.get('content-type')]).toEqual([404, 'application/problem+json; charset=utf-8']);
});
