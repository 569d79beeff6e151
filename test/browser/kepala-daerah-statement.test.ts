// The Kepala Daerah's statement on the page: the first draft starts from the IKU Pemda (objectives,
// indicators with the plan's codes and targets), they add an indicator of their own serving an IKU
// and finalise it. Once they have signed, a Kepala Dinas linking an indicator sees the Bupati's own
// indicators and the IKU Pemda in separate groups, so two of the same name are told apart.
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { startStack, type Stack } from '../support/stack';
import { officialPerson } from '../support/browser-sign-in';
import { BrowserSession } from '../support/browser-session';
import { client, enc, nipOf, passphraseFor, sampleOrganisation, tokens, waitFor } from '../support/api-client';

const SHOTS = path.join(__dirname, '..', '..', 'test-output', 'screenshots');
const ORG = 'kab-page-statement';
const org = sampleOrganisation(ORG);
const cycleId = `cycle:${ORG}:${org.year}`;
const statementId = `pk:${ORG}:${org.year}:bupati`;
const dinkes = `pk:${ORG}:${org.year}:kepala-dinkes`;
// a Bupati of this file's own (withOwnOfficials): their first signature enrols them
const BUPATI_NIP = nipOf(org, 'bupati');
let stack: Stack;
let t: ReturnType<typeof tokens>;
let call: ReturnType<typeof client>;
const session = new BrowserSession();

jest.setTimeout(120_000);

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  stack = await startStack({}, { identityProvider: true });
  t = tokens(stack.config.KINERJA_SECRET);
  call = client(stack.baseUrl);
  expect((await call('POST', '/api/cycles', { token: t.admin, body: org })).status).toBe(201);
  await waitFor(() => call('GET', `/api/cycles/${enc(cycleId)}`, { token: t.admin }), (r) => r.body.status === 'running');
  await session.launch(stack);
});
afterAll(async () => {
  await session.close();
  await stack?.stop();
});
afterEach(() => expect(session.pageErrors).toEqual([]));

const stored = () => call('GET', `/api/agreements/${enc(statementId)}`, { token: t.evaluator });

test("the Kepala Daerah's first draft starts from the IKU Pemda; they add their own indicator and finalise it", async () => {
  expect((await stored()).body.content).toBeNull();
  const page = await session.signedIn(officialPerson(BUPATI_NIP));
  await page.evaluate((h) => { location.hash = h; }, `#/pk/${enc(statementId)}/draf`);
  await page.getByText('Draf awal diisi dari IKU Pemda (RPJMD): periksa targetnya, lengkapi anggaran, lalu simpan.').waitFor();
  const plan = org.plan.objectives;
  expect(await page.locator('section.objective').count()).toBe(plan.length);
  expect(await page.locator('textarea[data-path="/objectives/1/text"]').inputValue()).toBe(plan[1].text);
  expect(await page.locator('input[data-path="/objectives/1/indicators/0/name"]').inputValue()).toBe(plan[1].indicators[0].name);
  // the plan's target as Indonesians write it: 70,9; the indicator is the IKU itself
  const link = page.locator('select[data-path="/objectives/1/indicators/0/parentIndicatorId"]');
  expect(await link.locator('option:checked').textContent()).toBe('— indikator IKU Pemda itu sendiri —');
  expect(await page.locator('label.field', { has: link }).locator('.label').textContent()).toBe('Mendukung IKU Pemda');
  expect(await page.locator('input[data-path="/objectives/1/indicators/0/target"]').inputValue()).toBe('70,9');

  // their own indicator under the health objective, serving that IKU and bearing its name
  const section = page.locator('section.objective[data-path="/objectives/1"]');
  await section.getByRole('button', { name: '+ Tambah indikator' }).click();
  const own = '/objectives/1/indicators/1';
  await page.locator(`input[data-path="${own}/name"]`).fill('Usia Harapan Hidup');
  await page.locator(`input[data-path="${own}/unit"]`).fill('tahun');
  await page.locator(`input[data-path="${own}/target"]`).fill('71,2');
  await page.locator(`select[data-path="${own}/parentIndicatorId"]`).selectOption('IKU-kesehatan');
  await page.screenshot({ path: path.join(SHOTS, 'statement-from-plan-laptop.png'), fullPage: true });
  await page.getByRole('button', { name: 'Simpan dan lanjutkan ke penandatanganan' }).click();
  await page.waitForURL((u) => u.hash === `#/pk/${enc(statementId)}`);

  const saved = await waitFor(stored, (r) => r.body.phase === 'signing');
  const objectives = saved.body.content.content.objectives;
  // the plan's codes are kept, so the Kepala OPD's links to the IKU stay what they were
  expect(objectives.map((o: any) => o.id)).toEqual(plan.map((o: any) => o.id));
  expect(objectives[1].indicators.map((i: any) => [i.name, i.target, i.parentIndicatorId])).toEqual([
    [plan[1].indicators[0].name, plan[1].indicators[0].target, null],
    ['Usia Harapan Hidup', 71.2, 'IKU-kesehatan'],
  ]);
  expect(objectives[1].indicators[0].id).toBe(plan[1].indicators[0].id);
});

test("a Kepala Dinas sees the Bupati's own indicators and the IKU Pemda in separate groups", async () => {
  const signed = await call('POST', `/api/agreements/${enc(statementId)}/sign`, { token: t.official(BUPATI_NIP), body: { passphrase: passphraseFor(BUPATI_NIP) } });
  expect(signed.status).toBe(200);
  const ownId = (await stored()).body.content.content.objectives[1].indicators[1].id;
  const kadis = t.official(nipOf(org, 'kepala-dinkes'));
  // the signature reaches the Kepala Dinas's PK: the Bupati's own indicator is offered from then on
  await waitFor(() => call('GET', `/api/agreements/${enc(dinkes)}/parent-indicators`, { token: kadis }), (r) => r.body.items?.some((i: any) => i.id === ownId));

  const page = await session.signedIn(officialPerson(nipOf(org, 'kepala-dinkes')));
  await page.evaluate((h) => { location.hash = h; }, `#/pk/${enc(dinkes)}/draf`);
  const select = page.locator('select[data-path="/objectives/0/indicators/0/parentIndicatorId"]');
  await select.waitFor();
  const groups = await select.locator('optgroup').evaluateAll((gs) => gs.map((g) => [
    g.getAttribute('label'), Array.from(g.querySelectorAll('option'), (o) => [o.getAttribute('value'), o.textContent]),
  ]));
  const bupati = org.positions.find((p: any) => p.id === 'bupati');
  expect(groups).toEqual([
    [`Indikator PK ${bupati.title}`, [[ownId, 'Usia Harapan Hidup (tahun)']]],
    ['IKU Pemda (RPJMD)', org.plan.objectives.flatMap((o: any) => o.indicators.map((i: any) => [i.id, `${i.name}${i.unit ? ` (${i.unit})` : ''}`]))],
  ]);
  // the draft's existing link is still selected
  expect(await select.inputValue()).toBe(org.drafts['kepala-dinkes'].objectives[0].indicators[0].parentIndicatorId);
  await page.screenshot({ path: path.join(SHOTS, 'statement-grouped-links-laptop.png'), fullPage: true });
});
