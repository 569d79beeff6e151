// The organisation import's templates: an XLSX workbook (positions and plan sheets) and a CSV file
// (positions), each with the column headers and a two-position example to overwrite (its NIP is
// made up and belongs to nobody in the sample data: an example imported unchanged must not give a
// real official a second post).
import type { ApiDeps } from '../deps';
import { route, type RouteDef } from '../route';
import { CSV_TYPE, organisationCsv, organisationXlsx, XLSX_TYPE } from '../spreadsheet';

const EXAMPLE = {
  units: [{ id: 'setda', name: 'Sekretariat Daerah' }],
  positions: [
    { id: 'bupati', title: 'Bupati Contoh', unit: null, parent: null, level: 'KEPALA_DAERAH', official: { nip: null, name: 'Nama Bupati', email: 'bupati@contoh.example' } },
    { id: 'sekda', title: 'Sekretaris Daerah', unit: 'setda', parent: 'bupati', level: 'JPT_MADYA', official: { nip: '199912312024121001', name: 'Nama Sekda', email: 'sekda@contoh.example' } },
  ],
  plan: { objectives: [{ id: 'S-1', text: 'Meningkatnya kualitas pendidikan', indicators: [{ id: 'IKU-1', name: 'Indeks Pendidikan', unit: 'indeks', direction: 'up', target: 0.62 }] }] },
};

export function templateRoutes(_deps: ApiDeps): RouteDef[] {
  return [
    route({
      method: 'get', path: '/api/templates/organisation.xlsx', tag: 'cycles', summary: 'The organisation import as an XLSX template (positions and plan sheets)',
      access: { kind: 'roles', roles: ['admin', 'evaluator'] },
      success: { status: 200, description: 'the template', mediaType: XLSX_TYPE },
      async handler(_req, res) {
        res.type(XLSX_TYPE).setHeader('Content-Disposition', 'attachment; filename="organisasi.xlsx"');
        res.send(await organisationXlsx(EXAMPLE));
      },
    }),
    route({
      method: 'get', path: '/api/templates/organisation.csv', tag: 'cycles', summary: 'The organisation import as a CSV template (positions)',
      access: { kind: 'roles', roles: ['admin', 'evaluator'] },
      success: { status: 200, description: 'the template', mediaType: CSV_TYPE },
      async handler(_req, res) {
        res.type(`${CSV_TYPE}; charset=utf-8`).setHeader('Content-Disposition', 'attachment; filename="organisasi.csv"');
        res.send(organisationCsv(EXAMPLE));
      },
    }),
  ];
}
