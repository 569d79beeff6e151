// An Idempotency-Key whose request failed while PostgreSQL was down: the 503 could not delete the
// claim, so the key stays "in flight". The API process that claimed it knows the request has
// ended, so the client's retry (after the outage) runs at once instead of meeting
// 409 idempotency_in_progress for half a minute. A repeat while the first request still runs waits
// for it as before. The middleware runs on the run's real PostgreSQL; the outage is one failed
// DELETE (the only statement that cannot reach the database in this story).
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import express from 'express';
import { Pool } from 'pg';
import { migrate } from '../../db/migrate';
import { idempotency } from '../../api/idempotency';
import { HttpProblem, problemHandler } from '../../api/problem';

let pool: Pool;
let server: ReturnType<ReturnType<typeof express>['listen']>;
let base: string;
let failNextDelete = false;
let attempts = 0;
let release: (() => void) | null = null;

beforeAll(async () => {
  pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 4 });
  await migrate(pool);
  // the pool the middleware sees: the claim's DELETE after a failed request fails like a lost connection
  const db = new Proxy(pool, {
    get(target, prop) {
      if (prop !== 'query') return Reflect.get(target, prop);
      return (text: string, values?: unknown[]) => {
        if (failNextDelete && /^DELETE FROM api_idempotency/.test(text)) {
          failNextDelete = false;
          return Promise.reject(Object.assign(new Error('Connection terminated unexpectedly'), { code: '08006' }));
        }
        return target.query(text, values);
      };
    },
  });
  const app = express();
  app.use(express.json());
  app.use((_req, res, next) => {
    res.locals.principal = { role: 'official', id: '197001012000011001', nip: '197001012000011001' };
    next();
  });
  app.post('/report', idempotency(db as Pool), async (req, res) => {
    attempts++;
    if (req.body.hold) await new Promise<void>((r) => (release = r));
    if (req.body.failFirst && attempts === 1) {
      failNextDelete = true;
      throw new HttpProblem(503, 'unavailable', 'A backing service is unavailable; retry shortly.');
    }
    res.json({ stored: true, attempt: attempts });
  });
  app.use(problemHandler(() => undefined));
  server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server?.close();
  await pool?.end();
});

beforeEach(() => {
  attempts = 0;
});

const post = async (key: string, body: unknown) => {
  const r = await fetch(`${base}/report`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify(body) });
  const text = await r.text();
  if (!text.startsWith("{")) throw new Error(`${r.status} ${text.slice(0, 300)}`);
  return { status: r.status, body: JSON.parse(text), retryAfter: r.headers.get('retry-after') };
};

test('a retry after a 503 that could not release its key runs at once, and its answer is then replayed', async () => {
  const key = randomUUID();
  const first = await post(key, { failFirst: true });
  expect(first.status).toBe(503);
  const row = (await pool.query('SELECT status, owner FROM api_idempotency WHERE key = $1', [key])).rows[0];
  expect(row.status).toBeNull(); // still in flight in the table: the DELETE failed
  expect(row.owner).toEqual(expect.any(String));

  const retry = await post(key, { failFirst: true });
  expect(retry).toMatchObject({ status: 200, body: { stored: true, attempt: 2 } });
  const replay = await post(key, { failFirst: true });
  expect(replay).toMatchObject({ status: 200, body: { stored: true, attempt: 2 } });
  expect(attempts).toBe(2);
});

test('a repeat while the first request still runs waits for it (409 with Retry-After), then gets its answer', async () => {
  const key = randomUUID();
  const first = post(key, { hold: true });
  while (!release) await new Promise((r) => setTimeout(r, 10));
  const repeat = await post(key, { hold: true });
  expect(repeat).toMatchObject({ status: 409, body: { code: 'idempotency_in_progress' }, retryAfter: '1' });
  release!();
  release = null;
  expect(await first).toMatchObject({ status: 200, body: { attempt: 1 } });
  expect(await post(key, { hold: true })).toMatchObject({ status: 200, body: { attempt: 1 } });
  expect(attempts).toBe(1);
});
