// FROZEN: the agreement workflow type `agreementWorkflow` as it ran until the one-write redesign.
// PKs started before it finish their year on this code (a PK lives ~14 months); new cycles start
// `agreementV2` (workflows/agreement.ts). Do not change its behaviour: recorded histories in
// test/fixtures/histories/ replay against it. Delete it once no run of this type is open.
//
// One PK through its year. The workflow reads like the process it carries: each phase is one short
// function, every wait goes through the deadline ladder, and `phase` in the state says where to
// resume, so continue-as-new can carry the state into a fresh history at any phase boundary.
import {
  type ActivityOptions,
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { validateDraftContent } from '../../domain/cascade';
import type { Quarter } from '../../domain/types';
import { revisionDueDates } from '../../domain/schedule';
import { MAX_ADJUSTED_PERCENT, MAX_QUANTITY, MAX_RUPIAH } from '../../domain/limits';
import { awaitWithLadder } from './deadline-ladder-v1';
import {
  approveDraftUpdate,
  calendarChangedSignal,
  evaluateUpdate,
  extendDeadlineUpdate,
  reportRealizationUpdate,
  returnDraftUpdate,
  returnRealizationUpdate,
  saveDraftUpdate,
  signUpdate,
  startRevisionUpdate,
  stateQuery,
  submitDraftUpdate,
  superiorSignedSignal,
  verifyRealizationUpdate,
  type Actor,
  type AgreementInput,
  type AgreementState,
  type Deadline,
  type Party,
  type Phase,
  type RejectionCode,
} from '../messages';
import type { DeadlineItem } from '../../domain/deadline-item';
import { Journal } from './journal-v1';
import type { Schedule } from '../../activities/schedule';

/**
 * Continue-as-new at a quiet point (waiting for a quarter to end: no draft, review, signature or
 * report can be pending) once the history passes QUIET_LIMIT events; at any phase boundary past
 * HARD_LIMIT. Quiet points matter: an Update racing a continue-as-new must wait for the new run.
 */
export const QUIET_LIMIT = 120;
export const HARD_LIMIT = 250;

// Regular activities, not local ones: a local activity's result is replayed from a marker at a
// different point than it arrived live, which can reorder an Update's completion against the main
// flow's commands and break replay (seen with concurrent officials on the sample organisation).
const store = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});
const slowOptions: ActivityOptions = {
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: ['WrongPassphrase', 'SigningLocked', 'InvalidData'] },
};
const slow = proxyActivities<Activities>(slowOptions);
// Signing beats every 5 s, so a signature lost with its worker is retried within 20 s.
const signer = proxyActivities<Activities>({ ...slowOptions, heartbeatTimeout: '20 seconds' });

/** As this code always computed it (domain/deadline-item.ts has the typed one). */
const deadlineStep = (item: string): string => (item.startsWith('sign:') ? 'sign' : item);

function reject(code: RejectionCode, message: string): never {
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
    quarters: ([1, 2, 3, 4] as Quarter[]).map((quarter) => ({ quarter, status: 'not_open' })),
    evaluation: null,
    deadline: null,
    revision: null,
    auditSeq: 0,
  };
}

