// Notification delivery from the outbox: a real SMTP server receives the Indonesian e-mail, a real
// HTTP receiver gets the webhook with a valid HMAC, and a failing receiver leads to bounded retries
// and a dead letter that administrators list and requeue through the API.
import { createHmac } from 'node:crypto';
import { startStack, type Stack } from '../support/stack';
import { client, enc, nipOf, sampleOrganisation, tokens, waitFor } from '../support/api-client';
import { startSmtp, type TestSmtp } from '../support/smtp';
import { startHttpReceiver, type HttpReceiver } from '../support/http-receiver';
import { createNotificationDispatcher } from '../../activities/delivery';
import { loadConfig } from '../../config';
import { createLogger } from '../../logger';

const ORG = 'kab-notify';
const org = sampleOrganisation(ORG);
const cycleId = `cycle:${ORG}:${org.year}`;
const agreementId = `pk:${ORG}:${org.year}:kepala-dinkes`;
const SECRET = 'webhook-secret-for-tests';
let stack: Stack;
let smtp: TestSmtp;
let good: HttpReceiver;
let bad: HttpReceiver;
let call: ReturnType<typeof client>;
let t: ReturnType<typeof tokens>;

beforeAll(async () => {
  [stack, smtp, good, bad] = await Promise.all([startStack(), startSmtp(), startHttpReceiver(200), startHttpReceiver(503)]);
  call = client(stack.baseUrl);
  t = tokens(stack.config.KINERJA_SECRET);
  expect((await call('POST', '/api/cycles', { token: t.admin, body: org })).status).toBe(201);
  await waitFor(() => call('GET', `/api/cycles/${enc(cycleId)}`, { token: t.admin }), (r) => r.body.status === 'running');
});
afterAll(async () => {
  await Promise.all([stack?.stop(), smtp?.stop(), good?.stop(), bad?.stop()]);
});

async function insertNotification(key: string) {
  await stack.db.query(
    `INSERT INTO notifications (key, agreement_id, item, kind, level, recipient_position, recipient_nip, recipient_email, recipient_name, subject, body, due_at)
     VALUES ($1, $2, 'draft', 'reminder', 0, 'kepala-dinkes', $3, 'asn-dinkes@bengkayang.example', 'Kepala Dinas Kesehatan',
             'Pengingat: batas waktu menyusun dan mengajukan draf Perjanjian Kinerja (10 Januari)',
             'Yth. Kepala Dinas Kesehatan,\n\nMohon segera menyusun dan mengajukan draf Perjanjian Kinerja sebelum 10 Januari.', now() + interval '3 days')`,
    [key, agreementId, nipOf(org, 'kepala-dinkes')],
  );
}

const status = async (key: string) => (await stack.db.query('SELECT * FROM notifications WHERE key = $1', [key])).rows[0];

function dispatcher(webhooks: string[], maxAttempts = 3) {
  const config = loadConfig({
    ...process.env, SMTP_URL: smtp.url, WEBHOOK_URLS: webhooks.join(','), WEBHOOK_SECRET: SECRET,
    DELIVERY_MAX_ATTEMPTS: String(maxAttempts), DELIVERY_BACKOFF_MS: '50', DELIVERY_POLL_MS: '25',
  });
  return createNotificationDispatcher({ db: stack.db, config, logger: createLogger('test', 'silent') });
}

test('an e-mail in Bahasa Indonesia reaches the SMTP server and the webhook carries a valid HMAC', async () => {
  const key = `${agreementId}:test:reminder:1`;
  await insertNotification(key);
  const d = dispatcher([good.url]);
  d.start();
  try {
    const row = await waitFor(() => status(key), (r) => r.delivery_status === 'sent', 15_000);
    expect(row.delivery_status).toBe('sent');
    expect(row.attempts).toBe(1);
  } finally {
    await d.stop();
  }
  const mail = smtp.messages.find((m) => m.raw.includes(key));
  expect(mail).toBeDefined();
  expect(mail!.to).toEqual(['asn-dinkes@bengkayang.example']);
  expect(mail!.raw).toMatch(/Subject: .*Pengingat/);
  expect(mail!.raw).toContain('Mohon segera menyusun');

  const hook = good.requests.find((r) => r.body.includes(key))!;
  expect(hook.headers['content-type']).toBe('application/json');
  const expected = `sha256=${createHmac('sha256', SECRET).update(hook.body).digest('hex')}`;
  expect(hook.headers['x-kinerja-signature']).toBe(expected);
  expect(JSON.parse(hook.body)).toMatchObject({ key, agreementId, kind: 'reminder', recipient: { positionId: 'kepala-dinkes' } });
});

test('a failing receiver: bounded retries, then a dead letter admins list and requeue', async () => {
  const key = `${agreementId}:test:escalation:1`;
  await insertNotification(key);
  const before = bad.requests.length;
  const mailsBefore = smtp.messages.filter((m) => m.raw.includes(key)).length;
  const d = dispatcher([good.url, bad.url], 3);
  d.start();
  let row;
  try {
    row = await waitFor(() => status(key), (r) => r.delivery_status === 'dead', 15_000);
  } finally {
    await d.stop();
  }
  expect(row.delivery_status).toBe('dead');
  expect(row.attempts).toBe(3);
  expect(bad.requests.filter((r) => r.body.includes(key)).length - before).toBe(3);
  // the channels that worked were not repeated on each retry
  expect(smtp.messages.filter((m) => m.raw.includes(key)).length - mailsBefore).toBe(1);
  expect(good.requests.filter((r) => r.body.includes(key))).toHaveLength(1);
  expect(row.last_error).toContain('503');

  const dead = await call('GET', '/api/admin/notifications/dead', { token: t.admin });
  expect(dead.status).toBe(200);
  // utcOffsetHours: the zone the page shows its time in (a notification of no known PK: WIB)
  expect(dead.body.items.find((n: any) => n.key === key)).toMatchObject({ attempts: 3, agreementId, utcOffsetHours: 7 });
  expect((await call('GET', '/api/admin/notifications/dead', { token: t.evaluator })).status).toBe(403);

  const retry = await call('POST', `/api/admin/notifications/${enc(key)}/retry`, { token: t.admin });
  expect(retry.status).toBe(202);
  expect((await status(key)).delivery_status).toBe('pending');
  const twice = await call('POST', `/api/admin/notifications/${enc(key)}/retry`, { token: t.admin });
  expect([twice.status, twice.body.code]).toEqual([409, 'not_dead']);
  bad.status = 200; // the receiver is back
  const d2 = dispatcher([good.url, bad.url], 3);
  d2.start();
  try {
    const sent = await waitFor(() => status(key), (r) => r.delivery_status === 'sent', 15_000);
    expect(sent.delivery_status).toBe('sent');
  } finally {
    await d2.stop();
  }
  expect(good.requests.filter((r) => r.body.includes(key))).toHaveLength(1);
  // reminders and escalations show in the agreement's timeline
  const history = await call('GET', `/api/agreements/${enc(agreementId)}/history`, { token: t.admin });
  expect(history.body.entries.some((e: any) => e.source === 'notification' && e.summary.startsWith('Pengingat'))).toBe(true);
});
