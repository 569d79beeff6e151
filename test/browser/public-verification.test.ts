// The public verification page in headless Chromium, with no token anywhere: someone who received
// a signed PK uploads it and reads that it is valid and issued here; a tampered copy is rejected
// with its reason; the QR code's URL on the PK (with its token) opens that document's report
// without a login, and the document id alone opens nothing; a signed-in signer's link from the PK
// page (no token) still shows the report.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { Stack } from '../support/stack';
import { client, nipOf, sampleOrganisation, startStackWithCycle, tokens } from '../support/api-client';
import { officialPerson, signInOnPage } from '../support/browser-sign-in';
import { BrowserSession, PHONE } from '../support/browser-session';
import { printedQrCodes, qrCodeOf } from '../support/printed-qr';
import { verificationUrl } from '../../security/verification-link';
import { signThroughApi } from '../support/sign-through-api';
import { flipByte } from '../support/tampering';

const ORG = 'kab-verify-page';
const org = sampleOrganisation(ORG, new Date().getFullYear() - 1);
const SHOTS = path.join(__dirname, '..', '..', 'test-output', 'screenshots');
// how an issued document is named to a reader: the post, the year, the organisation, never an internal id
const ISSUED = `Perjanjian Kinerja ${org.positions.find((p: any) => p.id === 'kepala-dinkes').title} Tahun ${org.year} (${org.organisation.name}), versi 1, ditandatangani Pihak Kedua pada `;
let stack: Stack;
let call: ReturnType<typeof client>;
let t: ReturnType<typeof tokens>;
const session = new BrowserSession();
let page: Page;
let signed: Buffer;
let docId: string;
let agreementId: string;
const pageErrors = session.pageErrors;

jest.setTimeout(180_000);

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  ({ stack, call, t } = await startStackWithCycle(org, undefined, { identityProvider: true }));
  const result = await signThroughApi(call, t, org, 'kepala-dinkes', 'bupati');
  agreementId = result.agreementId;
  const second = result.documents.find((d) => d.party === 'second')!;
  docId = second.id;
  signed = Buffer.from(await (await fetch(`${stack.baseUrl}${second.href}`, { headers: { authorization: `Bearer ${result.owner}` } })).arrayBuffer());
  await session.launch(stack);
  page = await session.newPage({ viewport: PHONE });
});

afterAll(async () => {
  await session.close();
  await stack?.stop();
});

afterEach(() => {
  expect(pageErrors).toEqual([]);
});

async function uploadAndRead(name: string, bytes: Buffer) {
  await page.locator('input#pdf').setInputFiles({ name, mimeType: 'application/pdf', buffer: bytes });
  await page.getByRole('button', { name: 'Periksa dokumen' }).click();
  const report = page.locator('[data-testid=verify-result] [data-testid=verification]');
  await report.waitFor();
  return report;
}

test('the original PK uploaded without signing in: valid, issued here with its PK and version, both signers listed', async () => {
  await page.goto(`${stack.baseUrl}/#/verifikasi`);
  await page.locator('[data-testid=verify-upload]').waitFor();
  const report = await uploadAndRead('pk-asli.pdf', signed);
  expect(await report.getAttribute('data-verdict')).toBe('valid');
  expect(await report.locator('[data-testid=verdict]').textContent()).toMatch(/^Dokumen sah/);
  expect(await report.locator('[data-testid=issued]').textContent()).toContain(ISSUED);
  expect(await report.locator('[data-testid=signature]').count()).toBe(2);
  expect(await report.locator('[data-testid=signature-status]').allTextContents()).toEqual(['Sah', 'Sah']);
  expect(await report.locator('[data-testid=level]').textContent()).toBe('PAdES-BASELINE-LTA (dengan penanda waktu arsip)');
  expect(await report.locator('[data-testid=signature-level]').allTextContents()).toEqual([expect.stringMatching(/^PAdES-BASELINE-/), expect.stringMatching(/^PAdES-BASELINE-/)]);
  // each chain names its certificates as people read them, the signer first; the full DN beneath
  const nameOf = (positionId: string) => org.positions.find((p: any) => p.id === positionId).official.name;
  const chains = report.locator('[data-testid=signature] ol.chain');
  expect(await chains.nth(0).locator('[data-testid=certificate-name]').first().textContent()).toBe(nameOf('kepala-dinkes'));
  expect(await chains.nth(1).locator('[data-testid=certificate-name]').first().textContent()).toBe(nameOf('bupati'));
  // the DN as the certificate has it (RFC 4514: a comma in a value is escaped)
  expect(await chains.nth(0).locator('[data-testid=certificate-dn]').first().textContent())
    .toMatch(/^Nama lengkap \(DN\): .*CN=/);
  expect(await chains.nth(0).locator('[data-testid=certificate-dn]').first().textContent()).toContain(`CN=${nameOf('kepala-dinkes').replace(/,/g, '\\,')}`);
  expect(await report.locator('[data-testid=certificate-name]').allTextContents()).toEqual(expect.not.arrayContaining([expect.stringContaining('CN=')]));
  await page.screenshot({ path: path.join(SHOTS, 'verify-01-original.png'), fullPage: true });
});

