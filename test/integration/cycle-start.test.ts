// The walking skeleton over HTTP on the real dev server and PostgreSQL: posting an organisation
// starts one agreement workflow per position, top down, visible in Temporal with search attributes.
import { SAMPLE_ORGANISATION_PATH } from '../../data/sample';
import { readFileSync } from 'node:fs';
import { startStack, type Stack } from '../support/stack';
import { lastValueText, tokens } from '../support/api-client';

const sample = JSON.parse(readFileSync(SAMPLE_ORGANISATION_PATH, 'utf8'));
let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.stop();
});

const auth = () => ({ authorization: `Bearer ${tokens(stack.config.KINERJA_SECRET).admin}` });
const post = (body: unknown) =>
  fetch(`${stack.baseUrl}/api/cycles`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth() }, body: JSON.stringify(body) });
const get = async (path: string) => (await fetch(`${stack.baseUrl}${path}`, { headers: auth() })).json();

async function waitFor<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (ok(value)) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms; last value: ${lastValueText(value)}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

test('GET /health reports Temporal and PostgreSQL reachable', async () => {
  const res = await fetch(`${stack.baseUrl}/health`);
  expect(res.status).toBe(200);
  const body = await res.json();
  expect(body.postgres.ok).toBe(true);
  expect(body.temporal.ok).toBe(true);
  // the dev server: one process, one history shard, every service in one ring member
  expect(body.temporal.serverVersion).toMatch(/^\d+\.\d+\.\d+/);
  expect(body.temporal.historyShards).toBe(1);
  expect(body.temporal.members.history).toHaveLength(1);
});

test('posting the sample organisation starts 80 agreement workflows, once', async () => {
  const first = await post(sample);
  expect(first.status).toBe(201);
  const { cycleId } = await first.json();
  expect(cycleId).toBe('cycle:kab-bengkayang:2025');

  const status = await waitFor(() => get(`/api/cycles/${encodeURIComponent(cycleId)}`), (s: any) => s.status === 'running');
  expect(status.started).toBe(80);
  expect(status.agreements).toBe(80);
  // the Bupati's statement and the direct reports open at once; the rest wait for their superior
  const phases = status.phases;
  expect(phases.drafting + phases.waiting_superior).toBe(80);
  const opensAtOnce = sample.positions.filter((p: any) => p.parent === null || p.parent === 'bupati').length;
  expect(opensAtOnce).toBe(12);
  expect(phases.drafting).toBe(opensAtOnce);

  const visible = await waitFor(
    () => stack.client.workflow.count(`KinerjaOrg = 'kab-bengkayang' AND KinerjaYear = 2025 AND WorkflowType = 'agreementV2'`),
    (c) => c.count === 80,
  );
  expect(visible.count).toBe(80);
  const dinkes = await stack.client.workflow.count(`KinerjaOrg = 'kab-bengkayang' AND KinerjaUnit = 'dinkes'`);
  expect(dinkes.count).toBe(sample.positions.filter((p: any) => p.unit === 'dinkes').length);
  const handle = stack.client.workflow.getHandle('pk:kab-bengkayang:2025:kepala-dinkes');
  expect((await handle.describe()).status.name).toBe('RUNNING');

  // Posting the same body again changes nothing.
  const again = await post(sample);
  expect(again.status).toBe(200);
  expect((await again.json()).created).toBe(false);
  const after = await get(`/api/cycles/${encodeURIComponent(cycleId)}`);
  expect(after.agreements).toBe(80);
  const count = await stack.client.workflow.count(`KinerjaOrg = 'kab-bengkayang' AND WorkflowType = 'agreementV2'`);
  expect(count.count).toBe(80);
});

test('each agreement carries its lineage from the Bupati down to itself; the migration derives the same for older rows', async () => {
  const cycleId = 'cycle:kab-bengkayang:2025';
  const byId = new Map<string, any>(sample.positions.map((p: any) => [p.id, p]));
  const expected = (positionId: string): string[] => {
    const ids: string[] = [];
    for (let p = byId.get(positionId); p; p = p.parent ? byId.get(p.parent) : undefined) ids.unshift(`pk:kab-bengkayang:2025:${p.id}`);
    return ids;
  };
  const stored = await waitFor(
    () => stack.db.query('SELECT position_id, lineage FROM agreements WHERE cycle_id = $1', [cycleId]),
    (r) => r.rows.length === 80,
  );
  expect(stored.rows).toHaveLength(80);
  for (const row of stored.rows) expect([row.position_id, row.lineage]).toEqual([row.position_id, expected(row.position_id)]);
  expect(stored.rows.find((r) => r.position_id === 'kepala-dinkes')!.lineage).toHaveLength(2);

  // An installation upgraded from before migration 005: its rows have no lineage until the
  // migration's backfill walks the tree. Replayed inside a transaction that is rolled back.
  const client = await stack.db.connect();
  try {
    await client.query('BEGIN');
    await client.query('ALTER TABLE agreements ALTER COLUMN lineage DROP NOT NULL');
    await client.query('UPDATE agreements SET lineage = NULL WHERE cycle_id = $1', [cycleId]);
    await client.query(readFileSync(`${__dirname}/../../db/migrations/005_visibility.sql`, 'utf8'));
    const backfilled = await client.query('SELECT position_id, lineage FROM agreements WHERE cycle_id = $1', [cycleId]);
    expect(backfilled.rows).toHaveLength(80);
    for (const row of backfilled.rows) expect([row.position_id, row.lineage]).toEqual([row.position_id, expected(row.position_id)]);
  } finally {
    await client.query('ROLLBACK');
    client.release();
  }
});

test('an invalid organisation is rejected with 422 listing every problem with its JSON path', async () => {
  const broken = structuredClone(sample);
  broken.organisation.id = 'kab-broken';
  broken.positions[5].parent = 'nobody';                           // dangling parent
  broken.positions[6].official.nip = broken.positions[7].official.nip; // duplicate NIP
  broken.positions[8].official.nip = '12345';                      // malformed NIP
  broken.positions[9].parent = broken.positions[10].id;            // a cycle in the tree
  broken.positions[10].parent = broken.positions[9].id;
  const res = await post(broken);
  expect(res.status).toBe(422);
  expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  const body = await res.json();
  expect(body.code).toBe('invalid_data');
  const found = body.problems.map((p: any) => `${p.code} ${p.path}`);
  expect(found).toEqual(expect.arrayContaining([
    'dangling_parent /positions/5/parent',
    'malformed_nip /positions/8/official/nip',
  ]));
  expect(body.problems.some((p: any) => p.code === 'duplicate_nip')).toBe(true);
  expect(body.problems.some((p: any) => p.code === 'cycle')).toBe(true);
  const stored = await stack.db.query(`SELECT count(*)::int AS n FROM cycles WHERE organisation_id = 'kab-broken'`);
  expect(stored.rows[0].n).toBe(0);
});
