// What the phases (workflows/agreement.ts) and the human actions (workflows/agreement-actions.ts)
// share about one run of a PK: its state, its clock, its due dates, who may act, and the one
// write every transition makes (fact, audit rows and read-model row in one activity transaction,
// ordered by the sequence number the write takes here, synchronously, when the transition happens).
import {
  type ActivityOptions,
  ApplicationFailure,
  condition,
  currentUpdateInfo,
  patched,
  proxyActivities,
  proxyLocalActivities,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { RetryPolicy, UpdateDefinition } from '@temporalio/common';
import type { Activities } from '../activities';
import type { SignAgreementInput } from '../activities/signing';
import type { AuditEntry } from '../db/audit-log';
import type { TransitionFact, TransitionOutcome, TransitionResult, TransitionWrite } from '../activities/store';
import type { AgreementEvent } from '../domain/agreement-events';
import { deadlineStep, parseDeadlineItem, signItem, type DeadlineItem, type SigningParty } from '../domain/deadline-item';
import { revisionDueDates, type DueDates } from '../domain/schedule';
import { unstorableTextPath } from '../domain/storable-text';
import { IDEMPOTENT_UPDATE_ID_PREFIX, type Actor, type AgreementInput, type AgreementState, type EarlierAnswer, type Phase, type RejectionCode, type VersionRecord } from './messages';
import { summaryOf } from './read-model';
import { EscalationLevelKey, OverdueKey, PhaseKey } from './search-attributes';

/**
 * The short writes (a transition's one transaction) are local activities, one at a time per PK.
 * A local activity is one marker in the workflow task that asked for it, instead of an activity's
 * three events and a second workflow task: about half an action's latency and history.
 *
 * One at a time, because that is what makes their replay exact. Live, each local result reaches
 * the workflow in its own activation as it finishes; on replay the SDK hands over every result
 * recorded for a task in one activation. With two writes in flight (an Update's and the main
 * flow's), the code after them then issued its commands in another order on replay (the main
 * flow's timer before the Update's completion: "Timer/Update machine does not handle this event",
 * 16 of 20 stressed runs in a scratch reproduction, 0 of 40 with the writes queued). Queued, each
 * write's result is the only one in flight, so live and replay see the same activations. Runs
 * started before this (no `local-writes-one-at-a-time` marker) keep their regular activities.
 */
const writeOptions = {
  startToCloseTimeout: '30 seconds',
  // a write is idempotent (its sequence number): retried until PostgreSQL is back
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
} satisfies ActivityOptions;
const localWrites = proxyLocalActivities<Activities>({
  ...writeOptions,
  // past this, the retry waits on a timer, so a long PostgreSQL outage does not hold the task
  localRetryThreshold: '10 seconds',
});
/** The writes of runs started before the local writes. */
const writes = proxyActivities<Activities>(writeOptions);
const slowRetry: RetryPolicy = { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: ['WrongPassphrase', 'SigningLocked', 'InvalidData'] };
const slowOptions: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  // Eager dispatch (temporal/dynamic-config.yaml) is for what a person waits on (the writes, a
  // signature); a cycle's 10,000 first tasks go through the task queue, behind the fan-out.
  allowEagerDispatch: false,
  retry: slowRetry,
};
/**
 * A lean run's signature and reads (the start's context, the year-end score): local activities,
 * one marker each instead of three events and a workflow task of their own. A worker lost during
 * one is noticed by the workflow task's timeout (10 s) and the task, with the activity, is run
 * again elsewhere: the signature is idempotent (its seal, its stored document).
 */
const localSlow = proxyLocalActivities<Activities>({ startToCloseTimeout: '2 minutes', retry: slowRetry, localRetryThreshold: '10 seconds' });
/** Notifications, the release of subordinates, the schedule and evaluation reads: regular activities. */
export const slow = proxyActivities<Activities>(slowOptions);
/**
 * The release of subordinates signals each one in turn and beats after each: one lost with its
 * worker is retried within 30 s, not after the 2-minute start-to-close timeout. (A heartbeat
 * timeout is not part of what replay compares: runs that scheduled it without one replay as before.)
 */
export const releaser = proxyActivities<Activities>({ ...slowOptions, heartbeatTimeout: '30 seconds' });
// Signing beats every 5 s, so a signature lost with its worker is retried within 20 s (runs before `lean`).
const signer = proxyActivities<Activities>({ ...slowOptions, allowEagerDispatch: true, heartbeatTimeout: '20 seconds' });

