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

test('the sample as XLSX (positions and plan sheets) reads back to its positions, units and plan', async () => {
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
    ['unknown_column', { sheet: 'positions', row: 1, column: 'I', header: 'e_mail' }],
    ['missing_column', { sheet: 'positions', row: 1 }],
  ]);
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
