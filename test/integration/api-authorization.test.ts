// The authorization matrix, generated from the route table: every endpoint × every kind of caller,
// each with a bearer token and with the page's cookie session (signed in through the embedded
// OpenID provider). A route added to the table is checked here automatically; a route whose access
// rule or path parameter this test does not know fails it.
import { startStack, type Stack } from '../support/stack';
import { client, enc, nipOf, sampleOrganisation, tokens, waitFor } from '../support/api-client';
import { passwordOf, setPasswordByInvite, signInWithPassword, type CookieSession } from '../support/identity-provider';
import { isWrite } from '../../api/route';
import { apiRoutes } from '../../api/routes';
import type { RouteDef } from '../../api/route';
import type { Role } from '../../workflows/messages';

const ORG = 'kab-authz';
const org = sampleOrganisation(ORG);
const cycleId = `cycle:${ORG}:${org.year}`;
const agreementId = `pk:${ORG}:${org.year}:kepala-dinkes`;
const docId = `${agreementId}:v1:first`;
let stack: Stack;
let call: ReturnType<typeof client>;

type Caller = 'none' | 'admin' | 'evaluator' | 'owner' | 'superior' | 'unrelated';
const CALLERS: Caller[] = ['none', 'admin', 'evaluator', 'owner', 'superior', 'unrelated'];
let tokenOf: Record<Caller, string | undefined>;
let sessionOf: Record<Caller, CookieSession | undefined>;
const ACCOUNTS: Record<Exclude<Caller, 'none'>, { accountId: string; role?: 'admin' | 'evaluator' }> = {
  admin: { accountId: 'admin-test', role: 'admin' },
  evaluator: { accountId: 'evaluator-test', role: 'evaluator' },
  owner: { accountId: nipOf(org, 'kepala-dinkes') },
  superior: { accountId: nipOf(org, 'bupati') },
  unrelated: { accountId: nipOf(org, 'kepala-pupr') },
};

beforeAll(async () => {
  // Every route × caller, twice (bearer and cookie): hundreds of deliberate 401s from one address,
  // past the sign-in failure limit (100 per 15 min) that test/integration/api-attacks.test.ts checks.
  stack = await startStack({ RATE_LIMIT_AUTH_FAILURES_PER_CLIENT: '100000' }, { identityProvider: true });
  call = client(stack.baseUrl);
  const t = tokens(stack.config.KINERJA_SECRET);
  tokenOf = {
    none: undefined,
    admin: t.admin,
    evaluator: t.evaluator,
    owner: t.official(nipOf(org, 'kepala-dinkes')),
    superior: t.official(nipOf(org, 'bupati')),
    unrelated: t.official(nipOf(org, 'kepala-pupr')),
  };
  const started = await call('POST', '/api/cycles', { token: t.admin, body: org });
  expect(started.status).toBe(201);
  await waitFor(() => call('GET', `/api/cycles/${enc(cycleId)}`, { token: t.admin }), (r) => r.body.status === 'running');
  // a stored document of the owner's PK, so the document routes have something to guard
  await stack.db.query(
    `INSERT INTO documents (id, agreement_id, version, party, sha256, bytes, signer_nip, signed_at, verification)
     VALUES ($1, $2, 1, 'first', $3, $4, $5, now(), '{"valid": true}')`,
    [docId, agreementId, 'a'.repeat(64), Buffer.from('%PDF-1.7\n%test\n'), nipOf(org, 'kepala-dinkes')],
  );
  // the same five people signed in at the provider (passwords through their one-time links)
  sessionOf = { none: undefined } as Record<Caller, CookieSession | undefined>;
  for (const [caller, who] of Object.entries(ACCOUNTS)) {
    await setPasswordByInvite(stack.db, stack.identityProvider!.issuer, who);
    sessionOf[caller as Caller] = await signInWithPassword(stack.baseUrl, who.accountId, passwordOf(who.accountId));
  }
});
afterAll(async () => {
  await stack?.stop();
});

const PARAMS: Record<string, () => string> = {
  cycleId: () => cycleId,
  agreementId: () => agreementId,
  docId: () => docId,
  quarter: () => '1',
  positionId: () => 'kepala-dinkes',
  key: () => 'no-such-notification',
  nip: () => nipOf(org, 'kepala-dinkes'),
  caId: () => ORG,
  unitId: () => 'dinkes',
  evidenceId: () => 'ev_no-such-evidence',
  tokenId: () => '00000000-0000-4000-8000-000000000000',
  changeId: () => 'no-such-change',
};

