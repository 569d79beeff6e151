// Security through the API: five wrong passphrases lock signing (423) until an administrator
// unlocks it; filters and ids carrying SQL or path fragments are rejected or treated as data;
// altering any column of any audit row is caught by the audit-chain check; and bursts of bad
// tokens, signing attempts and verifications are cut off with 429.
import type { Server } from 'node:http';
import { DefaultLogger, Runtime, type LogEntry } from '@temporalio/worker';
import type { Stack } from '../support/stack';
import { client, enc, nipOf, sampleOrganisation, tokens, startStackWithCycle, waitFor, type Reply } from '../support/api-client';
import { loadConfig } from '../../config';
import { createApp } from '../../api/app';
import { createLogger } from '../../logger';
import { mintToken as signToken } from '../support/test-tokens';
import { createSigningDeps } from '../../activities/signing';
import { issueOfficialCertificate } from '../../signing';

const ORG = 'kab-attacks';
const org = sampleOrganisation(ORG);
const cycleId = `cycle:${ORG}:${org.year}`;
const dinkes = `pk:${ORG}:${org.year}:kepala-dinkes`;
let stack: Stack;
let call: ReturnType<typeof client>;
let t: ReturnType<typeof tokens>;
const say = (line: string) => console.log(`[security] ${line}`);

jest.setTimeout(180_000);

/** The SDK's reports of failed activities (its WARN and ERROR lines still reach the output). */
const activityFailures: LogEntry[] = [];
/** The failures of a signer's mistakes (a wrong passphrase, the lock it brings) among them. */
const signerMistakes = () => activityFailures.filter((e) => ['WrongPassphrase', 'SigningLocked'].includes((e.meta?.error as { type?: string } | undefined)?.type ?? ''));

beforeAll(async () => {
  // installed before the stack would install its own quiet one
  Runtime.install({
    logger: new DefaultLogger('DEBUG', (entry) => {
      if (entry.message === 'Activity failed') activityFailures.push(entry);
      if (entry.level === 'WARN' || entry.level === 'ERROR') console.warn(`[${entry.level}] ${entry.message}`, entry.meta ?? '');
    }),
  });
  ({ stack, call, t } = await startStackWithCycle(org, (s) => s.status === 'running'));
});
afterAll(async () => {
  await stack?.stop();
});

const phaseIs = (id: string, phase: string) => waitFor(() => call('GET', `/api/agreements/${enc(id)}`, { token: t.evaluator }), (r) => r.body.phase === phase, 60_000);

