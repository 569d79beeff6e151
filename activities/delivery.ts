// Delivery of the notification outbox: records written by the notify activity are sent by e-mail
// (SMTP, text already in Bahasa Indonesia) and to every configured webhook (JSON, HMAC-signed).
// Records are claimed with FOR UPDATE SKIP LOCKED and a lease, so several workers never send the
// same record at once; a failure is retried with exponential backoff and, after the last attempt,
// the record is dead and waits for an administrator. Channels already reached are not repeated.
import { createHmac } from 'node:crypto';
import nodemailer, { type Transporter } from 'nodemailer';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { createPoller } from '../poller';

export interface NotificationRow {
  key: string;
  agreement_id: string;
  item: string;
  kind: string;
  level: number;
  recipient_position: string | null;
  recipient_nip: string | null;
  recipient_email: string | null;
  recipient_name: string | null;
  subject: string;
  body: string;
  due_at: Date | null;
  created_at: Date;
  attempts: number;
  delivered: string[];
}

export interface NotificationDispatcher {
  start(): void;
  stop(): Promise<void>;
  /** One pass over due records; returns how many were handled. For tests and `kinerja doctor`. */
  runOnce(): Promise<number>;
}

type DeliveryConfig = Pick<
  Config,
  'SMTP_URL' | 'MAIL_FROM' | 'WEBHOOK_URLS' | 'WEBHOOK_SECRET' | 'DELIVERY_MAX_ATTEMPTS' | 'DELIVERY_BACKOFF_MS' | 'DELIVERY_MAX_BACKOFF_MS' | 'DELIVERY_POLL_MS' | 'DELIVERY_BATCH' | 'DELIVERY_TIMEOUT_MS'
>;

export function webhookSignature(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Delay before attempt n+1 after n failures: base × 2^(n−1), capped. */
export function backoffMs(failures: number, base: number, max: number): number {
  return Math.min(max, base * 2 ** Math.max(0, failures - 1));
}

export function webhookPayload(n: NotificationRow) {
  return {
    key: n.key,
    agreementId: n.agreement_id,
    item: n.item,
    kind: n.kind,
    level: n.level,
    recipient: { positionId: n.recipient_position, nip: n.recipient_nip, name: n.recipient_name, email: n.recipient_email },
    subject: n.subject,
    body: n.body,
    dueAt: n.due_at ? new Date(n.due_at).toISOString() : null,
    createdAt: new Date(n.created_at).toISOString(),
  };
}

export function createNotificationDispatcher({ db, config, logger }: { db: Pool; config: DeliveryConfig; logger: Logger }): NotificationDispatcher {
  const webhooks = (config.WEBHOOK_URLS ?? '').split(',').map((u) => u.trim()).filter(Boolean);
  if (webhooks.length > 0 && !config.WEBHOOK_SECRET) logger.warn('WEBHOOK_URLS set without WEBHOOK_SECRET: webhooks are sent unsigned');
  if (!config.SMTP_URL) logger.warn('SMTP_URL is not set: notifications are not e-mailed');
  const mailer: Transporter | null = config.SMTP_URL
    ? nodemailer.createTransport(config.SMTP_URL, { connectionTimeout: config.DELIVERY_TIMEOUT_MS, socketTimeout: config.DELIVERY_TIMEOUT_MS } as never)
    : null;
  // The lease: a claimed record is invisible to other dispatchers for this long, even if we crash.
  const leaseMs = Math.max(60_000, config.DELIVERY_TIMEOUT_MS * (webhooks.length + 2));

  async function claim(): Promise<NotificationRow[]> {
    const { rows } = await db.query(
      `UPDATE notifications SET next_attempt_at = now() + make_interval(secs => $2)
        WHERE key IN (SELECT key FROM notifications WHERE delivery_status = 'pending' AND next_attempt_at <= now()
                       ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING *`,
      [config.DELIVERY_BATCH, leaseMs / 1000],
    );
    return rows;
  }

  async function sendEmail(n: NotificationRow): Promise<void> {
    await mailer!.sendMail({
      from: config.MAIL_FROM,
      to: n.recipient_name ? { name: n.recipient_name, address: n.recipient_email! } : n.recipient_email!,
      subject: n.subject,
      text: n.body,
      headers: { 'X-Kinerja-Notification': n.key },
    });
  }

  async function sendWebhook(url: string, n: NotificationRow): Promise<void> {
    const body = JSON.stringify(webhookPayload(n));
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'kinerja-notifications', 'x-kinerja-delivery': n.key };
    if (config.WEBHOOK_SECRET) headers['x-kinerja-signature'] = webhookSignature(body, config.WEBHOOK_SECRET);
    const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(config.DELIVERY_TIMEOUT_MS) });
    await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) throw new Error(`webhook ${url} answered ${res.status}`);
  }

  async function deliver(n: NotificationRow): Promise<void> {
    const channels: Array<[string, () => Promise<void>]> = [];
    if (mailer && n.recipient_email) channels.push(['email', () => sendEmail(n)]);
    for (const url of webhooks) channels.push([`webhook:${url}`, () => sendWebhook(url, n)]);
    const delivered = new Set(n.delivered ?? []);
    const errors: string[] = [];
    for (const [name, send] of channels) {
      if (delivered.has(name)) continue;
      try {
        await send();
        delivered.add(name);
      } catch (err) {
        errors.push(`${name}: ${(err as Error).message}`);
      }
    }
    const attempts = n.attempts + 1;
    if (errors.length === 0) {
      await db.query(
        `UPDATE notifications SET delivery_status = 'sent', attempts = $2, delivered = $3, last_error = NULL, sent_at = now() WHERE key = $1`,
        [n.key, attempts, [...delivered]],
      );
      return;
    }
    const dead = attempts >= config.DELIVERY_MAX_ATTEMPTS;
    const delay = backoffMs(attempts, config.DELIVERY_BACKOFF_MS, config.DELIVERY_MAX_BACKOFF_MS);
    await db.query(
      `UPDATE notifications SET delivery_status = $2, attempts = $3, delivered = $4, last_error = $5,
              next_attempt_at = CASE WHEN $2 = 'dead' THEN now() ELSE now() + make_interval(secs => $6) END
        WHERE key = $1`,
      [n.key, dead ? 'dead' : 'pending', attempts, [...delivered], errors.join('; ').slice(0, 2000), delay / 1000],
    );
    logger[dead ? 'error' : 'warn']({ key: n.key, agreementId: n.agreement_id, attempts, errors }, dead ? 'notification is dead' : 'notification delivery failed; will retry');
  }

  async function runOnce(): Promise<number> {
    const batch = await claim();
    await Promise.all(batch.map((n) => deliver(n).catch((err) => logger.error({ err, key: n.key }, 'delivery bookkeeping failed'))));
    return batch.length;
  }

  const poller = createPoller({
    pass: runOnce,
    delayMs: (handled) => (handled !== null && handled >= config.DELIVERY_BATCH ? 0 : config.DELIVERY_POLL_MS),
    onError: (err) => logger.warn({ err }, 'notification poll failed'), // PostgreSQL away: try again next tick
  });
  return {
    start: poller.start,
    async stop() {
      await poller.stop();
      mailer?.close();
    },
    runOnce,
  };
}
