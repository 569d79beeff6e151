// The administrator's actions on the page, in headless Chromium against the real stack: on a PK's
// page the panel "Tindakan administrator" extends the current deadline (the new due date shown and
// stored), lifts a passphrase lock set by wrong passphrases (the official signs again), and changes
// the official holding the position (the change answers 202 here, so the page follows it to its
// outcome); #/notifikasi-gagal lists a notification that died at a failing receiver and requeues
// it. An official sees neither the panel nor the link.
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { Stack } from '../support/stack';
import { ADMIN, officialPerson } from '../support/browser-sign-in';
import { BrowserSession } from '../support/browser-session';
import { client, enc, nipOf, passphraseFor, sampleOrganisation, startStackWithCycle, tokens, waitFor } from '../support/api-client';
import { startHttpReceiver, type HttpReceiver } from '../support/http-receiver';
import { createSigningDeps } from '../../activities/signing';
import { createNotificationDispatcher } from '../../activities/delivery';
import { issueOfficialCertificate } from '../../signing';
import { endOfLocalDay } from '../../domain/schedule';
import { loadConfig } from '../../config';
import { createLogger } from '../../logger';

// web/js is plain ES modules for the browser; jest's swc turns format.js into CommonJS
const format = require('../../web/js/format.js') as { fmtDateTime(iso: string): string };

const ORG = 'kab-page-admin';
const org = sampleOrganisation(ORG);
const cycleId = `cycle:${ORG}:${org.year}`;
const pk = (positionId: string) => `pk:${ORG}:${org.year}:${positionId}`;
/** Its deadline is extended; its official is the non-administrator who must not see the panel. */
const EXTENDED = 'kepala-dinsos';
/** In signing, its first party locked out by wrong passphrases. */
const LOCKED = 'kepala-dinkes';
/** Its official is replaced. */
const CHANGED = 'kepala-pupr';
const SUCCESSOR = { nip: '198203142006041099', name: 'Ir. Pengganti Dinas PUPR, M.T.', email: 'pengganti-pupr@kab-page-admin.example' };
const SHOTS = path.join(__dirname, '..', '..', 'test-output', 'screenshots');

let stack: Stack;
let call: ReturnType<typeof client>;
let t: ReturnType<typeof tokens>;
let failing: HttpReceiver;
const session = new BrowserSession({ viewport: { width: 1280, height: 900 } });

jest.setTimeout(300_000);

const read = async (id: string) => (await call('GET', `/api/agreements/${enc(id)}`, { token: t.admin })).body;
const phaseIs = (id: string, phase: string) => waitFor(() => read(id), (a) => a.phase === phase, 120_000);

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  // API_CHANGE_WAIT_MS 0: a change of official always answers 202, so the page must follow it
  ({ stack, call, t } = await startStackWithCycle(org, (s) => s.status === 'running', { identityProvider: true, env: { API_CHANGE_WAIT_MS: '0' } }));
  failing = await startHttpReceiver(503);
  for (const positionId of [EXTENDED, LOCKED, CHANGED]) {
    await waitFor(() => read(pk(positionId)), (a) => a.state?.deadline?.item === 'draft', 120_000);
  }
  // LOCKED to signing, its first party enrolled (a certificate under their passphrase)
  const owner = t.official(nipOf(org, LOCKED));
  expect((await call('PUT', `/api/agreements/${enc(pk(LOCKED))}/draft`, { token: owner, body: org.drafts[LOCKED] })).status).toBe(200);
  expect((await call('POST', `/api/agreements/${enc(pk(LOCKED))}/submit`, { token: owner })).status).toBe(200);
  await phaseIs(pk(LOCKED), 'review');
  expect((await call('POST', `/api/agreements/${enc(pk(LOCKED))}/review/approve`, { token: t.official(nipOf(org, 'bupati')) })).status).toBe(200);
  await phaseIs(pk(LOCKED), 'signing');
  const signing = await createSigningDeps(stack.db, stack.config);
  const ca = await signing.ca({ id: ORG, name: org.organisation.name });
  const nip = nipOf(org, LOCKED);
  await issueOfficialCertificate({ store: signing.store, ca, passphrase: passphraseFor(nip), official: { signerId: nip, name: org.positions.find((p: any) => p.id === LOCKED).official.name, nip, organisation: org.organisation.name } });
  await session.launch(stack);
});
afterAll(async () => {
  await session.close();
  await failing?.stop();
  await stack?.stop();
});
afterEach(() => expect(session.pageErrors).toEqual([]));
const signedIn = (who: Parameters<BrowserSession['signedIn']>[0]) => session.signedIn(who);

