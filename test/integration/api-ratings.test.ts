// Each official's predikat through the API: the Kepala Dinas and two of their staff are brought to
// evaluation (the head's PK scores 80: "Baik"); the Kepala Dinas, pejabat penilai of both, sees
// the hasil kerja proposed from each capaian and rates them; the predikat follows the matrix.
// Both rated "Baik" break the bounds of a "Baik" unit (at most 70% Baik, at least one Butuh
// Perbaikan/Kurang): closing is 409 naming the bound until the evaluation team accepts the
// exception with a written reason, which is audited; a closed unit's ratings no longer change.
// A unit whose head's PK is not evaluated yet does not close (409 unit_not_evaluated), reason or not.
import type { Stack } from '../support/stack';
import { startStack } from '../support/stack';
import { BUPATI_NIP, client, enc, nipOf, tokens, waitFor, type Reply } from '../support/api-client';
import { sampleOrganisation } from '../support/time-skipping';
import { endedYearCalendar, levelIndicators, toEvaluation } from '../support/evaluation';
import { employeePredikat, type Expectation } from '../../domain/predicates';
import { BERAKHLAK } from '../../domain/employee-rating';
import ExcelJS from 'exceljs';
import { downloadXlsx, XLSX_TYPE } from '../support/xlsx-download';

jest.setTimeout(480_000);

const ORG = 'kab-predikat';
const YEAR = new Date().getFullYear();
const STAFF = ['dinkes-e3-1', 'dinkes-e3-2'];
const org: any = sampleOrganisation(ORG, YEAR, STAFF);
org.positions.find((p: any) => p.id === 'bupati').official.nip = BUPATI_NIP;
levelIndicators(org, ['kepala-dinkes', ...STAFF]);
const cycleId = `cycle:${ORG}:${YEAR}`;
const pk = (position: string) => `pk:${ORG}:${YEAR}:${position}`;

// Every indicator is "lower is better" (reflected): capaian = (2 × target − realisasi) / target × 100.
const capaianOf = (percent: number) => (i: any) => (i.target * (200 - percent)) / 100;

let stack: Stack;
let call: ReturnType<typeof client>;
let t: ReturnType<typeof tokens>;
let head: string;

const ok = (r: Reply) => {
  if (r.status >= 300) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};
const perilaku = (atas: number, bawah = 0) =>
  Object.fromEntries(BERAKHLAK.map((v, i) => [v, { expectation: i < atas ? 'di_atas' : i >= 7 - bawah ? 'di_bawah' : 'sesuai', note: `catatan ${v}` }]));

beforeAll(async () => {
  stack = await startStack();
  call = client(stack.baseUrl);
  t = tokens(stack.config.KINERJA_SECRET);
  head = t.official(nipOf(org, 'kepala-dinkes'));
  ok(await call('POST', '/api/cycles', { token: t.admin, body: { import: org, calendar: endedYearCalendar() } }));
  await waitFor(() => call('GET', `/api/cycles/${enc(cycleId)}`, { token: t.admin }), (r) => r.body.status === 'running');
  // the head's PK at 80 (Baik); once it is signed, its staff draft theirs: 80 and 105
  let staffDone!: Promise<string[]>;
  await toEvaluation(call, t.evaluator, t.official, org, 'kepala-dinkes', 'bupati', capaianOf(80), () => {
    staffDone = Promise.all([
      toEvaluation(call, t.evaluator, t.official, org, 'dinkes-e3-1', 'kepala-dinkes', capaianOf(80)),
      toEvaluation(call, t.evaluator, t.official, org, 'dinkes-e3-2', 'kepala-dinkes', capaianOf(105)),
    ]);
  });
  await staffDone;
});
afterAll(async () => stack?.stop());

