// What the agreement workflow writes to a PK's audit log, as one typed vocabulary: each action
// with the data it carries. The workflow builds its audit rows only from these; the timeline
// (api/history.ts, web/js/views/timeline.js) reads the same names.
import type { DeadlineItem, SigningParty } from './deadline-item';
import type { Quarter } from './types';

export type RevisionReason = 'official' | 'budget' | 'strategy';

export interface EvaluationAdjustment {
  indicatorId: string | null;
  value: number;
  reason: string;
}

/** Each action the workflow records, with its data (the version is added to every row). */
export type AgreementEvent =
  | { action: 'drafting.opened' }
  | { action: 'draft.saved'; data?: { contentHash?: string } }
  | { action: 'draft.submitted'; data: { contentHash: string | null } }
  | { action: 'draft.approved'; data: { contentHash: string | null } }
  | { action: 'draft.returned'; data: { reason: string } }
  | { action: 'document.signed'; data: { party: SigningParty; documentId?: string; sha256?: string } }
  | { action: 'agreement.signed'; data: { documentId?: string; sha256?: string } }
  | { action: 'realization.opened'; data: { quarter: Quarter } }
  | { action: 'realization.reported'; data: { quarter: Quarter } }
  | { action: 'realization.verified'; data: { quarter: Quarter } }
  | { action: 'realization.returned'; data: { quarter: Quarter; reason: string } }
  | { action: 'evaluation.computed'; data: { score: number | null; predicate: string | null } }
  | { action: 'evaluation.adjusted' | 'evaluation.closed'; data: { adjustments: EvaluationAdjustment[]; score?: number | null } }
  | { action: 'revision.started'; data: { reason: RevisionReason; note?: string } }
  | { action: 'deadline.extended'; data: { item: DeadlineItem; dueAt: string; reason: string } }
  | { action: 'deadline.escalated'; data: { item: DeadlineItem; level: number } }
  | { action: 'deadline.overdue'; data: { item: DeadlineItem } };

export type AgreementAction = AgreementEvent['action'];

/** The data of one action, by name (for readers of the log, e.g. the timeline). */
export type AgreementEventData<A extends AgreementAction> = Extract<AgreementEvent, { action: A }> extends { data?: infer D } ? D : never;