const open = (page: Page, hash: string) => page.evaluate((h) => { location.hash = h; }, hash);

/** The requests the page sends with `method` to a path `matches`, counted from now. */
function countRequests(page: Page, method: string, matches: (pathname: string) => boolean): { count: number } {
  const seen = { count: 0 };
  page.on('request', (r) => {
    if (r.method() === method && matches(new URL(r.url()).pathname)) seen.count += 1;
  });
  return seen;
}

test('an administrator sees the panel and the link to the dead notifications; the PK\'s own official sees neither', async () => {
  const admin = await signedIn(ADMIN);
  await open(admin, `#/pk/${enc(pk(EXTENDED))}`);
  const panel = admin.locator('[data-testid=admin-actions]');
  await panel.waitFor();
  await expect(panel.locator('h2').textContent()).resolves.toBe('Tindakan administrator');
  for (const title of ['Perpanjang tenggat', 'Buka kunci penandatanganan', 'Ganti pejabat']) await panel.locator('h3', { hasText: title }).waitFor();
  await admin.locator('#nav').getByRole('link', { name: 'Notifikasi gagal' }).waitFor();
  await admin.screenshot({ path: path.join(SHOTS, 'admin-actions-panel.png'), fullPage: true });

  const official = await signedIn(officialPerson(nipOf(org, EXTENDED)));
  await open(official, `#/pk/${enc(pk(EXTENDED))}`);
  // the page drawn for the official: their own action on it (the panels are drawn together)
  await official.locator('[data-testid=actions]').getByRole('link', { name: 'Susun / sunting draf' }).waitFor();
  await official.locator('.pk-head').waitFor();
  expect(await official.locator('[data-testid=admin-actions]').count()).toBe(0);
  expect(await official.locator('#nav').getByRole('link', { name: 'Notifikasi gagal' }).count()).toBe(0);
});

test('the administrator extends the current deadline: a reason is required, then the new due date is on the page and stored', async () => {
  const before = await read(pk(EXTENDED));
  const current: string = before.state.deadline.dueAt;
  // 14 days after the current due date, as a day in the cycle's zone (WIB); due at that day's end
  const day = new Date(Date.parse(current) + 7 * 3_600_000 + 14 * 86_400_000).toISOString().slice(0, 10);
  const [y, m, d] = day.split('-').map(Number);
  const expected = endOfLocalDay(y, m, d, 7);
  const reason = 'Kantor dinas terdampak banjir; berkas belum dapat disusun';

  const page = await signedIn(ADMIN);
  const posts = countRequests(page, 'POST', (p) => p === `/api/agreements/${enc(pk(EXTENDED))}/deadline`);
  await open(page, `#/pk/${enc(pk(EXTENDED))}`);
  const section = page.locator('[data-testid=admin-deadline]');
  await expect(section.locator('[data-testid=current-deadline]').textContent()).resolves
    .toBe(`Tenggat saat ini: "Susun draf PK" — ${format.fmtDateTime(current)}`);
  const form = section.locator('[data-testid=deadline-form]');
  await form.getByLabel('Tenggat baru').fill(day);
  await form.getByRole('button', { name: 'Perpanjang tenggat' }).click();
  await expect(form.locator('.field-error[data-path="/reason"]').textContent()).resolves.toBe('Tidak boleh kosong.');
  expect(posts.count).toBe(0);

  await form.getByLabel('Alasan').fill(reason);
  await form.getByRole('button', { name: 'Perpanjang tenggat' }).click();
  await page.locator(`[data-testid=current-deadline][data-due="${expected}"]`).waitFor();
  expect(posts.count).toBe(1);
  await expect(page.locator('[data-testid=current-deadline]').textContent()).resolves
    .toBe(`Tenggat saat ini: "Susun draf PK" — ${format.fmtDateTime(expected)}`);
  await expect(page.locator('[data-testid=admin-deadline] .notice-success').textContent()).resolves
    .toBe(`Tenggat "Susun draf PK" diperpanjang hingga ${format.fmtDateTime(expected)}.`);
  await expect(page.locator('.pk-head .due').textContent()).resolves.toContain(`Tenggat ${format.fmtDateTime(expected)}`);
  await page.screenshot({ path: path.join(SHOTS, 'admin-actions-deadline.png'), fullPage: true });

  const after = await read(pk(EXTENDED));
  expect(after.state.deadline).toMatchObject({ item: 'draft', dueAt: expected });
  expect(after.dueAt).toBe(expected);
  const history = (await call('GET', `/api/agreements/${enc(pk(EXTENDED))}/history`, { token: t.admin })).body;
  expect(history.entries.filter((e: any) => e.kind === 'deadline.extended')).toEqual([
    expect.objectContaining({ actor: 'admin:admin-test', data: expect.objectContaining({ item: 'draft', dueAt: expected, reason }) }),
  ]);
});

