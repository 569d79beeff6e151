// Every signal, update and query of the cycle and agreement workflows, defined once. Both the
// workflows and the API import this module, so a name or payload type cannot drift apart.
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { AgreementContent, IndicatorRealization, Quarter } from '../domain/types';
import type { DueDates } from '../domain/schedule';
import type { DeadlineItem } from '../domain/deadline-item';
import type { RevisionReason } from '../domain/agreement-events';

export type { RevisionReason } from '../domain/agreement-events';
export { deadlineStep } from '../domain/deadline-item';

// ---------------------------------------------------------------------------------------------
// Who acts. The API authenticates the caller and resolves which positions they hold in the cycle;
// the workflow decides whether that person is the one to act (wrong person → rejected).
export type Role = 'official' | 'admin' | 'evaluator';
export interface Actor {
  role: Role;
  /** NIP for officials, a user id for admins and evaluators. */
  id: string;
  /** Positions the caller holds in this cycle (officials only). */
  positionIds: string[];
}

/** A passphrase sealed by the API (AES-256-GCM, short expiry) so history never holds it in clear. */
export interface SealedSecret {
  sealed: string;
}

export type Phase =
  | 'waiting_superior'
  | 'drafting'
  | 'review'
  | 'signing'
  | 'reporting'
  | 'evaluation'
  | 'closed';

export const PHASES: Phase[] = ['waiting_superior', 'drafting', 'review', 'signing', 'reporting', 'evaluation', 'closed'];

/** Stable reason codes a validator or handler rejects with; the API maps each to one HTTP status. */
export type RejectionCode =
  | 'WrongPhase'
  | 'WrongPerson'
  | 'InvalidData'
  | 'WrongQuarter'
  | 'DeadlineNotLater'
  | 'WrongPassphrase'
  | 'SigningLocked'
  | 'WeakPassphrase'
  | 'NotFound';

// ---------------------------------------------------------------------------------------------
// Agreement workflow input and live state.
/** The behaviours a run of `agreementV2` may have (see `AgreementInput.behaviour`). */
export type AgreementBehaviour = 'lean' | 'signature-carries-step';
/** What the fan-out gives every PK it starts. */
export const CURRENT_BEHAVIOUR: AgreementBehaviour = 'signature-carries-step';

export interface AgreementInput {
  agreementId: string; // pk:{org}:{year}:{position}
  cycleId: string;
  organisationId: string;
  year: number;
  positionId: string;
  unitId: string | null;
  /** Direct superior's position (the second party); null for the Kepala Daerah's statement. */
  parentPositionId: string | null;
  /** Subordinate positions, released when this PK is signed. */
  childPositionIds: string[];
  /** Escalation chain above this position: superior, Asisten, Sekda, Kepala Daerah. */
  escalationChain: string[];
  /** True when drafting opens at once (the Kepala Daerah and their direct reports cascade from the plan). */
  opensAtOnce: boolean;
  /** For those that open at once: the plan's (IKU Pemda) indicator ids they cascade from. */
  planIndicatorIds?: string[];
  /**
   * How the run behaves, fixed when the PK starts and carried across continue-as-new: what a
   * `patched()` call would decide, without its two history events in every run. `lean` (every PK
   * started since): each earlier patch holds; signing and the reads are local activities, queued
   * with the writes; the phase is left to the read model (no search-attribute upserts).
   * `signature-carries-step` (every PK started since): all of `lean`, and a signature's transaction
   * also writes the step it ends (the second party's turn, or the signed agreement), so the signer's
   * answer waits for no second write. Absent on PKs started before `lean`, which keep what their
   * patch markers record.
   */
  behaviour?: AgreementBehaviour;
  /** Carried across continue-as-new; absent on the first run. */
  carried?: AgreementState;
  /** The due dates as the previous run knew them (calendar changes included), so a new run needs no read. */
  carriedSchedule?: DueDates;
  /** The answers of the latest idempotent actions, so a retry reaching the new run gets them again. */
  carriedAnswers?: EarlierAnswer[];
}

/**
 * The Update id the API gives an action sent with an Idempotency-Key (`idem-` and a hash of the
 * caller, the key and the request): the same on every retry of that request.
 */
export const IDEMPOTENT_UPDATE_ID_PREFIX = 'idem-';

/** An idempotent action's answer, kept by the PK for a retry after continue-as-new. */
export interface EarlierAnswer {
  updateId: string;
  result: unknown;
}

export type Party = 'first' | 'second';

export interface SignatureRecord {
  party: Party;
  signerNip: string;
  documentId: string;
  sha256: string;
  signedAt: string;
}

export interface VersionRecord {
  version: number;
  reason: RevisionReason | 'initial';
  note?: string;
  contentHash?: string;
  /** Final doubly-signed document of this version, when signed. */
  documentId?: string;
  sha256?: string;
  signatures: SignatureRecord[];
  signedAt?: string;
}

export type QuarterStatus = 'not_open' | 'open' | 'reported' | 'verified';

export interface QuarterState {
  quarter: Quarter;
  status: QuarterStatus;
  reportedAt?: string;
  verifiedAt?: string;
  returnedReason?: string;
}

export interface IndicatorScore {
  indicatorId: string;
  computed: number | null;
  adjusted?: number | null;
  adjustmentReason?: string;
  category: string | null;
}

export interface EvaluationState {
  score: number | null;
  predicate: string | null;
  indicators: IndicatorScore[];
  absorption: number | null;
  efficiency: number | null;
  closedAt?: string;
  closedBy?: string;
}