export async function agreementWorkflow(input: AgreementInput): Promise<AgreementState> {
  const s: AgreementState = input.carried ?? initialState(input);
  const isRoot = input.parentPositionId === null;
  // Loaded after every handler is registered: a query or update may arrive with the first task.
  let schedule!: Schedule;
  let deadlineRevision = 0;
  let signingBusy = false;
  const now = () => Date.now(); // deterministic inside workflows (Temporal's clock)
  const nowIso = () => new Date(now()).toISOString();
  const currentVersion = () => s.versions[s.versions.length - 1];

  // ----- who may act --------------------------------------------------------------------------
  const holds = (actor: Actor, positionId: string | null) =>
    actor.role === 'official' && positionId !== null && actor.positionIds.includes(positionId);
  const requireFirstParty = (actor: Actor) => {
    if (!holds(actor, input.positionId)) reject('WrongPerson', 'only the first party (Pihak Pertama) may do this');
  };
  const requireSecondParty = (actor: Actor) => {
    if (!holds(actor, input.parentPositionId)) reject('WrongPerson', 'only the second party (Pihak Kedua) may do this');
  };
  /**
   * One person is never both parties, whatever the positions say (a NIP holding both, or moved
   * between them): the first party's official (who submitted the draft, or made the first
   * signature) may not approve it or sign as the second party.
   */
  const refuseFirstPartyOfficial = (actor: Actor, firstPartyIds: Array<string | undefined>) => {
    if (holds(actor, input.positionId) || firstPartyIds.includes(actor.id)) {
      reject('WrongPerson', 'the first party (Pihak Pertama) cannot also act as the second party (Pihak Kedua)');
    }
  };
  const requirePhase = (...phases: Phase[]) => {
    if (!phases.includes(s.phase)) reject('WrongPhase', `not possible in phase ${s.phase}`);
  };
  const journal = new Journal({
    agreementId: input.agreementId,
    nextSeq: () => ++s.auditSeq,
    now: nowIso,
    summary: () => summary(),
    record: (args) => store.record(args),
  });
  /**
   * An Update returns once its change is written. Histories recorded earlier replay what they did:
   * first no wait at all, then a wait that ended when the write started rather than finished.
   */
  const settled = () => {
    if (!patched('update-returns-after-write')) return Promise.resolve();
    return patched('update-waits-for-write-to-finish') ? journal.written() : journal.settled();
  };
  /** Queue an audit entry; the main flow writes it with the next transition. */
  const audit = (action: string, actor: Actor | null, data: Record<string, unknown> = {}) =>
    journal.note(action, actor, { version: s.version, ...data });
  const summary = () => ({
    phase: s.phase,
    version: s.version,
    overdue: s.deadline?.overdue ?? false,
    escalationLevel: s.deadline?.escalationLevel ?? 0,
    dueAt: s.deadline?.dueAt ?? null,
    awaiting: s.deadline?.awaiting ?? null,
    score: s.evaluation?.score ?? null,
    predicate: s.evaluation?.predicate ?? null,
  });

  // ----- queries and notices ------------------------------------------------------------------
  setHandler(stateQuery, () => s);
  setHandler(superiorSignedSignal, (notice) => {
    s.superiorSigned = true;
    s.superiorIndicatorIds = notice.indicatorIds;
  });
  setHandler(calendarChangedSignal, async () => {
    schedule = await store.loadSchedule({ agreementId: input.agreementId });
    s.extendedDueAt = undefined; // a new calendar sets every due date again, extensions included
    if (s.deadline) s.deadline.dueAt = dueFor(s.deadline.item);
    deadlineRevision++;
  });

  // ----- drafting -----------------------------------------------------------------------------
  setHandler(
    saveDraftUpdate,
    async ({ actor, content }) => {
      const entry = journal.entry('draft.saved', actor, { version: s.version });
      const stored = await store.storeDraft({ agreementId: input.agreementId, version: s.version, content, actorId: actor.id, audit: entry });
      s.draftHash = stored.contentHash;
      s.returnedReason = null;
      return { version: s.version, contentHash: stored.contentHash };
    },
    {
      validator: ({ actor, content }) => {
        requireFirstParty(actor);
        requirePhase('drafting');
        const problems = validateDraftContent(content, isRoot ? null : s.superiorIndicatorIds);
        if (problems.length > 0) {
          throw ApplicationFailure.nonRetryable('the draft has problems', 'InvalidData', problems);
        }
      },
    },
  );
  setHandler(
    submitDraftUpdate,
    async ({ actor }) => {
      s.draftSubmitted = true;
      s.draftSubmittedBy = actor.id;
      audit('draft.submitted', actor, { contentHash: s.draftHash });
      await settled();
      return s;
    },
    {
      validator: ({ actor }) => {
        requireFirstParty(actor);
        requirePhase('drafting');
        if (!s.draftHash) reject('InvalidData', 'save a draft before submitting it');
      },
    },
  );

  // ----- review -------------------------------------------------------------------------------
  setHandler(
    approveDraftUpdate,
    async ({ actor }) => {
      s.draftApproved = true;
      audit('draft.approved', actor, { contentHash: s.draftHash });
      await settled();
      return s;
    },
    {
      validator: ({ actor }) => {
        requireSecondParty(actor);
        refuseFirstPartyOfficial(actor, [s.draftSubmittedBy]);
        requirePhase('review');
      },
    },
  );
  setHandler(
    returnDraftUpdate,
    async ({ actor, reason }) => {
      s.draftSubmitted = false;
      s.returnedReason = reason;
      audit('draft.returned', actor, { reason });
      await settled();
      return s;
    },
    {
      validator: ({ actor, reason }) => {
        requireSecondParty(actor);
        requirePhase('review');
        if (!reason?.trim()) reject('InvalidData', 'a reason is required to return a draft');
      },
    },
  );

  // ----- signing ------------------------------------------------------------------------------
  const partyToSign = (): Party | null => {
    const signed = currentVersion().signatures.map((x) => x.party);
    if (!signed.includes('first')) return 'first';
    if (!isRoot && !signed.includes('second')) return 'second';
    return null;
  };
  setHandler(
    signUpdate,
    async ({ actor, passphrase }) => {
      const party = partyToSign()!;
      signingBusy = true;
      try {
        const signature = await signer.signAgreement({
          agreementId: input.agreementId,
          version: s.version,
          party,
          signerNip: actor.id,
          passphrase,
        });
        currentVersion().signatures.push(signature);
        audit('document.signed', actor, { party, documentId: signature.documentId, sha256: signature.sha256 });
        await settled();
        return signature;
      } finally {
        signingBusy = false;
      }
    },
    {
      validator: ({ actor }) => {
        requirePhase('signing');
        if (signingBusy) reject('WrongPhase', 'a signature is being made; try again in a moment');
        const party = partyToSign();
        if (party === 'first') requireFirstParty(actor);
        else if (party === 'second') {
          requireSecondParty(actor);
          refuseFirstPartyOfficial(actor, [s.draftSubmittedBy, ...currentVersion().signatures.filter((x) => x.party === 'first').map((x) => x.signerNip)]);
        } else reject('WrongPhase', 'this version is already signed');
      },
    },
  );

  // ----- quarterly realization ----------------------------------------------------------------
  const quarterState = (q: Quarter) => s.quarters[q - 1];
  setHandler(
    reportRealizationUpdate,
    async ({ actor, quarter, realizations, budgetSpent, note }) => {
      await store.storeRealization({
        agreementId: input.agreementId,
        version: s.version,
        report: { quarter, realizations, budgetSpent, note },
        actorId: actor.id,
      });
      const qs = quarterState(quarter);
      qs.status = 'reported';
      qs.reportedAt = nowIso();
      qs.returnedReason = undefined;
      audit('realization.reported', actor, { quarter });
      await settled();
      return qs;
    },
    {
      validator: ({ actor, quarter, realizations, budgetSpent }) => {
        requireFirstParty(actor);
        requirePhase('reporting');
        if (![1, 2, 3, 4].includes(quarter)) reject('InvalidData', 'quarter must be 1, 2, 3 or 4');
        if (quarterState(quarter).status !== 'open') reject('WrongQuarter', `quarter ${quarter} is not open for reporting`);
        // Bounded like the API's schema, so no caller can store a number that breaks the cycle's sums
        // (a validator only rejects; it is not run on replay, so recorded histories are unaffected).
        const bad = (realizations ?? []).filter((r: { value: unknown }) => r.value !== null && !withinBounds(r.value, MAX_QUANTITY));
        if (!Array.isArray(realizations) || bad.length > 0) reject('InvalidData', `each realization value must be a number from 0 to ${MAX_QUANTITY}, or null`);
        if (!Array.isArray(budgetSpent) || budgetSpent.some((v) => !withinBounds(v, MAX_RUPIAH))) {
          reject('InvalidData', `budget spent must be numbers from 0 to ${MAX_RUPIAH}`);
        }
      },
    },
  );
  const verifierValidator = (actor: Actor, quarter: Quarter) => {
    requireSecondParty(actor);
    requirePhase('reporting');
    if (quarterState(quarter)?.status !== 'reported') reject('WrongQuarter', `quarter ${quarter} has no report to verify`);
  };
  setHandler(
    verifyRealizationUpdate,
    async ({ actor, quarter }) => {
      const qs = quarterState(quarter);
      qs.status = 'verified';
      qs.verifiedAt = nowIso();
      audit('realization.verified', actor, { quarter });
      await settled();
      return qs;
    },
    { validator: ({ actor, quarter }) => verifierValidator(actor, quarter) },
  );
  setHandler(
    returnRealizationUpdate,
    async ({ actor, quarter, reason }) => {
      const qs = quarterState(quarter);
      qs.status = 'open';
      qs.returnedReason = reason;
      audit('realization.returned', actor, { quarter, reason });
      await settled();
      return qs;
    },
    {
      validator: ({ actor, quarter, reason }) => {
        verifierValidator(actor, quarter);
        if (!reason?.trim()) reject('InvalidData', 'a reason is required to return a report');
      },
    },
  );

  // ----- evaluation ---------------------------------------------------------------------------
  setHandler(
    evaluateUpdate,
    async ({ actor, adjustments, close }) => {
      s.evaluation = await store.storeEvaluation({
        agreementId: input.agreementId,
        adjustments,
        close,
        actorId: actor.id,
        at: nowIso(),
      });
      audit(close ? 'evaluation.closed' : 'evaluation.adjusted', actor, { adjustments, score: s.evaluation.score });
      await settled();
      return s.evaluation;
    },
    {
      validator: ({ actor, adjustments }) => {
        if (actor.role !== 'evaluator') reject('WrongPerson', 'only the evaluation team evaluates');
        requirePhase('evaluation');
        for (const a of adjustments ?? []) {
          if (!withinBounds(a.value, MAX_ADJUSTED_PERCENT)) reject('InvalidData', `an adjusted value must be a number from 0 to ${MAX_ADJUSTED_PERCENT}`);
          if (!a.reason?.trim()) reject('InvalidData', `adjusting ${a.indicatorId} needs a written reason`);
        }
      },
    },
  );

  // ----- revision and deadlines ---------------------------------------------------------------
  setHandler(
    startRevisionUpdate,
    async ({ actor, reason, note }) => {
      s.version += 1;
      s.versions.push({ version: s.version, reason, note, signatures: [] });
      s.revision = { reason, note, requestedBy: actor.id, startedAt: nowIso() };
      s.draftSubmitted = false;
      s.returnedReason = null;
      s.draftApproved = false;
      s.extendedDueAt = undefined; // the revision's steps have their own due dates
      await store.copyDraft({ agreementId: input.agreementId, fromVersion: s.version - 1, toVersion: s.version });
      s.phase = 'drafting';
      audit('revision.started', actor, { reason, note });
      await settled();
      return s;
    },
    {
      validator: ({ actor, reason, note }) => {
        if (actor.role !== 'admin' && !holds(actor, input.positionId)) reject('WrongPerson', 'only the first party or an administrator may revise a PK');
        requirePhase('reporting');
        if (!['official', 'budget', 'strategy'].includes(reason)) reject('InvalidData', 'reason must be official, budget or strategy');
        if (!note?.trim()) reject('InvalidData', 'a revision needs a note');
      },
    },
  );
  setHandler(
    extendDeadlineUpdate,
    async ({ actor, dueAt, reason }) => {
      s.deadline!.dueAt = new Date(dueAt).toISOString();
      // The extension holds for the whole step: after the first party signs, the second party's
      // signature is due on the extended date too, not on the calendar's (which may have passed).
      if (patched('deadline-extension-covers-step')) {
        s.extendedDueAt = { ...s.extendedDueAt, [deadlineStep(s.deadline!.item)]: s.deadline!.dueAt };
      }
      deadlineRevision++;
      audit('deadline.extended', actor, { item: s.deadline!.item, dueAt, reason });
      await settled();
      return s.deadline!;
    },
    {
      validator: ({ actor, dueAt, reason }) => {
        if (actor.role !== 'admin') reject('WrongPerson', 'only an administrator extends a deadline');
        if (!s.deadline) reject('WrongPhase', 'nothing is awaited now');
        if (!Number.isFinite(Date.parse(dueAt))) reject('InvalidData', 'dueAt must be an ISO date-time');
        if (!reason?.trim()) reject('InvalidData', 'an extension needs a reason');
      },
    },
  );

  // ----- the wait every phase uses ------------------------------------------------------------
  function dueFor(item: string): string {
    const extended = s.extendedDueAt?.[deadlineStep(item)];
    if (extended) return extended;
    const [what, which] = item.split(':');
    const q = Number(which?.replace('Q', '')) - 1;
    // a PK Perubahan gets its own days from the day it started, not January's dates
    const drafting = s.revision ? revisionDueDates(s.revision.startedAt, schedule) : schedule;
    switch (what) {
      case 'draft': return drafting.draftDue;
      case 'review': return drafting.reviewDue;
      case 'sign': return drafting.signDue;
      case 'report': return schedule.reportDue[q];
      case 'verify': return schedule.verifyDue[q];
      default: return schedule.evaluationDue;
    }
  }
  async function awaitAction(item: string, awaiting: string | null, done: () => boolean) {
    if (done()) return;
    const deadline: Deadline = { item: item as DeadlineItem, awaiting, dueAt: dueFor(item), overdue: false, escalationLevel: 0 };
    let escalatedLevel = 0;
    let overdueNoted = false;
    s.deadline = deadline;
    await journal.flush();
    await awaitWithLadder(
      { deadline, policy: schedule.policy, done, revision: () => deadlineRevision, dirty: () => journal.dirty(), now },
      {
        notify: async (kind, level) => {
          const sent = await slow.notify({
            agreementId: input.agreementId,
            key: `${input.agreementId}:v${s.version}:${item}:${kind}:${kind === 'reminder' ? now() : level}`,
            item: item as DeadlineItem,
            kind,
            level,
            awaitingPositionId: awaiting,
            dueAt: deadline.dueAt,
          });
          // The level stays within the chain: nobody above the Kepala Daerah means level 0, not 4.
          // Older histories recorded the calendar's level; their notify results carry no `level`.
          const reached = kind === 'escalation' && patched('escalation-stops-at-top') ? Math.min(level, sent.level) : level;
          return { higherLevelExists: sent.higherLevelExists, level: reached };
        },
        changed: async () => {
          if (deadline.overdue && deadline.escalationLevel > escalatedLevel) audit('deadline.escalated', null, { item, level: deadline.escalationLevel });
          // Late with nobody above to hear of it: the timeline still says so, once.
          if (deadline.overdue && deadline.escalationLevel === 0 && !overdueNoted) audit('deadline.overdue', null, { item });
          overdueNoted = deadline.overdue;
          escalatedLevel = deadline.overdue ? deadline.escalationLevel : 0;
          await journal.flush();
        },
      },
    );
    s.deadline = null;
  }
  /** The next phase function runs next; its first wait writes the journal. */
  const enter = (phase: Phase) => {
    s.phase = phase;
  };

  // ----- phases -------------------------------------------------------------------------------
  async function waitingForSuperior() {
    await journal.flush();
    await condition(() => s.superiorSigned);
    audit('drafting.opened', null);
    enter('drafting');
  }

  async function drafting() {
    await awaitAction('draft', input.positionId, () => s.draftSubmitted || s.phase !== 'drafting');
    if (s.phase !== 'drafting') return;
    if (isRoot) {
      enter('signing'); // the Kepala Daerah's statement has no second party to review it
      return;
    }
    s.draftApproved = false;
    enter('review');
  }

  async function review() {
    await awaitAction('review', input.parentPositionId, () => s.draftApproved || !s.draftSubmitted);
    enter(s.draftApproved ? 'signing' : 'drafting');
  }

  async function signing() {
    let party: Party | null;
    while ((party = partyToSign()) !== null) {
      const signer = party === 'first' ? input.positionId : input.parentPositionId;
      const signedBefore = currentVersion().signatures.length;
      await awaitAction(`sign:${party}`, signer, () => currentVersion().signatures.length > signedBefore);
    }
    const v = currentVersion();
    const last = v.signatures[v.signatures.length - 1];
    v.documentId = last.documentId;
    v.sha256 = last.sha256;
    v.signedAt = last.signedAt;
    s.revision = null;
    audit('agreement.signed', null, { documentId: v.documentId, sha256: v.sha256 });
    enter('reporting');
    // Written before the release: a subordinate that starts late reads the signed PK from the record.
    await journal.flush();
    if (input.childPositionIds.length > 0) {
      await slow.releaseSubordinates({ agreementId: input.agreementId, cycleId: input.cycleId, version: s.version });
    }
  }

  async function reporting() {
    const next = s.quarters.find((q) => q.status !== 'verified');
    if (!next) {
      enter('evaluation');
      return;
    }
    const q = next.quarter;
    const revising = () => s.phase !== 'reporting';
    if (next.status === 'not_open') {
      const opensAt = Date.parse(schedule.quarterEnds[q - 1]);
      if (opensAt > now() && workflowInfo().historyLength > QUIET_LIMIT) await carryOn();
      await journal.flush();
      while (opensAt > now() && !revising()) {
        // a handler's change is written at once, even while the quarter runs
        if (!(await condition(() => revising() || journal.dirty(), opensAt - now()))) break;
        await journal.flush();
      }
      if (revising()) return;
      next.status = 'open';
      audit('realization.opened', null, { quarter: q });
    }
    await awaitAction(`report:Q${q}`, input.positionId, () => next.status !== 'open' || revising());
    if (revising()) return;
    if (isRoot) {
      next.status = 'verified'; // the Kepala Daerah's statement has no superior to verify it
      next.verifiedAt = nowIso();
      return;
    }
    await awaitAction(`verify:Q${q}`, input.parentPositionId, () => next.status !== 'reported' || revising());
  }

  async function evaluation() {
    if (!s.evaluation) {
      s.evaluation = await store.computeEvaluation({ agreementId: input.agreementId });
      audit('evaluation.computed', null, { score: s.evaluation.score, predicate: s.evaluation.predicate });
    }
    await awaitAction('evaluation', null, () => Boolean(s.evaluation?.closedAt));
    enter('closed');
  }

  /** Until every handler is done and everything is written (handlers wait for the write). */
  async function drain(): Promise<void> {
    while (!allHandlersFinished() || journal.dirty()) {
      await condition(() => allHandlersFinished() || journal.dirty());
      await journal.flush();
    }
  }

  /** Continue as new with the state carried over, once in-flight handlers are done and all is written. */
  async function carryOn(): Promise<never> {
    await drain();
    return continueAsNew<typeof agreementWorkflow>({ ...input, carried: s, carriedSchedule: schedule });
  }

  // ----- the year ------------------------------------------------------------------------------
  const phases: Record<Exclude<Phase, 'closed'>, () => Promise<void>> = {
    waiting_superior: waitingForSuperior,
    drafting,
    review,
    signing,
    reporting,
    evaluation,
  };
  if (input.carried && input.carriedSchedule) {
    schedule = input.carriedSchedule;
    journal.assumeStored({ withAttributes: true });
  } else {
    const context = await store.loadStartContext({ agreementId: input.agreementId, cycleId: input.cycleId, parentPositionId: input.parentPositionId });
    schedule = context.schedule;
    if (context.superior && !s.superiorSigned) {
      s.superiorSigned = true;
      s.superiorIndicatorIds = context.superior.indicatorIds;
    }
    // the row was inserted with this state; the first flush still sets every search attribute
    journal.assumeStored({ withAttributes: false });
  }
  while (s.phase !== 'closed') {
    await phases[s.phase]();
    if (workflowInfo().historyLength > HARD_LIMIT || workflowInfo().continueAsNewSuggested) await carryOn();
  }
  await drain();
  return s;
}

/** Finite, ≥ 0 and at most `max` (NaN, Infinity and 1e308 are not quantities of this domain). */
function withinBounds(value: unknown, max: number): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= max;
}
