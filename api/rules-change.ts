// Changing a cycle's rules (formula, cap, scale, aggregation): an administrator may correct them
// until the first evaluation of the cycle is computed. After that, scores already on the record
// were computed with the stored rules, so a change would make two PKs of one cycle incomparable:
// 409 `rules_frozen`. The change and its audit row (who, old, new) commit together; the audit row
// is on the cycle's own hash chain in audit_log (keyed by the cycle id).
import type { Pool } from 'pg';
import { insertAuditRow } from '../db/audit-log';
import { canonicalJson } from '../security/hash';
import { applyRules, parseRules, type Rules, type RulesOverrides } from '../domain/rules';
import { HttpProblem, invalid } from './problem';
import { requestScopedId } from './request-id';

export const RULES_CHANGED = 'cycle.rules_changed';

/** The stored rules as complete rules (a cycle stored before rules were accepted has `{}`: the defaults). */
export function storedRules(stored: unknown): Rules {
  const parsed = parseRules(stored ?? {});
  if (!parsed.ok) throw new HttpProblem(409, 'invalid_rules', 'The stored cycle rules are invalid.', { problems: parsed.problems });
  return parsed.value;
}

export async function changeRules(db: Pool, cycleId: string, overrides: RulesOverrides, actorId: string) {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    // the cycle's audit chain lock, then the row: the evaluation activity reads the rules FOR SHARE
    // in the transaction that stores an evaluation, so "no evaluation yet" cannot go stale here
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [cycleId]);
    const row = (await client.query('SELECT rules FROM cycles WHERE id = $1 FOR UPDATE', [cycleId])).rows[0];
    if (!row) throw new HttpProblem(404, 'not_found', `No cycle ${cycleId}.`);
    const evaluated = await client.query(
      `SELECT e.agreement_id FROM evaluations e JOIN agreements a ON a.id = e.agreement_id WHERE a.cycle_id = $1 LIMIT 1`,
      [cycleId],
    );
    if (evaluated.rows.length > 0) {
      throw new HttpProblem(409, 'rules_frozen', `The rules of ${cycleId} can no longer change: an evaluation was already computed with them.`, {
        agreementId: evaluated.rows[0].agreement_id,
      });
    }
    const old = storedRules(row.rules);
    const next = applyRules(old, overrides);
    if (!next.ok) throw invalid(next.problems, 'The rules have problems; nothing was changed.');
    if (canonicalJson(next.value) === canonicalJson(old)) {
      await client.query('ROLLBACK');
      return { cycleId, rules: old, changed: false };
    }
    await client.query('UPDATE cycles SET rules = $2 WHERE id = $1', [cycleId, JSON.stringify(next.value)]);
    await insertAuditRow(client, {
      agreementId: cycleId, key: `api:${cycleId}:rules:${requestScopedId()}`, action: RULES_CHANGED,
      actorId, data: { old, new: next.value }, at: new Date().toISOString(),
    });
    await client.query('COMMIT');
    return { cycleId, rules: next.value, changed: true };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
