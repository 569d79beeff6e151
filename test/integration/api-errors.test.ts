// Bad input, every write endpoint: malformed JSON is 400, an invalid body is 422 listing each
// problem with its JSON path, and neither changes stored data. Plus tokens (forged, expired,
// alg none), body limits, media types and Idempotency-Key replay.
import { createHmac } from 'node:crypto';
import { startStack, type Stack } from '../support/stack';
import { client, enc, nipOf, sampleOrganisation, tokens, startStackWithCycle } from '../support/api-client';
import { apiRoutes } from '../../api/routes';
import type { RouteDef } from '../../api/route';
import { mintToken as signToken } from '../support/test-tokens';

const ORG = 'kab-errors';
const org = sampleOrganisation(ORG);
const cycleId = `cycle:${ORG}:${org.year}`;
const dinkes = `pk:${ORG}:${org.year}:kepala-dinkes`;
let stack: Stack;
let call: ReturnType<typeof client>;
let t: ReturnType<typeof tokens>;
let owner: string;

beforeAll(async () => {
  ({ stack, call, t } = await startStackWithCycle(org, (s) => s.status === 'running'));
  owner = t.official(nipOf(org, 'kepala-dinkes'));
});
afterAll(async () => {
  await stack?.stop();
});

const PARAMS: Record<string, string> = { cycleId, agreementId: dinkes, quarter: '1', positionId: 'kepala-dinkes' };
const pathOf = (def: RouteDef) => def.path.replace(/:(\w+)/g, (_, n: string) => enc(PARAMS[n] ?? 'x'));

/** An invalid body per write endpoint, and the JSON paths its problems must name. */
/** `emptyIsValid`: the body's fields are all optional, so no body at all is a valid request. */
const INVALID: Record<string, { body: unknown; paths: string[]; emptyIsValid?: boolean }> = {
  'POST /api/cycles': { body: { organisation: { id: 'x' }, year: 'soon', units: [], positions: [] }, paths: ['/year'] },
  'PATCH /api/cycles/:cycleId/rules': { body: { cap: -5, lowerIsBetter: 'x', extra: 1 }, paths: ['/lowerIsBetter', '/cap', ''] },
  'PATCH /api/cycles/:cycleId/calendar': { body: { utcOffsetHours: 'WIB', signBy: { JPT_PRATAMA: '13-45' }, extra: 1 }, paths: ['/utcOffsetHours', '/signBy/JPT_PRATAMA', ''] },
  'PUT /api/agreements/:agreementId/rating': {
    body: { hasilKerja: 'luar_biasa', perilaku: { akuntabel: { expectation: 'tinggi' } } },
    paths: ['/hasilKerja', '/perilaku/akuntabel/expectation', '/perilaku/loyal'],
  },
  'POST /api/cycles/:cycleId/units/:unitId/ratings/close': { body: { exceptionReason: '   ', extra: 1 }, paths: ['/exceptionReason', ''], emptyIsValid: true },
  'PUT /api/agreements/:agreementId/draft': {
    body: { objectives: [{ text: '', indicators: [{ id: 'a', unit: '%', direction: 'sideways', target: -5 }] }], budget: [{ program: 'P', amount: 1.5 }] },
    paths: ['/objectives/0/text', '/objectives/0/indicators/0/name', '/objectives/0/indicators/0/direction', '/objectives/0/indicators/0/target', '/budget/0/amount'],
  },
  'POST /api/agreements/:agreementId/review/return': { body: { reason: '   ' }, paths: ['/reason'] },
  'POST /api/agreements/:agreementId/sign': { body: { passphrase: 12345 }, paths: ['/passphrase'] },
  'POST /api/agreements/:agreementId/realizations/:quarter': {
    body: { realizations: [{ indicatorId: 'x', value: -1 }], budgetSpent: ['banyak'] },
    paths: ['/realizations/0/value', '/budgetSpent/0'],
  },
  'POST /api/agreements/:agreementId/realizations/:quarter/evidence': { body: { url: 5, caption: 'x'.repeat(501), extra: 1 }, paths: ['/url', '/caption', ''] },
  'POST /api/agreements/:agreementId/realizations/:quarter/return': { body: { reason: 7 }, paths: ['/reason'] },
  'POST /api/agreements/:agreementId/evaluation': {
    body: { adjustments: [{ indicatorId: 'x', value: 'tinggi', reason: '' }], close: 'ya' },
    paths: ['/adjustments/0/value', '/adjustments/0/reason', '/close'],
  },
  'POST /api/agreements/:agreementId/revisions': { body: { reason: 'mood', note: '' }, paths: ['/reason', '/note'] },
  'POST /api/agreements/:agreementId/deadline': { body: { dueAt: 'besok', reason: 'x' }, paths: ['/dueAt'] },
  'PUT /api/positions/:cycleId/:positionId/official': { body: { nip: '123', name: 'A', email: 'bukan-email' }, paths: ['/nip', '/email'] },
};