function pathFor(def: RouteDef): string {
  return def.path.replace(/:(\w+)/g, (_, name: string) => {
    const value = PARAMS[name];
    if (!value) throw new Error(`the matrix has no value for path parameter :${name} of ${def.method.toUpperCase()} ${def.path}`);
    return enc(value());
  });
}

/** What the API's own gate must answer; 'pass' means the request got past it (any status but 401/forbidden). */
function expected(def: RouteDef, caller: Caller): 401 | 403 | 'pass' {
  const { access } = def;
  if (access.kind === 'public') return 'pass';
  if (!['roles', 'agreement', 'document'].includes(access.kind)) throw new Error(`unknown access rule ${(access as any).kind} on ${def.path}`);
  if (caller === 'none') return 401;
  const role: Role = caller === 'admin' || caller === 'evaluator' ? caller : 'official';
  if (!access.roles.includes(role)) return 403;
  if (access.kind !== 'roles' && caller === 'unrelated') return 403; // sees only own and subordinates' PKs
  return 'pass';
}

const routes = apiRoutes({ config: { API_IMPORT_BODY_LIMIT: '20mb' } } as any);

test('every route of the table has an access rule and known path parameters', () => {
  expect(routes.length).toBeGreaterThanOrEqual(25);
  for (const def of routes) {
    expect(['public', 'roles', 'agreement', 'document']).toContain(def.access.kind);
    expect(() => pathFor(def)).not.toThrow();
    if (def.access.kind !== 'public') expect(def.access.roles.length).toBeGreaterThan(0);
  }
  // nothing but /health, the documentation, the verification of signed PDFs and the CA's CRL and certificate is public
  expect(routes.filter((r) => r.access.kind === 'public').map((r) => `${r.method.toUpperCase()} ${r.path}`))
    .toEqual(['POST /api/verify', 'GET /api/verify/documents/:docId', 'GET /api/ca/:caId/crl', 'GET /api/ca/:caId/certificate']);
});

describe.each([['bearer token'], ['cookie session']] as const)('with a %s', (credential) => {
describe.each(routes.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))('%s', (_name, def) => {
  test.each(CALLERS)('as %s', async (caller) => {
    const want = expected(def, caller);
    const who = credential === 'bearer token' ? { token: tokenOf[caller] } : { session: sessionOf[caller] };
    const res = await call(def.method.toUpperCase(), pathFor(def), { ...who, body: def.method === 'get' ? undefined : {} });
    const seen = `${res.status} ${res.body?.code}`;
    if (want === 401) expect(seen).toMatch(/^401 (unauthorized|invalid_token)$/);
    else if (want === 403) expect(seen).toBe('403 forbidden');
    else {
      expect(res.status).not.toBe(401);
      expect(seen).not.toBe('403 forbidden');
      expect(res.status).toBeLessThan(500);
    }
    if (res.status >= 400) expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expectSecurityHeaders(res.headers);
  });
});
});

// Public writes (the verification of an uploaded PDF) act for nobody: a session cookie gives them nothing to forge.
const writes = routes.filter((r) => isWrite(r.method) && r.access.kind !== 'public');
test.each(writes.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r] as const))('%s through a cookie session without the CSRF token is 403 for every caller', async (_name, def) => {
  for (const caller of CALLERS.filter((c) => c !== 'none')) {
    const res = await call(def.method.toUpperCase(), pathFor(def), { headers: { cookie: sessionOf[caller]!.cookie }, body: {} });
    expect(`${caller}: ${res.status} ${res.body?.code}`).toBe(`${caller}: 403 csrf_token_invalid`);
  }
});

/** The page's headers, on JSON, CSV, PDFs and problems alike; an API answer may load or run nothing. */
function expectSecurityHeaders(headers: Headers) {
  expect(headers.get('content-security-policy')).toBe("default-src 'none'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'");
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('x-frame-options')).toBe('DENY');
  expect(headers.get('referrer-policy')).toBe('no-referrer');
}

test('a signed PDF carries the security headers, and is not kept by a shared cache', async () => {
  const pdf = await call('GET', `/api/documents/${enc(docId)}`, { token: tokenOf.owner });
  expect([pdf.status, pdf.headers.get('content-type')]).toEqual([200, 'application/pdf']);
  expectSecurityHeaders(pdf.headers);
  expect(pdf.headers.get('cache-control')).toMatch(/private/);
  for (const path of ['/health', '/api/openapi.json', '/api/no-such-endpoint']) expectSecurityHeaders((await call('GET', path)).headers);
});

