// Administrator tools: notification dead letters (list, requeue), lifting a passphrase lock, and
// revoking a service token before it expires.
import { isPersonId } from '../../domain/identity';
import { z } from 'zod';
import type { ApiDeps } from '../deps';
import { HttpProblem } from '../problem';
import { route, type RouteDef } from '../route';
import { parseQuery } from '../validation';
import { requeueNotification } from '../notification-requeue';
import { signerKnown, unlockSigning } from '../signing-unlock';
import { revokeServiceToken } from '../../security/service-tokens';
import { UTC_OFFSET_HOURS_SQL } from '../../db/cycle-calendar';

const ADMIN = { kind: 'roles', roles: ['admin'] } as const;

export function adminRoutes({ db, logger }: ApiDeps): RouteDef[] {
  return [
    route({
      method: 'get', path: '/api/admin/notifications/dead', tag: 'admin', summary: 'Notifications that could not be delivered after every attempt',
      access: ADMIN, query: { limit: '1–500 (100)' },
      async handler(req, res) {
        const { limit } = parseQuery(z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) }), req.query);
        const { rows } = await db.query(
          `SELECT n.key, n.agreement_id, n.item, n.kind, n.level, n.recipient_position, n.recipient_email, n.subject, n.attempts, n.last_error, n.delivered,
                  n.created_at, n.next_attempt_at, ${UTC_OFFSET_HOURS_SQL} AS utc_offset_hours
             FROM notifications n LEFT JOIN agreements a ON a.id = n.agreement_id LEFT JOIN cycles c ON c.id = a.cycle_id
            WHERE n.delivery_status = 'dead' ORDER BY n.created_at DESC LIMIT $1`,
          [limit],
        );
        res.json({
          items: rows.map((n) => ({
            key: n.key, agreementId: n.agreement_id, item: n.item, kind: n.kind, level: n.level,
            recipientPositionId: n.recipient_position, recipientEmail: n.recipient_email, subject: n.subject,
            attempts: n.attempts, lastError: n.last_error, delivered: n.delivered, createdAt: n.created_at, lastAttemptAt: n.next_attempt_at,
            utcOffsetHours: Number(n.utc_offset_hours), // the PK's cycle's zone, for the page's times
          })),
        });
      },
    }),
    route({
      method: 'post', path: '/api/admin/notifications/:key/retry', tag: 'admin', summary: 'Requeue a dead notification (attempts start again)',
      access: ADMIN,
      async handler(req, res, ctx) {
        await requeueNotification(db, String(req.params.key), `admin:${ctx.principal.id}`);
        res.status(202).json({ key: req.params.key, deliveryStatus: 'pending' });
      },
    }),
    route({
      method: 'post', path: '/api/admin/signing/:nip/unlock', tag: 'admin', summary: 'Lift a passphrase lock on an official\'s signing before it expires',
      access: ADMIN,
      async handler(req, res, ctx) {
        // The path names the signer by NIP or, for an official without one (the Kepala Daerah), by official id.
        const nip = String(req.params.nip);
        if (!isPersonId(nip)) throw new HttpProblem(404, 'not_found', 'Give the official\'s NIP or official id.');
        if (!(await signerKnown(db, nip))) throw new HttpProblem(404, 'not_found', `No official ${nip} holds a position, a signing key or a lock here; nothing was changed.`);
        await unlockSigning(db, nip, `admin:${ctx.principal.id}`);
        logger.info({ nip, by: ctx.principal.id }, 'signing unlocked');
        res.json({ nip, unlocked: true });
      },
    }),
    route({
      method: 'post', path: '/api/admin/tokens/:tokenId/revoke', tag: 'admin',
      summary: 'Revoke a service token from `kinerja token` by its id (printed when it was made); the API refuses it from then on',
      access: ADMIN,
      async handler(req, res, ctx) {
        const tokenId = String(req.params.tokenId);
        const revoked = /^[0-9a-f-]{36}$/.test(tokenId) ? await revokeServiceToken(db, tokenId, `admin:${ctx.principal.id}`) : null;
        if (!revoked) throw new HttpProblem(404, 'not_found', 'No service token has this id.');
        logger.info({ tokenId, subject: revoked.subject, by: ctx.principal.id }, 'service token revoked');
        res.json({ tokenId, subject: revoked.subject, role: revoked.role, revokedAt: revoked.revokedAt });
      },
    }),
  ];
}
