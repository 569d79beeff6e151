// Each official's predikat at year end: the pejabat penilai rates a PK in evaluation or closed;
// per unit the distribution against its bounds; the evaluation team closes a unit's ratings
// (with a written exception when the bounds are broken); every official's predikat as JSON or CSV.
import { z } from 'zod';
import type { ApiDeps } from '../deps';
import { BERAKHLAK } from '../../domain/employee-rating';
import { TEXT_LIMITS } from '../../domain/limits';
import { positionsHeld } from '../access';
import { closeUnitRatings, cycleRatings, ratingOf, saveRating, unitDistribution } from '../ratings';
import { principalKey } from '../principal';
import { HttpProblem } from '../problem';
import { csvCell } from '../report';
import { route, type RouteDef } from '../route';
import { parseQuery } from '../validation';

const expectation = z.enum(['di_atas', 'sesuai', 'di_bawah']);
const note = z.string().trim().max(TEXT_LIMITS.note, `a note must be at most ${TEXT_LIMITS.note} characters`);
const valueRating = z.strictObject({ expectation, note: note.default('') });
export const ratingBody = z.strictObject({
  hasilKerja: expectation.describe('the rater\'s decision; the proposal from the capaian is in GET …/rating'),
  perilaku: z.strictObject({
    berorientasi_pelayanan: valueRating, akuntabel: valueRating, kompeten: valueRating, harmonis: valueRating,
    loyal: valueRating, adaptif: valueRating, kolaboratif: valueRating,
  } satisfies Record<(typeof BERAKHLAK)[number], typeof valueRating>)
    .describe('each of the seven BerAKHLAK core values with its note'),
});
const closeBody = z.strictObject({
  exceptionReason: z.string().trim().min(1, 'an exception needs a written reason').max(TEXT_LIMITS.reason).optional()
    .describe('the evaluation team accepts broken distribution bounds, with this reason (audited)'),
});

const OVERSIGHT = { kind: 'roles', roles: ['admin', 'evaluator'] } as const;

export function ratingRoutes(deps: ApiDeps): RouteDef[] {
  const { db } = deps;
  return [
    route({
      method: 'get', path: '/api/agreements/:agreementId/rating', tag: 'ratings',
      summary: 'The official\'s year-end rating: hasil kerja proposed from the capaian, the stored rating (perilaku per BerAKHLAK value, predikat), whether the caller rates it, and the unit\'s distribution',
      access: { kind: 'agreement', roles: ['admin', 'evaluator', 'official'] },
      async handler(_req, res, ctx) {
        res.json(await ratingOf(db, ctx.agreement!, ctx.heldPositionIds));
      },
    }),
    route({
      method: 'put', path: '/api/agreements/:agreementId/rating', tag: 'ratings',
      summary: 'Rate the official (pejabat penilai only, PK in evaluation or closed, unit not closed): hasil kerja and the seven BerAKHLAK values; the predikat follows the matrix',
      access: { kind: 'agreement', roles: ['official'] }, body: ratingBody,
      async handler(_req, res, ctx) {
        res.json(await saveRating(db, ctx.agreement!, ctx.principal.id, ctx.heldPositionIds ?? [], ctx.body));
      },
    }),
    route({
      method: 'get', path: '/api/cycles/:cycleId/units/:unitId/ratings', tag: 'ratings',
      summary: 'A unit\'s staff predikats against the bounds its predicate sets, and why it cannot close yet (an official: the counts of all staff, by name only their own position and those below it)',
      access: { kind: 'roles', roles: ['admin', 'evaluator', 'official'] },
      async handler(req, res, ctx) {
        const cycleId = String(req.params.cycleId);
        const unitId = String(req.params.unitId);
        let viewer: string[] | null = null; // administrators and the evaluation team see every staff position
        if (ctx.principal.role === 'official') {
          const held = (await db.query('SELECT 1 FROM positions WHERE cycle_id = $1 AND unit_id = $2 AND official_id = $3', [cycleId, unitId, ctx.principal.id])).rowCount;
          viewer = await positionsHeld(db, cycleId, ctx.principal.id);
          if (!held && viewer.length === 0) throw new HttpProblem(404, 'not_found', `No unit ${unitId} in ${cycleId} for you.`);
          if (!held) throw new HttpProblem(403, 'not_in_unit', 'Officials see the distribution of their own unit only.');
        }
        // an official: the unit's aggregates, and by name only their own position and those below it
        res.json(await unitDistribution(db, cycleId, unitId, viewer));
      },
    }),
    route({
      method: 'post', path: '/api/cycles/:cycleId/units/:unitId/ratings/close', tag: 'ratings',
      summary: 'Close a unit\'s ratings (evaluation team): 409 naming the blocker (distribution_violated with each broken bound, ratings_incomplete, unit_not_evaluated) unless broken bounds are accepted with exceptionReason',
      access: OVERSIGHT, body: closeBody,
      async handler(req, res, ctx) {
        res.json(await closeUnitRatings(db, String(req.params.cycleId), String(req.params.unitId), principalKey(ctx.principal), ctx.body.exceptionReason ?? null));
      },
    }),
    route({
      method: 'get', path: '/api/cycles/:cycleId/ratings', tag: 'ratings',
      summary: 'Every official\'s predikat (hasil kerja, perilaku, predikat) and per unit the distribution against its bounds (JSON, or ?format=csv: the officials)',
      access: OVERSIGHT, query: { format: 'json|csv' },
      async handler(req, res) {
        const { format } = parseQuery(z.strictObject({ format: z.enum(['json', 'csv']).default('json') }), req.query);
        const all = await cycleRatings(db, String(req.params.cycleId));
        if (format === 'csv') {
          res.type('text/csv; charset=utf-8').setHeader('Content-Disposition', `attachment; filename="predikat-pegawai-${all.organisationId}-${all.year}.csv"`);
          res.send(ratingsCsv(all.officials));
          return;
        }
        res.json(all);
      },
    }),
  ];
}

function ratingsCsv(officials: Awaited<ReturnType<typeof cycleRatings>>['officials']): string {
  const header = ['position_id', 'title', 'unit_id', 'unit_name', 'official_id', 'nip', 'name', 'rater_position_id', 'phase', 'capaian', 'pk_predicate', 'hasil_kerja', 'perilaku', 'predikat'];
  const lines = officials.map((o) => [o.positionId, o.title, o.unitId, o.unitName, o.officialId, o.nip, o.name, o.raterPositionId, o.phase, o.capaian, o.pkPredicate, o.hasilKerja, o.perilaku, o.predikat].map(csvCell).join(','));
  return [header.join(','), ...lines].join('\r\n') + '\r\n';
}