test('an official locked out by wrong passphrases is unlocked on the page, and then signs', async () => {
  const nip = nipOf(org, LOCKED);
  const sign = (passphrase: string) => call('POST', `/api/agreements/${enc(pk(LOCKED))}/sign`, { token: t.official(nip), body: { passphrase } });
  for (let k = 1; k <= 5; k++) {
    const wrong = await sign(`tebakan-salah-${k}-${nip}`);
    expect([wrong.status, wrong.body.code]).toEqual([422, 'wrong_passphrase']);
  }
  const locked = await sign(passphraseFor(nip));
  expect([locked.status, locked.body.code]).toEqual([423, 'signing_locked']);

  const page = await signedIn(ADMIN);
  const posts = countRequests(page, 'POST', (p) => p === `/api/admin/signing/${nip}/unlock`);
  await open(page, `#/pk/${enc(pk(LOCKED))}`);
  const section = page.locator('[data-testid=admin-unlock]');
  const name = org.positions.find((p: any) => p.id === LOCKED).official.name;
  // the party whose signature the PK awaits is the one chosen
  await expect(section.locator('select[name=unlock-official] option:checked').textContent()).resolves
    .toBe(`Pihak Pertama: ${name} (NIP ${nip})`);
  await expect(section.textContent()).resolves.toContain(`PK ini menunggu tanda tangan Pihak Pertama: ${name} (NIP ${nip}).`);
  // the administrator sees who is locked, and until when
  const lockedUntil = (await stack.db.query('SELECT locked_until FROM signing_lockout WHERE signer_id = $1', [nip])).rows[0].locked_until;
  const firstLock = section.locator('[data-testid=signing-locks] li[data-party=first]');
  await expect(firstLock.getAttribute('data-locked')).resolves.toBe('true');
  await expect(firstLock.textContent()).resolves.toBe(`Pihak Pertama: ${name} (NIP ${nip}) — terkunci hingga ${format.fmtDateTime(new Date(lockedUntil).toISOString())}`);
  await expect(section.locator('[data-testid=signing-locks] li[data-party=second]').textContent()).resolves.toMatch(/— tidak terkunci$/);
  await section.getByRole('button', { name: 'Buka kunci penandatanganan' }).click();
  await expect(page.locator('[data-testid=admin-unlock] .notice-success').textContent()).resolves
    .toBe(`Kunci penandatanganan ${name} (NIP ${nip}) dibuka; ia dapat menandatangani lagi dengan frasa sandinya.`);
  await expect(page.locator('[data-testid=signing-locks] li[data-party=first]').getAttribute('data-locked')).resolves.toBe('false');
  await expect(page.locator('[data-testid=signing-locks] li[data-party=first]').textContent()).resolves.toMatch(/— tidak terkunci$/);
  expect(posts.count).toBe(1);
  await page.screenshot({ path: path.join(SHOTS, 'admin-actions-unlock.png'), fullPage: true });

  expect((await stack.db.query('SELECT 1 FROM signing_lockout WHERE signer_id = $1', [nip])).rowCount).toBe(0);
  const signed = await sign(passphraseFor(nip));
  expect(signed.status).toBe(200);
  const documents = (await call('GET', `/api/agreements/${enc(pk(LOCKED))}/documents`, { token: t.admin })).body.items;
  expect(documents).toEqual([expect.objectContaining({ party: 'first', signerNip: nip })]);
});