describe('passphrase lockout', () => {
  test('five wrong passphrases lock signing: 423 even for the right one, until an administrator unlocks', async () => {
    const nip = nipOf(org, 'kepala-dinkes');
    const right = `frasa-rahasia-${nip}`;
    // the official already holds a certificate (enrolled with the right passphrase)
    const signing = await createSigningDeps(stack.db, stack.config);
    const ca = await signing.ca({ id: ORG, name: org.organisation.name });
    await issueOfficialCertificate({ store: signing.store, ca, passphrase: right, official: { signerId: nip, name: 'Kepala Dinas Kesehatan', nip, organisation: org.organisation.name } });

    const owner = t.official(nip);
    await waitFor(() => call('GET', `/api/agreements/${enc(dinkes)}`, { token: owner }), (r) => r.body.state?.deadline?.item === 'draft');
    expect((await call('PUT', `/api/agreements/${enc(dinkes)}/draft`, { token: owner, body: org.drafts['kepala-dinkes'] })).status).toBe(200);
    expect((await call('POST', `/api/agreements/${enc(dinkes)}/submit`, { token: owner })).status).toBe(200);
    await phaseIs(dinkes, 'review');
    expect((await call('POST', `/api/agreements/${enc(dinkes)}/review/approve`, { token: t.official(nipOf(org, 'bupati')) })).status).toBe(200);
    await phaseIs(dinkes, 'signing');

    const seen: string[] = [];
    for (let i = 1; i <= 5; i++) {
      const r = await call('POST', `/api/agreements/${enc(dinkes)}/sign`, { token: owner, body: { passphrase: `salah-${i}-${nip}` } });
      seen.push(`${r.status} ${r.body.code}${r.body.attemptsLeft !== undefined ? ` (${r.body.attemptsLeft} left)` : ''}`);
      expect(JSON.stringify(r.body)).not.toContain(`salah-${i}-${nip}`);
      if (i < 5) expect([r.status, r.body.code]).toEqual([422, 'wrong_passphrase']);
      else expect([423, 422]).toContain(r.status);
    }
    const locked = await call('POST', `/api/agreements/${enc(dinkes)}/sign`, { token: owner, body: { passphrase: right } });
    seen.push(`right passphrase: ${locked.status} ${locked.body.code} until ${locked.body.lockedUntil}`);
    say(`five wrong passphrases then the right one: ${seen.join('; ')}`);
    expect([locked.status, locked.body.code]).toEqual([423, 'signing_locked']);
    expect(Date.parse(locked.body.lockedUntil)).toBeGreaterThan(Date.now());
    expect((await stack.db.query('SELECT count(*)::int AS n FROM documents WHERE agreement_id = $1', [dinkes])).rows[0].n).toBe(0);
    // the worker logs a signer's mistakes at debug, not as failures at warn with a stack: the
    // audit log and the 422/423 say them
    expect(signerMistakes().length).toBeGreaterThanOrEqual(5);
    expect(signerMistakes().map((e) => e.level)).toEqual(signerMistakes().map(() => 'DEBUG'));

    expect((await call('POST', `/api/admin/signing/${nip}/unlock`, { token: owner })).status).toBe(403);
    // a mistyped id is 404 and writes nothing: not "unlocked" while the official stays locked
    const typo = `${nip.slice(0, -1)}${nip.endsWith('9') ? '8' : '9'}`;
    const mistyped = await call('POST', `/api/admin/signing/${typo}/unlock`, { token: t.admin });
    expect([mistyped.status, mistyped.body.code]).toEqual([404, 'not_found']);
    expect((await stack.db.query("SELECT count(*)::int AS n FROM audit_log WHERE data->>'signerId' = $1", [typo])).rows[0].n).toBe(0);
    expect((await call('POST', `/api/admin/signing/${nip}/unlock`, { token: t.admin })).status).toBe(200);
    const signed = await call('POST', `/api/agreements/${enc(dinkes)}/sign`, { token: owner, body: { passphrase: right } });
    say(`after an administrator's unlock the right passphrase signs: ${signed.status}`);
    expect(signed.status).toBe(200);
  });
});