test('the pejabat penilai sees hasil kerja proposed from the capaian; no one else rates', async () => {
  const first = ok(await call('GET', `/api/agreements/${enc(pk('dinkes-e3-1'))}/rating`, { token: head }));
  expect(first).toMatchObject({ capaian: 80, proposal: 'sesuai', callerIsRater: true, rateable: true, rating: null, raterPositionId: 'kepala-dinkes' });
  expect(first.coreValues).toEqual([...BERAKHLAK]);
  const second = ok(await call('GET', `/api/agreements/${enc(pk('dinkes-e3-2'))}/rating`, { token: head }));
  expect(second).toMatchObject({ capaian: 105, proposal: 'di_atas' });
  // the official themself is not their own rater; a colleague is not either
  const own = t.official(nipOf(org, 'dinkes-e3-1'));
  expect(ok(await call('GET', `/api/agreements/${enc(pk('dinkes-e3-1'))}/rating`, { token: own })).callerIsRater).toBe(false);
  const self = await call('PUT', `/api/agreements/${enc(pk('dinkes-e3-1'))}/rating`, { token: own, body: { hasilKerja: 'di_atas', perilaku: perilaku(7) } });
  expect([self.status, self.body.code]).toEqual([403, 'not_rater']);
  // an incomplete rating is 422 with the path of each missing value, and stores nothing
  const partial = await call('PUT', `/api/agreements/${enc(pk('dinkes-e3-1'))}/rating`, { token: head, body: { hasilKerja: 'luar_biasa', perilaku: { akuntabel: { expectation: 'sesuai' } } } });
  expect(partial.status).toBe(422);
  expect(partial.body.problems.map((p: any) => p.path)).toEqual(expect.arrayContaining(['/hasilKerja', '/perilaku/berorientasi_pelayanan', '/perilaku/kolaboratif']));
  expect((await stack.db.query('SELECT count(*)::int AS n FROM employee_ratings WHERE cycle_id = $1', [cycleId])).rows[0].n).toBe(0);
});

test('the predikat follows the matrix (hasil kerja × perilaku from the seven values), each rating audited', async () => {
  // [hasil kerja, values di atas, values di bawah] → overall perilaku: ≥ 4 di bawah: di bawah; ≥ 4 di atas and none di bawah: di atas; else sesuai
  const cases: Array<[Expectation, number, number, Expectation]> = [
    ['di_atas', 4, 0, 'di_atas'], // Sangat Baik
    ['di_atas', 4, 1, 'sesuai'], // Baik: one value below keeps behaviour from being above
    ['sesuai', 0, 4, 'di_bawah'], // Kurang
    ['di_bawah', 7, 0, 'di_atas'], // Butuh Perbaikan
    ['di_bawah', 0, 5, 'di_bawah'], // Sangat Kurang
    ['sesuai', 0, 0, 'sesuai'], // Baik (kept)
  ];
  for (const [hasilKerja, atas, bawah, overall] of cases) {
    const saved = ok(await call('PUT', `/api/agreements/${enc(pk('dinkes-e3-1'))}/rating`, { token: head, body: { hasilKerja, perilaku: perilaku(atas, bawah) } }));
    expect([saved.hasilKerja, saved.perilaku, saved.predikat]).toEqual([hasilKerja, overall, employeePredikat(hasilKerja, overall)]);
    expect(saved).toMatchObject({ capaian: 80, hasilKerjaProposed: 'sesuai', raterId: nipOf(org, 'kepala-dinkes') });
    expect(saved.perilakuValues.akuntabel.note).toBe('catatan akuntabel');
  }
  const audit = await stack.db.query(`SELECT data FROM audit_log WHERE agreement_id = $1 AND action = 'rating.saved' ORDER BY seq`, [pk('dinkes-e3-1')]);
  expect(audit.rows.map((r) => r.data.predikat)).toEqual(['Sangat Baik', 'Baik', 'Kurang', 'Butuh Perbaikan', 'Sangat Kurang', 'Baik']);
});

