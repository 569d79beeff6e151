// The append-only audit log (data access). Rows are hash-chained per agreement (or per cycle for
// cycle-wide changes): each hash covers the previous row's hash and this row's content, so altering or
// removing any row breaks the chain. The API and the activities both write through this module.
import type { Pool, PoolClient } from 'pg';
import { canonicalJson, sha256Hex } from '../security/hash';

export interface AuditEntry {
  agreementId: string;
  /** Idempotency key: a retried write finds its row. */
  key: string;
  action: string;
  actorId: string;
  data: Record<string, unknown>;
  /** When it happened (workflow time). */
  at: string;
}

export const GENESIS = '0'.repeat(64);

/** Covers every column but the row's place (seq) and its own hash; the key too, so no column can be altered unnoticed. */
export function auditHash(prevHash: string, row: { key: string; agreementId: string; action: string; actor: string; data: unknown; at: string }): string {
  return sha256Hex(prevHash + canonicalJson(row));
}

/** Append entries in order, each once (a retried write finds its row by key), in one transaction. */
export async function appendAuditRows(
  db: Pool | PoolClient,
  agreementId: string,
  entries: AuditEntry[],
  alsoInTransaction?: (client: PoolClient) => Promise<void>,
): Promise<void> {
  const client = 'release' in db ? db : await (db as Pool).connect();
  try {
    // one round trip for both (a simple query takes no parameters: the id goes in escaped)
    await client.query(`BEGIN; SELECT pg_advisory_xact_lock(hashtext(${(client as PoolClient).escapeLiteral(agreementId)}))`);
    await insertAuditRows(client as PoolClient, entries, agreementId);
    if (alsoInTransaction) await alsoInTransaction(client as PoolClient);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    if (!('release' in db)) (client as PoolClient).release();
  }
}

export async function appendAuditRow(db: Pool | PoolClient, entry: AuditEntry): Promise<void> {
  await appendAuditRows(db, entry.agreementId, [entry]);
}

/** Inside a transaction holding the advisory lock of the chain (hashtext of entry.agreementId: an agreement id, or a cycle id for cycle-wide changes). */
export async function insertAuditRow(client: PoolClient, entry: AuditEntry): Promise<void> {
  await insertAuditRows(client, [entry]);
}

/**
 * Entries of one chain, in order, under its lock: two round trips however many they are (which are
 * stored already, for a retried write, and the chain's head; then one INSERT of the rest).
 * `agreementId`: the chain whose lock the caller holds (by default the first entry's chain).
 */
export async function insertAuditRows(client: PoolClient, entries: AuditEntry[], agreementId = entries[0]?.agreementId): Promise<void> {
  if (entries.length === 0) return;
  // every row is linked into and stored under this one chain, and only its lock orders the appends
  if (entries.some((e) => e.agreementId !== agreementId)) throw new Error(`audit rows of chain ${agreementId} only, under its lock`);
  const { rows: [found] } = await client.query(
    `SELECT array(SELECT key FROM audit_log WHERE key = ANY($1)) AS stored,
            (SELECT hash FROM audit_log WHERE agreement_id = $2 ORDER BY seq DESC LIMIT 1) AS head`,
    [entries.map((e) => e.key), agreementId],
  );
  const stored = new Set<string>(found.stored);
  let prevHash: string = found.head ?? GENESIS;
  const values: unknown[] = [];
  const tuples: string[] = [];
  for (const entry of entries) {
    if (stored.has(entry.key)) continue;
    stored.add(entry.key);
    const atIso = new Date(entry.at).toISOString();
    const hash = auditHash(prevHash, { key: entry.key, agreementId, action: entry.action, actor: entry.actorId, data: entry.data, at: atIso });
    const n = values.push(entry.key, agreementId, entry.action, entry.actorId, entry.data, atIso, prevHash, hash);
    tuples.push(`(${Array.from({ length: 8 }, (_, i) => `$${n - 7 + i}`).join(',')})`);
    prevHash = hash;
  }
  if (tuples.length === 0) return;
  // VALUES rows are inserted in order, so seq follows the chain's links
  await client.query(`INSERT INTO audit_log (key, agreement_id, action, actor, data, at, prev_hash, hash) VALUES ${tuples.join(',')}`, values);
}

export interface ChainCheck {
  ok: boolean;
  rows: number;
  /** First row whose hash or link does not match. */
  brokenAt?: { seq: number; reason: string };
}

export async function verifyAuditChain(db: Pool, agreementId: string): Promise<ChainCheck> {
  const { rows } = await db.query(
    `SELECT seq, key, agreement_id, action, actor, data, at, prev_hash, hash FROM audit_log WHERE agreement_id = $1 ORDER BY seq`,
    [agreementId],
  );
  let prev = GENESIS;
  for (const r of rows) {
    if (r.prev_hash !== prev) return { ok: false, rows: rows.length, brokenAt: { seq: Number(r.seq), reason: 'link to the previous row does not match' } };
    const expected = auditHash(prev, { key: r.key, agreementId: r.agreement_id, action: r.action, actor: r.actor, data: r.data, at: new Date(r.at).toISOString() });
    if (expected !== r.hash) return { ok: false, rows: rows.length, brokenAt: { seq: Number(r.seq), reason: 'row content does not match its hash' } };
    prev = r.hash;
  }
  return { ok: true, rows: rows.length };
}
