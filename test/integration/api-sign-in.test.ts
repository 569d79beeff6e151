// Signing in with OpenID Connect, at the API level: the embedded provider's login form, the
// session cookie (HttpOnly, SameSite=Lax), CSRF on changes, idle and absolute timeouts, sign-out
// ending the session and the provider's, claims mapped to officials and roles, and the Kepala
// Daerah (no NIP) countersigning a Kepala OPD's PK through the cookie session, passphrase asked.
import { readFileSync } from 'node:fs';
import type { Stack } from '../support/stack';
import { client, enc, SAMPLE_PATH, startStackWithCycle, tokens, waitFor } from '../support/api-client';
import { withOwnOfficials } from '../support/own-officials';
import { accessTokenWithPassword, Jar, passwordOf, setPasswordByInvite, signInWithPassword, type CookieSession } from '../support/identity-provider';
import { principalFromClaims } from '../../api/claims';

const ORG = 'kab-signin';
const org = JSON.parse(readFileSync(SAMPLE_PATH, 'utf8'));
org.organisation.id = ORG;
org.year = new Date().getFullYear() + 1;
withOwnOfficials(org);
const pk = (position: string) => `pk:${ORG}:${org.year}:${position}`;
const nipOf = (positionId: string): string => org.positions.find((p: any) => p.id === positionId).official.nip;
const BUPATI_ID = `${ORG}.bupati`;
const KADIS = nipOf('kepala-dinsos'); // an official no other suite signs as (signing keys and lockouts are per person)
const password = passwordOf;

let stack: Stack;
let call: ReturnType<typeof client>;
let t: ReturnType<typeof tokens>;

jest.setTimeout(180_000);

beforeAll(async () => {
  ({ stack, call, t } = await startStackWithCycle(org, (s) => s.status === 'running', { identityProvider: true }));
  for (const id of [BUPATI_ID, KADIS]) await setPasswordByInvite(stack.db, stack.identityProvider!.issuer, { accountId: id });
});
afterAll(async () => {
  await stack?.stop();
});

test('an official signs in at the provider and gets an HttpOnly, SameSite=Lax session cookie that the API accepts', async () => {
  const session = await signInWithPassword(stack.baseUrl, KADIS, password(KADIS));
  expect(session.setCookie).toMatch(/; HttpOnly/i);
  expect(session.setCookie).toMatch(/; SameSite=Lax/i);
  expect(session.setCookie).not.toMatch(/; Secure/i); // plain HTTP here; Secure (and __Host-) when PUBLIC_URL is https
  const me = await call('GET', '/api/me', { session });
  expect(me.status).toBe(200);
  expect(me.body).toMatchObject({ role: 'official', id: KADIS, nip: KADIS });
  expect(me.body.positions.filter((p: any) => p.cycleId === `cycle:${ORG}:${org.year}`).map((p: any) => p.positionId)).toEqual(['kepala-dinsos']);
  const who = await call('GET', '/auth/session', { session });
  expect(who.body).toMatchObject({ role: 'official', id: KADIS, csrfHeader: 'x-csrf-token' });
  expect(who.body.csrfToken).toBe(session.csrfToken);
});

test("the provider's restart signs nobody out of it: the same browser signs in again without the password form, and its old session still works", async () => {
  const browser = new Jar();
  const first = await signInWithPassword(stack.baseUrl, KADIS, password(KADIS), { jar: browser });
  expect((await call('GET', '/api/me', { session: first })).status).toBe(200);
  await stack.identityProvider!.restart();
  // a wrong password: were the provider's session lost, its form would be shown and refuse it
  const again = await signInWithPassword(stack.baseUrl, KADIS, 'bukan-kata-sandinya', { jar: browser });
  expect(again.cookie).not.toBe(first.cookie); // a new session of the API, not the jar's old one
  expect((await call('GET', '/api/me', { session: again })).body).toMatchObject({ role: 'official', id: KADIS });
  // a browser the provider never saw still meets the form, and a wrong password still fails there
  await expect(signInWithPassword(stack.baseUrl, KADIS, 'bukan-kata-sandinya')).rejects.toThrow(/ended at .*\/interaction\/.* with 401/);
  expect((await call('GET', '/api/me', { session: first })).status).toBe(200);
});