interface WaitingWrite { write: TransitionWrite; resolve: (o: TransitionOutcome) => void; reject: (e: unknown) => void }
interface WaitingJob { job: () => Promise<unknown>; resolve: (v: unknown) => void; reject: (e: unknown) => void }

/** How many idempotent answers a PK keeps across continue-as-new (a retry comes within minutes). */
const RECENT_ANSWERS = 8;

export function reject(code: RejectionCode, message: string): never {
  throw ApplicationFailure.nonRetryable(message, code);
}

export function initialState(input: AgreementInput): AgreementState {
  return {
    phase: input.opensAtOnce ? 'drafting' : 'waiting_superior',
    version: 1,
    versions: [{ version: 1, reason: 'initial', signatures: [] }],
    draftHash: null,
    draftSubmitted: false,
    draftApproved: false,
    returnedReason: null,
    superiorIndicatorIds: input.opensAtOnce ? input.planIndicatorIds ?? [] : [],
    superiorSigned: input.opensAtOnce,
    quarters: ([1, 2, 3, 4] as const).map((quarter) => ({ quarter, status: 'not_open' })),
    evaluation: null,
    deadline: null,
    revision: null,
    auditSeq: 0,
  };
}

export class AgreementRun {
  readonly isRoot: boolean;
  /** Loaded before the first wait (or carried); a calendar change reloads it. */
  schedule!: DueDates;
  /** Bumped whenever the current due date moves: the ladder recomputes its steps. */
  deadlineRevision = 0;
  /** The read-model row and search attributes as last sent, so an unchanged state is not written again. */
  private writtenSummary: string | null = null;
  private writtenAttributes: string | null = null;

  /**
   * The answers of the latest idempotent actions, carried across continue-as-new. Temporal applies
   * an Update id once per run; a client retrying with its Idempotency-Key after the PK continued as
   * new reaches the new run, which must answer as the old one did, not refuse the repeat (e.g. a
   * verified quarter's "wrong quarter").
   */
  readonly answers: EarlierAnswer[];

  /** Signing and the reads are local, queued with the writes; no phase attributes (see `AgreementInput.behaviour`). */
  private readonly lean: boolean;
  /** A signature's transaction writes the step it ends too (see `signatureWrite`). */
  readonly signatureCarriesStep: boolean;
  /** Decided once, when the run starts: a run keeps one way of writing for its whole history. */
  private readonly writesLocally: boolean;
  /** …and, since `one-write-per-action`, the writes that wait together go as one (see `writeInBatches`). */
  private readonly writesInBatches: boolean;
  /** The last queued local write: the next one starts after it (runs before `one-write-per-action`). */
  private lastWrite: Promise<unknown> = Promise.resolve();
  /** Writes (and a lean run's other local activities) waiting for the writer, with their callers' settlers. */
  private readonly waitingWrites: Array<WaitingWrite | WaitingJob> = [];
  /** A batch or job is under way (its local activity is in flight). */
  private sending = false;
  /** What the main flow waits for now (see `until`); null while it waits on an activity or a write. */
  private mainFlowAwaits: (() => boolean) | null = null;

  constructor(readonly input: AgreementInput, readonly s: AgreementState) {
    this.isRoot = input.parentPositionId === null;
    this.answers = [...(input.carriedAnswers ?? [])];
    // every behaviour since `lean` holds what `lean` does
    this.lean = input.behaviour === 'lean' || input.behaviour === 'signature-carries-step';
    this.signatureCarriesStep = input.behaviour === 'signature-carries-step';
    // a lean run calls no patch: each holds (the markers would cost two events per patch and run)
    this.writesLocally = this.lean || patched('local-writes-one-at-a-time');
    this.writesInBatches = this.lean || (this.writesLocally && patched('one-write-per-action'));
    if (this.writesInBatches) void this.writeInBatches();
  }

  /**
   * Every wait of the main flow goes through here, so the writer can tell whether the main flow is
   * about to move (its condition holds) and has a write of its own to add.
   */
  async until(done: () => boolean, timeoutMs?: number): Promise<boolean> {
    this.mainFlowAwaits = done;
    try {
      if (timeoutMs === undefined) {
        await condition(done);
        return true;
      }
      return await condition(done, timeoutMs);
    } finally {
      this.mainFlowAwaits = null;
    }
  }

  private earlierAnswer(): EarlierAnswer | undefined {
    const id = currentUpdateInfo()?.id;
    return id?.startsWith(IDEMPOTENT_UPDATE_ID_PREFIX) ? this.answers.find((a) => a.updateId === id) : undefined;
  }

