// Evidence (bukti dukung) of a quarterly report: the first party attaches files (the body as is,
// its type told by its content) and links (JSON), each with a caption, and removes them until the
// report is verified; whoever may read the PK lists and downloads them (the verifier beside the numbers).
import type { Response } from 'express';
import { z } from 'zod';
import { CAPTION_MAX } from '../../domain/evidence';
import type { ApiDeps } from '../deps';
import { addEvidence, evidenceFile, listEvidence, removeEvidence } from '../evidence';
import { principalKey } from '../principal';
import { HttpProblem } from '../problem';
import { route, type RouteDef } from '../route';
import { parseQuery } from '../validation';
import { quarterParam } from './agreements';

const READ = { kind: 'agreement', roles: ['admin', 'evaluator', 'official'] } as const;
const ACT = { kind: 'agreement', roles: ['official'] } as const;

/** What a file upload may declare; the content decides (domain/evidence.ts), so these only get it past the media-type gate. */
const FILE_BODY_TYPES = [
  'application/octet-stream', 'application/pdf', 'image/png', 'image/jpeg', 'image/webp',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text', 'application/vnd.oasis.opendocument.spreadsheet',
  'application/msword', 'application/vnd.ms-excel', 'application/vnd.ms-powerpoint',
];

// Lengths checked here too, so an oversized link or caption is 422 with its path before anything else.
const linkBody = z.strictObject({ url: z.string().max(2000, 'url must be at most 2000 characters'), caption: z.string().max(CAPTION_MAX, `caption must be at most ${CAPTION_MAX} characters`) });
const fileQuery = z.strictObject({ caption: z.string().default(''), name: z.string().optional() });

export function evidenceRoutes(deps: ApiDeps): RouteDef[] {
  const { db } = deps;
  /** Only the PK's own official (the first party, who reports) changes its evidence; the access check found the relation. */
  const requireOwner = (res: Response) => {
    if (res.locals.relation !== 'owner') {
      throw new HttpProblem(403, 'wrong_person', 'Only the official of this PK attaches or removes evidence of its reports.');
    }
  };
  return [
    route({
      method: 'post', path: '/api/agreements/:agreementId/realizations/:quarter/evidence', tag: 'realization',
      summary: 'Attach evidence to a quarter\'s report (first party, until it is verified): a file as the body (PDF, image, office document; type told by content) with ?caption=&name=, or JSON { url, caption }',
      access: ACT, body: linkBody, rawBodyTypes: FILE_BODY_TYPES, bodyLimit: deps.config.API_EVIDENCE_BODY_LIMIT,
      query: { caption: 'with a file: its caption', name: 'with a file: its file name' },
      success: { status: 201, description: 'the evidence stored' },
      async handler(req, res, ctx) {
        const quarter = quarterParam(String(req.params.quarter));
        requireOwner(res);
        const actorId = principalKey(ctx.principal);
        if (Buffer.isBuffer(ctx.body)) {
          const q = parseQuery(fileQuery, req.query);
          res.status(201).json(await addEvidence(db, ctx.agreement!.id, quarter, { kind: 'file', bytes: ctx.body, fileName: q.name ?? null, caption: q.caption }, actorId));
          return;
        }
        if (Object.keys(req.query).length > 0) throw new HttpProblem(400, 'invalid_query', 'Query parameters are for a file; a link carries its caption inside.');
        const link = ctx.body as z.infer<typeof linkBody>;
        res.status(201).json(await addEvidence(db, ctx.agreement!.id, quarter, { kind: 'link', url: link.url, caption: link.caption }, actorId));
      },
    }),
    route({
      method: 'get', path: '/api/agreements/:agreementId/realizations/:quarter/evidence', tag: 'realization',
      summary: 'The evidence of a quarter\'s report: files (type, size, SHA-256, download link) and links, with captions',
      access: READ,
      async handler(req, res, ctx) {
        const quarter = quarterParam(String(req.params.quarter));
        res.json({ agreementId: ctx.agreement!.id, quarter, items: await listEvidence(db, ctx.agreement!.id, quarter) });
      },
    }),
    route({
      method: 'delete', path: '/api/agreements/:agreementId/realizations/:quarter/evidence/:evidenceId', tag: 'realization',
      summary: 'Remove evidence from a quarter\'s report (first party, until it is verified; audited)',
      access: ACT,
      async handler(req, res, ctx) {
        const quarter = quarterParam(String(req.params.quarter));
        requireOwner(res);
        res.json(await removeEvidence(db, ctx.agreement!.id, quarter, String(req.params.evidenceId), principalKey(ctx.principal)));
      },
    }),
    route({
      method: 'get', path: '/api/agreements/:agreementId/evidence/:evidenceId', tag: 'realization',
      summary: 'An evidence file as stored (a download; its type as detected from its content)',
      access: READ, success: { status: 200, description: 'the file', mediaType: 'application/octet-stream' },
      async handler(req, res, ctx) {
        const file = await evidenceFile(db, ctx.agreement!.id, String(req.params.evidenceId));
        const name = (file.fileName ?? `bukti-${file.sha256.slice(0, 12)}`).replace(/[^\w.\- ]+/g, '_');
        res.setHeader('Cache-Control', 'private, no-store');
        res.type(file.mediaType).setHeader('Content-Disposition', `attachment; filename="${name}"`);
        res.send(file.bytes);
      },
    }),
  ];
}
