// A region's own rules, through the API the way an administrator and the evaluation team meet them:
// the cycle is posted with lower-is-better as target / realisasi, a cap and a six-level scale whose
// bounds exclude their number ("> 85"); the rules are read back, corrected once (audited), and a
// Kepala Dinas PK is drafted, signed, reported and evaluated. The evaluation, the live capaian's
// inputs, the dashboard and the CSV report give exactly what a person computes by hand from
// the domain's formulas. Invalid rules are 422 with JSON paths and store nothing; after the first evaluation
// the rules are frozen (409).
import type { Stack } from '../support/stack';
import { startStack } from '../support/stack';
import { BUPATI_NIP, client, enc, nipOf, tokens, waitFor, type Reply, passphraseFor } from '../support/api-client';
import { sampleOrganisation } from '../support/time-skipping';
import { yearAchievement } from '../../domain/achievement';
import { categorize } from '../../domain/predicates';
import ExcelJS from 'exceljs';
import { downloadXlsx, XLSX_TYPE } from '../support/xlsx-download';

jest.setTimeout(240_000);

const ORG = 'kab-aturan-daerah';
const YEAR = new Date().getFullYear();
const org: any = sampleOrganisation(ORG, YEAR, ['kepala-dinkes']);
org.positions.find((p: any) => p.id === 'bupati').official.nip = BUPATI_NIP;
const cycleId = `cycle:${ORG}:${YEAR}`;
const dinkes = `pk:${ORG}:${YEAR}:kepala-dinkes`;

// ">85–100 Memuaskan; >75–85 Sangat Baik; >65–75 Baik; >50–65 Cukup Baik; >30–50 Agak Kurang; 0–30 Kurang"
const SIX_LEVELS = {
  name: 'enam-tingkat',
  bands: [
    { label: 'Memuaskan', above: 85 },
    { label: 'Sangat Baik', above: 75 },
    { label: 'Baik', above: 65 },
    { label: 'Cukup Baik', above: 50 },
    { label: 'Agak Kurang', above: 30 },
    { label: 'Kurang', atLeast: 0 },
  ],
};
// Posted with the cap mistyped as 120; corrected to 110 before anything is evaluated.
const POSTED_RULES = { lowerIsBetter: 'inverse', cap: 120, scale: SIX_LEVELS };
const DEFAULTS_KEPT = { quarterAggregation: 'by_unit', indicatorWeighting: 'when_given' };

// Every quarter has already ended (each opens as soon as the PK is signed); every due date that
// could escalate is a day away, so nothing waits on a clock.
const DAY = 86_400_000;
const past = (days: number) => new Date(Date.now() - days * DAY).toISOString();
const ahead = new Date(Date.now() + DAY).toISOString();
const calendar = {
  overrides: {
    draft: ahead, review: ahead, sign: ahead, evaluation: ahead,
    ...Object.fromEntries([4, 3, 2, 1].flatMap((daysAgo, i) => [[`quarter:Q${i + 1}`, past(daysAgo)], [`report:Q${i + 1}`, ahead], [`verify:Q${i + 1}`, ahead]])),
  },
};

const parent = 'IKU-kesehatan';
const content = {
  objectives: [{
    text: 'Meningkatnya derajat kesehatan masyarakat',
    indicators: [
      { id: 'aki', name: 'Angka Kematian Ibu', unit: 'per 100.000 KH', direction: 'down', target: 170, aggregation: 'last', parentIndicatorId: parent },
      { id: 'imunisasi', name: 'Cakupan imunisasi dasar lengkap', unit: '%', direction: 'up', target: 100, aggregation: 'last', parentIndicatorId: parent },
      { id: 'akb', name: 'Angka Kematian Bayi', unit: 'per 1.000 KH', direction: 'down', target: 12, aggregation: 'last', parentIndicatorId: parent },
      { id: 'akreditasi', name: 'Puskesmas terakreditasi paripurna', unit: '%', direction: 'up', target: 50, aggregation: 'last', parentIndicatorId: parent },
    ],
  }],
  budget: [{ program: 'Program Pemenuhan Upaya Kesehatan Perorangan dan Masyarakat', amount: 4_000_000_000 }],
};
// Reported each quarter; the indicators are levels ("last"), so the year is Triwulan IV's value.
const REALISASI: Record<string, number> = { aki: 200, imunisasi: 85.01, akb: 8, akreditasi: 15 };
const SPENT_PER_QUARTER = 800_000_000;

