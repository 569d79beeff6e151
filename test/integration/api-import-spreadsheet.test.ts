// Organisations from spreadsheets: the 80-position sample exported to CSV (posted over HTTP) and to
// XLSX (through `kinerja cycle start --org FILE.xlsx`) starts cycles with the same positions, units
// and plan as its JSON; the templates download; a defective spreadsheet is one 422 listing every
// problem at its sheet, row and column, and stores nothing.
import ExcelJS from 'exceljs';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { startStack, type Stack } from '../support/stack';
import { client, enc, sampleOrganisation, tokens, waitFor } from '../support/api-client';
import { organisationCsv, organisationXlsx, readXlsx } from '../../api/spreadsheet';
import { cycleStartCommand } from '../../cli/commands/cycle';
import { SAMPLE_ORGANISATION_PATH } from '../../data/sample';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
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

async function post(bytes: Buffer | string, type: string, query: Record<string, string>) {
  const res = await fetch(`${stack.baseUrl}/api/cycles?${new URLSearchParams(query)}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${admin}`, 'content-type': type },
    body: typeof bytes === 'string' ? bytes : new Uint8Array(bytes),
  });
  return { status: res.status, body: await res.json() };
}

const fieldsOf = (org: any) => ({ organisation: org.organisation.id, name: org.organisation.name, place: org.organisation.place, year: String(org.year) });

async function stored(cycleId: string) {
  const positions = await stack.db.query(
    `SELECT id, title, unit_id, parent_id, level, nip, official_id, official_name, email, oversees, escalation_chain FROM positions WHERE cycle_id = $1 ORDER BY id`,
    [cycleId],
  );
  const units = await stack.db.query('SELECT id, name FROM units WHERE cycle_id = $1 ORDER BY id', [cycleId]);
  const cycle = await stack.db.query('SELECT plan, year FROM cycles WHERE id = $1', [cycleId]);
  return { positions: positions.rows, units: units.rows, plan: cycle.rows[0]?.plan, year: cycle.rows[0]?.year };
}

test('the sample as CSV and as XLSX imports to the same positions as its JSON', async () => {
  const json = sampleOrganisation('kab-sheet-json');
  // the same people under other organisation ids, so the three imports must store the same rows
  const sameOfficials = (id: string) => ({ ...structuredClone(json), organisation: { ...json.organisation, id } });
  const csv = sameOfficials('kab-sheet-csv');
  const xlsx = sameOfficials('kab-sheet-xlsx');

  expect((await call('POST', '/api/cycles', { token: admin, body: json })).status).toBe(201);
  const fromCsv = await post(organisationCsv(csv), 'text/csv', fieldsOf(csv));
  expect(fromCsv).toMatchObject({ status: 201, body: { cycleId: `cycle:kab-sheet-csv:${csv.year}`, positions: 80, created: true } });
  // the same file again finds the same cycle
  expect((await post(organisationCsv(csv), 'text/csv', fieldsOf(csv))).status).toBe(200);

  const file = join(tmpdir(), `kinerja-sheet-${process.pid}.xlsx`);
  writeFileSync(file, await organisationXlsx(xlsx));
  const log = jest.spyOn(console, 'log').mockImplementation(() => {});
  try {
    const { organisation, name, place, year } = fieldsOf(xlsx);
    // without the settings a spreadsheet lacks, the CLI names the flags to add (not the API's query)
    const missing = cycleStartCommand.run(['--org', file, '--year', year, '--api', stack.baseUrl]);
    await expect(missing).rejects.toThrow(/^422 invalid_data[\s\S]*\n  --organisation \w+: [\s\S]*\n  --name \w+: [\s\S]*\n  --place \w+: /);
    const code = await cycleStartCommand.run(['--org', file, '--organisation', organisation, '--name', name, '--place', place, '--year', year, '--api', stack.baseUrl]);
    expect(code).toBe(0);
  } finally {
    log.mockRestore();
  }

  const fromJson = await stored(`cycle:kab-sheet-json:${json.year}`);
  const fromCsvRows = await stored(`cycle:kab-sheet-csv:${csv.year}`);
  const fromXlsxRows = await stored(`cycle:kab-sheet-xlsx:${xlsx.year}`);
  expect(fromJson.positions).toHaveLength(80);
  expect(fromCsvRows.positions).toEqual(fromJson.positions);
  expect(fromXlsxRows.positions).toEqual(fromJson.positions);
  expect(fromCsvRows.units).toEqual(fromJson.units);
  expect(fromXlsxRows.units).toEqual(fromJson.units);
  // the workbook's plan sheet carries the IKU Pemda; a CSV file is the positions table alone
  expect(fromXlsxRows.plan).toEqual(fromJson.plan);
  expect(fromCsvRows.plan).toEqual({ objectives: [] });

  const status = await waitFor(() => call('GET', `/api/cycles/${enc(`cycle:kab-sheet-csv:${csv.year}`)}`, { token: admin }), (r) => r.body.status === 'running');
  expect(status.body).toMatchObject({ positions: 80, agreements: 80 });
});

