// The performance tree (pohon kinerja) through the API: the sample with one subordinate indicator
// turned into an additional task (so its superior's indicator is a gap) and one IKU Pemda no PK
// serves; the summary counts the gaps per unit, a unit opens with each PK's official, phase,
// capaian to date and indicators, and the gaps list as JSON, CSV and XLSX.
import type { Stack } from '../support/stack';
import ExcelJS from 'exceljs';
import { enc, nipOf, sampleOrganisation, startStackWithCycle, type Reply } from '../support/api-client';
import { downloadXlsx, XLSX_TYPE } from '../support/xlsx-download';

let stack: Stack;
let call: (method: string, path: string, opts?: any) => Promise<Reply>;
let t: any;
let cycleId: string;
const org = sampleOrganisation('kab-tree');

/** Turns a draft's indicators serving `parentId` into additional tasks (a valid import that leaves `parentId` unserved). */
function stopServing(positionId: string, parentId: string) {
  for (const o of org.drafts[positionId].objectives) {
    for (const i of o.indicators) if (i.parentIndicatorId === parentId) Object.assign(i, { parentIndicatorId: null, additionalTask: true });
  }
}

beforeAll(async () => {
  stopServing('dinkes-e3-3', 'kepala-dinkes#3');
  stopServing('kepala-pupr', 'IKU-infrastruktur');
  ({ stack, call, t, cycleId } = await startStackWithCycle(org));
});
afterAll(async () => {
  await stack?.stop();
});

test('the summary marks the unserved IKU Pemda and counts each unit\'s gaps', async () => {
  const tree = await call('GET', `/api/cycles/${enc(cycleId)}/tree`, { token: t.evaluator });
  expect(tree.status).toBe(200);
  expect(tree.body).toMatchObject({ organisationId: 'kab-tree', organisationName: org.organisation.name, year: org.year });
  expect(tree.body.gaps).toEqual({ total: 2, plan: 1, positions: 1 });
  const iku = tree.body.plan.flatMap((o: any) => o.indicators);
  expect(iku.filter((i: any) => i.gap).map((i: any) => i.id)).toEqual(['IKU-infrastruktur']);
  const units = Object.fromEntries(tree.body.units.map((u: any) => [u.unitId, u]));
  expect(units.dinkes).toMatchObject({ unitName: 'Dinas Kesehatan', gaps: 1, agreements: org.positions.filter((p: any) => p.unit === 'dinkes').length });
  expect(units.pupr.gaps).toBe(0);
  expect(tree.body.units.reduce((sum: number, u: any) => sum + u.agreements, 0) + tree.body.top.length).toBe(80);
  expect(tree.body.top.map((n: any) => n.positionId)).toEqual(['bupati']);
});

test('a unit opens with each PK: official, phase, capaian to date and its indicators with the gap marked', async () => {
  const unit = await call('GET', `/api/cycles/${enc(cycleId)}/tree/dinkes`, { token: t.admin });
  expect(unit.status).toBe(200);
  const head = unit.body.nodes.find((n: any) => n.positionId === 'kepala-dinkes');
  const official = org.positions.find((p: any) => p.id === 'kepala-dinkes').official;
  expect(head).toMatchObject({ parentId: 'bupati', official: { id: official.nip, name: official.name, nip: official.nip }, capaian: null, reportedQuarters: [] });
  expect(typeof head.phase).toBe('string');
  expect(head.indicators.map((i: any) => [i.id, i.parentIndicatorId, i.gap])).toEqual([
    ['kepala-dinkes#1', 'IKU-kesehatan', false],
    ['kepala-dinkes#2', 'IKU-kesehatan', false],
    ['kepala-dinkes#3', 'IKU-kesehatan', true],
  ]);
  expect(unit.body.nodes.find((n: any) => n.positionId === 'dinkes-e3-3').indicators[0]).toMatchObject({ additionalTask: true, parentIndicatorId: null, gap: false });
  // top down: the head first
  expect(unit.body.nodes[0].positionId).toBe('kepala-dinkes');

  // capaian to date follows the reports stored for the PK (as the report activity stores them)
  await stack.db.query(
    `INSERT INTO realizations (agreement_id, quarter, version, realizations, budget_spent, reported_by) VALUES ($1, 1, 1, $2, '[0,0,0]', 'test')`,
    [head.agreementId, JSON.stringify([{ indicatorId: 'kepala-dinkes#1', value: 180 }, { indicatorId: 'kepala-dinkes#2', value: 12 }, { indicatorId: 'kepala-dinkes#3', value: 18.5 }])],
  );
  const after = await call('GET', `/api/cycles/${enc(cycleId)}/tree/dinkes`, { token: t.admin });
  const reported = after.body.nodes.find((n: any) => n.positionId === 'kepala-dinkes');
  expect(reported.reportedQuarters).toEqual([1]);
  expect(reported.capaian).toBe(100);
  expect(reported.indicators.map((i: any) => i.capaian)).toEqual([100, 100, 100]);

  expect((await call('GET', `/api/cycles/${enc(cycleId)}/tree/no-such-unit`, { token: t.admin })).body.code).toBe('not_found');
});