test('two staff rated Baik break a Baik unit\'s bounds: closing is 409 naming them until the evaluation team accepts an exception with a reason', async () => {
  ok(await call('PUT', `/api/agreements/${enc(pk('dinkes-e3-2'))}/rating`, { token: head, body: { hasilKerja: 'di_atas', perilaku: perilaku(3) } }));
  const unit = ok(await call('GET', `/api/cycles/${enc(cycleId)}/units/dinkes/ratings`, { token: head }));
  expect(unit).toMatchObject({ unitPredicate: 'Baik', rated: 2, counts: { Baik: 2 }, closed: null, head: { positionId: 'kepala-dinkes' } });
  expect(unit.staff.map((s: any) => [s.positionId, s.predikat])).toEqual([['dinkes-e3-1', 'Baik'], ['dinkes-e3-2', 'Baik']]);
  expect(unit.violations.map((v: any) => [v.predikats, v.kind, v.limit, v.actual])).toEqual([
    [['Baik'], 'above_max', 0.7, 1],
    [['Butuh Perbaikan', 'Kurang'], 'below_min_count', 1, 0],
  ]);
  expect(unit.blockers.map((b: any) => b.code)).toEqual(['distribution_violated']);
  // the dashboard's summary carries the same per unit
  const all = ok(await call('GET', `/api/cycles/${enc(cycleId)}/ratings`, { token: t.evaluator }));
  expect(all.units.find((u: any) => u.unitId === 'dinkes')).toMatchObject({ unitPredicate: 'Baik', staff: 2, rated: 2, counts: { Baik: 2 } });

  const close = (body: unknown, token = t.evaluator) => call('POST', `/api/cycles/${enc(cycleId)}/units/dinkes/ratings/close`, { token, body });
  expect((await close({}, head)).status).toBe(403);
  const refused = await close({});
  expect([refused.status, refused.body.code]).toEqual([409, 'distribution_violated']);
  expect(refused.body.detail).toContain('at most 70% of staff Baik; it rates 100%');
  expect(refused.body.detail).toContain('at least 1 staff Butuh Perbaikan/Kurang; it rates 0');
  expect(refused.body.violations).toHaveLength(2);
  const blank = await close({ exceptionReason: '  ' });
  expect([blank.status, blank.body.problems?.[0]?.path]).toEqual([422, '/exceptionReason']);
  expect((await stack.db.query('SELECT count(*)::int AS n FROM unit_rating_closures WHERE cycle_id = $1', [cycleId])).rows[0].n).toBe(0);

  const reason = 'Kedua pejabat administrator memenuhi target pelayanan; disetujui tim penilai kinerja.';
  const closed = ok(await close({ exceptionReason: reason }));
  expect(closed.closed).toMatchObject({ by: 'evaluator:evaluator-test', exceptionReason: reason });
  expect(closed.closed.violations).toHaveLength(2);
  const audit = ok(await call('GET', `/api/cycles/${enc(cycleId)}/audit`, { token: t.evaluator }));
  expect(audit.chain.ok).toBe(true);
  expect(audit.items).toEqual(expect.arrayContaining([expect.objectContaining({
    action: 'unit.ratings_closed', actor: 'evaluator:evaluator-test',
    data: expect.objectContaining({ unitId: 'dinkes', unitPredicate: 'Baik', exceptionReason: reason, distribution: { Baik: 2 } }),
  })]));

  // closed: the ratings stand, and a second close is refused
  const late = await call('PUT', `/api/agreements/${enc(pk('dinkes-e3-2'))}/rating`, { token: head, body: { hasilKerja: 'di_bawah', perilaku: perilaku(0) } });
  expect([late.status, late.body.code]).toEqual([409, 'ratings_closed']);
  expect((await close({})).body.code).toBe('ratings_closed');
});

test('the CSV of officials carries each official\'s predikat', async () => {
  const csv = await call('GET', `/api/cycles/${enc(cycleId)}/ratings?format=csv`, { token: t.admin });
  expect(csv.status).toBe(200);
  expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
  const lines = String(csv.body).trim().split('\r\n');
  expect(lines[0]).toBe('position_id,title,unit_id,unit_name,official_id,nip,name,rater_position_id,phase,capaian,pk_predicate,hasil_kerja,perilaku,predikat');
  const row = (id: string) => lines.find((l) => l.startsWith(`${id},`))!.split(',');
  expect(row('dinkes-e3-1').slice(-5)).toEqual(['80', 'Baik', 'sesuai', 'sesuai', 'Baik']);
  expect(row('dinkes-e3-2').slice(-5)).toEqual(['105', 'Sangat Baik', 'di_atas', 'sesuai', 'Baik']);
  expect(row('kepala-dinkes').slice(-3)).toEqual(['', '', '']);
});

