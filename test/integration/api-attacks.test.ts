// Security through the API: five wrong passphrases lock signing (423) until an administrator
// unlocks it; filters and ids carrying SQL or path fragments are rejected or treated as data; and
// altering any column of any audit row is caught by the audit-chain check.
import type { Stack } from '../support/stack';
import { client, enc, nipOf, sampleOrganisation, tokens, startStackWithCycle, waitFor } from '../support/api-client';
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

beforeAll(async () => {
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

    expect((await call('POST', `/api/admin/signing/${nip}/unlock`, { token: owner })).status).toBe(403);
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
