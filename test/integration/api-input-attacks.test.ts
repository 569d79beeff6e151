// The input attacks of the hardening issue, performed through the API against a running stack:
// prototype pollution through unit ids, a 10,000-character word for the PDF, 1e308 Rupiah, deeply
// nested JSON with an Idempotency-Key, an undecodable gzip body, colliding agreement ids and
// formulas in the CSV and XLSX reports. Each must be refused (or neutralised) and do no harm to what follows.
import { gzipSync } from 'node:zlib';
import type { Stack } from '../support/stack';
import { client, enc, nipOf, sampleOrganisation, tokens, startStackWithCycle, waitFor } from '../support/api-client';
import { TEXT_LIMITS } from '../../domain/limits';
import { saveDraftUpdate, stateQuery } from '../../workflows/messages';
import ExcelJS from 'exceljs';
import { downloadXlsx } from '../support/xlsx-download';

const ORG = 'kab-input-attacks';
const org = sampleOrganisation(ORG);
// Formulas a spreadsheet would run, as unit names (OWASP's CSV injection list).
const HOSTILE_NAMES = ['=HYPERLINK("http://evil.example","klik")', '-2+3+cmd|\' /C calc\'!A0', '@SUM(A1:A9)', '+1', '\t=1+1'];
HOSTILE_NAMES.forEach((name, i) => (org.units[i].name = name));
const cycleId = `cycle:${ORG}:${org.year}`;
const dinkes = `pk:${ORG}:${org.year}:kepala-dinkes`;
let stack: Stack;
let call: ReturnType<typeof client>;
let t: ReturnType<typeof tokens>;
let owner: string;
const say = (line: string) => console.log(`[input-attacks] ${line}`);

jest.setTimeout(180_000);

beforeAll(async () => {
  ({ stack, call, t } = await startStackWithCycle(org, (s) => s.status === 'running'));
  owner = t.official(nipOf(org, 'kepala-dinkes'));
  await waitFor(() => call('GET', `/api/agreements/${enc(dinkes)}`, { token: owner }), (r) => r.body.state?.deadline?.item === 'draft');
});
afterAll(async () => {
  await stack?.stop();
});

/** A strict-schema write that every official makes: it must keep working after each attack. */
async function strictWriteWorks() {
  const saved = await call('PUT', `/api/agreements/${enc(dinkes)}/draft`, { token: owner, body: org.drafts['kepala-dinkes'] });
  expect(saved.status).toBe(200);
}

const pollutedKeys = () => Object.keys(Object.prototype).concat(['drafting', 'review'].filter((k) => ({} as Record<string, unknown>)[k] !== undefined));

describe('prototype pollution', () => {
  test('an organisation with units "__proto__", "constructor" and "prototype" is 422 with their paths; nothing stored', async () => {
    const hostile = sampleOrganisation('kab-proto');
    const ids = ['__proto__', 'constructor', 'prototype'];
    ids.forEach((id, i) => {
      const old = hostile.units[i].id;
      hostile.units[i].id = id;
      for (const p of hostile.positions) if (p.unit === old) p.unit = id;
    });
    const res = await call('POST', '/api/cycles', { token: t.admin, body: hostile });
    const paths = (res.body.problems ?? []).filter((p: any) => p.code === 'invalid_id').map((p: any) => p.path);
    say(`import with units ${ids.join(', ')}: ${res.status} ${res.body.code}, invalid_id at ${paths.join(', ')}`);
    expect([res.status, res.body.code]).toEqual([422, 'invalid_data']);
    expect(paths).toEqual(['/units/0/id', '/units/1/id', '/units/2/id']);
    expect((await stack.db.query(`SELECT count(*)::int AS n FROM cycles WHERE organisation_id = 'kab-proto'`)).rows[0].n).toBe(0);
    expect(pollutedKeys()).toEqual([]);
    await strictWriteWorks();
  });

  test('a unit id "__proto__" already stored (data from before the check) does not reach Object.prototype through the cycle status', async () => {
    // the original attack's read: GET /api/cycles/:id counted phases per unit with units[r.unit] ??= {…}
    const was = (await stack.db.query('SELECT unit_id FROM agreements WHERE id = $1', [dinkes])).rows[0].unit_id;
    await stack.db.query(`UPDATE agreements SET unit_id = '__proto__' WHERE id = $1`, [dinkes]);
    try {
      const status = await call('GET', `/api/cycles/${enc(cycleId)}`, { token: t.admin });
      expect(status.status).toBe(200);
      expect(Object.hasOwn(status.body.units, '__proto__')).toBe(true);
      say(`cycle status with a stored unit "__proto__": ${status.status}, its counts ${JSON.stringify(status.body.units.__proto__)}; Object.prototype keys after: ${JSON.stringify(pollutedKeys())}`);
      expect(pollutedKeys()).toEqual([]);
      for (const path of [`/api/cycles/${enc(cycleId)}/report`, `/api/cycles/${enc(cycleId)}/report?format=csv`, `/api/cycles/${enc(cycleId)}/achievement`]) {
        expect((await call('GET', path, { token: t.admin })).status).toBe(200);
      }
      expect(pollutedKeys()).toEqual([]);
      await strictWriteWorks();
    } finally {
      await stack.db.query('UPDATE agreements SET unit_id = $2 WHERE id = $1', [dinkes, was]);
    }
  });
});

