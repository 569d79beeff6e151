// A cycle in the records: the organisation, its units and positions (with their depth, escalation
// chain, imported draft and official id), the calendar and the rules, stored in one transaction
// with the import's audit row on the cycle's chain.
import type { Pool } from 'pg';
import { insertAuditRow } from './audit-log';
import { escalationChain, escalationTree } from '../domain/escalation';
import { officialIdOf } from '../domain/identity';
import { positionDepths } from '../domain/organisation';
import type { Rules } from '../domain/rules';
import { mergeCalendar, type CycleCalendar } from '../domain/schedule';
import type { OrganisationImport } from '../domain/types';

/**
 * Stores a validated organisation as the cycle `id` in one transaction: 'created', 'existing' when the
 * same import (by its source hash) was stored before, 'different' when another import holds the id.
 */
export const CYCLE_IMPORTED = 'cycle.imported';

export async function storeCycle(
  db: Pool, id: string, org: OrganisationImport, sourceHash: string, calendar: Partial<CycleCalendar>, rules: Rules, actorId: string,
): Promise<'created' | 'existing' | 'different'> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    // the cycle's audit chain lock: it orders imports of one id and is the lock insertAuditRow needs
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [id]);
    const existing = await client.query('SELECT source_hash FROM cycles WHERE id = $1', [id]);
    if (existing.rows.length > 0) {
      await client.query('ROLLBACK');
      return existing.rows[0].source_hash === sourceHash ? 'existing' : 'different';
    }
    const o = org.organisation;
    await client.query(
      `INSERT INTO organisations (id, name, place) VALUES ($1,$2,$3)
       ON CONFLICT (id) DO UPDATE SET name = $2, place = $3, updated_at = now()`,
      [o.id, o.name, o.place],
    );
    await client.query(
      `INSERT INTO cycles (id, organisation_id, year, source_hash, calendar, rules, plan, position_count) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
      [id, o.id, org.year, sourceHash, JSON.stringify(mergeCalendar(calendar)), JSON.stringify(rules), JSON.stringify(org.plan ?? { objectives: [] }), org.positions.length],
    );
    await client.query(
      `INSERT INTO units (cycle_id, id, name) SELECT $1, * FROM unnest($2::text[], $3::text[])`,
      [id, org.units.map((u) => u.id), org.units.map((u) => u.name)],
    );
    const depths = positionDepths(org.positions);
    const tree = escalationTree(org.positions);
    const ps = org.positions;
    await client.query(
      `INSERT INTO positions (cycle_id, id, title, unit_id, parent_id, level, depth, nip, official_name, email, oversees, escalation_chain, draft, official_id)
       SELECT $1, t.id, t.title, t.unit_id, t.parent_id, t.level, t.depth, t.nip, t.official_name, t.email,
              ARRAY(SELECT jsonb_array_elements_text(t.oversees)), ARRAY(SELECT jsonb_array_elements_text(t.chain)), t.draft, t.official_id
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[], $9::text[], $10::text[], $11::jsonb[], $12::jsonb[], $13::jsonb[], $14::text[])
           AS t(id, title, unit_id, parent_id, level, depth, nip, official_name, email, oversees, chain, draft, official_id)`,
      [
        id,
        ps.map((p) => p.id), ps.map((p) => p.title), ps.map((p) => p.unit), ps.map((p) => p.parent), ps.map((p) => p.level),
        ps.map((p) => depths.get(p.id) ?? 0), ps.map((p) => p.official.nip), ps.map((p) => p.official.name), ps.map((p) => p.official.email),
        ps.map((p) => JSON.stringify(p.oversees ?? [])), ps.map((p) => JSON.stringify(escalationChain(p.id, tree))),
        ps.map((p) => (org.drafts?.[p.id] ? JSON.stringify(org.drafts[p.id]) : null)),
        ps.map((p) => officialIdOf(p.official, o.id, p.id)),
      ],
    );
    // a cycle is created once, so its id keys the row
    await insertAuditRow(client, {
      agreementId: id, key: `api:${id}:imported`, action: CYCLE_IMPORTED, actorId,
      data: { organisationId: o.id, year: org.year, positions: ps.length, units: org.units.length, sourceHash }, at: new Date().toISOString(),
    });
    await client.query('COMMIT');
    return 'created';
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
