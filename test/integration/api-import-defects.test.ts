// Organisation imports with every defect a spreadsheet export can have, all at once: the API
// answers 422 listing every problem with its JSON path, and stores nothing. Valid unicode names
// are accepted; a 5 MB import is read (and rejected for its defects, not its size), while 5 MB to an
// ordinary write is 413.
import type { Stack } from '../support/stack';
import { startStack } from '../support/stack';
import { client, sampleOrganisation, tokens } from '../support/api-client';

let stack: Stack;
let call: ReturnType<typeof client>;
let admin: string;

beforeAll(async () => {
  stack = await startStack();
  call = client(stack.baseUrl);
  admin = tokens(stack.config.KINERJA_SECRET).admin;
});
afterAll(async () => {
  await stack?.stop();
});

const say = (line: string) => console.log(`[bad-input:import] ${line}`);

async function storedFor(orgId: string) {
  const q = async (sql: string) => (await stack.db.query(sql, [orgId])).rows[0].n as number;
  return {
    organisations: await q('SELECT count(*)::int AS n FROM organisations WHERE id = $1'),
    cycles: await q('SELECT count(*)::int AS n FROM cycles WHERE organisation_id = $1'),
    positions: await q(`SELECT count(*)::int AS n FROM positions WHERE cycle_id LIKE 'cycle:' || $1 || ':%'`),
    agreements: await q(`SELECT count(*)::int AS n FROM agreements WHERE id LIKE 'pk:' || $1 || ':%'`),
    workflows: (await stack.client.workflow.count(`KinerjaOrg = '${orgId}'`)).count,
  };
}

/** The sample with one of each defect; returns the problems (code and path) the API must list. */
function defective(orgId: string) {
  const org = sampleOrganisation(orgId);
  const p = org.positions;
  const leaves = p.map((x: any, i: number) => i).filter((i: number) => !p.some((y: any) => y.parent === p[i].id));
  const [a, b, c, d0, d, e, f, g, h] = leaves;
  const want: Array<[string, string]> = [];
  // a cycle of parents between two leaves
  p[a].parent = p[b].id;
  p[b].parent = p[a].id;
  want.push(['cycle', `/positions/${a}/parent`], ['cycle', `/positions/${b}/parent`]);
  // a parent that does not exist
  p[c].parent = 'jabatan-yang-tidak-ada';
  want.push(['dangling_parent', `/positions/${c}/parent`]);
  // the same NIP twice
  p[d].official.nip = p[d0].official.nip;
  want.push(['duplicate_nip', `/positions/${d}/official/nip`]);
  // a 17-digit NIP (a leading zero lost by the spreadsheet)
  p[e].official.nip = p[e].official.nip.slice(1);
  want.push(['malformed_nip', `/positions/${e}/official/nip`]);
  // empty names: an official's and a unit's
  p[f].official.name = '   ';
  want.push(['', `/positions/${f}/official/name`]);
  org.units[1].name = '';
  want.push(['', '/units/1/name']);
  // targets: negative and not a number, in the regency's plan
  org.plan.objectives[0].indicators[0].target = -5;
  want.push(['', '/plan/objectives/0/indicators/0/target']);
  org.plan.objectives[1].indicators[0].target = 'tujuh puluh';
  want.push(['', '/plan/objectives/1/indicators/0/target']);
  // and in a proposed draft, a target written with a thousands separator
  const draftOf = p[g].id;
  if (org.drafts?.[draftOf]?.objectives?.[0]?.indicators?.[0]) {
    org.drafts[draftOf].objectives[0].indicators[0].target = '1.250,5';
    want.push(['', `/drafts/${draftOf}/objectives/0/indicators/0/target`]);
  }
  // valid unicode names must not be problems
  p[h].official.name = 'Ni Made Ayu Kusumawati Ṣ., Ç. — 王小明, Ŋüñéz';
  org.units[2].name = 'Dinas Kesehatan — Ūnit Ⅱ';
  return { org, want };
}