test("an official lists only the cycles they hold a position in; administrators and evaluators list every organisation's", async () => {
  // another organisation, whose officials are nobody in kab-authz
  const other = sampleOrganisation('kab-authz-other');
  const otherNip = `19991231${String(Date.now() % 10_000_000_000).padStart(10, '0')}`;
  other.positions = other.positions.filter((p: any) => p.id === 'bupati' || p.id === 'kepala-dinkes');
  other.positions.find((p: any) => p.id === 'bupati').official.nip = null;
  other.positions.find((p: any) => p.id === 'kepala-dinkes').official.nip = otherNip;
  other.units = other.units.filter((u: any) => u.id === 'dinkes');
  other.drafts = { 'kepala-dinkes': other.drafts['kepala-dinkes'] };
  const otherCycle = `cycle:kab-authz-other:${other.year}`;
  const t = tokens(stack.config.KINERJA_SECRET);
  const posted = await call('POST', '/api/cycles', { token: t.admin, body: other });
  expect([posted.status, posted.body.code]).toEqual([201, undefined]);

  const listed = async (token: string | undefined) => {
    const r = await call('GET', '/api/cycles', { token });
    expect(r.status).toBe(200);
    return r.body.items.map((c: any) => c.id) as string[];
  };
  const owner = await listed(tokenOf.owner);
  const stranger = await listed(t.official(otherNip));
  const nobody = await listed(t.official('199001012020121001')); // holds no position anywhere
  console.log(`[security:authz] GET /api/cycles: kab-authz official sees ${owner.length} cycles (other org's: ${owner.includes(otherCycle)}); the other org's official sees ${JSON.stringify(stranger)}; an official without a position sees ${nobody.length}`);
  expect(owner).toContain(cycleId);
  expect(owner).not.toContain(otherCycle);
  expect(stranger).toEqual([otherCycle]);
  expect(nobody).toEqual([]);
  for (const token of [t.admin, t.evaluator]) expect(await listed(token)).toEqual(expect.arrayContaining([cycleId, otherCycle]));
});

test('an official sees only their own and their subordinates\' PKs in lists', async () => {
  const mine = await call('GET', `/api/agreements?cycle=${enc(cycleId)}&limit=200`, { token: tokenOf.owner });
  expect(mine.status).toBe(200);
  const positions = mine.body.items.map((a: any) => a.positionId);
  const dinkes = org.positions.filter((p: any) => p.unit === 'dinkes').map((p: any) => p.id);
  expect(positions.sort()).toEqual(dinkes.sort());
  const all = await call('GET', `/api/agreements?cycle=${enc(cycleId)}&limit=200`, { token: tokenOf.superior });
  expect(all.body.items).toHaveLength(org.positions.length);
  const deep = org.positions.find((p: any) => p.unit === 'dinkes' && p.level === 'PENGAWAS');
  const sub = await call('GET', `/api/agreements/${enc(`pk:${ORG}:${org.year}:${deep.id}`)}`, { token: tokenOf.owner });
  expect(sub.status).toBe(200);
  expect(sub.body.relation).toBe('superior');
});

test('every /api route the app serves is in the route table (so it has an access rule), or is the public documentation', async () => {
  const { createApp } = await import('../../api/app');
  const { createLogger } = await import('../../logger');
  const app: any = createApp({ db: stack.db, temporal: stack.client, config: stack.config, logger: createLogger('test', 'silent') });
  const PUBLIC_DOCS = new Set(['GET /api/openapi.json', 'GET /api/docs', 'GET /api/docs/init.js']);
  const inTable = new Set(routes.map((r) => `${r.method.toUpperCase()} ${r.path}`));
  const served: string[] = [];
  const walk = (stackOf: any[]) => {
    for (const layer of stackOf ?? []) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods ?? {})) served.push(`${method.toUpperCase()} ${layer.route.path}`);
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack);
      }
    }
  };
  walk(app.router.stack);
  const apiRoutesServed = served.filter((r) => / \/api(\/|$)/.test(r));
  const outside = apiRoutesServed.filter((r) => !inTable.has(r) && !PUBLIC_DOCS.has(r));
  console.log(`[security:authz] ${apiRoutesServed.length} /api routes served, ${inTable.size} in the route table, ${CALLERS.length} callers each; outside the table and not public docs: ${outside.length}`);
  expect(apiRoutesServed.length).toBeGreaterThanOrEqual(routes.length);
  expect(outside).toEqual([]);
  // and every route of the table is really served; documented response schemas name real routes
  expect([...inTable].filter((r) => !served.includes(r))).toEqual([]);
  const { RESPONSE_SCHEMAS } = await import('../../api/response-schemas');
  expect(Object.keys(RESPONSE_SCHEMAS).filter((k) => !inTable.has(k))).toEqual([]);
});
