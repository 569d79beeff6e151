// The organisation import from spreadsheets, without servers: the sample written as CSV and as an
// XLSX workbook reads back to the same import as its JSON, and a defective table's problems are
// located at their sheet, row and column.
import { readFileSync } from 'node:fs';
import { SAMPLE_ORGANISATION_PATH } from '../../data/sample';
import { organisationFromTables, organisationToTables } from '../../domain/organisation-table';
import { validateOrganisationImport } from '../../domain/organisation';
import { organisationCsv, organisationXlsx, readCsv, readXlsx, unpackedSize } from '../../api/spreadsheet';

const sample = JSON.parse(readFileSync(SAMPLE_ORGANISATION_PATH, 'utf8'));
const fields = { organisation: sample.organisation.id, name: sample.organisation.name, place: sample.organisation.place, year: String(sample.year) };

test('the sample as XLSX (jabatan and iku_pemda sheets) reads back to its positions, units and plan', async () => {
  const sheets = await readXlsx(await organisationXlsx(sample));
  const tables = organisationFromTables(fields, sheets.positions, sheets.plan);
  expect(tables.problems).toEqual([]);
  const validated = validateOrganisationImport(tables.input);
  expect(validated.ok).toBe(true);
  const expected = validateOrganisationImport({ ...sample, drafts: undefined });
  if (!validated.ok || !expected.ok) throw new Error('invalid');
  expect(validated.value.positions).toEqual(expected.value.positions);
  expect(validated.value.units).toEqual(expected.value.units);
  expect(validated.value.plan).toEqual(expected.value.plan);
  expect(validated.value.organisation).toEqual(expected.value.organisation);
});

test('the sample as CSV reads back to its positions; a ";"-separated export (Indonesian-locale Excel) reads the same', () => {
  const semicolons = organisationToTables(sample).positions
    .map((r) => r.map((c) => (/[;"]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(';'))
    .join('\r\n');
  const expected = validateOrganisationImport({ ...sample, drafts: undefined, plan: undefined });
  if (!expected.ok) throw new Error('the sample is invalid');
  for (const text of [organisationCsv(sample), semicolons]) {
    const tables = organisationFromTables(fields, readCsv(Buffer.from(text)));
    expect(tables.problems).toEqual([]);
    const validated = validateOrganisationImport(tables.input);
    if (!validated.ok) throw new Error(JSON.stringify(validated.problems));
    expect(validated.value.positions).toEqual(expected.value.positions);
    expect(validated.value.units).toEqual(expected.value.units);
  }
});

test('headers are found by name in any order and case; missing and unknown columns are located at row 1', () => {
  const shuffled = readCsv(Buffer.from('EMAIL,Name,nip,Level,parent_id,Unit Name,unit_id,Title,position_id\r\nb@x.example,Bupati,,kepala_daerah,,,,Bupati X,bupati\r\n'));
  const ok = organisationFromTables({ ...fields, year: '2030' }, shuffled);
  expect(ok.problems).toEqual([]);
  expect(validateOrganisationImport(ok.input).ok).toBe(true);

  const bad = organisationFromTables(fields, readCsv(Buffer.from('position_id,title,unit_id,unit_name,parent_id,level,nip,name,e_mail\r\n')));
  expect(bad.problems.map((p) => [p.code, p.location])).toEqual([
    ['unknown_column', { sheet: 'jabatan', row: 1, column: 'I', header: 'e_mail' }],
    ['missing_column', { sheet: 'jabatan', row: 1, header: 'email' }],
  ]);
});

test('the English headers, sheet names and directions of older files and scripts read as the Indonesian ones', async () => {
  const indonesian = organisationToTables(sample);
  const english = {
    positions: [['position_id', 'title', 'unit_id', 'unit_name', 'parent_id', 'level', 'nip', 'name', 'email', 'official_id', 'oversees'], ...indonesian.positions.slice(1)],
    plan: [['objective_id', 'objective', 'indicator_id', 'indicator', 'unit', 'direction', 'target'],
      ...indonesian.plan.slice(1).map((r) => r.map((c, i) => (i === 5 ? ({ naik: 'up', turun: 'down' } as Record<string, string>)[String(c)] : c)))],
  };
  expect(new Set(english.plan.slice(1).map((r) => r[5]))).toEqual(new Set(['up', 'down']));
  const ExcelJS = (await import('exceljs')).default;
  const workbook = new ExcelJS.Workbook();
  const positionsSheet = workbook.addWorksheet('positions');
  english.positions.forEach((r) => positionsSheet.addRow(r));
  positionsSheet.columns.forEach((column) => (column.numFmt = '@'));
  const planSheet = workbook.addWorksheet('plan');
  english.plan.forEach((r) => planSheet.addRow(r));
  const sheets = await readXlsx(Buffer.from(await workbook.xlsx.writeBuffer()));
  expect([sheets.positions.name, sheets.plan?.name]).toEqual(['positions', 'plan']);
  const fromEnglish = organisationFromTables(fields, sheets.positions, sheets.plan);
  expect(fromEnglish.problems).toEqual([]);
  const indonesianSheets = await readXlsx(await organisationXlsx(sample));
  const fromIndonesian = organisationFromTables(fields, indonesianSheets.positions, indonesianSheets.plan);
  expect(fromEnglish.input).toEqual(fromIndonesian.input);
  // one column under both names is one column twice
  const twice = organisationFromTables(fields, readCsv(Buffer.from('kode_jabatan,position_id,title,unit_id,unit_name,parent_id,level,nip,name,email\r\n')));
  expect(twice.problems.map((p) => [p.code, p.location])).toEqual([['duplicate_column', { sheet: 'jabatan', row: 1, column: 'B', header: 'position_id' }]]);
});

test('a workbook is refused before it is unpacked when its parts declare more than 256 MB; a real one is measured', async () => {
  const workbook = await organisationXlsx(sample);
  const size = unpackedSize(workbook);
  expect(size).toBeGreaterThan(workbook.length);
  expect(size).toBeLessThan(1024 * 1024);
  // the same archive with one entry's declared uncompressed size raised to 300 MB
  const bomb = Buffer.from(workbook);
  const entry = bomb.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  bomb.writeUInt32LE(300 * 1024 * 1024, entry + 24);
  await expect(readXlsx(bomb)).rejects.toMatchObject({ status: 413, code: 'spreadsheet_too_large' });
  await expect(readXlsx(Buffer.from('PK\x03\x04 and nothing else'))).rejects.toMatchObject({ status: 400, code: 'malformed_spreadsheet' });
});
