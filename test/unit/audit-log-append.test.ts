// The audit log's append against the real PostgreSQL of the test run (DATABASE_URL, migrated): a
// chain's rows in order under its lock, taken in the same round trip as BEGIN with the id escaped
// into the statement; a retried append stores nothing twice; the chain verifies; and a chain id
// with quotes and backslashes is a value, never SQL.
import { Pool } from 'pg';
import { appendAuditRows, insertAuditRows, verifyAuditChain, type AuditEntry } from '../../db/audit-log';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is not set: run through jest, whose global setup starts PostgreSQL');

let pool: Pool;
beforeAll(() => {
  pool = new Pool({ connectionString: url });
});
afterAll(() => pool?.end());

const entry = (agreementId: string, n: number): AuditEntry => ({
  agreementId, key: `${agreementId}:${n}`, action: 'draft.saved', actorId: 'system', data: { n }, at: new Date(Date.UTC(2026, 0, n)).toISOString(),
});

test("a chain's rows are appended in order once, under its lock, and verify", async () => {
  const id = `pk:audit-test:${process.pid}-${Date.now()}:o'brien\\'); DROP TABLE audit_log; --`;
  await appendAuditRows(pool, id, [entry(id, 1), entry(id, 2)]);
  await appendAuditRows(pool, id, [entry(id, 2), entry(id, 3)]); // a retry of 2 with a new 3
  const rows = (await pool.query('SELECT key FROM audit_log WHERE agreement_id = $1 ORDER BY seq', [id])).rows;
  expect(rows.map((r) => r.key)).toEqual([1, 2, 3].map((n) => `${id}:${n}`));
  expect(await verifyAuditChain(pool, id)).toEqual({ ok: true, rows: 3 });
});

test('rows of another chain are refused and nothing of the append is stored', async () => {
  const id = `pk:audit-test:${process.pid}-${Date.now()}:mixed`;
  await expect(appendAuditRows(pool, id, [entry(id, 1), entry(`${id}-other`, 2)])).rejects.toThrow(/chain/);
  expect((await pool.query('SELECT count(*)::int AS n FROM audit_log WHERE agreement_id = ANY($1)', [[id, `${id}-other`]])).rows[0].n).toBe(0);
});

test('inserted without the append (a caller holding the lock itself), rows of two chains are refused too', async () => {
  const id = `pk:audit-test:${process.pid}-${Date.now()}:mixed-insert`;
  const client = await pool.connect();
  try {
    await expect(insertAuditRows(client, [entry(id, 1), entry(`${id}-other`, 2)])).rejects.toThrow(/chain/);
  } finally {
    client.release();
  }
  expect((await pool.query('SELECT count(*)::int AS n FROM audit_log WHERE agreement_id = ANY($1)', [[id, `${id}-other`]])).rows[0].n).toBe(0);
});