const routes = apiRoutes({ config: { API_IMPORT_BODY_LIMIT: '20mb' } } as any);
const withBody = routes.filter((r) => r.body);
const keyOf = (def: RouteDef) => `${def.method.toUpperCase()} ${def.path}`;
function tokenFor(def: RouteDef): string {
  if (def.access.kind === 'public') return '';
  const roles = def.access.roles;
  return roles.includes('official') ? owner : roles.includes('admin') ? t.admin : t.evaluator;
}

async function snapshot() {
  const q = async (sql: string) => (await stack.db.query(sql, [dinkes])).rows[0].n;
  return {
    versions: await q('SELECT count(*)::int AS n FROM agreement_versions WHERE agreement_id = $1'),
    audit: await q('SELECT count(*)::int AS n FROM audit_log WHERE agreement_id = $1'),
    position: (await stack.db.query(`SELECT nip, email FROM positions WHERE cycle_id = $1 AND id = 'kepala-dinkes'`, [cycleId])).rows[0],
    calendar: (await stack.db.query('SELECT calendar_version FROM cycles WHERE id = $1', [cycleId])).rows[0],
    rules: (await stack.db.query('SELECT rules FROM cycles WHERE id = $1', [cycleId])).rows[0],
    cycles: (await stack.db.query(`SELECT count(*)::int AS n FROM cycles WHERE organisation_id = 'x'`)).rows[0].n,
  };
}

test('every write endpoint with a body has an invalid example here', () => {
  expect(withBody.map(keyOf).sort()).toEqual(Object.keys(INVALID).sort());
});