test('the administrator changes the official of the PK\'s position: the page follows the change to its outcome and shows the new official', async () => {
  const previous = org.positions.find((p: any) => p.id === CHANGED).official;
  const page = await signedIn(ADMIN);
  const puts = countRequests(page, 'PUT', (p) => p === `/api/positions/${enc(cycleId)}/${CHANGED}/official`);
  const polls = countRequests(page, 'GET', (p) => p.startsWith(`/api/positions/${enc(cycleId)}/${CHANGED}/official/changes/`));
  await open(page, `#/pk/${enc(pk(CHANGED))}`);
  const section = page.locator('[data-testid=admin-official]');
  await expect(section.locator('[data-testid=current-official]').textContent()).resolves.toContain(`${previous.name} (NIP ${previous.nip})`);
  const form = section.locator('[data-testid=official-form]');
  await form.getByLabel('NIP pejabat baru').fill('12345');
  await form.getByLabel('Nama lengkap').fill(SUCCESSOR.name);
  await form.getByLabel('E-mail').fill(SUCCESSOR.email);
  await form.getByRole('button', { name: 'Ganti pejabat' }).click();
  await expect(form.locator('.field-error[data-path="/nip"]').textContent()).resolves.toBe('NIP harus tepat 18 digit.');
  // an empty NIP is said to be missing (only the Kepala Daerah may have none), not malformed
  await form.getByLabel('NIP pejabat baru').fill('');
  await form.getByRole('button', { name: 'Ganti pejabat' }).click();
  await expect(form.locator('.field-error[data-path="/nip"]').textContent()).resolves.toBe('NIP wajib diisi; hanya Kepala Daerah yang boleh tanpa NIP.');
  expect(puts.count).toBe(0);

  await form.getByLabel('NIP pejabat baru').fill(SUCCESSOR.nip);
  const messages: string[] = [];
  page.once('dialog', (dialog) => { messages.push(dialog.message()); void dialog.accept(); });
  await form.getByRole('button', { name: 'Ganti pejabat' }).click();
  const outcome = page.locator('[data-testid=admin-official] .notice-success');
  await outcome.waitFor({ timeout: 120_000 });
  await expect(outcome.textContent()).resolves.toBe(`Pejabat diganti: ${SUCCESSOR.name} (NIP ${SUCCESSOR.nip}).`);
  expect(messages).toHaveLength(1);
  expect(messages[0]).toMatch(/^Ganti pejabat pada jabatan ini\?/);
  expect(puts.count).toBe(1);
  expect(polls.count).toBeGreaterThanOrEqual(1); // the 202 was followed at its status URL
  await expect(page.locator('.pk-head').textContent()).resolves.toContain(`${SUCCESSOR.name} · NIP ${SUCCESSOR.nip}`);
  await expect(page.locator('[data-testid=current-official]').textContent()).resolves.toContain(`${SUCCESSOR.name} (NIP ${SUCCESSOR.nip})`);
  await page.screenshot({ path: path.join(SHOTS, 'admin-actions-official.png'), fullPage: true });

  const after = await read(pk(CHANGED));
  expect(after.position.official).toEqual({ id: SUCCESSOR.nip, nip: SUCCESSOR.nip, name: SUCCESSOR.name, signingLockedUntil: null });
  const position = (await stack.db.query('SELECT official_id, nip, official_name, email FROM positions WHERE cycle_id = $1 AND id = $2', [cycleId, CHANGED])).rows[0];
  expect(position).toEqual({ official_id: SUCCESSOR.nip, nip: SUCCESSOR.nip, official_name: SUCCESSOR.name, email: SUCCESSOR.email });
});