describe('length limits and the PDF', () => {
  test('a 10,000-character word as an indicator name, and a 3 MB objective, are refused with their paths; the preview still renders', async () => {
    const draft = structuredClone(org.drafts['kepala-dinkes']);
    draft.objectives[0].indicators[0].name = 'x'.repeat(10_000);
    const word = await call('PUT', `/api/agreements/${enc(dinkes)}/draft`, { token: owner, body: draft });
    say(`10,000-character indicator name: ${word.status} ${JSON.stringify(word.body.problems)}`);
    expect([word.status, word.body.problems?.[0]?.code, word.body.problems?.[0]?.path]).toEqual([422, 'too_long', '/objectives/0/indicators/0/name']);

    const big = structuredClone(org.drafts['kepala-dinkes']);
    big.objectives[0].text = 'y'.repeat(3 * 1024 * 1024);
    const huge = await call('PUT', `/api/agreements/${enc(dinkes)}/draft`, { token: owner, body: big });
    say(`3 MB objective: ${huge.status} ${huge.body.code}`);
    expect([413, 422]).toContain(huge.status);

    const atLimit = structuredClone(org.drafts['kepala-dinkes']);
    atLimit.objectives[0].indicators[0].name = 'z'.repeat(TEXT_LIMITS.indicatorName);
    expect((await call('PUT', `/api/agreements/${enc(dinkes)}/draft`, { token: owner, body: atLimit })).status).toBe(200);
    const preview = await fetch(`${stack.baseUrl}/api/agreements/${enc(dinkes)}/preview.pdf`, { headers: { authorization: `Bearer ${owner}` } });
    const bytes = Buffer.from(await preview.arrayBuffer());
    say(`preview with a ${TEXT_LIMITS.indicatorName}-character name (rendered on the render thread): ${preview.status}, ${bytes.length} bytes`);
    expect([preview.status, preview.headers.get('content-type'), bytes.subarray(0, 5).toString()]).toEqual([200, 'application/pdf', '%PDF-']);
    await strictWriteWorks();
  });

  test('a reason and a report note past their limits are 422 with their paths', async () => {
    const note = await call('POST', `/api/agreements/${enc(dinkes)}/realizations/1`, { token: owner, body: { realizations: [], budgetSpent: [], note: 'n'.repeat(TEXT_LIMITS.note + 1) } });
    expect([note.status, note.body.problems?.[0]?.path, note.body.problems?.[0]?.code]).toEqual([422, '/note', 'too_long']);
    const reason = await call('POST', `/api/agreements/${enc(dinkes)}/review/return`, { token: t.official(nipOf(org, 'bupati')), body: { reason: 'r'.repeat(TEXT_LIMITS.reason + 1) } });
    expect([reason.status, reason.body.problems?.[0]?.path, reason.body.problems?.[0]?.code]).toEqual([422, '/reason', 'too_long']);
  });
});

describe('number bounds', () => {
  test('budgetSpent [1e308] and a realization of 1e300 are 422; the cycle report stays 200 (JSON and CSV)', async () => {
    const spent = await call('POST', `/api/agreements/${enc(dinkes)}/realizations/1`, { token: owner, raw: '{"realizations":[],"budgetSpent":[1e308,1e308]}' });
    const value = await call('POST', `/api/agreements/${enc(dinkes)}/realizations/1`, { token: owner, body: { realizations: [{ indicatorId: 'x', value: 1e300 }], budgetSpent: [] } });
    say(`budgetSpent [1e308, 1e308]: ${spent.status} at ${spent.body.problems?.map((p: any) => p.path).join(', ')}; realization 1e300: ${value.status}`);
    expect([spent.status, spent.body.problems?.map((p: any) => p.path)]).toEqual([422, ['/budgetSpent/0', '/budgetSpent/1']]);
    expect([value.status, value.body.problems?.[0]?.path]).toEqual([422, '/realizations/0/value']);
    const pagu = structuredClone(org.drafts['kepala-dinkes']);
    pagu.budget[0].amount = 1e15 + 1;
    const draft = await call('PUT', `/api/agreements/${enc(dinkes)}/draft`, { token: owner, body: pagu });
    expect([draft.status, draft.body.problems?.[0]?.path]).toEqual([422, '/budget/0/amount']);
    expect((await call('GET', `/api/cycles/${enc(cycleId)}/report`, { token: t.evaluator })).status).toBe(200);
    expect((await call('GET', `/api/cycles/${enc(cycleId)}/report?format=csv`, { token: t.evaluator })).status).toBe(200);
  });
});

