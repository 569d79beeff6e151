// The names of the indicators a cycle's PKs link to: the regional plan's (IKU Pemda) and those of
// the given positions' current versions (the imported draft until one is saved). A reader sees
// "mendukung Angka Kematian Ibu", not the id the draft editor generated.
import type { Pool } from 'pg';
import type { AgreementContent } from '../domain/types';

export async function indicatorNamesOf(db: Pool, cycleId: string, positionIds: Array<string | null>): Promise<Map<string, string>> {
  const wanted = [...new Set(positionIds.filter((id): id is string => id !== null))];
  const { rows } = await db.query(
    `SELECT c.plan AS content FROM cycles c WHERE c.id = $1
     UNION ALL
     SELECT coalesce(v.content, p.draft) FROM agreements a
       JOIN positions p ON p.cycle_id = a.cycle_id AND p.id = a.position_id
       LEFT JOIN agreement_versions v ON v.agreement_id = a.id AND v.version = a.version
      WHERE a.cycle_id = $1 AND a.position_id = ANY($2::text[])`,
    [cycleId, wanted],
  );
  const names = new Map<string, string>();
  for (const { content } of rows as Array<{ content: Pick<AgreementContent, 'objectives'> | null }>) {
    for (const o of content?.objectives ?? []) for (const i of o.indicators) names.set(i.id, i.name);
  }
  return names;
}