test('the officials\' predikats as the evaluation team downloads them for Excel: hasil kerja and perilaku in words, the JSON\'s rows; officials may not', async () => {
  const json = ok(await call('GET', `/api/cycles/${enc(cycleId)}/ratings`, { token: t.admin }));
  const xlsx = await downloadXlsx(stack.baseUrl, `/api/cycles/${enc(cycleId)}/ratings?format=xlsx`, t.admin);
  expect([xlsx.status, xlsx.headers.get('content-type'), xlsx.headers.get('content-disposition')])
    .toEqual([200, XLSX_TYPE, `attachment; filename="predikat-pegawai-${ORG}-${YEAR}.xlsx"`]);
  expect(xlsx.sheet.name).toBe('Predikat pegawai');
  expect(xlsx.header).toEqual(['Kode jabatan', 'Jabatan', 'Kode unit', 'Nama unit', 'ID pejabat', 'NIP', 'Nama pejabat', 'Kode jabatan penilai',
    'Tahap PK', 'Capaian PK (%)', 'Predikat PK', 'Hasil kerja', 'Perilaku kerja', 'Predikat pegawai']);
  expect(xlsx.rows.map((r) => r['Kode jabatan'])).toEqual(json.officials.map((o: any) => o.positionId));
  const row = (id: string) => xlsx.rows.find((r) => r['Kode jabatan'] === id)!;
  const pick = (r: Record<string, unknown>) => ['Tahap PK', 'Capaian PK (%)', 'Predikat PK', 'Hasil kerja', 'Perilaku kerja', 'Predikat pegawai'].map((h) => r[h]);
  // the phase as the page's badges name it (web/js/format.js PHASE)
  const phase = (id: string) => ({ evaluation: 'Evaluasi', closed: 'Selesai' } as Record<string, string>)[json.officials.find((o: any) => o.positionId === id).phase];
  expect(pick(row('dinkes-e3-1'))).toEqual([phase('dinkes-e3-1'), 80, 'Baik', 'Sesuai ekspektasi', 'Sesuai ekspektasi', 'Baik']);
  expect(pick(row('dinkes-e3-2'))).toEqual([phase('dinkes-e3-2'), 105, 'Sangat Baik', 'Di atas ekspektasi', 'Sesuai ekspektasi', 'Baik']);
  expect(phase('dinkes-e3-1')).toEqual(expect.any(String));
  expect(pick(row('kepala-dinkes')).slice(-3)).toEqual([null, null, null]);
  // the NIP stays its 18 digits (text, not a number Excel would round); capaian a numeric cell
  const staff = json.officials.find((o: any) => o.positionId === 'dinkes-e3-2');
  const nip = xlsx.cell('Kode jabatan', 'dinkes-e3-2', 'NIP');
  expect([nip.type, nip.value, nip.numFmt]).toEqual([ExcelJS.ValueType.String, staff.nip, '@']);
  expect(row('dinkes-e3-2')).toMatchObject({ 'Nama pejabat': staff.name, 'Nama unit': staff.unitName, 'Kode jabatan penilai': 'kepala-dinkes' });
  const capaian = xlsx.cell('Kode jabatan', 'dinkes-e3-2', 'Capaian PK (%)');
  expect([capaian.type, capaian.value, capaian.numFmt]).toEqual([ExcelJS.ValueType.Number, staff.capaian, '0.00']);

  expect((await call('GET', `/api/cycles/${enc(cycleId)}/ratings?format=csv`, { token: head })).status).toBe(403);
  expect((await downloadXlsx(stack.baseUrl, `/api/cycles/${enc(cycleId)}/ratings?format=xlsx`, head)).status).toBe(403);
});

test('an official sees the unit\'s aggregates, but by name only their own predikat and those below them; the head and the evaluation team see all', async () => {
  const staffOf = (unit: any) => unit.staff.map((s: any) => [s.positionId, s.predikat]);
  const own = t.official(nipOf(org, 'dinkes-e3-1'));
  const colleague = org.positions.find((p: any) => p.id === 'dinkes-e3-2').official;
  // a staff official: their own row, the unit's counts and broken bounds, not their colleague's name or predikat
  const unit = ok(await call('GET', `/api/cycles/${enc(cycleId)}/units/dinkes/ratings`, { token: own }));
  expect(staffOf(unit)).toEqual([['dinkes-e3-1', 'Baik']]);
  expect(unit).toMatchObject({ unitPredicate: 'Baik', staffTotal: 2, rated: 2, counts: { Baik: 2 } });
  expect(unit.violations).toHaveLength(2);
  expect(JSON.stringify(unit)).not.toContain(colleague.name);
  expect(JSON.stringify(unit)).not.toContain('dinkes-e3-2');
  // the same through their own PK's rating
  const rating = ok(await call('GET', `/api/agreements/${enc(pk('dinkes-e3-1'))}/rating`, { token: own }));
  expect(staffOf(rating.unit)).toEqual([['dinkes-e3-1', 'Baik']]);
  expect(rating.unit.counts).toEqual({ Baik: 2 });
  expect(JSON.stringify(rating)).not.toContain(colleague.name);
  // the head (pejabat penilai of both) and the evaluation team: every staff row
  const both = [['dinkes-e3-1', 'Baik'], ['dinkes-e3-2', 'Baik']];
  expect(staffOf(ok(await call('GET', `/api/cycles/${enc(cycleId)}/units/dinkes/ratings`, { token: head })))).toEqual(both);
  expect(staffOf(ok(await call('GET', `/api/agreements/${enc(pk('dinkes-e3-1'))}/rating`, { token: head })).unit)).toEqual(both);
  expect(staffOf(ok(await call('GET', `/api/cycles/${enc(cycleId)}/units/dinkes/ratings`, { token: t.evaluator })))).toEqual(both);
  expect(staffOf(ok(await call('GET', `/api/agreements/${enc(pk('dinkes-e3-1'))}/rating`, { token: t.admin })).unit)).toEqual(both);
});