describe('text the database cannot store', () => {
  // PostgreSQL refuses U+0000 and lone UTF-16 surrogates. Before the check such text passed the
  // schemas, the workflow's handler changed its state and queued a write the database refused on
  // every retry: the PK waited behind it for good.
  const storedDraftHash = async () => (await stack.db.query('SELECT content_hash FROM agreement_versions WHERE agreement_id = $1 ORDER BY version DESC LIMIT 1', [dinkes])).rows[0]?.content_hash ?? null;

  test('a NUL in a draft, a lone surrogate in a reason and a NUL in a key are 400 invalid_text with the path; nothing stored; the PK goes on', async () => {
    await strictWriteWorks();
    const before = await storedDraftHash();
    const nul = structuredClone(org.drafts['kepala-dinkes']);
    nul.objectives[0].indicators[0].name = 'Angka\u0000kematian';
    const draft = await call('PUT', `/api/agreements/${enc(dinkes)}/draft`, { token: owner, body: nul });
    const reason = await call('POST', `/api/agreements/${enc(dinkes)}/review/return`, { token: t.official(nipOf(org, 'bupati')), raw: '{"reason":"kurang \\ud800 jelas"}' });
    const key = await call('POST', `/api/agreements/${enc(dinkes)}/realizations/1`, { token: owner, raw: '{"realizations":[],"budgetSpent":[],"note":"ok","a\\u0000b":1}' });
    say(`NUL in a draft: ${draft.status} ${draft.body.code} at ${draft.body.path}; lone surrogate in a reason: ${reason.status} ${reason.body.code}; NUL in a key: ${key.status} ${key.body.code}`);
    expect([draft.status, draft.body.code, draft.body.path]).toEqual([400, 'invalid_text', '$.objectives[0].indicators[0].name']);
    expect([reason.status, reason.body.code, reason.body.path]).toEqual([400, 'invalid_text', '$.reason']);
    expect([key.status, key.body.code]).toEqual([400, 'invalid_text']);
    expect(await storedDraftHash()).toBe(before);

    // text with a real surrogate pair (an emoji) is storable and stored
    const emoji = structuredClone(org.drafts['kepala-dinkes']);
    emoji.objectives[0].indicators[0].name = 'Angka kematian ibu 📉';
    expect((await call('PUT', `/api/agreements/${enc(dinkes)}/draft`, { token: owner, body: emoji })).status).toBe(200);
    const stored = (await stack.db.query('SELECT content FROM agreement_versions WHERE agreement_id = $1 ORDER BY version DESC LIMIT 1', [dinkes])).rows[0].content;
    expect(stored.objectives[0].indicators[0].name).toBe('Angka kematian ibu 📉');
    await strictWriteWorks();
  });

  test('an Update sent to the workflow directly with a NUL is refused by its validator; the state is unchanged and the PK goes on', async () => {
    const handle = stack.client.workflow.getHandle(dinkes);
    const before = await handle.query(stateQuery);
    const nul = structuredClone(org.drafts['kepala-dinkes']);
    nul.objectives[0].text = 'Meningkatnya\u0000derajat kesehatan';
    const actor = { role: 'official' as const, id: nipOf(org, 'kepala-dinkes'), positionIds: ['kepala-dinkes'] };
    const refused = await handle.executeUpdate(saveDraftUpdate, { args: [{ actor, content: nul }] }).then(() => null, (err) => err);
    say(`a direct saveDraft with a NUL: ${refused?.cause?.type}: ${refused?.cause?.message}`);
    expect(refused?.cause?.type).toBe('InvalidData');
    expect(refused.cause.message).toContain('$[0].content.objectives[0].text');
    expect((await handle.query(stateQuery)).draftHash).toBe(before.draftHash);
    await strictWriteWorks();
  });
});

