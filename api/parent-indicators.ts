// The indicators a draft may link to: the workflow says which (the superior's signed indicators, or
// the regional plan's for those who open at once), the database says what they are called and where
// they come from. The page groups them by source, and starts the Kepala Daerah's statement from the
// plan's objectives.
import type { Pool } from 'pg';
import type { AgreementContent, Indicator } from '../domain/types';

/** Where an indicator a draft may link to comes from: the regional plan (IKU Pemda) or the superior's PK. */
export const PARENT_INDICATOR_SOURCES = ['plan', 'superior'] as const;
export type ParentIndicatorSource = (typeof PARENT_INDICATOR_SOURCES)[number];

export interface ParentIndicator {
  id: string;
  name: string;
  unit: string;
  direction: Indicator['direction'];
  target: number | null;
  /** The objective (Sasaran) it belongs to. */
  objective: string;
  objectiveId: string | null;
  source: ParentIndicatorSource;
}

/** `allowed` (ids, in the workflow's order) with their names, from the cycle's plan and the superior's current version. */
export async function describeParentIndicators(db: Pool, agreementId: string, allowed: string[]): Promise<ParentIndicator[]> {
  const { rows } = await db.query(
    `SELECT c.plan, (SELECT v.content FROM agreements pa JOIN agreement_versions v ON v.agreement_id = pa.id AND v.version = pa.version
                      WHERE pa.cycle_id = a.cycle_id AND pa.position_id = p.parent_id) AS parent_content
       FROM agreements a JOIN cycles c ON c.id = a.cycle_id
       JOIN positions p ON p.cycle_id = a.cycle_id AND p.id = a.position_id WHERE a.id = $1`,
    [agreementId],
  );
  // The superior's own indicators first, then the plan's: an IKU that the Kepala Daerah's statement
  // keeps (same id) is offered as the IKU it is.
  const sources: Array<[ParentIndicatorSource, Pick<AgreementContent, 'objectives'> | null]> = [['superior', rows[0]?.parent_content], ['plan', rows[0]?.plan]];
  const byId = new Map<string, ParentIndicator>();
  for (const [source, content] of sources) {
    for (const o of content?.objectives ?? []) {
      for (const i of o.indicators) {
        byId.set(i.id, { id: i.id, name: i.name, unit: i.unit, direction: i.direction, target: i.target ?? null, objective: o.text, objectiveId: o.id ?? null, source });
      }
    }
  }
  // an id the workflow allows but no stored content names (not expected): offered by its code
  return allowed.map((id) => byId.get(id) ?? { id, name: id, unit: '', direction: 'up', target: null, objective: '', objectiveId: null, source: 'superior' });
}