test('a copy with one flipped byte: rejected as changed after signing, not issued here', async () => {
  const report = await uploadAndRead('pk-diubah.pdf', flipByte(signed));
  expect(await report.getAttribute('data-verdict')).toBe('document_modified');
  expect(await report.locator('[data-testid=verdict]').textContent()).toContain('Dokumen telah diubah setelah ditandatangani');
  expect(await report.locator('[data-testid=issued]').textContent()).toMatch(/^Tidak/);
  expect(await report.locator('[data-testid=signature-status]').first().textContent()).toContain('isi dokumen berubah');
  // no PAdES level is claimed for a document, or a signature, that does not verify
  expect(await report.locator('[data-testid=level]').textContent()).toBe('—');
  const signatures = report.locator('[data-testid=signature]');
  for (let k = 0; k < await signatures.count(); k++) {
    const level = await signatures.nth(k).locator('[data-testid=signature-level]').textContent();
    if (await signatures.nth(k).getAttribute('data-valid') !== 'true') expect(level).toBe('—');
  }
  expect(await signatures.first().getAttribute('data-valid')).toBe('false');
  expect(await report.textContent()).not.toContain('PAdES-BASELINE');
  // the verifier's English sentences stay, folded and labelled for the help desk
  const technical = report.locator('[data-testid=signature]').first().locator('details', { has: page.locator('summary', { hasText: 'Rincian teknis' }) });
  await expect(technical.locator('summary').textContent()).resolves.toBe('Rincian teknis (bahasa Inggris, untuk petugas layanan)');
  expect(await technical.locator('li').count()).toBeGreaterThan(0);
  await page.screenshot({ path: path.join(SHOTS, 'verify-02-tampered.png'), fullPage: true });
});

test('the QR code\'s URL (with its verification token) opens the document\'s report in a fresh browser without signing in', async () => {
  // the URL the signing activity encodes in the QR code on the PK (activities/signing.ts), read back from the PDF
  const qrUrl = verificationUrl(stack.config.publicUrl, stack.config.KINERJA_SECRET, docId);
  expect(printedQrCodes(signed)).toContainEqual(qrCodeOf(qrUrl));
  expect(qrUrl).toMatch(/#\/verify\/[^?]+\?t=[\w-]{22}$/);
  const context = await session.newContext({ viewport: PHONE });
  const fresh = await context.newPage();
  fresh.on('pageerror', (err) => pageErrors.push(err.message));
  await fresh.goto(qrUrl);
  const report = fresh.locator('[data-testid=verification]');
  await report.waitFor();
  expect(fresh.url()).toBe(qrUrl); // not sent to the login form
  expect(await fresh.evaluate(() => sessionStorage.length)).toBe(0);
  expect(await report.getAttribute('data-verdict')).toBe('valid');
  expect(await report.locator('[data-testid=issued]').textContent()).toContain(ISSUED);
  expect(await fresh.locator('main section h2').first().textContent())
    .toBe(`Perjanjian Kinerja ${org.positions.find((p: any) => p.id === 'kepala-dinkes').title} Tahun ${org.year} · versi 1 · Pihak Kedua`);
  // the PK's content is not on the page
  const text = await fresh.locator('main').textContent();
  for (const objective of org.drafts['kepala-dinkes'].objectives) expect(text).not.toContain(objective.text);
  await fresh.screenshot({ path: path.join(SHOTS, 'verify-03-qr-page.png'), fullPage: true });

  // the document id alone (guessable) shows nothing of it
  await fresh.goto('about:blank');
  await fresh.goto(`${stack.config.publicUrl}/#/verify/${encodeURIComponent(docId)}`);
  await fresh.locator('main .notice-error').waitFor();
  expect(await fresh.locator('[data-testid=verification]').count()).toBe(0);
  const shown = await fresh.locator('main').textContent();
  expect(shown).not.toContain(nipOf(org, 'kepala-dinkes'));
  await context.close();
});

test('a signed-in signer\'s Verifikasi link on the PK page (no token) shows the document\'s report', async () => {
  const context = await session.newContext({ viewport: { width: 1280, height: 900 } });
  const own = await context.newPage();
  own.on('pageerror', (err) => pageErrors.push(err.message));
  await signInOnPage(own, stack, officialPerson(nipOf(org, 'kepala-dinkes')));
  await own.goto(`${stack.baseUrl}/#/pk/${encodeURIComponent(agreementId)}`);
  await own.locator(`[data-testid=documents] tr[data-doc="${docId}"] a`, { hasText: 'Verifikasi' }).click();
  const report = own.locator('[data-testid=verification]');
  await report.waitFor();
  expect(await report.getAttribute('data-verdict')).toBe('valid');
  expect(await report.locator('[data-testid=issued]').textContent()).toContain(ISSUED);
  expect(await report.locator('[data-testid=signature]').count()).toBe(2);
  await context.close();
});