describe('bodies that used to answer 503', () => {
  test('JSON nested 50,000 deep with an Idempotency-Key is 400 too_deeply_nested', async () => {
    const deep = '['.repeat(50_000) + ']'.repeat(50_000);
    const res = await call('PUT', `/api/agreements/${enc(dinkes)}/draft`, { token: owner, raw: deep, headers: { 'idempotency-key': 'deep-1' } });
    say(`50,000-deep JSON with an Idempotency-Key: ${res.status} ${res.body.code}`);
    expect([res.status, res.body.code]).toEqual([400, 'too_deeply_nested']);
    await strictWriteWorks();
  });

  test('a body that is not gzip under Content-Encoding: gzip, and a truncated gzip, are 400 malformed_body_encoding; a real gzip body works', async () => {
    const send = (body: Buffer) =>
      fetch(`${stack.baseUrl}/api/agreements/${enc(dinkes)}/draft`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: new Uint8Array(body),
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    const gzipped = gzipSync(JSON.stringify(org.drafts['kepala-dinkes']));
    const answers = [await send(Buffer.from('this is not gzip')), await send(gzipped.subarray(0, 20))];
    say(`invalid gzip: ${answers.map((a) => `${a.status} ${a.body.code}`).join('; ')}`);
    for (const a of answers) expect([a.status, a.body.code]).toEqual([400, 'malformed_body_encoding']);
    expect((await send(gzipped)).status).toBe(200);
  });
});

describe('agreement ids', () => {
  test('two organisations whose PK ids would collide (pk:kab:2031:2031:p) are both refused', async () => {
    const a = sampleOrganisation('kab-x', 2031);
    const position = a.positions.findIndex((p: any) => p.id === 'kepala-dinkes');
    const renamed = '2031:kepala-dinkes';
    a.positions[position].id = renamed;
    for (const p of a.positions) if (p.parent === 'kepala-dinkes') p.parent = renamed;
    a.drafts[renamed] = a.drafts['kepala-dinkes'];
    delete a.drafts['kepala-dinkes'];
    const b = sampleOrganisation('kab-x:2031', 2031);
    const [ra, rb] = [await call('POST', '/api/cycles', { token: t.admin, body: a }), await call('POST', '/api/cycles', { token: t.admin, body: b })];
    const invalidIds = (r: any) => r.body.problems.filter((p: any) => p.code === 'invalid_id').map((p: any) => p.path);
    say(`position "${renamed}" in kab-x: ${ra.status} ${invalidIds(ra)}; organisation "kab-x:2031": ${rb.status} ${invalidIds(rb)}`);
    expect([ra.status, invalidIds(ra)]).toEqual([422, [`/positions/${position}/id`]]);
    expect([rb.status, invalidIds(rb)]).toEqual([422, ['/organisation/id']]);
    expect((await stack.db.query(`SELECT count(*)::int AS n FROM agreements WHERE id LIKE 'pk:kab-x%'`)).rows[0].n).toBe(0);
  });
});

describe('CSV injection', () => {
  test('unit names that are formulas reach the CSV report as text (a leading quote), every cell', async () => {
    const res = await waitFor(
      () => call('GET', `/api/cycles/${enc(cycleId)}/report?format=csv`, { token: t.evaluator }),
      (r) => HOSTILE_NAMES.every((name) => r.body.includes(name.slice(1, 8))),
    );
    expect(res.status).toBe(200);
    const cells = (res.body as string).split('\r\n').slice(1).filter(Boolean).map((line) => line.split(',')[1]);
    say(`unit_name cells: ${cells.map((c) => JSON.stringify(c)).join(' ')}`);
    expect(res.body).toContain(`"'=HYPERLINK(""http://evil.example"",""klik"")"`);
    for (const name of HOSTILE_NAMES.slice(1)) expect(res.body).toContain(`'${name}`);
    // no text cell starts with a formula character any more (numbers are ours and never negative here)
    for (const line of (res.body as string).split('\r\n')) expect(line).not.toMatch(/(^|,)"?[=+\-@\t\r]/);
  });

  test('the same names in the XLSX report are text cells, exactly as typed, formatted as Text; no cell is a formula', async () => {
    const xlsx = await downloadXlsx(stack.baseUrl, `/api/cycles/${enc(cycleId)}/report?format=xlsx`, t.evaluator);
    expect(xlsx.status).toBe(200);
    for (const name of HOSTILE_NAMES) {
      const cell = xlsx.cell('Nama unit', name, 'Nama unit');
      say(`XLSX unit name ${JSON.stringify(name)}: ${cell.address} type ${cell.type}, format ${cell.numFmt}`);
      // a shared string (not <f>): Excel opens it as these characters; "@" keeps it text when the cell is edited
      expect([cell.type, cell.value, cell.numFmt]).toEqual([ExcelJS.ValueType.String, name, '@']);
    }
    expect(xlsx.formulas).toEqual([]);
  });
});
