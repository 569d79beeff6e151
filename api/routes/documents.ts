// Signed PDFs, addressed by document id, and their stored verification reports.
import { signerView } from '../../domain/identity';
import type { ApiDeps } from '../deps';
import { route, type RouteDef } from '../route';

const READ = { kind: 'document', roles: ['admin', 'evaluator', 'official'], formerSigners: true } as const;

export function documentRoutes({ db }: ApiDeps): RouteDef[] {
  return [
    route({
      method: 'get', path: '/api/documents/:docId', tag: 'documents', summary: 'The signed PDF',
      access: READ, success: { status: 200, description: 'the PDF', mediaType: 'application/pdf' },
      async handler(req, res) {
        const d = (await db.query('SELECT id, sha256, bytes, version, party FROM documents WHERE id = $1', [req.params.docId])).rows[0];
        const etag = `"${d.sha256}"`;
        res.setHeader('ETag', etag);
        res.setHeader('Cache-Control', 'private, max-age=0, must-revalidate');
        if (req.get('if-none-match') === etag) {
          res.status(304).end();
          return;
        }
        const name = `${String(d.id).replace(/[^A-Za-z0-9._-]+/g, '_')}.pdf`;
        res.type('application/pdf').setHeader('Content-Disposition', `inline; filename="${name}"`);
        res.setHeader('X-Content-SHA256', d.sha256);
        res.send(d.bytes);
      },
    }),
    route({
      method: 'get', path: '/api/documents/:docId/verification', tag: 'documents', summary: 'The verification report stored when the document was signed',
      access: READ,
      rateLimit: 'verification',
      async handler(req, res) {
        const d = (await db.query('SELECT id, agreement_id, version, party, sha256, signer_nip, signed_at, verification FROM documents WHERE id = $1', [req.params.docId])).rows[0];
        res.json({
          documentId: d.id, agreementId: d.agreement_id, version: d.version, party: d.party, sha256: d.sha256,
          ...signerView(d.signer_nip), signedAt: d.signed_at, report: d.verification,
        });
      },
    }),
  ];
}