// By hand, the domain's achievement formulas with this region's rules (target / realisasi, cap 110):
//   aki (lower is better):        170 / 200 × 100 = 85        → not "> 85": Sangat Baik
//   imunisasi (higher is better): 85.01 / 100 × 100 = 85.01  → "> 85": Memuaskan
//   akb (lower is better):        12 / 8 × 100 = 150 → capped at 110 → Memuaskan
//                                 (the default reflected formula would give (2×12 − 8) / 12 × 100 = 133.33, cap 120)
//   akreditasi:                   15 / 50 × 100 = 30          → not "> 30": Kurang
//   PK score: (85 + 85.01 + 110 + 30) / 4 = 310.01 / 4 = 77.5025 → "> 75", ≤ 85: Sangat Baik
//   serapan: 4 × 800,000,000 / 4,000,000,000 × 100 = 80 %; efficiency 77.5025 − 80 = −2.4975
const EXPECTED = [
  { indicatorId: 'aki', capaian: 85, category: 'Sangat Baik' },
  { indicatorId: 'imunisasi', capaian: 85.01, category: 'Memuaskan' },
  { indicatorId: 'akb', capaian: 110, category: 'Memuaskan' },
  { indicatorId: 'akreditasi', capaian: 30, category: 'Kurang' },
];
const SCORE = (85 + 85.01 + 110 + 30) / 4;

let stack: Stack;
let call: ReturnType<typeof client>;
let t: ReturnType<typeof tokens>;

beforeAll(async () => {
  stack = await startStack();
  call = client(stack.baseUrl);
  t = tokens(stack.config.KINERJA_SECRET);
});
afterAll(async () => stack?.stop());

const ok = (r: Reply) => {
  if (r.status >= 300) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};
const prompted = (token: string, task: string) =>
  waitFor(() => call('GET', '/api/me/tasks', { token }), (r) => r.body.items?.some((i: any) => i.agreementId === dinkes && i.task === task), 120_000);
const stored = async () => ({
  organisations: (await stack.db.query('SELECT count(*)::int AS n FROM organisations WHERE id = $1', [ORG])).rows[0].n,
  cycles: (await stack.db.query('SELECT count(*)::int AS n FROM cycles WHERE organisation_id = $1', [ORG])).rows[0].n,
});

test('invalid rules are 422 with the path of each problem, and nothing is stored', async () => {
  const bands = structuredClone(SIX_LEVELS.bands) as any[];
  bands[2] = { label: 'Baik', above: '65' }; // a string where a number belongs
  bands[3] = { label: 'Cukup Baik', above: 50, atLeast: 50 }; // two bounds
  const reply = await call('POST', '/api/cycles', {
    token: t.admin,
    body: { import: org, calendar, rules: { lowerIsBetter: 'target/realisasi', cap: -1, scale: { name: 'enam-tingkat', bands }, capp: 110 } },
  });
  expect(reply.status).toBe(422);
  expect(reply.body.code).toBe('invalid_data');
  expect(reply.body.problems.map((p: any) => [p.path, p.code])).toEqual(expect.arrayContaining([
    ['/rules/lowerIsBetter', 'invalid_value'],
    ['/rules/cap', 'too_small'],
    ['/rules/scale/bands/2/above', 'invalid_type'],
    ['/rules/scale/bands/3/above', 'invalid_band_bound'],
    ['/rules', 'unrecognized_keys'],
  ]));
  // a misspelt wrapper key is not dropped silently either
  const misspelt = await call('POST', '/api/cycles', { token: t.admin, body: { import: org, calendar, rule: POSTED_RULES } });
  expect(misspelt.status).toBe(422);
  expect(misspelt.body.problems).toEqual([expect.objectContaining({ path: '/rule', code: 'unrecognized_keys' })]);
  expect(await stored()).toEqual({ organisations: 0, cycles: 0 });
});