test('the templates download as XLSX (jabatan and iku_pemda sheets) and CSV, headed in Bahasa Indonesia, and the XLSX one imports', async () => {
  const res = await fetch(`${stack.baseUrl}/api/templates/organisation.xlsx`, { headers: { authorization: `Bearer ${admin}` } });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe(XLSX);
  const bytes = Buffer.from(await res.arrayBuffer());
  const sheets = await readXlsx(bytes);
  expect([sheets.positions.name, sheets.plan?.name]).toEqual(['jabatan', 'iku_pemda']);
  expect(sheets.positions.header).toEqual(['kode_jabatan', 'nama_jabatan', 'kode_unit', 'nama_unit', 'kode_jabatan_atasan', 'tingkat', 'nip', 'nama_pejabat', 'email', 'id_pejabat', 'membawahi_unit']);
  expect(sheets.plan?.header).toEqual(['kode_sasaran', 'sasaran', 'kode_indikator', 'indikator', 'satuan', 'arah', 'target']);
  expect(sheets.plan?.rows[0].cells[5]).toBe('naik');

  const csv = await fetch(`${stack.baseUrl}/api/templates/organisation.csv`, { headers: { authorization: `Bearer ${admin}` } });
  expect(csv.status).toBe(200);
  expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
  const csvLines = (await csv.text()).split('\r\n');
  expect(csvLines[0]).toBe('kode_jabatan,nama_jabatan,kode_unit,nama_unit,kode_jabatan_atasan,tingkat,nip,nama_pejabat,email,id_pejabat,membawahi_unit');
  // the example's NIP is made up: no official of the shipped sample holds it, so an example
  // imported unchanged gives nobody real a second post
  const exampleNips = csvLines.slice(1).map((line) => line.split(',')[6]).filter(Boolean);
  expect(exampleNips).toHaveLength(1);
  const sampleNips = new Set(JSON.parse(readFileSync(SAMPLE_ORGANISATION_PATH, 'utf8')).positions.map((p: any) => p.official.nip));
  expect(exampleNips.filter((nip) => sampleNips.has(nip))).toEqual([]);

  // the OpenAPI document shows the spreadsheet bodies and the query beside the JSON import
  const doc = (await call('GET', '/api/openapi.json')).body.paths['/api/cycles'].post;
  expect(Object.keys(doc.requestBody.content)).toEqual(['application/json', 'text/csv', XLSX]);
  expect(doc.parameters.map((p: any) => p.name)).toEqual(expect.arrayContaining(['organisation', 'name', 'place', 'year']));

  const year = String(new Date().getFullYear() + 2);
  const started = await post(bytes, XLSX, { organisation: 'kab-template', name: 'Pemerintah Kabupaten Contoh', place: 'Contoh', year });
  expect(started).toMatchObject({ status: 201, body: { positions: 2 } });
});

