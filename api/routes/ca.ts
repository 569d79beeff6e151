// The organisation CA's public face, where the certificates it issues point (CRLDistributionPoints
// and AIA): its current CRL, made on demand and signed with the CA key, and its certificate.
import { createLocalCa, PgRevocationStore, PgSigningStore, buildCrl, type LocalCa } from '../../signing';
import type { ApiDeps } from '../deps';
import { HttpProblem } from '../problem';
import { route, type RouteDef } from '../route';

const PUBLIC = { kind: 'public' } as const;

export function caRoutes({ db, config }: ApiDeps): RouteDef[] {
  const store = new PgSigningStore(db);
  const revocations = new PgRevocationStore(db);
  // Opening the CA key costs a deliberate scrypt; keep it per process.
  const cas = new Map<string, Promise<LocalCa>>();
  async function existingCa(id: string): Promise<LocalCa> {
    const stored = await store.getCa(id);
    if (!stored) throw new HttpProblem(404, 'not_found', `No certificate authority ${id}.`);
    let ca = cas.get(id);
    if (!ca) {
      ca = createLocalCa({ store, organisation: { id, name: id }, secret: config.KINERJA_SECRET });
      ca.catch(() => cas.delete(id));
      cas.set(id, ca);
    }
    return ca;
  }
  return [
    route({
      method: 'get', path: '/api/ca/:caId/crl', tag: 'verification', summary: 'The CA\'s current certificate revocation list (DER; public)',
      access: PUBLIC, success: { status: 200, description: 'the CRL', mediaType: 'application/pkix-crl' },
      async handler(req, res) {
        const ca = await existingCa(String(req.params.caId));
        const crl = buildCrl({ ca, revoked: await revocations.list(ca.id) });
        res.type('application/pkix-crl').setHeader('Cache-Control', 'public, max-age=300');
        res.send(crl);
      },
    }),
    route({
      method: 'get', path: '/api/ca/:caId/certificate', tag: 'verification', summary: 'The CA certificate (DER; public)',
      access: PUBLIC, success: { status: 200, description: 'the certificate', mediaType: 'application/pkix-cert' },
      async handler(req, res) {
        const stored = await store.getCa(String(req.params.caId));
        if (!stored) throw new HttpProblem(404, 'not_found', `No certificate authority ${req.params.caId}.`);
        res.type('application/pkix-cert').setHeader('Cache-Control', 'public, max-age=86400');
        res.send((await existingCa(stored.id)).certificateDer);
      },
    }),
  ];
}
