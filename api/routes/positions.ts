// Change of official (pergantian pejabat): the position gets its new holder; a PK already signed
// and running is revised (PK Perubahan, reason 'official') so the new official signs it again.
// The row change and the revision succeed or fail together.
import type { ApiDeps } from '../deps';
import { HttpProblem } from '../problem';
import { route, type RouteDef } from '../route';
import { officialBody } from '../schemas';
import { runUpdate } from '../updates';
import { startRevisionUpdate } from '../../workflows/messages';
import { appendAuditRow } from '../../activities/audit';
import { randomUUID } from 'node:crypto';
import { isNip } from '../../domain/identity';
import { invalid } from '../problem';

/** The new holder's official id: the NIP for ASN; a Kepala Daerah without NIP must be given one. */
function newOfficialId(body: { nip: string | null; id?: string }): string {
  if (body.nip !== null) {
    if (body.id !== undefined && body.id !== body.nip) {
      throw invalid([{ path: '/id', code: 'official_id_not_nip', message: `An ASN official's id is their NIP (${body.nip}); leave "id" out or give the NIP` }]);
    }
    return body.nip;
  }
  if (body.id === undefined) throw invalid([{ path: '/id', code: 'missing_official_id', message: 'An official without NIP needs an official id' }]);
  if (isNip(body.id)) throw invalid([{ path: '/id', code: 'official_id_is_nip', message: 'An official without NIP needs an id that is not an 18-digit number' }]);
  return body.id;
}
import { PgRevocationStore, PgSigningStore, serialOf, type Revocation } from '../../signing';

export function positionRoutes(deps: ApiDeps): RouteDef[] {
  const { db, temporal } = deps;
  const credentials = new PgSigningStore(db);
  const revocations = new PgRevocationStore(db);
  return [
    route({
      method: 'put', path: '/api/positions/:cycleId/:positionId/official', tag: 'positions',
      summary: 'Replace the official holding a position (administrator); a running signed PK is revised',
      access: { kind: 'roles', roles: ['admin'] }, body: officialBody,
      async handler(req, res, ctx) {
        const cycleId = String(req.params.cycleId);
        const positionId = String(req.params.positionId);
        const { nip, name, email, note } = ctx.body;
        const officialId = newOfficialId(ctx.body);
        const client = await db.connect();
        try {
          await client.query('BEGIN');
          const position = (await client.query('SELECT * FROM positions WHERE cycle_id = $1 AND id = $2 FOR UPDATE', [cycleId, positionId])).rows[0];
          if (!position) throw new HttpProblem(404, 'not_found', `No position ${positionId} in ${cycleId}.`);
          if (nip === null && position.level !== 'KEPALA_DAERAH') {
            throw invalid([{ path: '/nip', code: 'malformed_nip', message: 'NIP is required: only the Kepala Daerah may have none' }]);
          }
          const holder = (await client.query('SELECT id FROM positions WHERE cycle_id = $1 AND official_id = $2 AND id <> $3', [cycleId, officialId, positionId])).rows[0];
          if (holder) {
            throw nip === null
              ? new HttpProblem(409, 'official_id_in_use', `Official id ${officialId} already holds ${holder.id} in this cycle.`, { positionId: holder.id })
              : new HttpProblem(409, 'nip_in_use', `NIP ${nip} already holds ${holder.id} in this cycle.`, { positionId: holder.id });
          }
          const agreement = (await client.query('SELECT id, phase FROM agreements WHERE cycle_id = $1 AND position_id = $2', [cycleId, positionId])).rows[0];
          if (agreement?.phase === 'closed') throw new HttpProblem(409, 'wrong_phase', 'The PK of this position is closed.');
          if (position.official_id === officialId && position.nip === nip && position.official_name === name && position.email === email) {
            await client.query('ROLLBACK');
            res.json({ cycleId, positionId, official: { id: officialId, nip, name, email }, changed: false, revision: null });
            return;
          }
          // The unique index (one position per official per cycle) decides a race the check above cannot see.
          await client
            .query('UPDATE positions SET nip = $3, official_name = $4, email = $5, official_id = $6 WHERE cycle_id = $1 AND id = $2', [cycleId, positionId, nip, name, email, officialId])
            .catch((err) => {
              if (err?.code === '23505') throw new HttpProblem(409, 'nip_in_use', `${nip === null ? `Official id ${officialId}` : `NIP ${nip}`} already holds another position in this cycle.`);
              throw err;
            });
          // The replaced official's signing certificate is revoked once they hold no position at all
          // (reason affiliationChanged); what they signed before stays valid at its signing time.
          let revoked: Revocation | null = null;
          if (position.official_id !== officialId) {
            const stillHolds = (await client.query('SELECT 1 FROM positions WHERE official_id = $1 LIMIT 1', [position.official_id])).rows.length > 0;
            const credential = stillHolds ? null : await credentials.getCredential(position.official_id);
            if (credential) {
              revoked = {
                caId: credential.caId, serialNumber: serialOf(credential.certificatePem), signerId: position.official_id, reason: 'affiliationChanged',
                note: `Pergantian pejabat ${positionId}: ${position.official_name} digantikan oleh ${name}`, revokedAt: new Date(),
              };
              await revocations.revoke(revoked, client);
            }
          }
          let revision = null;
          const actor = { role: 'admin' as const, id: ctx.principal.id, positionIds: [] };
          if (agreement?.phase === 'reporting') {
            // Signed by the previous official: the new one must sign a PK Perubahan.
            const noteText = note?.trim() || `Pergantian pejabat: ${position.official_name} digantikan oleh ${name}`;
            revision = await runUpdate(temporal, agreement.id, startRevisionUpdate, { actor, reason: 'official', note: noteText });
          }
          await client.query('COMMIT');
          if (agreement) {
            // after COMMIT: the audit append runs its own transaction under the agreement's lock
            await appendAuditRow(db, {
              agreementId: agreement.id, key: `api:${agreement.id}:official:${randomUUID()}`, action: 'official.changed',
              actorId: `admin:${ctx.principal.id}`, at: new Date().toISOString(),
              data: {
                positionId, previousNip: position.nip, previousOfficialId: position.official_id, nip, officialId, name,
                revokedCertificate: revoked && { caId: revoked.caId, serialNumber: revoked.serialNumber, reason: revoked.reason },
              },
            });
          }
          res.json({
            cycleId, positionId, official: { id: officialId, nip, name, email }, changed: true, revision: revision && { version: revision.version, phase: revision.phase },
            revokedCertificate: revoked && { caId: revoked.caId, serialNumber: revoked.serialNumber, reason: revoked.reason, revokedAt: revoked.revokedAt.toISOString() },
          });
        } catch (err) {
          await client.query('ROLLBACK').catch(() => {});
          throw err;
        } finally {
          client.release();
        }
      },
    }),
  ];
}