test('a staff official sees which position heads the unit, but not the id or phase of the head\'s PK, which no route lets them open; the head and the evaluation team see both', async () => {
  const own = t.official(nipOf(org, 'dinkes-e3-1'));
  const headPk = pk('kepala-dinkes');
  // the evidence that the head's PK is not the staff official's to read: every read of it is 403
  for (const path of ['', '/rating', '/history', '/documents', '/realizations']) {
    expect([path, (await call('GET', `/api/agreements/${enc(headPk)}${path}`, { token: own })).status]).toEqual([path, 403]);
  }
  const listed = ok(await call('GET', `/api/agreements?cycle=${enc(cycleId)}`, { token: own }));
  expect(listed.items.map((a: any) => a.id)).toEqual([pk('dinkes-e3-1')]);
  // … so neither does the unit's distribution carry it: the head's position, not its PK's id or phase
  const hidden = { positionId: 'kepala-dinkes', agreementId: null, phase: null };
  const unit = ok(await call('GET', `/api/cycles/${enc(cycleId)}/units/dinkes/ratings`, { token: own }));
  expect(unit.head).toEqual(hidden);
  expect(JSON.stringify(unit)).not.toContain(headPk);
  const rating = ok(await call('GET', `/api/agreements/${enc(pk('dinkes-e3-1'))}/rating`, { token: own }));
  expect(rating.unit.head).toEqual(hidden);
  expect(JSON.stringify(rating)).not.toContain(headPk);
  // the head and the evaluation team, who read the head's PK, see its id and phase
  const headPhase = ok(await call('GET', `/api/agreements/${enc(headPk)}`, { token: head })).phase;
  expect(headPhase).toEqual(expect.any(String));
  const shown = { positionId: 'kepala-dinkes', agreementId: headPk, phase: headPhase };
  expect(ok(await call('GET', `/api/cycles/${enc(cycleId)}/units/dinkes/ratings`, { token: head })).head).toEqual(shown);
  expect(ok(await call('GET', `/api/agreements/${enc(pk('dinkes-e3-1'))}/rating`, { token: head })).unit.head).toEqual(shown);
  expect(ok(await call('GET', `/api/cycles/${enc(cycleId)}/units/dinkes/ratings`, { token: t.evaluator })).head).toEqual(shown);
  expect(ok(await call('GET', `/api/agreements/${enc(pk('dinkes-e3-1'))}/rating`, { token: t.admin })).unit.head).toEqual(shown);
});

