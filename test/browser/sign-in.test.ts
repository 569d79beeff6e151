// Signing in to the page in real headless Chromium through the embedded OpenID provider: from `/`
// to the provider's form, a wrong password stays there, the right one lands in the inbox; the
// session cookie is HttpOnly; a change without the CSRF token is refused; signing out ends both
// sessions; someone who holds no position and no role gets a page that says so.
import { createHash } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { Stack } from '../support/stack';
import { client, enc, nipOf, sampleOrganisation, startStackWithCycle, waitFor, tokens } from '../support/api-client';
import { passwordOf, setPasswordByInvite } from '../support/identity-provider';
import { ensureAccountRow } from '../../identity-provider/accounts';
import { BrowserSession } from '../support/browser-session';

const ORG = 'kab-sso-page';
const org = sampleOrganisation(ORG);
const OWNER = nipOf(org, 'kepala-dinkes');
const PASSWORD = passwordOf(OWNER);
const dinkes = `pk:${ORG}:${org.year}:kepala-dinkes`;
const FORMER = '198001012005011009'; // an account whose official holds no position anywhere

let stack: Stack;
let call: ReturnType<typeof client>;
let t: ReturnType<typeof tokens>;
const session = new BrowserSession();
const pageErrors = session.pageErrors;

jest.setTimeout(90_000);

async function newPage(): Promise<Page> {
  // this file counts uncaught errors only (not console errors)
  const page = await (await session.newContext()).newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  return page;
}

async function submitLogin(page: Page, username: string, password: string) {
  await page.locator('[data-testid=idp-login]').waitFor();
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(password);
  await page.getByRole('button', { name: 'Masuk' }).click();
}

beforeAll(async () => {
  ({ stack, call, t } = await startStackWithCycle(org, undefined, { identityProvider: true }));
  await setPasswordByInvite(stack.db, stack.identityProvider!.issuer, { accountId: OWNER });
  await session.launch(stack);
});
afterAll(async () => {
  await session.close();
  await stack?.stop();
});
afterEach(() => {
  expect(pageErrors).toEqual([]);
});

test('from / to the provider; a wrong password stays there; the right one lands in the inbox; signing out ends both sessions', async () => {
  await waitFor(() => call('GET', `/api/agreements/${enc(dinkes)}`, { token: t.evaluator }), (r) => r.body.phase === 'drafting');
  const page = await newPage();
  await page.goto(`${stack.baseUrl}/`);
  await page.locator('[data-testid=idp-login]').waitFor();
  expect(new URL(page.url()).origin).toBe(stack.identityProvider!.issuer);
  expect(await page.locator('textarea#token').count()).toBe(0);

  await submitLogin(page, OWNER, 'bukan-sandi-yang-benar');
  await page.locator('[data-testid=login-error]').waitFor();
  expect(await page.locator('[data-testid=login-error]').textContent()).toBe('NIP/ID atau kata sandi salah.');
  expect(new URL(page.url()).origin).toBe(stack.identityProvider!.issuer);
  expect((await page.context().cookies(stack.baseUrl)).find((c) => c.name === 'kinerja_session')).toBeUndefined();

  await page.locator('#password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Masuk' }).click();
  await page.locator(`li.task[data-agreement="${dinkes}"]`).waitFor();
  expect(new URL(page.url()).origin).toBe(stack.baseUrl);
  expect(await page.locator('[data-testid=who]').textContent()).toBe('Kepala Dinas Kesehatan');

  const cookie = (await page.context().cookies(stack.baseUrl)).find((c) => c.name === 'kinerja_session');
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
  expect(await page.evaluate(() => document.cookie)).not.toContain('kinerja_session');
  const stored = createHash('sha256').update(cookie!.value).digest('hex');
  expect(await stack.db.query('SELECT 1 FROM web_sessions WHERE id_hash = $1', [stored]).then((r) => r.rowCount)).toBe(1);

  // the page's own changes carry the CSRF token; the same change without it is refused
  const draft = org.drafts['kepala-dinkes'];
  const [forged, genuine] = await page.evaluate(async ([path, body]) => {
    const bare = await fetch(path, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const session = await (await fetch('/auth/session')).json();
    const withToken = await fetch(path, { method: 'PUT', headers: { 'content-type': 'application/json', [session.csrfHeader]: session.csrfToken }, body: JSON.stringify(body) });
    return [[bare.status, (await bare.json()).code], [withToken.status]];
  }, [`/api/agreements/${encodeURIComponent(dinkes)}/draft`, draft] as const);
  expect(forged).toEqual([403, 'csrf_token_invalid']);
  expect(genuine).toEqual([200]);

  await page.locator('[data-testid=sign-out]').click();
  // back at the page, which finds no session and sends the person to the provider, whose session ended too
  await page.locator('[data-testid=idp-login]').waitFor();
  expect(new URL(page.url()).origin).toBe(stack.identityProvider!.issuer);
  expect((await page.context().cookies(stack.baseUrl)).find((c) => c.name === 'kinerja_session')).toBeUndefined();
  // this session is gone from the store (other files' sessions of the same official may remain: one database)
  const idHash = createHash('sha256').update(cookie!.value).digest('hex');
  expect(await stack.db.query('SELECT 1 FROM web_sessions WHERE id_hash = $1', [idHash]).then((r) => r.rowCount)).toBe(0);
});

test("another site sending a signed-in person's browser to the provider's sign-out signs nobody out: it asks", async () => {
  const page = await newPage();
  await page.goto(`${stack.baseUrl}/`);
  await submitLogin(page, OWNER, PASSWORD);
  await page.locator('[data-testid=who]').waitFor();
  // what a link or a redirect on another site does: the provider's end-session URL, no ID token
  await page.goto(`${stack.identityProvider!.issuer}/session/end`);
  await page.locator('[data-testid=idp-logout]').waitFor();
  await page.waitForLoadState('networkidle'); // an automatic submit would have left this page
  expect(await page.locator('[data-testid=idp-logout]').count()).toBe(1);
  // still signed in at the provider: Kinerja's sign-in passes without the password form
  await page.context().clearCookies({ name: 'kinerja_session' });
  await page.goto(`${stack.baseUrl}/`);
  await page.locator('[data-testid=who]').waitFor();
  expect(await page.locator('[data-testid=idp-login]').count()).toBe(0);
});

test('someone signed in who holds no position and no role sees a page that says so', async () => {
  await ensureAccountRow(stack.db, { accountId: FORMER, role: 'official', name: 'Pejabat Lama', email: null, nip: FORMER });
  // a former official keeps their account (their signed versions stay readable); a link sets a password
  await setPasswordByInvite(stack.db, stack.identityProvider!.issuer, { accountId: FORMER }, 'sandi-pejabat-lama-1');
  const page = await newPage();
  await page.goto(`${stack.baseUrl}/`);
  await submitLogin(page, FORMER, 'sandi-pejabat-lama-1');
  const notice = page.locator('[data-testid=no-position]');
  await notice.waitFor();
  expect(await notice.locator('h1').textContent()).toBe('Belum ada jabatan');
  expect(await notice.textContent()).toContain(`NIP ${FORMER}`);
});
