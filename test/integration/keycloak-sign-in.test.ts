// The page's sign-in against Keycloak, as a region runs it (OIDC_ISSUER, OIDC_CLIENT_ID,
// OIDC_CLIENT_SECRET; no embedded provider): the Kepala Daerah signs in with their official id as
// user name, an evaluator's role comes from a group, a wrong password stays at Keycloak, and
// signing out ends the session and goes to Keycloak's end-session endpoint.
import { readFileSync } from 'node:fs';
import type { Stack } from '../support/stack';
import { client, SAMPLE_PATH, startStackWithCycle } from '../support/api-client';
import { withOwnOfficials } from '../support/own-officials';
import { signInWithPassword } from '../support/identity-provider';
import { startKeycloak, type RunningKeycloak } from '../support/keycloak';

const ORG = 'kab-kc';
const org = JSON.parse(readFileSync(SAMPLE_PATH, 'utf8'));
org.organisation.id = ORG;
org.year = new Date().getFullYear() + 1;
withOwnOfficials(org);
const BUPATI_ID = `${ORG}.bupati`;
const SECRET = 'keycloak-client-secret-for-tests';
const person = (username: string, password: string, extra: Record<string, unknown> = {}) => ({
  username, enabled: true, email: `${username}@pemda.example`, emailVerified: true, firstName: 'Uji', lastName: username,
  credentials: [{ type: 'password', value: password, temporary: false }], ...extra,
});

let keycloak: RunningKeycloak;
let stack: Stack;
let call: ReturnType<typeof client>;

jest.setTimeout(540_000); // Keycloak's start may take up to 420 s on a loaded machine (test/support/keycloak.ts)

beforeAll(async () => {
  keycloak = await startKeycloak({
    realm: `kinerja-${process.pid}-${Date.now()}`,
    enabled: true,
    clients: [{
      clientId: 'kinerja', enabled: true, publicClient: false, secret: SECRET, standardFlowEnabled: true, directAccessGrantsEnabled: false,
      redirectUris: ['*'], attributes: { 'post.logout.redirect.uris': '+', 'pkce.code.challenge.method': 'S256' },
      protocolMappers: [{
        name: 'groups', protocol: 'openid-connect', protocolMapper: 'oidc-group-membership-mapper',
        config: { 'claim.name': 'groups', 'full.path': 'false', 'id.token.claim': 'true', 'access.token.claim': 'true', 'userinfo.token.claim': 'true' },
      }],
    }],
    groups: [{ name: 'kinerja-evaluator' }],
    users: [person(BUPATI_ID, 'sandi-bupati-keycloak'), person('evaluasi.pemda', 'sandi-evaluator-keycloak', { groups: ['kinerja-evaluator'] })],
  });
  ({ stack, call } = await startStackWithCycle(org, undefined, {
    env: { OIDC_ISSUER: keycloak.issuer, OIDC_CLIENT_ID: 'kinerja', OIDC_CLIENT_SECRET: SECRET, OIDC_ROLES_CLAIM: 'groups' },
  }));
});
afterAll(async () => {
  await stack?.stop();
  await keycloak?.stop();
});

test('the Kepala Daerah signs in at Keycloak with their official id; a wrong password stays there; sign-out ends the session at both', async () => {
  await expect(signInWithPassword(stack.baseUrl, BUPATI_ID, 'bukan-sandinya')).rejects.toThrow(/ended at http:\/\/127\.0\.0\.1:\d+\/realms\/.*login-actions\/authenticate/);
  const session = await signInWithPassword(stack.baseUrl, BUPATI_ID, 'sandi-bupati-keycloak');
  expect(session.setCookie).toMatch(/HttpOnly/i);
  const me = await call('GET', '/api/me', { session });
  expect([me.status, me.body.role, me.body.id, me.body.nip]).toEqual([200, 'official', BUPATI_ID, null]);
  expect(me.body.positions.map((p: any) => p.positionId)).toEqual(['bupati']);
  const forged = await call('POST', `/api/agreements/${encodeURIComponent(`pk:${ORG}:${org.year}:bupati`)}/submit`, { headers: { cookie: session.cookie } });
  expect([forged.status, forged.body.code]).toEqual([403, 'csrf_token_invalid']);

  const out = await call('POST', '/auth/logout', { session });
  const end = new URL(out.body.redirectTo);
  expect(end.href.startsWith(`${keycloak.issuer}/protocol/openid-connect/logout`)).toBe(true);
  expect(end.searchParams.get('id_token_hint')).toBeTruthy();
  const atKeycloak = await fetch(end, { redirect: 'manual' });
  expect([atKeycloak.status, atKeycloak.headers.get('location')]).toEqual([302, `${stack.baseUrl}/`]);
  expect((await call('GET', '/api/me', { session })).status).toBe(401);
});

test("an evaluator's role comes from their Keycloak group", async () => {
  const session = await signInWithPassword(stack.baseUrl, 'evaluasi.pemda', 'sandi-evaluator-keycloak');
  expect((await call('GET', '/api/me', { session })).body).toMatchObject({ role: 'evaluator', id: 'evaluasi.pemda' });
});