test('in a deeper unit a Pengawas sees no row of their superior or of the superior\'s peer; their superior sees theirs', async () => {
  // a second organisation's cycle: Kepala Dinas → two Administrators, one of them with a Pengawas below
  const ORG2 = 'kab-predikat-dalam';
  const deep: any = sampleOrganisation(ORG2, YEAR, ['dinkes-e3-1-e4-1', 'dinkes-e3-2']);
  const deepCycle = `cycle:${ORG2}:${YEAR}`;
  ok(await call('POST', '/api/cycles', { token: t.admin, body: { import: deep, calendar: endedYearCalendar() } }));
  await waitFor(() => call('GET', `/api/cycles/${enc(deepCycle)}`, { token: t.admin }), (r) => r.body.status === 'running');
  const unitOf = async (token: string) => ok(await call('GET', `/api/cycles/${enc(deepCycle)}/units/dinkes/ratings`, { token }));
  const rows = (unit: any) => unit.staff.map((s: any) => s.positionId);
  const nameOf = (id: string) => deep.positions.find((p: any) => p.id === id).official.name;
  const everyone = ['dinkes-e3-1', 'dinkes-e3-2', 'dinkes-e3-1-e4-1'];

  const pengawas = await unitOf(t.official(nipOf(deep, 'dinkes-e3-1-e4-1')));
  expect(rows(pengawas)).toEqual(['dinkes-e3-1-e4-1']);
  expect(pengawas.staffTotal).toBe(3);
  expect(pengawas.head).toEqual({ positionId: 'kepala-dinkes', agreementId: null, phase: null });
  expect(JSON.stringify(pengawas)).not.toContain(nameOf('dinkes-e3-1'));
  expect(JSON.stringify(pengawas)).not.toContain(nameOf('dinkes-e3-2'));
  // what is not rated yet: their own position by id, the others only counted
  expect(pengawas.blockers.find((b: any) => b.code === 'ratings_incomplete').detail).toBe('Not rated yet: dinkes-e3-1-e4-1, 2 other staff positions.');
  const own = ok(await call('GET', `/api/agreements/${enc(`pk:${ORG2}:${YEAR}:dinkes-e3-1-e4-1`)}/rating`, { token: t.official(nipOf(deep, 'dinkes-e3-1-e4-1')) }));
  expect(rows(own.unit)).toEqual(['dinkes-e3-1-e4-1']);

  expect(rows(await unitOf(t.official(nipOf(deep, 'dinkes-e3-1'))))).toEqual(['dinkes-e3-1', 'dinkes-e3-1-e4-1']);
  expect(rows(await unitOf(t.official(nipOf(deep, 'dinkes-e3-2'))))).toEqual(['dinkes-e3-2']);
  expect(rows(await unitOf(t.official(nipOf(deep, 'kepala-dinkes'))))).toEqual(everyone);
  const evaluator = await unitOf(t.evaluator);
  expect(rows(evaluator)).toEqual(everyone);
  expect(evaluator.blockers.find((b: any) => b.code === 'ratings_incomplete').detail).toBe(`Not rated yet: ${everyone.join(', ')}.`);
});

test('closing a unit whose head\'s PK is not evaluated yet is 409 unit_not_evaluated, even with an exception reason, and changes nothing', async () => {
  // a cycle of its own that has just started: the Kepala Dinas's PK is drafting, so the unit has no predicate
  const ORG3 = 'kab-predikat-belum';
  const fresh: any = sampleOrganisation(ORG3, YEAR, ['dinkes-e3-1']);
  const freshCycle = `cycle:${ORG3}:${YEAR}`;
  ok(await call('POST', '/api/cycles', { token: t.admin, body: { import: fresh, calendar: endedYearCalendar() } }));
  await waitFor(() => call('GET', `/api/cycles/${enc(freshCycle)}`, { token: t.admin }), (r) => r.body.status === 'running');
  const unitPath = `/api/cycles/${enc(freshCycle)}/units/dinkes/ratings`;
  const before = ok(await call('GET', unitPath, { token: t.evaluator }));
  expect(before).toMatchObject({ unitPredicate: null, bounds: [], closed: null, rated: 0, head: { positionId: 'kepala-dinkes' } });
  expect(before.blockers.map((b: any) => b.code)).toEqual(['unit_not_evaluated', 'ratings_incomplete']);
  const auditBefore = ok(await call('GET', `/api/cycles/${enc(freshCycle)}/audit`, { token: t.evaluator })).items;

  for (const body of [{}, { exceptionReason: 'Disetujui tim penilai kinerja walau PK kepala unit belum dievaluasi.' }]) {
    const refused = await call('POST', `${unitPath}/close`, { token: t.evaluator, body });
    expect([refused.status, refused.body.code]).toEqual([409, 'unit_not_evaluated']);
    expect(refused.body.detail).toContain(`The unit's predicate comes from its head's PK (kepala-dinkes), which is not evaluated yet.`);
    expect(refused.body.unitPredicate).toBeNull();
    expect(refused.body.blockers.map((b: any) => b.code)).toEqual(['unit_not_evaluated', 'ratings_incomplete']);
  }

  // nothing stored: no closing, no audit row, the unit reads as before
  expect((await stack.db.query('SELECT count(*)::int AS n FROM unit_rating_closures WHERE cycle_id = $1', [freshCycle])).rows[0].n).toBe(0);
  const audit = ok(await call('GET', `/api/cycles/${enc(freshCycle)}/audit`, { token: t.evaluator }));
  expect(audit.items).toEqual(auditBefore);
  expect(audit.items.filter((i: any) => i.action === 'unit.ratings_closed')).toEqual([]);
  expect(ok(await call('GET', unitPath, { token: t.evaluator }))).toEqual(before);
  const summary = ok(await call('GET', `/api/cycles/${enc(freshCycle)}/ratings`, { token: t.evaluator }));
  expect(summary.units.find((u: any) => u.unitId === 'dinkes')).toMatchObject({ unitPredicate: null, closed: null });
});
