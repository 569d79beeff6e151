// The performance tree (pohon kinerja) of a cycle for the evaluation team: the summary (IKU Pemda,
// the Kepala Daerah's PK, per unit its PKs and gaps), one unit in full, and the gaps as JSON or CSV.
import { z } from 'zod';
import type { ApiDeps } from '../deps';
import { route, type RouteDef } from '../route';
import { parseQuery } from '../validation';
import { gapCsv, gapList, treeSummary, unitTree } from '../performance-tree';

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
      summary: 'Superior indicators no subordinate serves (cascade gaps), per unit and position (JSON or ?format=csv)',
      access: OVERSIGHT, query: { format: 'json|csv' },
      async handler(req, res) {
        const { format } = parseQuery(z.strictObject({ format: z.enum(['json', 'csv']).default('json') }), req.query);
        const gaps = await gapList(db, String(req.params.cycleId));
        if (format === 'csv') {
          res.type('text/csv; charset=utf-8')
            .setHeader('Content-Disposition', `attachment; filename="celah-pohon-kinerja-${gaps.organisationId}-${gaps.year}.csv"`);
          res.send(gapCsv(gaps.items));
          return;
        }
        res.json(gaps);
      },
    }),
  ];
}