  /** The answer an earlier run gave the action being handled, when it is a retry of that action. */
  earlierAnswerTo<Ret, Args extends any[]>(_update: UpdateDefinition<Ret, Args>): { result: Ret } | undefined {
    const earlier = this.earlierAnswer();
    return earlier ? { result: earlier.result as Ret } : undefined;
  }

  /**
   * A validator that lets a retry of an earlier run's action through (it gets that answer, changing
   * nothing), and refuses text the record cannot store before the handler changes anything.
   */
  unlessRepeated<Ret, Args extends any[]>(_update: UpdateDefinition<Ret, Args>, validator: (...args: NoInfer<Args>) => void): (...args: Args) => void {
    return (...args) => {
      if (this.earlierAnswer()) return;
      const unstorable = unstorableTextPath(args);
      if (unstorable) reject('InvalidData', `the text at ${unstorable} contains a NUL character or a broken UTF-16 surrogate, which cannot be stored`);
      validator(...args);
    };
  }

  /**
   * An action's answer, kept (as a copy: the state goes on changing) when the action is idempotent,
   * for a retry that reaches a later run. Synchronous, so the Update completes when it did before.
   */
  answer<T>(result: T): T {
    const id = currentUpdateInfo()?.id;
    if (id?.startsWith(IDEMPOTENT_UPDATE_ID_PREFIX)) {
      this.answers.push({ updateId: id, result: result === undefined ? null : JSON.parse(JSON.stringify(result)) });
      this.answers.splice(0, Math.max(0, this.answers.length - RECENT_ANSWERS));
    }
    return result;
  }

  now = (): number => Date.now(); // deterministic inside workflows (Temporal's clock)
  nowIso = (): string => new Date(this.now()).toISOString();
  currentVersion = (): VersionRecord => this.s.versions[this.s.versions.length - 1];

  // ----- who may act ----------------------------------------------------------------------------
  holds(actor: Actor, positionId: string | null): boolean {
    return actor.role === 'official' && positionId !== null && actor.positionIds.includes(positionId);
  }
  requireFirstParty(actor: Actor): void {
    if (!this.holds(actor, this.input.positionId)) reject('WrongPerson', 'only the first party (Pihak Pertama) may do this');
  }
  requireSecondParty(actor: Actor): void {
    if (!this.holds(actor, this.input.parentPositionId)) reject('WrongPerson', 'only the second party (Pihak Kedua) may do this');
  }
  /**
   * One person is never both parties, whatever the positions say (a NIP holding both, or moved
   * between them): the first party's official (who submitted the draft, or made the first
   * signature) may not approve it or sign as the second party.
   */
  refuseFirstPartyOfficial(actor: Actor, firstPartyIds: Array<string | undefined>): void {
    if (this.holds(actor, this.input.positionId) || firstPartyIds.includes(actor.id)) {
      reject('WrongPerson', 'the first party (Pihak Pertama) cannot also act as the second party (Pihak Kedua)');
    }
  }
  requirePhase(...phases: Phase[]): void {
    if (!phases.includes(this.s.phase)) reject('WrongPhase', `not possible in phase ${this.s.phase}`);
  }
  /** Reporting, with no PK Perubahan started (the phase loop is about to move to its drafting). */
  requireReporting(): void {
    this.requirePhase('reporting');
    if (this.revisionStarted()) reject('WrongPhase', 'a revision (PK Perubahan) has started');
  }
  revisionStarted = (): boolean => this.s.phase === 'reporting' && this.s.revision !== null;

  /** The party whose signature the current version awaits; null once it is signed. */
  partyToSign(): SigningParty | null {
    const signed = this.currentVersion().signatures.map((x) => x.party);
    if (!signed.includes('first')) return 'first';
    if (!this.isRoot && !signed.includes('second')) return 'second';
    return null;
  }

  // ----- due dates ------------------------------------------------------------------------------
  /**
   * A changed calendar applies: it sets every due date again, and extensions granted under an older
   * calendar (or with no version, in older runs) go. One granted under this calendar stays: the
   * administrator saw it, though its notice reached the PK after the extension did.
   */
  applyCalendar(schedule: DueDates): void {
    this.schedule = schedule;
    const calendarVersion = schedule.calendarVersion ?? 0;
    const kept = Object.keys(this.s.extendedDueAt ?? {}).filter((step) => (this.s.extendedUnder?.[step] ?? -1) >= calendarVersion);
    const only = <V>(record: Record<string, V> | undefined): Record<string, V> | undefined =>
      kept.length ? Object.fromEntries(kept.map((step) => [step, record![step]])) : undefined;
    this.s.extendedDueAt = only(this.s.extendedDueAt);
    this.s.extendedUnder = only(this.s.extendedUnder);
    if (this.s.deadline) this.s.deadline.dueAt = this.dueFor(this.s.deadline.item);
  }

