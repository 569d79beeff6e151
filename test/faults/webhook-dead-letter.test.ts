// Webhook receivers that fail — one answers 500, one hangs past the delivery timeout, one refuses
// connections — for a cycle whose deadlines have passed (so escalations are sent at once): each
// notification is tried a bounded number of times and then dead-lettered, and meanwhile the
// agreements carry on through drafting, review and signing as if nothing were wrong.
import { createServer, type Server } from 'node:http';
import { sampleOrganisation, enc } from '../support/api-client';
import { freePort } from '../support/global-setup';
import { FaultStack, report, until } from './harness';
import { agreementIdOf, phaseIs, sign, toSigning } from './drive';

const NAME = 'webhook-dead-letter';
const org = sampleOrganisation('kab-faults-hook', new Date().getFullYear() - 1); // every deadline already passed
const cycleId = `cycle:${org.organisation.id}:${org.year}`;
const ATTEMPTS = 3;
let stack: FaultStack;
const servers: Server[] = [];
const received: Record<string, Record<string, number>> = { failing: {}, hanging: {} };

function receiver(name: 'failing' | 'hanging'): Promise<string> {
  return new Promise((resolve) => {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const key = (() => { try { return JSON.parse(body).key as string; } catch { return '?'; } })();
        received[name][key] = (received[name][key] ?? 0) + 1;
        if (name === 'failing') res.writeHead(500).end('boom');
        // 'hanging' never answers: the dispatcher's timeout must give up on it
      });
    });
    servers.push(server);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as { port: number }).port}/hook`));
  });
}

jest.setTimeout(900_000);

beforeAll(async () => {
  const [failing, hanging, refusedPort] = [await receiver('failing'), await receiver('hanging'), await freePort()];
  stack = await FaultStack.start({
    env: {
      WEBHOOK_URLS: [failing, hanging, `http://127.0.0.1:${refusedPort}/hook`].join(','),
      WEBHOOK_SECRET: 'webhook-secret-for-faults',
      DELIVERY_MAX_ATTEMPTS: String(ATTEMPTS),
      DELIVERY_BACKOFF_MS: '300',
      DELIVERY_MAX_BACKOFF_MS: '1000',
      DELIVERY_POLL_MS: '200',
      DELIVERY_TIMEOUT_MS: '1500',
    },
  });
  expect((await stack.call('POST', '/api/cycles', { token: stack.tokens.admin, body: org })).status).toBe(201);
  await until('the cycle to run', () => stack.call('GET', `/api/cycles/${enc(cycleId)}`, { token: stack.tokens.admin }), (r) => r.body?.status === 'running', 180_000);
});
afterAll(async () => {
  report(NAME, `faults injected: 3 broken receivers (500, hanging, refused)`);
  await stack?.stop();
  for (const s of servers) s.closeAllConnections?.(), s.close();
});

test('failing receivers: bounded retries, then dead letters; the workflows are not held up', async () => {
  const started = Date.now();
  // the agreements carry on while every delivery fails
  const positionId = org.positions.find((p: any) => p.parent === 'bupati').id;
  await toSigning(stack, org, positionId);
  expect((await sign(stack, org, positionId, 'first')).status).toBe(200);
  expect((await sign(stack, org, positionId, 'second')).status).toBe(200);
  await phaseIs(stack, agreementIdOf(org, positionId), 'reporting');
  const progressed = Math.round((Date.now() - started) / 1000);

  const rows = await until('notifications to be dead-lettered', async () => (await stack.db.query(
    `SELECT key, delivery_status, attempts, last_error FROM notifications WHERE agreement_id LIKE $1 ORDER BY key`, [`pk:${org.organisation.id}:%`],
  )).rows, (r) => r.length > 0 && r.filter((n) => n.delivery_status === 'dead').length >= Math.min(r.length, 5), 240_000, 1000);
  const dead = rows.filter((n) => n.delivery_status === 'dead');
  const byStatus = rows.reduce<Record<string, number>>((m, n) => ((m[n.delivery_status] = (m[n.delivery_status] ?? 0) + 1), m), {});
  report(NAME, `the PK went drafting → reporting in ${progressed} s with every webhook failing; notifications ${JSON.stringify(byStatus)}`);
  for (const n of dead) {
    expect(n.attempts).toBe(ATTEMPTS);
    expect(received.failing[n.key] ?? 0).toBeLessThanOrEqual(ATTEMPTS);
    expect(received.hanging[n.key] ?? 0).toBeLessThanOrEqual(ATTEMPTS);
    expect(n.last_error).toBeTruthy();
  }
  expect(Math.max(0, ...rows.map((n) => n.attempts))).toBeLessThanOrEqual(ATTEMPTS);
  const calls = Object.values(received.failing).reduce((a, b) => a + b, 0) + Object.values(received.hanging).reduce((a, b) => a + b, 0);
  report(NAME, `records checked: ${rows.length} notifications, ${dead.length} dead after ${ATTEMPTS} attempts each; receivers saw ${calls} requests (max per key ${Math.max(0, ...Object.values(received.failing), ...Object.values(received.hanging))}); last error e.g. "${String(dead[0]?.last_error).slice(0, 120)}"`);

  const listed = await stack.call('GET', '/api/admin/notifications/dead?limit=500', { token: stack.tokens.admin });
  expect(listed.status).toBe(200);
  expect(listed.body.items.map((n: any) => n.key)).toEqual(expect.arrayContaining(dead.map((n) => n.key)));
});
