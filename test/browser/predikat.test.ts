// The year-end rating in headless Chromium against the real stack: the Kepala Dinas (pejabat
// penilai of two staff whose PKs are in evaluation) opens each PK, rates it from the proposed
// hasil kerja and the seven BerAKHLAK values, sees the predikat, and after the second sees why the
// unit cannot close (both "Baik" in a "Baik" unit); the evaluator's dashboard shows the same, and
// the evaluator closes the unit there with a written exception.
import { startStack, type Stack } from '../support/stack';
import { ADMIN, EVALUATOR, officialPerson } from '../support/browser-sign-in';
import { BrowserSession } from '../support/browser-session';
import { BUPATI_NIP, client, enc, nipOf, tokens, waitFor } from '../support/api-client';
import { sampleOrganisation } from '../support/time-skipping';
import { ownNip } from '../support/own-officials';
import { endedYearCalendar, levelIndicators, toEvaluation } from '../support/evaluation';

const ORG = 'kab-page-predikat';
const YEAR = new Date().getFullYear();
const STAFF = ['dinkes-e3-1', 'dinkes-e3-2'];
const org: any = sampleOrganisation(ORG, YEAR, STAFF);
org.positions.find((p: any) => p.id === 'bupati').official.nip = ownNip(ORG, BUPATI_NIP);
levelIndicators(org, ['kepala-dinkes', ...STAFF]);
const capaianOf = (percent: number) => (i: any) => (i.target * (200 - percent)) / 100;

let stack: Stack;
let t: ReturnType<typeof tokens>;
const session = new BrowserSession();

jest.setTimeout(300_000);

beforeAll(async () => {
  stack = await startStack({}, { identityProvider: true });
  t = tokens(stack.config.KINERJA_SECRET);
  const call = client(stack.baseUrl);
  const started = await call('POST', '/api/cycles', { token: t.admin, body: { import: org, calendar: endedYearCalendar() } });
  if (started.status !== 201) throw new Error(JSON.stringify(started.body));
  await waitFor(() => call('GET', `/api/cycles/${enc(`cycle:${ORG}:${YEAR}`)}`, { token: t.admin }), (r) => r.body.status === 'running');
  let staff!: Promise<unknown>;
  await toEvaluation(call, t.evaluator, t.official, org, 'kepala-dinkes', 'bupati', capaianOf(80), () => {
    staff = Promise.all(STAFF.map((id) => toEvaluation(call, t.evaluator, t.official, org, id, 'kepala-dinkes', capaianOf(80))));
  });
  await staff;
  await session.launch(stack);
});
afterAll(async () => {
  await session.close();
  await stack?.stop();
});
afterEach(() => expect(session.pageErrors).toEqual([]));

test('the superior rates two staff and sees why the unit cannot close; the evaluator closes it with a written exception', async () => {
  const page = await session.signedIn(officialPerson(nipOf(org, 'kepala-dinkes')));
  for (const [k, id] of STAFF.entries()) {
    await page.goto(`${stack.baseUrl}/#/pk/${enc(`pk:${ORG}:${YEAR}:${id}`)}`);
    await page.locator('[data-testid=rate-link]').click();
    await page.locator('.rating-form').waitFor();
    // capaian 80: the proposal is "sesuai", preselected
    await expect(page.locator('[data-testid=proposal]').textContent()).resolves.toBe('Sesuai ekspektasi');
    await expect(page.getByLabel('Hasil kerja').inputValue()).resolves.toBe('sesuai');
    // four values above expectation and none below: perilaku di atas; sesuai × di atas = Baik
    for (const value of ['Berorientasi Pelayanan', 'Akuntabel', 'Kompeten', 'Harmonis']) {
      await page.getByLabel(value, { exact: true }).selectOption('di_atas');
    }
    await page.getByLabel('Catatan Akuntabel').fill('Laporan tepat waktu dan lengkap');
    await page.getByRole('button', { name: 'Simpan penilaian' }).click();
    await expect(page.locator('[data-testid=predikat]').textContent()).resolves.toBe('Baik');
    if (k === 0) {
      await expect(page.locator('[data-testid=unit-distribution]').textContent()).resolves.toContain('Belum semua pegawai unit dinilai.');
    }
  }
  const unit = page.locator('[data-testid=unit-distribution]');
  await expect(unit.textContent()).resolves.toContain('Unit belum dapat ditutup');
  await expect(page.locator('[data-testid=violation]').allTextContents()).resolves.toEqual([
    'Unit berpredikat "Baik" paling banyak 70% pegawai Baik; saat ini 100%.',
    'Unit berpredikat "Baik" harus memiliki paling sedikit 1 pegawai Butuh Perbaikan/Kurang; saat ini 0.',
  ]);

  const evaluator = await session.signedIn(EVALUATOR);
  await evaluator.goto(`${stack.baseUrl}/#/dasbor/${enc(`cycle:${ORG}:${YEAR}`)}`);
  const row = evaluator.locator('[data-testid=ratings-table] tr[data-unit=dinkes]');
  await row.waitFor();
  await expect(row.textContent()).resolves.toContain('paling banyak 70% pegawai Baik; saat ini 100%');

  // closing asks for a written exception, naming each broken bound; an empty reason is refused on the page
  await row.getByRole('button', { name: 'Tutup penilaian unit' }).click();
  await row.locator('[data-testid=close-violation]').first().waitFor();
  await expect(row.locator('[data-testid=close-violation]').allTextContents()).resolves.toEqual([
    'Unit berpredikat "Baik" paling banyak 70% pegawai Baik; saat ini 100%.',
    'Unit berpredikat "Baik" harus memiliki paling sedikit 1 pegawai Butuh Perbaikan/Kurang; saat ini 0.',
  ]);
  const closeWithException = row.getByRole('button', { name: 'Tutup dengan pengecualian' });
  await closeWithException.click();
  await expect(row.locator('.field-error').textContent()).resolves.toBe('Tuliskan alasan pengecualian.');
  const reason = 'Unit hanya dua pegawai; keduanya memenuhi target pelayanan';
  await row.getByLabel('Alasan pengecualian').fill(reason);
  await closeWithException.click();
  await row.getByText('Penilaian unit ditutup.').waitFor();
  await expect(row.locator('[data-testid=unit-status]').textContent()).resolves.toBe(`Ditutup dengan pengecualian: ${reason}`);

  const call = client(stack.baseUrl);
  const cycleId = `cycle:${ORG}:${YEAR}`;
  const unitNow = await call('GET', `/api/cycles/${enc(cycleId)}/units/dinkes/ratings`, { token: t.evaluator });
  expect(unitNow.body.closed).toMatchObject({ by: 'evaluator:evaluator-test', exceptionReason: reason });
  const audit = await call('GET', `/api/cycles/${enc(cycleId)}/audit`, { token: t.evaluator });
  expect(audit.body.items.filter((i: any) => i.action === 'unit.ratings_closed')).toEqual([expect.objectContaining({
    actor: 'evaluator:evaluator-test', data: expect.objectContaining({ unitId: 'dinkes', exceptionReason: reason }),
  })]);
});