test('a wrong password stays at the provider; nothing is signed in', async () => {
  await expect(signInWithPassword(stack.baseUrl, KADIS, 'salah-sandi-sekali')).rejects.toThrow(/ended at http:\/\/127\.0\.0\.1:\d+\/interaction\/[^ ]+\/login with 401/);
  await expect(signInWithPassword(stack.baseUrl, '199001012020121001', 'siapa-pun-juga')).rejects.toThrow(/with 401/);
});

test('a change through the cookie session without the CSRF token is 403 and changes nothing', async () => {
  const session = await signInWithPassword(stack.baseUrl, KADIS, password(KADIS));
  const dinsos = pk('kepala-dinsos');
  await waitFor(() => call('GET', `/api/agreements/${enc(dinsos)}`, { session }), (r) => r.body.state?.deadline?.item === 'draft');
  const draft = org.drafts['kepala-dinsos'];
  // what a draft write changes: the PK's versions and its audit rows
  const recorded = async () => [
    (await call('GET', `/api/agreements/${enc(dinsos)}`, { token: t.evaluator })).body.state?.versions,
    (await stack.db.query('SELECT count(*)::int AS n FROM audit_log WHERE agreement_id = $1', [dinsos])).rows[0].n,
  ];
  const before = await recorded();
  const forged = await call('PUT', `/api/agreements/${enc(dinsos)}/draft`, { headers: { cookie: session.cookie }, body: draft });
  expect([forged.status, forged.body.code]).toEqual([403, 'csrf_token_invalid']);
  const wrong = await call('PUT', `/api/agreements/${enc(dinsos)}/draft`, { headers: { cookie: session.cookie, 'x-csrf-token': 'x'.repeat(43) }, body: draft });
  expect([wrong.status, wrong.body.code]).toEqual([403, 'csrf_token_invalid']);
  expect(await recorded()).toEqual(before);
  const logout = await call('POST', '/auth/logout', { headers: { cookie: session.cookie } });
  expect([logout.status, logout.body.code]).toEqual([403, 'csrf_token_invalid']);
  expect((await call('GET', '/api/me', { session })).status).toBe(200); // still signed in
});

test('a session ends after the idle timeout and after the absolute timeout', async () => {
  const idle = await signInWithPassword(stack.baseUrl, KADIS, password(KADIS));
  const old = await signInWithPassword(stack.baseUrl, KADIS, password(KADIS));
  // the clocks are moved in the database rather than waited for
  await stack.db.query(`UPDATE web_sessions SET last_seen_at = now() - make_interval(mins => $1) WHERE csrf_token = $2`, [stack.config.SESSION_IDLE_MINUTES + 1, idle.csrfToken]);
  await stack.db.query(`UPDATE web_sessions SET expires_at = now() - interval '1 second' WHERE csrf_token = $1`, [old.csrfToken]);
  for (const session of [idle, old]) {
    const me = await call('GET', '/api/me', { session });
    expect([me.status, me.body.code]).toEqual([401, 'session_expired']);
    expect((await call('GET', '/auth/session', { session })).status).toBe(401);
  }
  const unknown = await call('GET', '/api/me', { headers: { cookie: 'kinerja_session=not-a-session' } });
  expect([unknown.status, unknown.body.code]).toEqual([401, 'session_expired']);
});

test('signing out ends the session and sends the browser to the provider to end its session too', async () => {
  const session = await signInWithPassword(stack.baseUrl, KADIS, password(KADIS));
  const out = await call('POST', '/auth/logout', { session });
  expect(out.status).toBe(200);
  const end = new URL(out.body.redirectTo);
  expect(end.origin).toBe(stack.identityProvider!.issuer);
  expect(end.pathname).toBe('/session/end');
  expect(end.searchParams.get('post_logout_redirect_uri')).toBe(`${stack.baseUrl}/`);
  expect(end.searchParams.get('id_token_hint')).toBeTruthy();
  expect((await call('GET', '/api/me', { session })).status).toBe(401);
});