test('a defective import: 422 listing every problem with its path, nothing stored', async () => {
  const { org, want } = defective('kab-defects');
  const res = await call('POST', '/api/cycles', { token: admin, body: org });
  expect(res.status).toBe(422);
  expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  expect(res.body.code).toBe('invalid_data');
  const found: Array<{ path: string; code: string; message: string }> = res.body.problems;
  say(`${want.length} defects planted; the API listed ${found.length} problems: ${found.map((p) => `${p.code} ${p.path}`).join('; ')}`);
  const missing = want.filter(([code, path]) => !found.some((p) => p.path === path && (code === '' || p.code === code)));
  expect(missing).toEqual([]);
  // the unicode names are not among the problems
  expect(found.filter((p) => /official\/name$|units\/2\/name$/.test(p.path)).map((p) => p.path)).toEqual([`/positions/${org.positions.findIndex((x: any) => x.official?.name === '   ')}/official/name`]);
  const stored = await storedFor('kab-defects');
  say(`stored after the rejected import: ${JSON.stringify(stored)}`);
  expect(stored).toEqual({ organisations: 0, cycles: 0, positions: 0, agreements: 0, workflows: 0 });
});

test('an import missing its positions is told what it lacks, not that a wrapper is wrong', async () => {
  const res = await call('POST', '/api/cycles', { token: admin, body: { organisation: { id: 'kab-tanpa-jabatan', name: 'Pemerintah Kabupaten X', place: 'X' }, year: 2030 } });
  expect(res.status).toBe(422);
  expect(res.body.code).toBe('invalid_data');
  expect(res.body.problems.map((p: any) => p.path)).toContain('/positions');
  expect(res.body.problems.map((p: any) => p.path)).not.toContain('');
  expect(await storedFor('kab-tanpa-jabatan')).toEqual({ organisations: 0, cycles: 0, positions: 0, agreements: 0, workflows: 0 });
  // the wrapped form still names its own missing part
  const wrapped = await call('POST', '/api/cycles', { token: admin, body: { import: { organisation: { id: 'kab-tanpa-jabatan', name: 'X', place: 'X' }, year: 2030 } } });
  expect(wrapped.status).toBe(422);
  expect(wrapped.body.problems.map((p: any) => p.path)).toContain('/positions');
});

test('valid unicode names are accepted as they are', async () => {
  const org = sampleOrganisation('kab-unicode');
  org.organisation.name = 'Pemerintah Kabupaten Bengkayang — Kalimantan Barat ✓';
  org.positions[3].official.name = 'Ni Made Ayu Kusumawati, S.Psi. — 王小明 Ŋüñéz';
  org.units[0].name = 'Sekretariat Daerah (Ṣetda) 🏛';
  const res = await call('POST', '/api/cycles', { token: admin, body: org });
  expect(res.status).toBe(201);
  const name = (await stack.db.query(`SELECT official_name FROM positions WHERE cycle_id = $1 AND id = $2`, [res.body.cycleId, org.positions[3].id])).rows[0];
  say(`unicode import answered ${res.status}; stored name ${JSON.stringify(name)}`);
  expect(Object.values(name)[0]).toBe(org.positions[3].official.name);
});

test('a 5 MB import with defects is read and rejected for them; 5 MB to an ordinary write is 413', async () => {
  const { org, want } = defective('kab-defects-5mb');
  // pad like a spreadsheet export with a huge notes column: 5 MB of extra data per position
  const pad = 'x'.repeat(Math.ceil((5 * 1024 * 1024) / org.positions.length));
  for (const p of org.positions) p.notes = pad;
  const body = JSON.stringify(org);
  expect(body.length).toBeGreaterThan(5 * 1024 * 1024);
  const res = await call('POST', '/api/cycles', { token: admin, raw: body });
  say(`${(body.length / 1024 / 1024).toFixed(1)} MB import answered ${res.status} with ${res.body?.problems?.length} problems`);
  expect(res.status).toBe(422);
  const missing = want.filter(([code, path]) => !res.body.problems.some((p: any) => p.path === path && (code === '' || p.code === code)));
  expect(missing).toEqual([]);
  expect(await storedFor('kab-defects-5mb')).toEqual({ organisations: 0, cycles: 0, positions: 0, agreements: 0, workflows: 0 });
  const big = await call('PUT', '/api/positions/x/y/official', { token: admin, raw: JSON.stringify({ nip: '1'.repeat(18), name: 'x'.repeat(5 * 1024 * 1024), email: 'a@b.c' }) });
  say(`5 MB to PUT /api/positions/…/official answered ${big.status} ${big.body?.code}`);
  expect([big.status, big.body?.code]).toEqual([413, 'body_too_large']);
});
