// Public verification (no login), like the national TTE verification portal: anyone who received
// a signed PK uploads it and gets the verdict (the file is the proof of holding it: no token); the
// QR code on a PK leads to its stored document's report, with the document's verification token.
// Uploads are size-limited, rate-limited per client and never stored.
import type { ApiDeps } from '../deps';
import { HttpProblem } from '../problem';
import { verifyPublicly } from '../public-verification';
import { isVerificationToken } from '../../security/verification-link';
import { route, type RouteDef } from '../route';
import { providerRoots } from '../../signing/provider';

const PUBLIC = { kind: 'public' } as const;

export function verificationRoutes({ db, config }: ApiDeps): RouteDef[] {
  const extraRoots = config.SIGNING_PROVIDER ? providerRoots(config) : [];
  return [
    route({
      method: 'post', path: '/api/verify', tag: 'verification', summary: 'Verify an uploaded signed PDF (public; the file is not stored)',
      access: PUBLIC, readOnly: true, rateLimit: 'public-verification',
      rawBody: { mediaType: 'application/pdf', limit: config.VERIFY_BODY_LIMIT, description: `the PDF, up to ${config.VERIFY_BODY_LIMIT}` },
      async handler(req, res) {
        const bytes = req.body;
        if (!Buffer.isBuffer(bytes) || bytes.length === 0) throw new HttpProblem(400, 'empty_body', 'Send the PDF as the request body.');
        res.setHeader('Cache-Control', 'no-store');
        res.json(await verifyPublicly(db, bytes, extraRoots));
      },
    }),
    route({
      method: 'get', path: '/api/verify/documents/:docId', tag: 'verification', summary: 'Verification of a document this installation issued (public; the QR code on a PK leads here, with its token)',
      access: PUBLIC, rateLimit: 'public-verification',
      query: { t: 'the verification token in the link printed on the PK; without it (or with a wrong one) only documents signed before tokens existed answer' },
      async handler(req, res) {
        const docId = String(req.params.docId);
        // Ids are predictable: without the document's token the answer is the unknown id's 404, so
        // it tells nothing of whether the document exists. Documents signed before the token (their
        // printed links carry the id alone) still answer by id.
        const withToken = isVerificationToken(config.KINERJA_SECRET, docId, req.query.t);
        const row = (await db.query('SELECT bytes FROM documents WHERE id = $1 AND ($2 OR verify_by_id_alone)', [docId, withToken])).rows[0];
        if (!row) throw new HttpProblem(404, 'not_found', 'No document with this id was issued here.');
        res.setHeader('Cache-Control', 'no-store');
        res.json(await verifyPublicly(db, row.bytes, extraRoots));
      },
    }),
  ];
}