test('the Kepala Daerah (no NIP) signs in with their official id and countersigns a Kepala OPD PK; signing still asks for the passphrase', async () => {
  const bupati = await signInWithPassword(stack.baseUrl, BUPATI_ID, password(BUPATI_ID));
  const owner = await signInWithPassword(stack.baseUrl, KADIS, password(KADIS));
  expect((await call('GET', '/api/me', { session: bupati })).body).toMatchObject({ role: 'official', id: BUPATI_ID, nip: null });
  const dinsos = pk('kepala-dinsos');
  const phaseOf = (phase: string) => waitFor(() => call('GET', `/api/agreements/${enc(dinsos)}`, { token: t.evaluator }), (r) => r.body.phase === phase);
  await waitFor(() => call('GET', `/api/agreements/${enc(dinsos)}`, { session: owner }), (r) => r.body.state?.deadline?.item === 'draft');
  expect((await call('PUT', `/api/agreements/${enc(dinsos)}/draft`, { session: owner, body: org.drafts['kepala-dinsos'] })).status).toBe(200);
  expect((await call('POST', `/api/agreements/${enc(dinsos)}/submit`, { session: owner })).status).toBe(200);
  await phaseOf('review');
  expect((await call('POST', `/api/agreements/${enc(dinsos)}/review/approve`, { session: bupati })).status).toBe(200);
  await phaseOf('signing');
  expect((await call('POST', `/api/agreements/${enc(dinsos)}/sign`, { session: owner, body: { passphrase: `frasa-rahasia-${KADIS}` } })).status).toBe(200);
  await waitFor(() => call('GET', '/api/me/tasks', { session: bupati }), (r) => r.body.items.some((i: any) => i.agreementId === dinsos && i.task === 'sign:second'));
  // a signed-in session is not consent to sign: no passphrase, no signature
  const bare = await call('POST', `/api/agreements/${enc(dinsos)}/sign`, { session: bupati, body: {} });
  expect(bare.status).toBe(422);
  const second = await call('POST', `/api/agreements/${enc(dinsos)}/sign`, { session: bupati, body: { passphrase: 'tanda-tangan-bupati-bengkayang-2025' } });
  expect(second.status).toBe(200);
  expect(second.body).toMatchObject({ party: 'second', signerId: BUPATI_ID, signerNip: null });
  await phaseOf('reporting');
});

test('claims map to officials by NIP, user name or e-mail, and to administrators and evaluators by a role claim', async () => {
  const m = { OIDC_OFFICIAL_CLAIM: 'preferred_username', OIDC_ROLES_CLAIM: 'roles', OIDC_ADMIN_ROLE: 'kinerja-admin', OIDC_EVALUATOR_ROLE: 'kinerja-evaluator' } as const;
  expect(await principalFromClaims(stack.db, { sub: 'x', preferred_username: BUPATI_ID }, m)).toEqual({ ok: true, principal: { role: 'official', id: BUPATI_ID, nip: null } });
  expect(await principalFromClaims(stack.db, { sub: 'x', nip: KADIS }, { ...m, OIDC_OFFICIAL_CLAIM: 'nip' })).toEqual({ ok: true, principal: { role: 'official', id: KADIS, nip: KADIS } });
  const email = org.positions.find((p: any) => p.id === 'kepala-dinsos').official.email;
  expect(await principalFromClaims(stack.db, { sub: 'x', email: email.toUpperCase(), email_verified: true }, { ...m, OIDC_OFFICIAL_CLAIM: 'email' })).toEqual({ ok: true, principal: { role: 'official', id: KADIS, nip: KADIS } });
  // an address the provider has not verified (a user may set it to an official's) names nobody
  for (const unverified of [{}, { email_verified: false }, { email_verified: 'true' }]) {
    expect(await principalFromClaims(stack.db, { sub: 'x', email, ...unverified }, { ...m, OIDC_OFFICIAL_CLAIM: 'email' })).toEqual({ ok: false, reason: 'no_identity', detail: `the provider has not verified the address "${email}"` });
  }
  // Keycloak's groups ("/kinerja-evaluator") and realm_access.roles
  expect(await principalFromClaims(stack.db, { sub: 'u1', preferred_username: 'sri', groups: ['/kinerja-evaluator'] }, { ...m, OIDC_ROLES_CLAIM: 'groups' })).toEqual({ ok: true, principal: { role: 'evaluator', id: 'sri', nip: null } });
  expect(await principalFromClaims(stack.db, { sub: 'u2', email: 'adi@pemda.example', realm_access: { roles: ['kinerja-admin'] } }, { ...m, OIDC_ROLES_CLAIM: 'realm_access.roles' })).toEqual({ ok: true, principal: { role: 'admin', id: 'adi@pemda.example', nip: null } });
  // nobody: no official claim, an e-mail no official has, a user name that is a role
  expect((await principalFromClaims(stack.db, { sub: 'x' }, m)).ok).toBe(false);
  expect((await principalFromClaims(stack.db, { sub: 'x', email: 'nobody@example.org', email_verified: true }, { ...m, OIDC_OFFICIAL_CLAIM: 'email' })).ok).toBe(false);
  expect((await principalFromClaims(stack.db, { sub: 'x', preferred_username: 'admin' }, m)).ok).toBe(false);
});