describe('SQL and path fragments', () => {
  const FRAGMENTS = [
    "' OR '1'='1",
    "x'; DROP TABLE agreements; --",
    '1 UNION SELECT nip, official_name FROM positions --',
    '../../../../etc/passwd',
    '..%2F..%2Fetc%2Fpasswd',
    '%00',
    `${dinkes}' --`,
    `${dinkes}/../pk:other`,
    '$1',
    '\\x00\\\'',
  ];

  async function tableCounts() {
    const { rows } = await stack.db.query(`SELECT (SELECT count(*) FROM agreements)::int AS agreements, (SELECT count(*) FROM positions)::int AS positions, (SELECT count(*) FROM cycles)::int AS cycles`);
    return rows[0];
  }

  test('in list filters: treated as data (nothing matches) or rejected, never an error or a leak', async () => {
    const before = await tableCounts();
    const answers: Record<string, number> = {};
    for (const fragment of FRAGMENTS) {
      for (const name of ['cycle', 'unit', 'phase', 'nip', 'overdue', 'cursor', 'limit']) {
        for (const token of [t.admin, t.official(nipOf(org, 'kepala-pupr'))]) {
          const r = await call('GET', `/api/agreements?${name}=${enc(fragment)}`, { token });
          answers[r.status] = (answers[r.status] ?? 0) + 1;
          expect([200, 400, 422]).toContain(r.status);
          if (r.status === 200) expect(r.body.items).toEqual([]);
        }
      }
      const report = await call('GET', `/api/cycles/${enc(cycleId)}/report?format=${enc(fragment)}`, { token: t.admin });
      expect([400, 422]).toContain(report.status);
      const dead = await call('GET', `/api/admin/notifications/dead?limit=${enc(fragment)}`, { token: t.admin });
      expect([400, 422]).toContain(dead.status);
    }
    say(`${FRAGMENTS.length} fragments × 7 list filters × 2 callers + report format + dead-letter limit: answers ${JSON.stringify(answers)}`);
    expect(await tableCounts()).toEqual(before);
  });

  test('in path ids: 404 (an id that does not exist) or 403, never another record, an error or a file', async () => {
    const before = await tableCounts();
    const answers: Record<string, number> = {};
    const paths = (fragment: string) => [
      `/api/agreements/${enc(fragment)}`,
      `/api/agreements/${enc(fragment)}/history`,
      `/api/agreements/${enc(fragment)}/audit/verify`,
      `/api/documents/${enc(fragment)}`,
      `/api/documents/${enc(fragment)}/verification`,
      `/api/cycles/${enc(fragment)}`,
      `/api/cycles/${enc(fragment)}/report`,
      `/api/agreements/${enc(dinkes)}/realizations/${enc(fragment)}`,
      // unencoded: the router sees the raw fragment
      `/api/agreements/${fragment}`,
      `/api/documents/${fragment}`,
    ];
    for (const fragment of FRAGMENTS) {
      for (const path of paths(fragment)) {
        const method = path.includes('/realizations/') ? 'POST' : 'GET';
        const r = await call(method, path, { token: t.admin, body: method === 'POST' ? { realizations: [], budgetSpent: [] } : undefined });
        answers[r.status] = (answers[r.status] ?? 0) + 1;
        expect([400, 403, 404, 409, 422]).toContain(r.status);
        expect(JSON.stringify(r.body)).not.toMatch(/root:x:0:0|"items":\[\{/);
      }
    }
    say(`${FRAGMENTS.length} fragments × ${paths('x').length} id positions: answers ${JSON.stringify(answers)}`);
    expect(await tableCounts()).toEqual(before);
  });
});

test('a path parameter that is not valid percent-encoded UTF-8 is 400 invalid_parameter, signed in or not (it was 503 with Retry-After)', async () => {
  for (const [path, token] of [
    ['/api/agreements/%E0%A4%A', t.admin],
    ['/api/agreements/%C3%28/history', t.evaluator],
    ['/api/verify/documents/%E0%A4%A', undefined],
  ] as const) {
    const r = await call('GET', path, { token });
    expect([path, r.status, r.body.code, r.headers.get('retry-after')]).toEqual([path, 400, 'invalid_parameter', null]);
  }
});

describe('audit chain', () => {
  const COLUMNS: Array<[string, string]> = [
    ['key', `key = key || '-x'`],
    ['agreement_id', `agreement_id = agreement_id || '-x'`],
    ['action', `action = action || '.forged'`],
    ['actor', `actor = 'admin:mallory'`],
    ['data', `data = data || '{"forged": true}'::jsonb`],
    ['at', `at = at + interval '1 second'`],
    ['prev_hash', `prev_hash = repeat('a', 64)`],
    ['hash', `hash = repeat('b', 64)`],
  ];

  test('altering any column of any audit row is detected; restoring it makes the chain whole again', async () => {
    const { rows } = await stack.db.query('SELECT * FROM audit_log WHERE agreement_id = $1 ORDER BY seq', [dinkes]);
    expect(rows.length).toBeGreaterThanOrEqual(3);
    const verify = async (id = dinkes) => (await call('GET', `/api/agreements/${enc(id)}/audit/verify`, { token: t.evaluator })).body;
    expect((await verify()).ok).toBe(true);
    const picks = [0, Math.floor(rows.length / 2), rows.length - 1];
    const results: string[] = [];
    let alterations = 0;
    for (const index of picks) {
      const row = rows[index];
      for (const [column, set] of COLUMNS) {
        await stack.db.query(`UPDATE audit_log SET ${set} WHERE seq = $1`, [row.seq]);
        const check = await verify();
        // a row moved to another agreement: this chain must notice, or the chain it was moved into
        const elsewhere = column === 'agreement_id' ? await verify(`${dinkes}-x`) : { ok: true };
        const detected = !check.ok || !elsewhere.ok;
        results.push(`${column}@${index}:${detected ? 'detected' : 'MISSED'}`);
        await stack.db.query(
          `UPDATE audit_log SET key = $2, agreement_id = $3, action = $4, actor = $5, data = $6, at = $7, prev_hash = $8, hash = $9 WHERE seq = $1`,
          [row.seq, row.key, row.agreement_id, row.action, row.actor, row.data, row.at, row.prev_hash, row.hash],
        );
        alterations++;
      }
      // reordering: swap this row's place with its neighbour's
      const other = rows[index === rows.length - 1 ? index - 1 : index + 1];
      await stack.db.query(`UPDATE audit_log SET seq = CASE seq WHEN $1 THEN -1 ELSE seq END WHERE seq = $1`, [row.seq]);
      await stack.db.query(`UPDATE audit_log SET seq = $1 WHERE seq = $2`, [row.seq, other.seq]);
      await stack.db.query(`UPDATE audit_log SET seq = $1 WHERE seq = -1`, [other.seq]);
      results.push(`order@${index}:${(await verify()).ok ? 'MISSED' : 'detected'}`);
      await stack.db.query(`UPDATE audit_log SET seq = -1 WHERE seq = $1`, [other.seq]);
      await stack.db.query(`UPDATE audit_log SET seq = $1 WHERE seq = $2`, [other.seq, row.seq]);
      await stack.db.query(`UPDATE audit_log SET seq = $1 WHERE seq = -1`, [row.seq]);
      alterations++;
      expect((await verify()).ok).toBe(true);
    }
    // and a removed row
    const middle = rows[Math.floor(rows.length / 2)];
    await stack.db.query('DELETE FROM audit_log WHERE seq = $1', [middle.seq]);
    results.push(`deleted@${Math.floor(rows.length / 2)}:${(await verify()).ok ? 'MISSED' : 'detected'}`);
    await stack.db.query(
      `INSERT INTO audit_log (seq, key, agreement_id, action, actor, data, at, prev_hash, hash) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
      [middle.seq, middle.key, middle.agreement_id, middle.action, middle.actor, middle.data, middle.at, middle.prev_hash, middle.hash],
    );
    alterations++;
    expect((await verify()).ok).toBe(true);
    say(`${alterations} alterations of ${rows.length} audit rows (${COLUMNS.length} columns at first/middle/last, reorderings, a deletion): ${results.join(' ')}`);
    expect(results.filter((r) => r.endsWith('MISSED'))).toEqual([]);
  });
});

describe('rate limits', () => {
  // A second app on the same stack, each with its own counters; it trusts the loopback proxy, so
  // X-Forwarded-For stands for the clients an attacker and a colleague would be.
  const servers: Server[] = [];
  async function appWith(overrides: Record<string, string> = {}) {
    const config = loadConfig({ ...process.env, TEMPORAL_TASK_QUEUE: stack.config.TEMPORAL_TASK_QUEUE, TRUST_PROXY: 'loopback', ...overrides });
    const app = createApp({ db: stack.db, temporal: stack.client, config, logger: createLogger('test', 'silent') });
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    servers.push(server);
    const limited = client(`http://127.0.0.1:${(server.address() as { port: number }).port}`);
    return {
      config,
      from: (ip: string) => (method: string, path: string, opts: Parameters<typeof limited>[2] = {}) =>
        limited(method, path, { ...opts, headers: { ...(opts.headers ?? {}), 'x-forwarded-for': ip } }),
    };
  }
  afterAll(async () => {
    for (const s of servers) await new Promise((r) => s.close(r));
  });

  const tally = (replies: Reply[]) => replies.reduce<Record<number, number>>((n, r) => ({ ...n, [r.status]: (n[r.status] ?? 0) + 1 }), {});
  function expectTooMany(r: Reply) {
    expect([r.status, r.body.code]).toEqual([429, 'rate_limited']);
    expect(r.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(r.body.retryAfter).toBe(Number(r.headers.get('retry-after')));
  }

  test('a burst of bad tokens from one client: 429 with Retry-After once its failures are spent, for every token it presents; other clients are unaffected', async () => {
    const { config, from } = await appWith();
    const limit = config.RATE_LIMIT_AUTH_FAILURES_PER_CLIENT;
    const attacker = from('203.0.113.7');
    const forged = (i: number) => [
      signToken({ sub: 'admin', role: 'admin' }, `guessed-secret-${i}-0123456789`, 3600),
      `${t.admin.slice(0, -4)}${String(i).padStart(4, '0')}`,
      'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiIsInJvbGUiOiJhZG1pbiJ9.',
    ][i % 3];
    const burst = await Promise.all(Array.from({ length: limit + 30 }, (_, i) => attacker('GET', i % 2 ? '/api/me' : '/api/cycles', { token: forged(i) })));
    const seen = tally(burst);
    const blocked = burst.filter((r) => r.status === 429);
    expect(seen[401] ?? 0).toBeLessThanOrEqual(limit);
    expect(blocked.length).toBeGreaterThanOrEqual(30);
    expect(blocked.length + (seen[401] ?? 0)).toBe(burst.length);
    expectTooMany(blocked[0]);
    // a valid token from the same client is refused too, so guessing cannot go on between valid ones
    const valid = await attacker('GET', '/api/me', { token: t.admin });
    expectTooMany(valid);
    // another client (and the same token) are served; valid tokens never spend an allowance. (An
    // official's inbox: the evaluator's lists every PK in evaluation in the suite's shared database,
    // and 130 of those at once made this a load test of it, which a loaded CI machine failed once.)
    const colleague = from('203.0.113.8');
    const reads = await Promise.all(Array.from({ length: limit + 30 }, () => colleague('GET', '/api/me/tasks', { token: t.official(nipOf(org, 'bupati')) })));
    say(`${burst.length} bad tokens from one client (limit ${limit} per ${config.RATE_LIMIT_AUTH_FAILURE_WINDOW_SECONDS} s): ${JSON.stringify(seen)}, Retry-After ${blocked[0].headers.get('retry-after')} s; then its valid token: ${valid.status}; ${reads.length} valid reads from another client: ${JSON.stringify(tally(reads))}`);
    expect(tally(reads)).toEqual({ 200: reads.length });
  });

  test('a burst of signing attempts by one official: 429 past the per-caller limit, nothing signed; another official is still served', async () => {
    const { config, from } = await appWith();
    const limit = config.RATE_LIMIT_SIGNING_PER_PRINCIPAL;
    const pupr = `pk:${ORG}:${org.year}:kepala-pupr`;
    const nip = nipOf(org, 'kepala-pupr');
    const signer = from('203.0.113.20');
    const burst = await Promise.all(Array.from({ length: limit + 10 }, (_, i) =>
      signer('POST', `/api/agreements/${enc(pupr)}/sign`, { token: t.official(nip), body: { passphrase: `tebakan-${i}-${nip}` } })));
    const seen = tally(burst);
    const blocked = burst.filter((r) => r.status === 429);
    expect(blocked.length).toBeGreaterThanOrEqual(10);
    expect(burst.length - blocked.length).toBeLessThanOrEqual(limit);
    expectTooMany(blocked[0]);
    const dikbud = `pk:${ORG}:${org.year}:kepala-dikbud`;
    const other = await signer('POST', `/api/agreements/${enc(dikbud)}/sign`, { token: t.official(nipOf(org, 'kepala-dikbud')), body: { passphrase: 'frasa-lain-123456' } });
    say(`${burst.length} sign attempts by one official at once (limit ${limit}/min): ${JSON.stringify(seen)}, Retry-After ${blocked[0].headers.get('retry-after')} s; another official from the same client: ${other.status} ${other.body.code}`);
    expect(other.status).not.toBe(429);
    const stored = await stack.db.query('SELECT count(*)::int AS n FROM documents WHERE agreement_id = ANY($1)', [[pupr, dikbud]]);
    expect(stored.rows[0].n).toBe(0);
  });

  test('retrying one request with its Idempotency-Key only replays the answer and spends nothing; a new attempt does', async () => {
    const { from } = await appWith({ RATE_LIMIT_SIGNING_PER_PRINCIPAL: '3' });
    const nip = nipOf(org, 'kepala-pertanian');
    const sign = (key: string, passphrase = 'frasa-coba-123456') =>
      from('203.0.113.40')('POST', `/api/agreements/${enc(`pk:${ORG}:${org.year}:kepala-pertanian`)}/sign`, { token: t.official(nip), body: { passphrase }, headers: { 'idempotency-key': key } });
    const first = await sign('retry-me');
    const retries: Reply[] = [];
    for (let i = 0; i < 6; i++) retries.push(await sign('retry-me'));
    const fresh: Reply[] = [];
    for (let i = 0; i < 4; i++) fresh.push(await sign(`new-${i}`, `frasa-baru-${i}-123456`));
    say(`one sign request and 6 retries with its key (limit 3/min): ${first.status}, ${retries.map((r) => `${r.status}${r.headers.get('idempotent-replayed') ? ' replayed' : ''}`).join(', ')}; then 4 new attempts: ${fresh.map((r) => r.status).join(' ')}`);
    expect(first.status).not.toBe(429);
    for (const r of retries) expect([r.status, r.headers.get('idempotent-replayed')]).toEqual([first.status, 'true']);
    expect(fresh.map((r) => r.status === 429)).toEqual([false, false, true, true]);
  });

  test('per client too: many officials signing from one address are limited together; verification has its own limits', async () => {
    const { from } = await appWith({ RATE_LIMIT_SIGNING_PER_CLIENT: '4', RATE_LIMIT_VERIFICATION_PER_PRINCIPAL: '3' });
    const office = from('203.0.113.30');
    const officials = ['kepala-dikbud', 'kepala-pupr', 'sekda', 'asisten-1', 'asisten-2', 'asisten-3'];
    const signs = [];
    for (const id of officials) {
      signs.push(await office('POST', `/api/agreements/${enc(`pk:${ORG}:${org.year}:${id}`)}/sign`, { token: t.official(nipOf(org, id)), body: { passphrase: 'frasa-kantor-123456' } }));
    }
    expect(signs.slice(0, 4).map((r) => r.status)).not.toContain(429);
    signs.slice(4).forEach(expectTooMany);
    const verify = [];
    for (let i = 0; i < 5; i++) verify.push(await office('GET', `/api/agreements/${enc(dinkes)}/audit/verify`, { token: t.evaluator }));
    say(`6 officials signing from one client (limit 4/min per client): ${signs.map((r) => r.status).join(' ')}; 5 audit verifications by one caller (limit 3/min): ${verify.map((r) => r.status).join(' ')}`);
    expect(verify.slice(0, 3).map((r) => r.status)).toEqual([200, 200, 200]);
    verify.slice(3).forEach(expectTooMany);
  });
});
