// The performance tree (pohon kinerja) of a cycle for the evaluation team: the summary (IKU Pemda,
// the Kepala Daerah's PK, per unit its PKs and gaps), one unit in full, and the gaps as JSON, CSV or XLSX.
import type { ApiDeps } from '../deps';
import { route, type RouteDef } from '../route';
import { parseQuery } from '../validation';
import { gapCsv, gapList, gapXlsx, treeSummary, unitTree } from '../performance-tree';
import { DOWNLOAD_QUERY_DOC, DOWNLOAD_SUCCESS, downloadQuery, sendDownload } from '../download-format';

const OVERSIGHT = { kind: 'roles', roles: ['admin', 'evaluator'] } as const;

export function treeRoutes(deps: ApiDeps): RouteDef[] {
  const { db } = deps;
  return [
    route({
      method: 'get', path: '/api/cycles/:cycleId/tree', tag: 'reports',
      summary: 'Performance tree: the IKU Pemda and its gaps, the Kepala Daerah\'s PK, per unit its PKs, phases and gap count',
      access: OVERSIGHT,
      async handler(req, res) {
        res.json(await treeSummary(db, String(req.params.cycleId)));
      },
    }),
    route({
      method: 'get', path: '/api/cycles/:cycleId/tree/:unitId', tag: 'reports',
      summary: 'One unit of the performance tree: each PK with its official, phase, capaian to date and indicators (links, capaian, gap)',
      access: OVERSIGHT,
      async handler(req, res) {
        res.json(await unitTree(db, String(req.params.cycleId), String(req.params.unitId)));
      },
    }),
    route({
      method: 'get', path: '/api/cycles/:cycleId/gaps', tag: 'reports',
      summary: 'Superior indicators no subordinate serves (cascade gaps), per unit and position (JSON, ?format=csv for machines or ?format=xlsx in Bahasa Indonesia)',
      access: OVERSIGHT, query: DOWNLOAD_QUERY_DOC, success: DOWNLOAD_SUCCESS,
      async handler(req, res) {
        const { format } = parseQuery(downloadQuery, req.query);
        const gaps = await gapList(db, String(req.params.cycleId));
        const fileName = `celah-pohon-kinerja-${gaps.organisationId}-${gaps.year}`;
        if (format === 'csv') return sendDownload(res, format, fileName, gapCsv(gaps.items));
        if (format === 'xlsx') return sendDownload(res, format, fileName, await gapXlsx(gaps.items));
        res.json(gaps);
      },
    }),
  ];
}