test('administrators and evaluators sign in with their role from the provider', async () => {
  await setPasswordByInvite(stack.db, stack.identityProvider!.issuer, { accountId: 'evaluator-signin', role: 'evaluator' }, 'sandi-evaluator-2025');
  const session: CookieSession = await signInWithPassword(stack.baseUrl, 'evaluator-signin', 'sandi-evaluator-2025');
  expect((await call('GET', '/api/me', { session })).body).toMatchObject({ role: 'evaluator', id: 'evaluator-signin' });
});

test("the provider's own access tokens are accepted as bearer tokens (verified with its JWKS), for the API's audience only", async () => {
  const { embeddedClientSecret } = await import('../../identity-provider/client-secret');
  const issuer = stack.identityProvider!.issuer;
  const accessToken = await accessTokenWithPassword(stack.baseUrl, issuer, embeddedClientSecret(stack.config.KINERJA_SECRET), BUPATI_ID, password(BUPATI_ID));
  const [header, payload] = accessToken.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString('utf8')));
  expect(header.alg).toBe('RS256');
  expect(payload).toMatchObject({ iss: issuer, aud: `${stack.baseUrl}/api`, sub: BUPATI_ID, preferred_username: BUPATI_ID });
  const me = await call('GET', '/api/me', { token: accessToken });
  expect([me.status, me.body.role, me.body.id]).toEqual([200, 'official', BUPATI_ID]);
  // altered, or meant for another audience: refused
  const altered = accessToken.slice(0, -4) + (accessToken.endsWith('AAAA') ? 'BBBB' : 'AAAA');
  expect((await call('GET', '/api/me', { token: altered })).status).toBe(401);
  const { startStack } = await import('../support/stack');
  const other = await startStack({ OIDC_ISSUER: issuer, OIDC_AUDIENCE: 'https://another-api.example/api' });
  try {
    const refused = await client(other.baseUrl)('GET', '/api/me', { token: accessToken });
    expect([refused.status, refused.body.code]).toEqual([401, 'invalid_token']);
  } finally {
    await other.stop();
  }
});

test("the provider's error page says what went wrong in Bahasa Indonesia, with the OIDC code only in small print", async () => {
  // an authorization request without its parameters (a bookmark of the provider's page, an expired link)
  const res = await fetch(`${stack.identityProvider!.issuer}/auth`, { redirect: 'manual' });
  const body = await res.text();
  expect(res.status).toBe(400);
  expect(body).toContain('<h1>Permintaan masuk tidak dapat diproses</h1>');
  expect(body).toContain('<p data-testid="idp-error">Permintaan masuk tidak lengkap atau kedaluwarsa; mulai lagi dari halaman Kinerja.</p>');
  expect(body).toContain('<small>(kode: invalid_request)</small>');
  expect(body).not.toContain('<p>invalid_request</p>');
});

// Last in this file: it spends the provider's sign-in allowance for this address.
test('past fifty sign-in attempts from one address in fifteen minutes, the provider answers 429 with a page in Bahasa Indonesia', async () => {
  const jar = new Jar();
  const go = async (url: URL, init: RequestInit = {}) => {
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { cookie: jar.header(url) } });
    jar.take(url, res);
    return res;
  };
  let url = new URL('/auth/login', stack.baseUrl);
  let res = await go(url);
  while (res.status >= 300 && res.status < 400) {
    url = new URL(res.headers.get('location')!, url);
    res = await go(url);
  }
  expect(url.pathname).toMatch(/^\/interaction\//);
  const attempts: number[] = [];
  for (let i = 0; i < 60 && attempts[attempts.length - 1] !== 429; i++) {
    res = await go(new URL(`${url.pathname}/login`, url), { method: 'POST', body: new URLSearchParams({ username: KADIS, password: 'bukan-kata-sandinya' }) });
    attempts.push(res.status);
  }
  // every refused password was a 401 form, until the allowance ran out
  expect(attempts[attempts.length - 1]).toBe(429);
  expect(new Set(attempts.slice(0, -1))).toEqual(new Set([401]));
  const page = await res.text();
  expect(page).toContain('lang="id"');
  expect(page).toContain('Terlalu banyak percobaan masuk dari jaringan ini.');
  expect(page).not.toContain('Too many requests');
});