test('the gaps list as JSON and as CSV, the IKU Pemda first', async () => {
  const json = await call('GET', `/api/cycles/${enc(cycleId)}/gaps`, { token: t.evaluator });
  expect(json.body.items.map((g: any) => [g.unitId, g.positionId, g.indicatorId])).toEqual([
    [null, null, 'IKU-infrastruktur'],
    ['dinkes', 'kepala-dinkes', 'kepala-dinkes#3'],
  ]);
  const csv = await call('GET', `/api/cycles/${enc(cycleId)}/gaps?format=csv`, { token: t.evaluator });
  expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
  const lines = String(csv.body).trim().split('\r\n');
  expect(lines[0]).toBe('unit_id,unit_name,position_id,title,official_name,phase,indicator_id,indicator_name,target');
  expect(lines).toHaveLength(3);
  expect(lines[2]).toMatch(/^dinkes,Dinas Kesehatan,kepala-dinkes,.*,kepala-dinkes#3,Prevalensi stunting balita,18\.5$/);
  expect((await call('GET', `/api/cycles/${enc(cycleId)}/gaps?format=xml`, { token: t.evaluator })).status).toBe(400);
});

test('the gaps list as the evaluation team downloads it for Excel: Indonesian headers, the phase as the page names it, the JSON\'s rows', async () => {
  const json = (await call('GET', `/api/cycles/${enc(cycleId)}/gaps`, { token: t.evaluator })).body;
  const xlsx = await downloadXlsx(stack.baseUrl, `/api/cycles/${enc(cycleId)}/gaps?format=xlsx`, t.evaluator);
  expect([xlsx.status, xlsx.headers.get('content-type'), xlsx.headers.get('content-disposition')])
    .toEqual([200, XLSX_TYPE, `attachment; filename="celah-pohon-kinerja-kab-tree-${org.year}.xlsx"`]);
  expect(xlsx.sheet.name).toBe('Celah pohon kinerja');
  expect(xlsx.header).toEqual(['Kode unit', 'Nama unit', 'Kode jabatan', 'Jabatan', 'Nama pejabat', 'Tahap', 'Kode indikator', 'Indikator', 'Target']);
  // the page's badges (web/js/format.js PHASE) for the phases a just-started cycle has
  const PAGE_PHASE: Record<string, string> = { waiting_superior: 'Menunggu PK atasan', drafting: 'Penyusunan draf' };
  const head = json.items[1];
  expect(Object.keys(PAGE_PHASE)).toContain(head.phase);
  expect(xlsx.rows).toEqual([
    { 'Kode unit': null, 'Nama unit': null, 'Kode jabatan': null, Jabatan: 'IKU Pemda', 'Nama pejabat': null, Tahap: null, 'Kode indikator': 'IKU-infrastruktur', Indikator: json.items[0].indicatorName, Target: json.items[0].target },
    { 'Kode unit': 'dinkes', 'Nama unit': 'Dinas Kesehatan', 'Kode jabatan': 'kepala-dinkes', Jabatan: head.title, 'Nama pejabat': head.officialName, Tahap: PAGE_PHASE[head.phase], 'Kode indikator': 'kepala-dinkes#3', Indikator: 'Prevalensi stunting balita', Target: 18.5 },
  ]);
  const target = xlsx.cell('Kode indikator', 'kepala-dinkes#3', 'Target');
  expect([target.type, target.value]).toEqual([ExcelJS.ValueType.Number, 18.5]);
  expect(xlsx.cell('Kode indikator', 'kepala-dinkes#3', 'Kode jabatan').numFmt).toBe('@');
  expect(xlsx.sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
  expect(xlsx.sheet.getRow(1).getCell(1).font?.bold).toBe(true);
  // an official reads neither the CSV nor the XLSX
  const official = t.official(nipOf(org, 'kepala-dinkes'));
  expect((await call('GET', `/api/cycles/${enc(cycleId)}/gaps?format=csv`, { token: official })).status).toBe(403);
  expect((await downloadXlsx(stack.baseUrl, `/api/cycles/${enc(cycleId)}/gaps?format=xlsx`, official)).status).toBe(403);
});