describe.each(withBody.map((d) => [keyOf(d), d] as const))('%s', (key, def) => {
  test('malformed JSON → 400 malformed_json; invalid body → 422 with every problem path; nothing stored', async () => {
    const before = await snapshot();
    const malformed = await call(def.method.toUpperCase(), pathOf(def), { token: tokenFor(def), raw: '{"reason": ' });
    expect([malformed.status, malformed.body.code]).toEqual([400, 'malformed_json']);
    expect(malformed.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(malformed.body).toMatchObject({ status: 400, type: 'urn:kinerja:problem:malformed_json', title: 'Bad Request' });

    const { body, paths, emptyIsValid } = INVALID[key];
    const invalid = await call(def.method.toUpperCase(), pathOf(def), { token: tokenFor(def), body });
    expect([invalid.status, invalid.body.code]).toEqual([422, 'invalid_data']);
    const seen = invalid.body.problems.map((p: any) => p.path);
    expect(seen).toEqual(expect.arrayContaining(paths));
    for (const p of invalid.body.problems) expect(typeof p.message).toBe('string');

    const missing = await call(def.method.toUpperCase(), pathOf(def), { token: tokenFor(def) });
    if (emptyIsValid) expect(missing.status).toBeLessThan(500);
    else expect(missing.status).toBe(422);
    expect(await snapshot()).toEqual(before);
  });
});

test('the workflow\'s own InvalidData problems come back with their paths', async () => {
  const content = structuredClone(org.drafts['kepala-dinkes']);
  content.objectives[0].indicators[0].parentIndicatorId = 'not-a-superior-indicator';
  const res = await call('PUT', `/api/agreements/${enc(dinkes)}/draft`, { token: owner, body: content });
  expect([res.status, res.body.code]).toEqual([422, 'invalid_data']);
  expect(res.body.problems.map((p: any) => p.path)).toContain('/objectives/0/indicators/0/parentIndicatorId');
  const submit = await call('POST', `/api/agreements/${enc(dinkes)}/submit`, { token: owner });
  expect([submit.status, submit.body.code]).toEqual([422, 'invalid_data']);
  expect(submit.body.problems).toHaveLength(1);
  const q = await call('POST', `/api/agreements/${enc(dinkes)}/realizations/5`, { token: owner, body: { realizations: [], budgetSpent: [] } });
  expect(q.status).toBe(404);
});

describe('tokens', () => {
  const secret = () => stack.config.KINERJA_SECRET;
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const hs256 = (data: string, key: string) => createHmac('sha256', key).update(data).digest('base64url');
  const exp = () => Math.floor(Date.now() / 1000) + 600;
  const cases: Array<[string, () => string]> = [
    ['forged (another secret)', () => signToken({ sub: 'x', role: 'admin' }, 'another-secret-0123456789', 600)],
    ['expired', () => signToken({ sub: 'x', role: 'admin' }, secret(), 60, Date.now() - 3_600_000)],
    ['alg none', () => `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'x', role: 'admin', exp: exp() })}.`],
    ['alg none with a signature', () => { const h = `${b64({ alg: 'none' })}.${b64({ sub: 'x', role: 'admin', exp: exp() })}`; return `${h}.${hs256(h, secret())}`; }],
    ['alg HS512 header over an HS256 signature', () => { const h = `${b64({ alg: 'HS512', typ: 'JWT' })}.${b64({ sub: 'x', role: 'admin', exp: exp() })}`; return `${h}.${hs256(h, secret())}`; }],
    ['no exp', () => { const h = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'x', role: 'admin' })}`; return `${h}.${hs256(h, secret())}`; }],
    ['unknown role', () => { const h = `${b64({ alg: 'HS256' })}.${b64({ sub: 'x', role: 'root', exp: exp() })}`; return `${h}.${hs256(h, secret())}`; }],
    ['official without nip', () => { const h = `${b64({ alg: 'HS256' })}.${b64({ sub: 'x', role: 'official', exp: exp() })}`; return `${h}.${hs256(h, secret())}`; }],
    ['payload altered after signing', () => { const [h, , s] = t.evaluator.split('.'); return `${h}.${b64({ sub: 'x', role: 'admin', exp: exp() })}.${s}`; }],
    ['garbage', () => 'not.a.token'],
  ];
  test.each(cases)('%s → 401', async (_name, make) => {
    const res = await call('GET', '/api/cycles', { token: make() });
    expect(res.status).toBe(401);
    expect(['invalid_token', 'token_expired']).toContain(res.body.code);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
  });
  test('no token → 401 unauthorized; a good one works', async () => {
    const none = await call('GET', '/api/cycles');
    expect([none.status, none.body.code]).toEqual([401, 'unauthorized']);
    expect((await call('GET', '/api/cycles', { token: t.evaluator })).status).toBe(200);
    expect((await call('GET', '/api/cycles', { headers: { authorization: `Basic ${t.evaluator}` } })).status).toBe(401);
  });
});

test('a body over the limit is 413; a non-JSON body is 415; an unknown route is 404', async () => {
  const huge = { objectives: [], budget: Array.from({ length: 20_000 }, (_, i) => ({ program: `Program ${i}`, amount: i })) };
  const big = await call('PUT', `/api/agreements/${enc(dinkes)}/draft`, { token: owner, body: huge });
  expect([big.status, big.body.code]).toEqual([413, 'body_too_large']);
  const text = await call('POST', `/api/agreements/${enc(dinkes)}/review/return`, { token: owner, raw: 'reason=x', headers: { 'content-type': 'text/plain' } });
  expect([text.status, text.body.code]).toEqual([415, 'unsupported_media_type']);
  const nowhere = await call('GET', '/api/nowhere', { token: t.admin });
  expect([nowhere.status, nowhere.body.code]).toEqual([404, 'not_found']);
  const noAgreement = await call('GET', `/api/agreements/${enc('pk:nobody:1:x')}`, { token: t.admin });
  expect(noAgreement.status).toBe(404);
});

test('Idempotency-Key replays the stored response and refuses a different request', async () => {
  const content = org.drafts['kepala-dinkes'];
  const key = `draft-${Date.now()}`;
  const first = await call('PUT', `/api/agreements/${enc(dinkes)}/draft`, { token: owner, body: content, headers: { 'idempotency-key': key } });
  expect(first.status).toBe(200);
  const saves = async () => (await stack.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE agreement_id = $1 AND action = 'draft.saved'`, [dinkes])).rows[0].n;
  const after = await saves();
  const again = await call('PUT', `/api/agreements/${enc(dinkes)}/draft`, { token: owner, body: content, headers: { 'idempotency-key': key } });
  expect(again.status).toBe(200);
  expect(again.headers.get('idempotent-replayed')).toBe('true');
  expect(again.body).toEqual(first.body);
  expect(await saves()).toBe(after);
  const other = await call('PUT', `/api/agreements/${enc(dinkes)}/draft`, { token: owner, body: { ...content, budget: [] }, headers: { 'idempotency-key': key } });
  expect([other.status, other.body.code]).toEqual([422, 'idempotency_key_reused']);
  // keys are per caller: the same key from someone else is a new request
  const bad = await call('POST', `/api/agreements/${enc(dinkes)}/review/return`, { token: t.official(nipOf(org, 'bupati')), body: { reason: 'x' }, headers: { 'idempotency-key': key } });
  expect(bad.body.code).toBe('wrong_phase');
});