  dueFor(item: DeadlineItem): string {
    const subject = parseDeadlineItem(item)!;
    const extended = this.s.extendedDueAt?.[deadlineStep(item)];
    if (extended) return extended;
    // a PK Perubahan gets its own days from the day it started, not January's dates
    const drafting = this.s.revision ? revisionDueDates(this.s.revision.startedAt, this.schedule) : this.schedule;
    switch (subject.kind) {
      case 'draft': return drafting.draftDue;
      case 'review': return drafting.reviewDue;
      case 'sign': return drafting.signDue;
      case 'report': return this.schedule.reportDue[subject.quarter - 1];
      case 'verify': return this.schedule.verifyDue[subject.quarter - 1];
      case 'evaluation': return this.schedule.evaluationDue;
    }
  }

  // ----- the one write per transition -----------------------------------------------------------
  /** An audit row of this agreement, keyed by the next sequence number, at the workflow's time. */
  private entry(event: AgreementEvent, actor: Actor | null): AuditEntry {
    return {
      agreementId: this.input.agreementId,
      key: `${this.input.agreementId}:${++this.s.auditSeq}`,
      action: event.action,
      actorId: actor ? `${actor.role}:${actor.id}` : 'system',
      data: { version: this.s.version, ...('data' in event ? event.data : {}) },
      at: this.nowIso(),
    };
  }

  /**
   * The write of a transition that just happened to the state: its audit rows and the read-model
   * row as the state now is, under the next sequence number. Built synchronously, so sequence
   * numbers follow the order of the transitions, whatever order the writes then finish in.
   */
  transition(events: AgreementEvent[], actor: Actor | null, fact?: TransitionFact, stateAfter: AgreementState = this.s): TransitionWrite {
    const audit = events.map((e) => this.entry(e, actor));
    if (audit.length === 0) ++this.s.auditSeq;
    const state = summaryOf(stateAfter);
    this.writtenSummary = JSON.stringify(state);
    return { agreementId: this.input.agreementId, seq: this.s.auditSeq, audit, state, ...(fact ? { fact } : {}) };
  }

  /**
   * A signature's write, made by the signing activity with the document. In a run whose signature
   * carries its step, the read-model row is the one the phase loop writes when it takes the step
   * the signature ends (the second party's turn, or the signed agreement in reporting), and the
   * agreement's `agreement.signed` row comes with the last signature: the loop then finds its state
   * written and writes nothing, so the signer's answer waits for one write, not two. Should the
   * loop's state differ (a calendar change came meanwhile), its own write follows, as always.
   */
  signatureWrite(party: SigningParty, actor: Actor): NonNullable<SignAgreementInput['record']> {
    const signed: AgreementEvent = { action: 'document.signed', data: { party } };
    if (!this.signatureCarriesStep) {
      const write = this.transition([signed], actor);
      return { seq: write.seq, audit: write.audit[0], state: write.state! };
    }
    const secondPartyNext = party === 'first' && !this.isRoot;
    const second = signItem('second');
    const write = secondPartyNext
      ? this.transition([signed], actor, undefined, {
        ...this.s,
        deadline: { item: second, awaiting: this.input.parentPositionId, dueAt: this.dueFor(second), overdue: false, escalationLevel: 0 },
      })
      : this.transition([signed, { action: 'agreement.signed', data: {} }], actor, undefined, { ...this.s, phase: 'reporting', deadline: null });
    const [audit, ...ended] = write.audit;
    return { seq: write.seq, audit, state: write.state!, ...(ended.length > 0 ? { ended } : {}) };
  }

  /** A human action's transition: one write, awaited by the handler alone. */
  record(events: AgreementEvent[], actor: Actor, fact?: TransitionFact): Promise<TransitionOutcome> {
    return this.write(this.transition(events, actor, fact));
  }

  private write(write: TransitionWrite): Promise<TransitionOutcome> {
    if (!this.writesLocally) return writes.recordTransition(write);
    if (this.writesInBatches) return new Promise((resolve, reject) => this.waitingWrites.push({ write, resolve, reject }));
    const written = this.lastWrite.then(() => localWrites.recordTransition(write));
    this.lastWrite = written.catch(() => undefined);
    return written;
  }