export interface Deadline {
  /** What is awaited (domain/deadline-item.ts). */
  item: DeadlineItem;
  /** Position that must act (null: the evaluation team). */
  awaiting: string | null;
  dueAt: string;
  overdue: boolean;
  escalationLevel: number;
}

export interface AgreementState {
  phase: Phase;
  /** Current version number; a revision increments it. */
  version: number;
  versions: VersionRecord[];
  /** Hash of the latest saved draft content (content itself lives in PostgreSQL). */
  draftHash: string | null;
  draftSubmitted: boolean;
  /** Who submitted the draft (the first party's official): they may not approve it themselves. */
  draftSubmittedBy?: string;
  /** The second party approved the submitted draft (carried across continue-as-new). */
  draftApproved: boolean;
  returnedReason: string | null;
  /** Indicator ids of the superior's signed PK (for cascade links). */
  superiorIndicatorIds: string[];
  /** The version of the superior's PK those ids come from (absent before a notice said it). */
  superiorVersion?: number;
  superiorSigned: boolean;
  quarters: QuarterState[];
  evaluation: EvaluationState | null;
  deadline: Deadline | null;
  /**
   * Due dates an administrator set, by step (`deadlineStep`): they hold for the whole step, e.g.
   * both parties' signatures, until a calendar change or a revision. Absent in older runs.
   */
  extendedDueAt?: Record<string, string>;
  /**
   * The cycle calendar's version each extension was granted under, by step: a calendar change
   * clears only extensions granted before it. Absent for extensions of older runs (cleared by any change).
   */
  extendedUnder?: Record<string, number>;
  revision: { reason: RevisionReason; note?: string; requestedBy: string; startedAt: string } | null;
  /** Sequence of audit records written by this agreement (their idempotency key). */
  auditSeq: number;
}

// ---------------------------------------------------------------------------------------------
// Human actions: Updates with validators.
export interface SaveDraftInput {
  actor: Actor;
  content: AgreementContent;
}
export interface SaveDraftResult {
  version: number;
  contentHash: string;
}
export const saveDraftUpdate = defineUpdate<SaveDraftResult, [SaveDraftInput]>('saveDraft');

export interface ActorOnly {
  actor: Actor;
}
export const submitDraftUpdate = defineUpdate<AgreementState, [ActorOnly]>('submitDraft');
export const approveDraftUpdate = defineUpdate<AgreementState, [ActorOnly]>('approveDraft');

export interface ReturnInput {
  actor: Actor;
  reason: string;
}
export const returnDraftUpdate = defineUpdate<AgreementState, [ReturnInput]>('returnDraft');

export interface SignInput {
  actor: Actor;
  passphrase: SealedSecret;
}
export const signUpdate = defineUpdate<SignatureRecord, [SignInput]>('sign');

export interface ReportInput {
  actor: Actor;
  quarter: Quarter;
  realizations: IndicatorRealization[];
  /** Budget spent in the quarter per budget line (Rp), in the order of the PK's budget. */
  budgetSpent: number[];
  note?: string;
}
export const reportRealizationUpdate = defineUpdate<QuarterState, [ReportInput]>('reportRealization');

export interface QuarterActionInput {
  actor: Actor;
  quarter: Quarter;
}
export const verifyRealizationUpdate = defineUpdate<QuarterState, [QuarterActionInput]>('verifyRealization');
export const returnRealizationUpdate = defineUpdate<QuarterState, [QuarterActionInput & { reason: string }]>(
  'returnRealization',
);

export interface Adjustment {
  /** The indicator adjusted; null adjusts the PK score itself. */
  indicatorId: string | null;
  /** The capaian (or score) the evaluation team sets, in percent. */
  value: number;
  reason: string;
}
export interface EvaluateInput {
  actor: Actor;
  adjustments: Adjustment[];
  /** Close the PK with its predicate after applying the adjustments. */
  close: boolean;
}
export const evaluateUpdate = defineUpdate<EvaluationState, [EvaluateInput]>('evaluate');

export interface RevisionInput {
  actor: Actor;
  reason: RevisionReason;
  note: string;
}
export const startRevisionUpdate = defineUpdate<AgreementState, [RevisionInput]>('startRevision');

export interface ExtendDeadlineInput {
  actor: Actor;
  dueAt: string;
  reason: string;
  /**
   * The cycle calendar's version when the administrator extended (the API reads it): a calendar
   * change stored before the extension, still on its way to the PK, then leaves the extension be.
   */
  calendarVersion?: number;
}
export const extendDeadlineUpdate = defineUpdate<Deadline, [ExtendDeadlineInput]>('extendDeadline');

// ---------------------------------------------------------------------------------------------
// Notices between workflows (fire and forget).
export interface SuperiorSignedNotice {
  version: number;
  indicatorIds: string[];
}
export const superiorSignedSignal = defineSignal<[SuperiorSignedNotice]>('superiorSigned');

/** The cycle calendar changed: due dates are recomputed from the stored calendar. */
export const calendarChangedSignal = defineSignal<[{ calendarVersion: number }]>('calendarChanged');

// Live state.
export const stateQuery = defineQuery<AgreementState>('state');

// ---------------------------------------------------------------------------------------------
// Cycle workflow.
export interface CycleInput {
  cycleId: string;
  organisationId: string;
  year: number;
  positionCount: number;
}
export interface CycleProgress {
  started: number;
  total: number;
  done: boolean;
}
export const cycleProgressQuery = defineQuery<CycleProgress>('cycleProgress');
