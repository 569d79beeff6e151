// Search attributes the agreement workflows carry, so the Temporal UI and visibility queries can
// filter by organisation, year and unit (set when a run starts). Phase, overdue and escalation level
// are upserted only by runs started before the `lean` behaviour; the read model has them for all.
// Registered by scripts/dev-server.ts (and docker-compose's setup).
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const OrgKey = defineSearchAttributeKey('KinerjaOrg', SearchAttributeType.KEYWORD);
export const YearKey = defineSearchAttributeKey('KinerjaYear', SearchAttributeType.INT);
export const UnitKey = defineSearchAttributeKey('KinerjaUnit', SearchAttributeType.KEYWORD);
export const PhaseKey = defineSearchAttributeKey('KinerjaPhase', SearchAttributeType.KEYWORD);
export const OverdueKey = defineSearchAttributeKey('KinerjaOverdue', SearchAttributeType.BOOL);
export const EscalationLevelKey = defineSearchAttributeKey('KinerjaEscalationLevel', SearchAttributeType.INT);

export const searchAttributeDefinitions: Array<{ name: string; type: 'Keyword' | 'Int' | 'Bool' }> = [
  { name: OrgKey.name, type: 'Keyword' },
  { name: YearKey.name, type: 'Int' },
  { name: UnitKey.name, type: 'Keyword' },
  { name: PhaseKey.name, type: 'Keyword' },
  { name: OverdueKey.name, type: 'Bool' },
  { name: EscalationLevelKey.name, type: 'Int' },
];
