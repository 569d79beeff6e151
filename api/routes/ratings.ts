// Each official's predikat at year end: the pejabat penilai rates a PK in evaluation or closed;
// per unit the distribution against its bounds; the evaluation team closes a unit's ratings
// (with a written exception when the bounds are broken); every official's predikat as JSON, CSV or XLSX.
import { z } from 'zod';
import type { ApiDeps } from '../deps';
import { BERAKHLAK } from '../../domain/employee-rating';
import { TEXT_LIMITS } from '../../domain/limits';
import { positionsHeld } from '../access';
import { closeUnitRatings, cycleRatings, ratingOf, saveRating, unitDistribution } from '../ratings';
import { principalKey } from '../principal';
import { HttpProblem } from '../problem';
import { csvCell } from '../report';
import { DOWNLOAD_QUERY_DOC, DOWNLOAD_SUCCESS, downloadQuery, sendDownload } from '../download-format';
import { xlsxTable, type XlsxColumn } from '../xlsx-table';
import { EXPECTATION_LABELS, labelOf, PHASE_LABELS } from '../../domain/labels';
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
      summary: 'Every official\'s predikat (hasil kerja, perilaku, predikat) and per unit the distribution against its bounds (JSON; ?format=csv for machines or ?format=xlsx in Bahasa Indonesia: the officials)',
      access: OVERSIGHT, query: DOWNLOAD_QUERY_DOC, success: DOWNLOAD_SUCCESS,
      async handler(req, res) {
        const { format } = parseQuery(downloadQuery, req.query);
        const all = await cycleRatings(db, String(req.params.cycleId));
        const fileName = `predikat-pegawai-${all.organisationId}-${all.year}`;
        if (format === 'csv') return sendDownload(res, format, fileName, ratingsCsv(all.officials));
        if (format === 'xlsx') return sendDownload(res, format, fileName, await ratingsXlsx(all.officials));
        res.json(all);
      },
    }),
  ];
}

type OfficialRating = Awaited<ReturnType<typeof cycleRatings>>['officials'][number];

function ratingsCsv(officials: OfficialRating[]): string {
  const header = ['position_id', 'title', 'unit_id', 'unit_name', 'official_id', 'nip', 'name', 'rater_position_id', 'phase', 'capaian', 'pk_predicate', 'hasil_kerja', 'perilaku', 'predikat'];
  const lines = officials.map((o) => [o.positionId, o.title, o.unitId, o.unitName, o.officialId, o.nip, o.name, o.raterPositionId, o.phase, o.capaian, o.pkPredicate, o.hasilKerja, o.perilaku, o.predikat].map(csvCell).join(','));
  return [header.join(','), ...lines].join('\r\n') + '\r\n';
}

/** The officials' predikats for people: Indonesian headers, hasil kerja and perilaku in words, the phase as the page names it. */
function ratingsXlsx(officials: OfficialRating[]): Promise<Buffer> {
  const columns: Array<XlsxColumn<OfficialRating>> = [
    { header: 'Kode jabatan', kind: 'text', value: (o) => o.positionId },
    { header: 'Jabatan', kind: 'text', value: (o) => o.title },
    { header: 'Kode unit', kind: 'text', value: (o) => o.unitId },
    { header: 'Nama unit', kind: 'text', value: (o) => o.unitName },
    { header: 'ID pejabat', kind: 'text', value: (o) => o.officialId },
    { header: 'NIP', kind: 'text', value: (o) => o.nip },
    { header: 'Nama pejabat', kind: 'text', value: (o) => o.name },
    { header: 'Kode jabatan penilai', kind: 'text', value: (o) => o.raterPositionId },
    { header: 'Tahap PK', kind: 'text', value: (o) => labelOf(PHASE_LABELS, o.phase) },
    { header: 'Capaian PK (%)', kind: 'percent', value: (o) => o.capaian },
    { header: 'Predikat PK', kind: 'text', value: (o) => o.pkPredicate },
    { header: 'Hasil kerja', kind: 'text', value: (o) => labelOf(EXPECTATION_LABELS, o.hasilKerja) },
    { header: 'Perilaku kerja', kind: 'text', value: (o) => labelOf(EXPECTATION_LABELS, o.perilaku) },
    { header: 'Predikat pegawai', kind: 'text', value: (o) => o.predikat },
  ];
  return xlsxTable('Predikat pegawai', columns, officials);
}