  /**
   * The one writer of a run: one local write in flight at a time (what makes its replay exact, see
   * `localWrites`), carrying every write that waits for it. It sends once the main flow has
   * reacted to what just happened: an action and the phase change it causes (the next deadline, a
   * phase's events) then commit together, one local activity and one transaction, and the action's
   * answer waits for one write, not two.
   */
  private async writeInBatches(): Promise<never> {
    for (;;) {
      await condition(() => this.waitingWrites.length > 0 && !this.mainFlowAwaits?.());
      const head = this.waitingWrites[0];
      if ('job' in head) {
        this.waitingWrites.shift();
        this.sending = true;
        try {
          head.resolve(await head.job());
        } catch (err) {
          head.reject(err);
        } finally {
          this.sending = false;
        }
        continue;
      }
      const jobAt = this.waitingWrites.findIndex((w) => 'job' in w);
      const batch = this.waitingWrites.splice(0, jobAt < 0 ? this.waitingWrites.length : jobAt) as WaitingWrite[];
      this.sending = true;
      try {
        const results: TransitionResult[] = await localWrites.recordTransitions(batch.map((b) => b.write));
        batch.forEach(({ resolve, reject }, i) => {
          const result = results[i];
          if ('outcome' in result) resolve(result.outcome);
          else reject(ApplicationFailure.nonRetryable(result.refused.message, result.refused.type, ...result.refused.details));
        });
      } catch (err) {
        for (const { reject } of batch) reject(err);
      } finally {
        this.sending = false;
      }
    }
  }

  /**
   * The workflow's own transition (opening, a phase change, escalation): written when there is
   * something to say or the read model would show an older state; search attributes follow. In a
   * run that writes in batches it is queued, not awaited: the writer sends it with whatever else
   * waits (the action that caused it, the next wait's deadline), and `allWritten` is where it must
   * be stored. Were such a write to fail, the promise nobody awaits fails the workflow task, which
   * is retried, as an awaited one would fail the main flow.
   */
  async recordOwn(events: AgreementEvent[] = []): Promise<void> {
    this.publishAttributes();
    if (events.length === 0 && JSON.stringify(summaryOf(this.s)) === this.writtenSummary) return;
    const written = this.write(this.transition(events, null));
    if (!this.writesInBatches) await written;
  }

  /** Everything queued is stored: before subordinates read the PK, before continue-as-new, at the end. */
  async allWritten(): Promise<void> {
    if (this.writesInBatches) await this.until(() => this.waitingWrites.length === 0 && !this.sending);
  }

  /** The read model and search attributes already show this state (inserted by the fan-out, or written by the previous run). */
  assumeWritten({ attributes }: { attributes: boolean }): void {
    const state = summaryOf(this.s);
    this.writtenSummary = JSON.stringify(state);
    if (attributes) this.writtenAttributes = JSON.stringify([state.phase, state.overdue, state.escalationLevel]);
  }

  // ----- a lean run's other local activities, one at a time with the writes (see `localWrites`) ----
  private queued<T>(job: () => Promise<T>): Promise<T> {
    return new Promise((resolve, reject) => this.waitingWrites.push({ job, resolve: resolve as (v: unknown) => void, reject }));
  }

  signAgreement(input: SignAgreementInput): ReturnType<Activities['signAgreement']> {
    const signed = this.lean ? this.queued(() => localSlow.signAgreement(input)) : signer.signAgreement(input);
    if (!this.signatureCarriesStep) return signed;
    // Not signed, so not written: the record still shows the state before, which the next
    // transition must write whatever it is, even the state this signature would have written.
    return signed.catch((err: unknown) => {
      this.writtenSummary = null;
      throw err;
    });
  }

  loadStartContext(input: Parameters<Activities['loadStartContext']>[0]): ReturnType<Activities['loadStartContext']> {
    return this.lean ? this.queued(() => localSlow.loadStartContext(input)) : slow.loadStartContext(input);
  }

  computeEvaluation(input: Parameters<Activities['computeEvaluation']>[0]): ReturnType<Activities['computeEvaluation']> {
    return this.lean ? this.queued(() => localSlow.computeEvaluation(input)) : slow.computeEvaluation(input);
  }

  private publishAttributes(): void {
    if (this.lean) return; // the phase, overdue flag and level are the read model's (`agreements`)
    const { phase, overdue, escalationLevel } = summaryOf(this.s);
    const attributes = JSON.stringify([phase, overdue, escalationLevel]);
    if (attributes === this.writtenAttributes) return;
    upsertSearchAttributes([
      { key: PhaseKey, value: phase },
      { key: OverdueKey, value: overdue },
      { key: EscalationLevelKey, value: escalationLevel },
    ]);
    this.writtenAttributes = attributes;
  }
}