test('a sign-in that cannot go on, and an address that does not exist, are pages in Bahasa Indonesia (not JSON, not Express\'s English page)', async () => {
  const html = async (r: Response) => [r.status, r.headers.get('content-type')?.split(';')[0], await r.text()] as const;
  // this stack has no OpenID provider configured
  const [status, type, body] = await html(await fetch(`${stack.baseUrl}/auth/login`, { redirect: 'manual' }));
  expect([status, type]).toEqual([503, 'text/html']);
  expect(body).toContain('<html lang="id">');
  expect(body).toContain('<h1>Masuk lewat SSO belum tersedia</h1>');
  for (const [method, path] of [['GET', '/nope'], ['POST', '/health'], ['GET', '/css/tidak-ada.css']]) {
    const [code, kind, page] = await html(await fetch(`${stack.baseUrl}${path}`, { method }));
    expect([method, path, code, kind]).toEqual([method, path, 404, 'text/html']);
    expect(page).toContain('<h1>Halaman tidak ditemukan</h1>');
    expect(page).not.toContain('Cannot');
  }
  // a provider configured but unreachable: the page says so, with a way to try again
  const unreachable = await startStack({ OIDC_ISSUER: 'http://127.0.0.1:9/' });
  try {
    const r = await fetch(`${unreachable.baseUrl}/auth/login?next=${enc('#/pk/x')}`, { redirect: 'manual' });
    const [code, kind, page] = await html(r);
    expect([code, kind, r.headers.get('retry-after')]).toEqual([503, 'text/html', '5']);
    expect(page).toContain('<h1>Layanan masuk tidak dapat dihubungi</h1>');
    expect(page).toContain(`href="/auth/login?next=${enc('#/pk/x')}"`);
  } finally {
    await unreachable.stop();
  }
});
