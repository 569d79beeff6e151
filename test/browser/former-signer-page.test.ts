// Mutasi on the page: the Kepala Dinas Kesehatan signs the PK, is then moved to the Dinas Sosial
// (a change of official on both positions), and opens the Dinas Kesehatan PK they signed: the page
// shows the version they signed, its parties as signed and its documents, and nothing of where the
// PK stands now nor who succeeded them (the API answers no more; before, the page asked for the
// realizations, got 403, and showed nothing but the error).
import type { Stack } from '../support/stack';
import { client, enc, nipOf, sampleOrganisation, settled, startStackWithCycle, tokens, waitFor } from '../support/api-client';
import { officialPerson } from '../support/browser-sign-in';
import { BrowserSession } from '../support/browser-session';

const ORG = 'kab-former-page';
const org = sampleOrganisation(ORG, new Date().getFullYear() - 1);
const cycleId = `cycle:${ORG}:${org.year}`;
const dinkes = `pk:${ORG}:${org.year}:kepala-dinkes`;
const SUCCESSOR = { nip: '199004122015031004', name: 'dr. Penerus Dinkes, M.Kes', email: 'penerus@example.go.id' };
let stack: Stack;
let call: ReturnType<typeof client>;
let t: ReturnType<typeof tokens>;
const session = new BrowserSession();

jest.setTimeout(180_000);

beforeAll(async () => {
  ({ stack, call, t } = await startStackWithCycle(org, (s) => s.status === 'running', { identityProvider: true }));
  await session.launch(stack);
});
afterAll(async () => {
  await session.close();
  await stack?.stop();
});

test('a moved official opens the PK they signed: the version, parties and documents as signed, nothing of now', async () => {
  const formerNip = nipOf(org, 'kepala-dinkes');
  const former = t.official(formerNip);
  const bupatiNip = nipOf(org, 'bupati');
  const superior = t.official(bupatiNip);
  const phaseIs = (phase: string) => waitFor(() => call('GET', `/api/agreements/${enc(dinkes)}`, { token: t.evaluator }), (r) => r.body.phase === phase);
  await waitFor(() => call('GET', `/api/agreements/${enc(dinkes)}`, { token: former }), (r) => r.body.state?.deadline?.item === 'draft');
  expect((await call('PUT', `/api/agreements/${enc(dinkes)}/draft`, { token: former, body: org.drafts['kepala-dinkes'] })).status).toBe(200);
  expect((await call('POST', `/api/agreements/${enc(dinkes)}/submit`, { token: former })).status).toBe(200);
  await phaseIs('review');
  expect((await call('POST', `/api/agreements/${enc(dinkes)}/review/approve`, { token: superior })).status).toBe(200);
  await phaseIs('signing');
  expect((await call('POST', `/api/agreements/${enc(dinkes)}/sign`, { token: former, body: { passphrase: `frasa-rahasia-${formerNip}` } })).status).toBe(200);
  expect((await call('POST', `/api/agreements/${enc(dinkes)}/sign`, { token: superior, body: { passphrase: `frasa-rahasia-${bupatiNip}` } })).status).toBe(200);
  await phaseIs('reporting');

  // mutasi: a successor at the Dinas Kesehatan, the former head to the Dinas Sosial
  const formerPosition = org.positions.find((p: any) => p.id === 'kepala-dinkes').official;
  const replace = async (positionId: string, body: unknown) =>
    settled(call, t.admin, await call('PUT', `/api/positions/${enc(cycleId)}/${positionId}/official`, { token: t.admin, body }));
  expect((await replace('kepala-dinkes', SUCCESSOR)).status).toBe(200);
  expect((await replace('kepala-dinsos', { nip: formerNip, name: formerPosition.name, email: formerPosition.email })).status).toBe(200);

  const page = await session.signedIn(officialPerson(formerNip));
  await page.evaluate((hash) => { location.hash = hash; }, `#/pk/${enc(dinkes)}`);
  await page.locator('[data-testid=signed-only]').waitFor();
  const text = (await page.locator('#main').textContent()) ?? '';
  expect(text).toContain('versi 1');
  expect(await page.locator('[data-testid=signed-only]').textContent()).toContain('Ditampilkan versi yang Anda tanda tangani (versi ');
  expect(text).toContain('Para pihak yang menandatangani');
  expect(await page.locator('[data-testid=documents] tbody tr').count()).toBe(2);
  // nothing of now: no phase, no quarters, no actions, not the successor
  expect(text).not.toContain(SUCCESSOR.name);
  expect(text).not.toContain(SUCCESSOR.nip);
  expect(await page.locator('[data-testid=actions], [data-testid=realizations], .badge[class*="phase-"]').count()).toBe(0);
  expect(session.pageErrors).toEqual([]);
});