test('a defective spreadsheet is one 422 with every problem at its sheet, row and column; nothing is stored', async () => {
  const org = sampleOrganisation('kab-sheet-bad');
  const lines = organisationCsv(org).split('\r\n');
  const rowOf = (id: string) => lines.findIndex((l) => l.startsWith(`${id},`)) + 1; // spreadsheet rows are 1-based
  const edit = (id: string, column: number, value: string) => {
    const i = rowOf(id) - 1;
    const cells = lines[i].split(',');
    cells[column] = value;
    lines[i] = cells.join(',');
  };
  edit('kepala-dinkes', 6, org.positions.find((p: any) => p.id === 'kepala-dinkes').official.nip.slice(1)); // a leading digit lost
  edit('sekda', 4, 'jabatan-yang-tidak-ada'); // a parent that does not exist
  edit('asisten-1', 5, 'KEPALA'); // not a level
  const lastOfDikbud = org.positions.filter((p: any) => p.unit === 'dikbud').at(-1).id;
  edit(lastOfDikbud, 3, 'Dinas Pendidikan'); // a unit named otherwise than in its first row
  const answer = await post(lines.join('\r\n'), 'text/csv', { organisation: 'kab-sheet-bad', name: 'X', place: 'Y' }); // no year
  expect(answer.status).toBe(422);
  expect(answer.body.code).toBe('invalid_data');
  const located = answer.body.problems.map((p: any) => [p.code, p.location]);
  expect(located).toEqual(expect.arrayContaining([
    ['malformed_nip', { sheet: 'jabatan', row: rowOf('kepala-dinkes'), column: 'G', header: 'nip' }],
    ['dangling_parent', { sheet: 'jabatan', row: rowOf('sekda'), column: 'E', header: 'kode_jabatan_atasan' }],
    ['invalid_value', { sheet: 'jabatan', row: rowOf('asisten-1'), column: 'F', header: 'tingkat' }],
    ['conflicting_unit_name', { sheet: 'jabatan', row: rowOf(lastOfDikbud), column: 'D', header: 'nama_unit' }],
    ['invalid_year', { parameter: 'year' }],
  ]));
  expect(located.filter(([code]: [string]) => code === 'conflicting_unit_name')).toHaveLength(1);

  // XLSX: an 18-digit NIP typed as a number has lost digits; a plan target that is not a number
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load((await organisationXlsx(org)) as unknown as ArrayBuffer);
  const positions = workbook.getWorksheet('jabatan')!;
  positions.getCell('G3').value = Number(org.positions[1].official.nip);
  workbook.getWorksheet('iku_pemda')!.getCell('G2').value = 'tujuh puluh';
  const bad = await post(Buffer.from(await workbook.xlsx.writeBuffer()), XLSX, fieldsOf(org));
  expect(bad.status).toBe(422);
  expect(bad.body.problems.map((p: any) => [p.code, p.location])).toEqual(expect.arrayContaining([
    ['nip_not_text', { sheet: 'jabatan', row: 3, column: 'G', header: 'nip' }],
    ['invalid_target', { sheet: 'iku_pemda', row: 2, column: 'G', header: 'target' }],
  ]));

  // not a workbook at all, an empty file (CSV or XLSX: empty, not unreadable or without columns), a type
  // the route does not take, and query parameters beside JSON
  expect(await post('not a zip', XLSX, fieldsOf(org))).toMatchObject({ status: 400, body: { code: 'malformed_spreadsheet' } });
  expect(await post('', XLSX, fieldsOf(org))).toMatchObject({ status: 400, body: { code: 'empty_file' } });
  expect(await post('', 'text/csv', fieldsOf(org))).toMatchObject({ status: 400, body: { code: 'empty_file' } });
  expect(await post('x', 'text/plain', fieldsOf(org))).toMatchObject({ status: 415, body: { code: 'unsupported_media_type' } });
  const jsonWithQuery = await call('POST', `/api/cycles?year=2030`, { token: admin, body: org });
  expect(jsonWithQuery).toMatchObject({ status: 400, body: { code: 'invalid_query' } });

  const cycles = await stack.db.query(`SELECT count(*)::int AS n FROM cycles WHERE organisation_id = 'kab-sheet-bad'`);
  expect(cycles.rows[0].n).toBe(0);
});
