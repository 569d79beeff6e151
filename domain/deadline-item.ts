// What a PK waits for, as one typed vocabulary: the workflow's waits, the notifications' text, the
// inbox's task and the API's schemas all read an item through these functions, never by splitting
// its string. The string form ('sign:first', 'report:Q1', …) is what history, the read model and
// the notifications table store, so it stays as it was.
import type { Quarter } from './types';

export type SigningParty = 'first' | 'second';

/** Every item a PK can wait for. */
export type DeadlineItem =
  | 'draft'
  | 'review'
  | `sign:${SigningParty}`
  | `report:Q${Quarter}`
  | `verify:Q${Quarter}`
  | 'evaluation';

/** An item taken apart: what kind of step it is, and its party or quarter. */
export type DeadlineSubject =
  | { kind: 'draft' }
  | { kind: 'review' }
  | { kind: 'sign'; party: SigningParty }
  | { kind: 'report'; quarter: Quarter }
  | { kind: 'verify'; quarter: Quarter }
  | { kind: 'evaluation' };

export type DeadlineKind = DeadlineSubject['kind'];

export const QUARTERS: readonly Quarter[] = [1, 2, 3, 4];

export const signItem = (party: SigningParty): DeadlineItem => `sign:${party}`;
export const reportItem = (quarter: Quarter): DeadlineItem => `report:Q${quarter}`;
export const verifyItem = (quarter: Quarter): DeadlineItem => `verify:Q${quarter}`;

/** The item's parts; null for a string that is no item of this vocabulary. */
export function parseDeadlineItem(item: string): DeadlineSubject | null {
  if (item === 'draft' || item === 'review' || item === 'evaluation') return { kind: item };
  if (item === 'sign:first' || item === 'sign:second') return { kind: 'sign', party: item === 'sign:first' ? 'first' : 'second' };
  const quarterly = /^(report|verify):Q([1-4])$/.exec(item);
  if (quarterly) return { kind: quarterly[1] as 'report' | 'verify', quarter: Number(quarterly[2]) as Quarter };
  return null;
}

export function isDeadlineItem(item: string): item is DeadlineItem {
  return parseDeadlineItem(item) !== null;
}

/**
 * The step a due date belongs to: both signatures are one step ('sign'), due on one date; every
 * other item is its own step.
 */
export type DeadlineStep = Exclude<DeadlineItem, `sign:${SigningParty}`> | 'sign';
export function deadlineStep(item: DeadlineItem): DeadlineStep {
  return item === 'sign:first' || item === 'sign:second' ? 'sign' : item;
}

/**
 * What an inbox lists for an agreement awaiting someone: the kind of its item, and for signatures
 * the party (the read model knows the phase and who is awaited, not the quarter).
 */
export const INBOX_TASKS = ['draft', 'review', 'sign:first', 'sign:second', 'report', 'verify', 'evaluate'] as const;
export type InboxTask = (typeof INBOX_TASKS)[number];

/** The inbox task of a PK in `phase` awaiting `awaitingFirstParty` (its own position) or the superior. */
export function inboxTask(phase: 'drafting' | 'review' | 'signing' | 'reporting' | 'evaluation', awaitingFirstParty: boolean): InboxTask {
  switch (phase) {
    case 'drafting': return 'draft';
    case 'review': return 'review';
    case 'signing': return awaitingFirstParty ? 'sign:first' : 'sign:second';
    case 'reporting': return awaitingFirstParty ? 'report' : 'verify';
    case 'evaluation': return 'evaluate';
  }
}