test('a notification that died at a failing receiver is listed under "Notifikasi gagal" and requeued with "Kirim ulang"', async () => {
  const key = `${pk(EXTENDED)}:test:escalation:1`;
  await stack.db.query(
    `INSERT INTO notifications (key, agreement_id, item, kind, level, recipient_position, recipient_nip, recipient_email, recipient_name, subject, body, due_at)
     VALUES ($1, $2, 'draft', 'escalation', 1, 'bupati', $3, 'bupati@kab-page-admin.example', 'Bupati',
             'Eskalasi tingkat 1: Kepala Dinas Sosial belum menyusun dan mengajukan draf Perjanjian Kinerja',
             'Yth. Bupati,\n\nKepala Dinas Sosial belum menyusun dan mengajukan draf Perjanjian Kinerja.', now() + interval '3 days')`,
    [key, pk(EXTENDED), nipOf(org, 'bupati')],
  );
  const config = loadConfig({ ...process.env, WEBHOOK_URLS: failing.url, WEBHOOK_SECRET: 'webhook-secret-for-tests', DELIVERY_MAX_ATTEMPTS: '3', DELIVERY_BACKOFF_MS: '50', DELIVERY_POLL_MS: '25' });
  const dispatcher = createNotificationDispatcher({ db: stack.db, config, logger: createLogger('test', 'silent') });
  const status = async () => (await stack.db.query('SELECT delivery_status, attempts FROM notifications WHERE key = $1', [key])).rows[0];
  dispatcher.start();
  try {
    await waitFor(status, (r) => r.delivery_status === 'dead', 15_000);
  } finally {
    await dispatcher.stop();
  }

  const page = await signedIn(ADMIN);
  await page.locator('#nav').getByRole('link', { name: 'Notifikasi gagal' }).click();
  const row = page.locator(`[data-testid=dead-notifications] tr[data-key="${key}"]`);
  await row.waitFor();
  await expect(row.getAttribute('data-status')).resolves.toBe('dead');
  const text = (await row.textContent()) ?? '';
  expect(text).toContain('Eskalasi tingkat 1');
  // the kind says the level (the subject beside it names the post); the receiver's English error is labelled as such
  await expect(row.locator('td').nth(2).textContent()).resolves.toBe('Eskalasi tingkat 1');
  await expect(row.locator('details summary').textContent()).resolves.toBe('Rincian teknis (pesan server, bahasa Inggris)');
  expect(text).toContain('bupati@kab-page-admin.example');
  expect(text).toContain('Gagal terkirim');
  await row.getByRole('button', { name: 'Kirim ulang' }).click();
  await page.locator(`[data-testid=dead-notifications] tr[data-key="${key}"][data-status=pending]`).waitFor();
  await expect(row.locator('[data-testid=delivery-status]').textContent()).resolves.toBe('Masuk antrean lagi');
  expect(await row.getByRole('button', { name: 'Kirim ulang' }).count()).toBe(0);
  await page.screenshot({ path: path.join(SHOTS, 'admin-actions-dead-notifications.png'), fullPage: true });

  expect(await status()).toEqual({ delivery_status: 'pending', attempts: 0 });
  const dead = (await call('GET', '/api/admin/notifications/dead', { token: t.admin })).body.items;
  expect(dead.map((n: any) => n.key)).not.toContain(key);
  const history = (await call('GET', `/api/agreements/${enc(pk(EXTENDED))}/history`, { token: t.admin })).body;
  expect(history.entries.some((e: any) => e.kind === 'notification.requeued' && e.actor === 'admin:admin-test')).toBe(true);
});