test('the OpenAPI document shows the import body with calendar and rules, and the rules change', async () => {
  const doc = ok(await call('GET', '/api/openapi.json'));
  const shapes = doc.paths['/api/cycles'].post.requestBody.content['application/json'].schema.anyOf;
  for (const shape of shapes) expect(Object.keys(shape.properties)).toEqual(expect.arrayContaining(['calendar', 'rules']));
  expect(Object.keys(shapes[0].properties.rules.properties.scale.properties.bands.items.properties)).toEqual(expect.arrayContaining(['label', 'atLeast', 'above']));
  const change = doc.paths['/api/cycles/{cycleId}/rules'].patch;
  expect(change['x-kinerja-access']).toEqual({ kind: 'roles', roles: ['admin'] });
  expect(change.requestBody.content['application/json'].schema.properties.cap).toBeDefined();
  // the three downloads answer JSON, CSV or XLSX, and say so (the fuzzer checks answers against this)
  for (const path of ['/api/cycles/{cycleId}/report', '/api/cycles/{cycleId}/gaps', '/api/cycles/{cycleId}/ratings']) {
    expect([path, Object.keys(doc.paths[path].get.responses['200'].content)]).toEqual([path, ['application/json', 'text/csv', XLSX_TYPE]]);
  }
});

test('a region’s rules: posted, read back, corrected (audited), then every score uses them; frozen after the first evaluation', async () => {
  // Posted with the cycle; GET shows them complete (what was left out has the default of domain/rules.ts).
  const posted = await call('POST', '/api/cycles', { token: t.admin, body: { import: org, calendar, rules: POSTED_RULES } });
  expect(posted.status).toBe(201);
  const cycle = ok(await call('GET', `/api/cycles/${enc(cycleId)}`, { token: t.evaluator }));
  expect(cycle.rules).toMatchObject({ ...POSTED_RULES, ...DEFAULTS_KEPT });
  // The same body again is the same cycle; other rules are another import, refused.
  expect((await call('POST', '/api/cycles', { token: t.admin, body: { import: org, calendar, rules: POSTED_RULES } })).status).toBe(200);
  const other = await call('POST', '/api/cycles', { token: t.admin, body: { import: org, calendar, rules: { ...POSTED_RULES, cap: 100 } } });
  expect([other.status, other.body.code]).toEqual([409, 'cycle_exists']);

  // The administrator corrects the cap. A wrong change is 422 with its path and changes nothing.
  const wrong = await call('PATCH', `/api/cycles/${enc(cycleId)}/rules`, { token: t.admin, body: { scale: { name: 'x', bands: [{ label: 'A', atLeast: 0 }, { label: 'B', above: 50 }, { label: 'C', above: 'banyak' }] } } });
  expect([wrong.status, wrong.body.problems?.map((p: any) => p.path)]).toEqual([422, ['/scale/bands/2/above']]);
  expect((await call('PATCH', `/api/cycles/${enc(cycleId)}/rules`, { token: t.evaluator, body: { cap: 110 } })).status).toBe(403);
  const changed = ok(await call('PATCH', `/api/cycles/${enc(cycleId)}/rules`, { token: t.admin, body: { cap: 110 } }));
  expect(changed).toMatchObject({ changed: true, rules: { ...POSTED_RULES, cap: 110 } });
  expect(ok(await call('GET', `/api/cycles/${enc(cycleId)}`, { token: t.admin })).rules).toMatchObject({ ...POSTED_RULES, cap: 110 });
  const audit = ok(await call('GET', `/api/cycles/${enc(cycleId)}/audit`, { token: t.evaluator }));
  expect(audit.chain).toMatchObject({ ok: true, rows: 2 });
  expect(audit.items).toEqual([expect.objectContaining({ action: 'cycle.imported', actor: 'admin:admin-test' }), expect.objectContaining({
    action: 'cycle.rules_changed', actor: 'admin:admin-test',
    data: { old: expect.objectContaining({ cap: 120 }), new: expect.objectContaining({ cap: 110, lowerIsBetter: 'inverse' }) },
  })]);

  // The PK's year: drafted, reviewed, signed by both, four quarters reported and verified.
  const head = t.official(nipOf(org, 'kepala-dinkes'));
  const bupati = t.official(BUPATI_NIP);
  await prompted(head, 'draft');
  ok(await call('PUT', `/api/agreements/${enc(dinkes)}/draft`, { token: head, body: content }));
  ok(await call('POST', `/api/agreements/${enc(dinkes)}/submit`, { token: head }));
  await prompted(bupati, 'review');
  ok(await call('POST', `/api/agreements/${enc(dinkes)}/review/approve`, { token: bupati }));
  await prompted(head, 'sign:first');
  ok(await call('POST', `/api/agreements/${enc(dinkes)}/sign`, { token: head, body: { passphrase: passphraseFor(nipOf(org, 'kepala-dinkes')) } }));
  await prompted(bupati, 'sign:second');
  ok(await call('POST', `/api/agreements/${enc(dinkes)}/sign`, { token: bupati, body: { passphrase: passphraseFor(BUPATI_NIP) } }));
  const realizations = Object.entries(REALISASI).map(([indicatorId, value]) => ({ indicatorId, value }));
  for (const quarter of [1, 2, 3, 4]) {
    await prompted(head, 'report');
    ok(await call('POST', `/api/agreements/${enc(dinkes)}/realizations/${quarter}`, { token: head, body: { realizations, budgetSpent: [SPENT_PER_QUARTER] } }));
    await prompted(bupati, 'verify');
    ok(await call('POST', `/api/agreements/${enc(dinkes)}/realizations/${quarter}/verify`, { token: bupati }));
  }

  // The page's live capaian: it computes with domain/achievement.ts and predicates.ts (served as
  // /lib/*.js, web/js/capaian.js) from the rules `…/realizations` gives it; the same call here.
  const page = ok(await call('GET', `/api/agreements/${enc(dinkes)}/realizations`, { token: head }));
  expect(page.rules).toMatchObject({ lowerIsBetter: 'inverse', cap: 110, scale: SIX_LEVELS });
  const values = (id: string) => page.quarters.map((q: any) => q.realizations.find((r: any) => r.indicatorId === id)?.value ?? null);
  const live = content.objectives[0].indicators.map((indicator: any) => {
    const year = yearAchievement(indicator, values(indicator.id), { lowerIsBetter: page.rules.lowerIsBetter, cap: page.rules.cap }, page.rules.quarterAggregation);
    return { indicatorId: indicator.id, capaian: year.achievement.capaian, category: categorize(year.achievement.capaian, page.rules.scale) };
  });
  expect(live).toEqual(EXPECTED);

  // The evaluation is computed when Triwulan IV is verified: from then on the rules are frozen.
  await prompted(t.evaluator, 'evaluate');
  const frozen = await call('PATCH', `/api/cycles/${enc(cycleId)}/rules`, { token: t.admin, body: { cap: 120 } });
  expect([frozen.status, frozen.body.code]).toEqual([409, 'rules_frozen']);
  expect(ok(await call('GET', `/api/cycles/${enc(cycleId)}`, { token: t.admin })).rules.cap).toBe(110);
  expect(ok(await call('GET', `/api/cycles/${enc(cycleId)}/audit`, { token: t.admin })).items).toHaveLength(2);

  // The dashboard (capaian to date per unit, its category, the distribution).
  const dashboard = ok(await call('GET', `/api/cycles/${enc(cycleId)}/achievement`, { token: t.evaluator }));
  expect(dashboard.scale.bands.map((b: any) => b.label)).toEqual(['Memuaskan', 'Sangat Baik', 'Baik', 'Cukup Baik', 'Agak Kurang', 'Kurang']);
  const dinkesUnit = dashboard.units.find((u: any) => u.unitId === 'dinkes');
  expect(dinkesUnit.achievement).toBeCloseTo(SCORE, 6); // 77.5025
  expect(dinkesUnit).toMatchObject({ category: 'Sangat Baik', absorption: 80 });
  expect(dashboard.categories).toEqual({ 'Sangat Baik': 1 });

  // The evaluation team closes the PK: per indicator and the score, as computed by hand.
  const evaluated = ok(await call('POST', `/api/agreements/${enc(dinkes)}/evaluation`, { token: t.evaluator, body: { adjustments: [], close: true } }));
  expect(evaluated.indicators.map((i: any) => ({ indicatorId: i.indicatorId, capaian: i.computed, category: i.category }))).toEqual(EXPECTED);
  expect(evaluated.score).toBeCloseTo(SCORE, 6);
  expect(evaluated).toMatchObject({ predicate: 'Sangat Baik', absorption: 80 });
  expect(evaluated.efficiency).toBeCloseTo(SCORE - 80, 6); // −2.4975
  await waitFor(() => call('GET', `/api/agreements/${enc(dinkes)}`, { token: t.evaluator }), (r) => r.body.phase === 'closed', 60_000);

  // The cycle report, JSON and CSV: the unit's average (two decimals) and predicate on this scale.
  const report = ok(await call('GET', `/api/cycles/${enc(cycleId)}/report`, { token: t.evaluator }));
  expect(report.units.find((u: any) => u.unitId === 'dinkes')).toMatchObject({
    agreements: 1, scored: 1, averageScore: 77.5, predicate: 'Sangat Baik', predicates: { 'Sangat Baik': 1 }, budget: 4_000_000_000, spent: 3_200_000_000, absorption: 80,
  });
  const csv = await call('GET', `/api/cycles/${enc(cycleId)}/report?format=csv`, { token: t.evaluator });
  const lines = String(csv.body).trim().split('\r\n');
  expect(lines[0]).toBe('unit_id,unit_name,agreements,scored,average_score,predicate,predicate_Sangat Baik,budget_rp,spent_rp,absorption_percent');
  const unitName = org.units.find((u: any) => u.id === 'dinkes').name;
  expect(lines).toContain(`dinkes,${unitName},1,1,77.5,Sangat Baik,1,4000000000,3200000000,80`);

  // The same report as the evaluation team downloads it for Excel: Indonesian headers, the JSON's
  // rows and values, numbers as numeric cells with their formats (Excel in an Indonesian locale
  // shows them as 4.000.000.000 and 77,50), a bold frozen header and columns wide enough.
  const xlsx = await downloadXlsx(stack.baseUrl, `/api/cycles/${enc(cycleId)}/report?format=xlsx`, t.evaluator);
  expect([xlsx.status, xlsx.headers.get('content-type'), xlsx.headers.get('content-disposition')])
    .toEqual([200, XLSX_TYPE, `attachment; filename="laporan-${ORG}-${YEAR}.xlsx"`]);
  expect(xlsx.sheet.name).toBe('Laporan per unit');
  expect(xlsx.header).toEqual(['Kode unit', 'Nama unit', 'Jumlah PK', 'PK dinilai', 'Rata-rata nilai (%)', 'Predikat', 'PK Sangat Baik', 'Pagu (Rp)', 'Realisasi anggaran (Rp)', 'Serapan (%)']);
  expect(xlsx.rows).toEqual(report.units.map((u: any) => ({
    'Kode unit': u.unitId, 'Nama unit': u.unitName, 'Jumlah PK': u.agreements, 'PK dinilai': u.scored, 'Rata-rata nilai (%)': u.averageScore,
    Predikat: u.predicate, 'PK Sangat Baik': u.predicates['Sangat Baik'] ?? 0, 'Pagu (Rp)': u.budget, 'Realisasi anggaran (Rp)': u.spent, 'Serapan (%)': u.absorption,
  })));
  const cell = (header: string) => xlsx.cell('Kode unit', 'dinkes', header);
  expect([cell('Nama unit').value, cell('Predikat').value]).toEqual([unitName, 'Sangat Baik']);
  expect(['Jumlah PK', 'PK Sangat Baik', 'Pagu (Rp)', 'Realisasi anggaran (Rp)', 'Rata-rata nilai (%)', 'Serapan (%)'].map((h) => [h, cell(h).type, cell(h).value, cell(h).numFmt])).toEqual([
    ['Jumlah PK', ExcelJS.ValueType.Number, 1, '0'],
    ['PK Sangat Baik', ExcelJS.ValueType.Number, 1, '0'],
    ['Pagu (Rp)', ExcelJS.ValueType.Number, 4_000_000_000, '#,##0'],
    ['Realisasi anggaran (Rp)', ExcelJS.ValueType.Number, 3_200_000_000, '#,##0'],
    ['Rata-rata nilai (%)', ExcelJS.ValueType.Number, 77.5, '0.00'],
    ['Serapan (%)', ExcelJS.ValueType.Number, 80, '0.00'],
  ]);
  expect(xlsx.sheet.getRow(1).getCell(1).font?.bold).toBe(true);
  expect(xlsx.sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
  expect(xlsx.sheet.getColumn(2).width).toBeGreaterThanOrEqual(Math.min(60, unitName.length));
  expect(xlsx.sheet.getColumn(8).width).toBeGreaterThanOrEqual('4.000.000.000'.length);

  // who may not read the CSV may not read the XLSX; a format the API does not write is a clear 400
  expect((await call('GET', `/api/cycles/${enc(cycleId)}/report?format=csv`, { token: head })).status).toBe(403);
  expect((await downloadXlsx(stack.baseUrl, `/api/cycles/${enc(cycleId)}/report?format=xlsx`, head)).status).toBe(403);
  const unknown = await call('GET', `/api/cycles/${enc(cycleId)}/report?format=xls`, { token: t.evaluator });
  expect([unknown.status, unknown.body.code, unknown.body.problems?.[0]?.path]).toEqual([400, 'invalid_query', '/format']);
});
