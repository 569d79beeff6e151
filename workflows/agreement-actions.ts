// The PK as an entity: what may be done, in which phase, by whom, and what each human action
// changes. Every action is a Workflow Update: its validator rejects the wrong person, phase or data
// before anything is written; its handler changes the state, makes the transition's one write
// (fact, audit row and read-model row in one transaction) and returns. No handler waits for the
// main flow or changes the phase: the phases (workflows/agreement.ts) react to what was done.
import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import { validateDraftContent } from '../domain/cascade';
import { deadlineStep } from '../domain/deadline-item';
import { MAX_ADJUSTED_PERCENT, MAX_QUANTITY, MAX_RUPIAH } from '../domain/limits';
import type { Quarter } from '../domain/types';
import { reject, type AgreementRun } from './agreement-run';
import {
  approveDraftUpdate,
  evaluateUpdate,
  extendDeadlineUpdate,
  reportRealizationUpdate,
  returnDraftUpdate,
  returnRealizationUpdate,
  saveDraftUpdate,
  signUpdate,
  startRevisionUpdate,
  submitDraftUpdate,
  verifyRealizationUpdate,
  type Actor,
} from './messages';

/** Finite, ≥ 0 and at most `max` (NaN, Infinity and 1e308 are not quantities of this domain). */
function withinBounds(value: unknown, max: number): boolean {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= max;
}

export function registerHumanActions(pk: AgreementRun): void {
  const { s, input } = pk;
  registerDrafting(pk);
  registerSigning(pk);
  registerReporting(pk);

  // ----- evaluation -----------------------------------------------------------------------------
  setHandler(
    evaluateUpdate,
    async ({ actor, adjustments, close }) => {
      const earlier = pk.earlierAnswerTo(evaluateUpdate);
      if (earlier) return earlier.result;
      const { evaluation } = await pk.record(
        [{ action: close ? 'evaluation.closed' : 'evaluation.adjusted', data: { adjustments } }],
        actor,
        { kind: 'evaluation', adjustments, close, actorId: actor.id, at: pk.nowIso() },
      );
      s.evaluation = evaluation!;
      return pk.answer(s.evaluation);
    },
    {
      validator: pk.unlessRepeated(evaluateUpdate, ({ actor, adjustments }) => {
        if (actor.role !== 'evaluator') reject('WrongPerson', 'only the evaluation team evaluates');
        pk.requirePhase('evaluation');
        // the phase opens before its score is computed; an adjustment meanwhile would be overwritten
        if (!s.evaluation) reject('WrongPhase', 'the score is still being computed; try again in a moment');
        for (const a of adjustments ?? []) {
          if (!withinBounds(a.value, MAX_ADJUSTED_PERCENT)) reject('InvalidData', `an adjusted value must be a number from 0 to ${MAX_ADJUSTED_PERCENT}`);
          if (!a.reason?.trim()) reject('InvalidData', `adjusting ${a.indicatorId} needs a written reason`);
        }
      }),
    },
  );

  // ----- revision: a new version, which the phase loop then drafts, reviews and signs -----------
  setHandler(
    startRevisionUpdate,
    async ({ actor, reason, note }) => {
      const earlier = pk.earlierAnswerTo(startRevisionUpdate);
      if (earlier) return earlier.result;
      const fromVersion = s.version;
      s.version += 1;
      s.versions.push({ version: s.version, reason, note, signatures: [] });
      s.revision = { reason, note, requestedBy: actor.id, startedAt: pk.nowIso() };
      s.draftSubmitted = false;
      s.returnedReason = null;
      s.draftApproved = false;
      s.extendedDueAt = undefined; // the revision's steps have their own due dates
      s.extendedUnder = undefined;
      await pk.record([{ action: 'revision.started', data: { reason, note } }], actor, { kind: 'revision', fromVersion, toVersion: s.version });
      return pk.answer(s);
    },
    {
      validator: pk.unlessRepeated(startRevisionUpdate, ({ actor, reason, note }) => {
        if (actor.role !== 'admin' && !pk.holds(actor, input.positionId)) reject('WrongPerson', 'only the first party or an administrator may revise a PK');
        pk.requireReporting();
        if (!['official', 'budget', 'strategy'].includes(reason)) reject('InvalidData', 'reason must be official, budget or strategy');
        if (!note?.trim()) reject('InvalidData', 'a revision needs a note');
      }),
    },
  );

  // ----- deadlines ------------------------------------------------------------------------------
  setHandler(
    extendDeadlineUpdate,
    async ({ actor, dueAt, reason, calendarVersion }) => {
      const earlier = pk.earlierAnswerTo(extendDeadlineUpdate);
      if (earlier) return earlier.result;
      const deadline = s.deadline!;
      deadline.dueAt = new Date(dueAt).toISOString();
      // The extension holds for the whole step: after the first party signs, the second party's
      // signature is due on the extended date too, not on the calendar's (which may have passed).
      const step = deadlineStep(deadline.item);
      s.extendedDueAt = { ...s.extendedDueAt, [step]: deadline.dueAt };
      if (calendarVersion !== undefined) s.extendedUnder = { ...s.extendedUnder, [step]: calendarVersion };
      pk.deadlineRevision++;
      await pk.record([{ action: 'deadline.extended', data: { item: deadline.item, dueAt, reason } }], actor);
      return pk.answer(deadline);
    },
    {
      validator: pk.unlessRepeated(extendDeadlineUpdate, ({ actor, dueAt, reason }) => {
        if (actor.role !== 'admin') reject('WrongPerson', 'only an administrator extends a deadline');
        if (!s.deadline) reject('WrongPhase', 'nothing is awaited now');
        if (!Number.isFinite(Date.parse(dueAt))) reject('InvalidData', 'dueAt must be an ISO date-time');
        // an extension only moves the due date later: an earlier one would shorten the step (and
        // could make the official overdue at once) under the name of an extension
        if (Date.parse(dueAt) <= Date.parse(s.deadline.dueAt)) {
          reject('DeadlineNotLater', `an extension must move the due date later than the current one (${s.deadline.dueAt})`);
        }
        if (!reason?.trim()) reject('InvalidData', 'an extension needs a reason');
      }),
    },
  );
}

// ----- drafting and review ----------------------------------------------------------------------
function registerDrafting(pk: AgreementRun): void {
  const { s } = pk;
  /** The sequence number of the save whose hash `draftHash` holds: a save that finishes late never replaces a newer one's. */
  let draftHashSeq = 0;
  setHandler(
    saveDraftUpdate,
    async ({ actor, content }) => {
      const earlier = pk.earlierAnswerTo(saveDraftUpdate);
      if (earlier) return earlier.result;
      const version = s.version;
      s.returnedReason = null;
      const pending = pk.record([{ action: 'draft.saved' }], actor, { kind: 'draft', version, content, actorId: actor.id });
      const seq = s.auditSeq;
      const { contentHash } = await pending;
      if (seq > draftHashSeq && version === s.version) {
        s.draftHash = contentHash!;
        draftHashSeq = seq;
      }
      return pk.answer({ version, contentHash: contentHash! });
    },
    {
      validator: pk.unlessRepeated(saveDraftUpdate, ({ actor, content }) => {
        pk.requireFirstParty(actor);
        pk.requirePhase('drafting');
        const problems = validateDraftContent(content, pk.isRoot ? null : s.superiorIndicatorIds);
        if (problems.length > 0) {
          throw ApplicationFailure.nonRetryable('the draft has problems', 'InvalidData', problems);
        }
      }),
    },
  );
  setHandler(
    submitDraftUpdate,
    async ({ actor }) => {
      const earlier = pk.earlierAnswerTo(submitDraftUpdate);
      if (earlier) return earlier.result;
      s.draftSubmitted = true;
      s.draftSubmittedBy = actor.id;
      await pk.record([{ action: 'draft.submitted', data: { contentHash: s.draftHash } }], actor);
      return pk.answer(s);
    },
    {
      validator: pk.unlessRepeated(submitDraftUpdate, ({ actor }) => {
        pk.requireFirstParty(actor);
        pk.requirePhase('drafting');
        if (s.draftSubmitted) reject('WrongPhase', 'the draft is already submitted');
        if (!s.draftHash) reject('InvalidData', 'save a draft before submitting it');
      }),
    },
  );
  setHandler(
    approveDraftUpdate,
    async ({ actor }) => {
      const earlier = pk.earlierAnswerTo(approveDraftUpdate);
      if (earlier) return earlier.result;
      s.draftApproved = true;
      await pk.record([{ action: 'draft.approved', data: { contentHash: s.draftHash } }], actor);
      return pk.answer(s);
    },
    {
      validator: pk.unlessRepeated(approveDraftUpdate, ({ actor }) => {
        pk.requireSecondParty(actor);
        pk.refuseFirstPartyOfficial(actor, [s.draftSubmittedBy]);
        pk.requirePhase('review');
        if (s.draftApproved || !s.draftSubmitted) reject('WrongPhase', 'the draft was already reviewed');
      }),
    },
  );
  setHandler(
    returnDraftUpdate,
    async ({ actor, reason }) => {
      const earlier = pk.earlierAnswerTo(returnDraftUpdate);
      if (earlier) return earlier.result;
      s.draftSubmitted = false;
      s.returnedReason = reason;
      await pk.record([{ action: 'draft.returned', data: { reason } }], actor);
      return pk.answer(s);
    },
    {
      validator: pk.unlessRepeated(returnDraftUpdate, ({ actor, reason }) => {
        pk.requireSecondParty(actor);
        pk.requirePhase('review');
        if (s.draftApproved || !s.draftSubmitted) reject('WrongPhase', 'the draft was already reviewed');
        if (!reason?.trim()) reject('InvalidData', 'a reason is required to return a draft');
      }),
    },
  );
}

// ----- signing ----------------------------------------------------------------------------------
function registerSigning(pk: AgreementRun): void {
  const { s, input } = pk;
  let signingBusy = false;
  setHandler(
    signUpdate,
    async ({ actor, passphrase }) => {
      const earlier = pk.earlierAnswerTo(signUpdate);
      if (earlier) return earlier.result;
      const party = pk.partyToSign()!;
      signingBusy = true;
      try {
        // the signature, its audit rows and the read-model row: one transaction in the signing activity
        const signature = await pk.signAgreement({
          agreementId: input.agreementId,
          version: s.version,
          party,
          signerNip: actor.id,
          passphrase,
          record: pk.signatureWrite(party, actor),
        });
        pk.currentVersion().signatures.push(signature);
        return pk.answer(signature);
      } finally {
        signingBusy = false;
      }
    },
    {
      validator: pk.unlessRepeated(signUpdate, ({ actor }) => {
        pk.requirePhase('signing');
        if (signingBusy) reject('WrongPhase', 'a signature is being made; try again in a moment');
        const party = pk.partyToSign();
        if (party === 'first') pk.requireFirstParty(actor);
        else if (party === 'second') {
          pk.requireSecondParty(actor);
          pk.refuseFirstPartyOfficial(actor, [s.draftSubmittedBy, ...pk.currentVersion().signatures.filter((x) => x.party === 'first').map((x) => x.signerNip)]);
        } else reject('WrongPhase', 'this version is already signed');
      }),
    },
  );
}

// ----- quarterly realization --------------------------------------------------------------------
function registerReporting(pk: AgreementRun): void {
  const { s } = pk;
  const quarterState = (q: Quarter) => s.quarters[q - 1];
  setHandler(
    reportRealizationUpdate,
    async ({ actor, quarter, realizations, budgetSpent, note }) => {
      const earlier = pk.earlierAnswerTo(reportRealizationUpdate);
      if (earlier) return earlier.result;
      const qs = quarterState(quarter);
      qs.status = 'reported';
      qs.reportedAt = pk.nowIso();
      qs.returnedReason = undefined;
      await pk.record([{ action: 'realization.reported', data: { quarter } }], actor, {
        kind: 'realization',
        version: s.version,
        report: { quarter, realizations, budgetSpent, note },
        actorId: actor.id,
      });
      return pk.answer(qs);
    },
    {
      validator: pk.unlessRepeated(reportRealizationUpdate, ({ actor, quarter, realizations, budgetSpent }) => {
        pk.requireFirstParty(actor);
        pk.requireReporting();
        if (![1, 2, 3, 4].includes(quarter)) reject('InvalidData', 'quarter must be 1, 2, 3 or 4');
        if (quarterState(quarter).status !== 'open') reject('WrongQuarter', `quarter ${quarter} is not open for reporting`);
        // Bounded like the API's schema, so no caller can store a number that breaks the cycle's sums.
        const bad = (realizations ?? []).filter((r: { value: unknown }) => r.value !== null && !withinBounds(r.value, MAX_QUANTITY));
        if (!Array.isArray(realizations) || bad.length > 0) reject('InvalidData', `each realization value must be a number from 0 to ${MAX_QUANTITY}, or null`);
        if (!Array.isArray(budgetSpent) || budgetSpent.some((v) => !withinBounds(v, MAX_RUPIAH))) {
          reject('InvalidData', `budget spent must be numbers from 0 to ${MAX_RUPIAH}`);
        }
      }),
    },
  );
  const requireVerifier = (actor: Actor, quarter: Quarter) => {
    pk.requireSecondParty(actor);
    pk.requireReporting();
    if (quarterState(quarter)?.status !== 'reported') reject('WrongQuarter', `quarter ${quarter} has no report to verify`);
  };
  setHandler(
    verifyRealizationUpdate,
    async ({ actor, quarter }) => {
      const earlier = pk.earlierAnswerTo(verifyRealizationUpdate);
      if (earlier) return earlier.result;
      const qs = quarterState(quarter);
      qs.status = 'verified';
      qs.verifiedAt = pk.nowIso();
      await pk.record([{ action: 'realization.verified', data: { quarter } }], actor);
      return pk.answer(qs);
    },
    { validator: pk.unlessRepeated(verifyRealizationUpdate, ({ actor, quarter }) => requireVerifier(actor, quarter)) },
  );
  setHandler(
    returnRealizationUpdate,
    async ({ actor, quarter, reason }) => {
      const earlier = pk.earlierAnswerTo(returnRealizationUpdate);
      if (earlier) return earlier.result;
      const qs = quarterState(quarter);
      qs.status = 'open';
      qs.returnedReason = reason;
      await pk.record([{ action: 'realization.returned', data: { quarter, reason } }], actor);
      return pk.answer(qs);
    },
    {
      validator: pk.unlessRepeated(returnRealizationUpdate, ({ actor, quarter, reason }) => {
        requireVerifier(actor, quarter);
        if (!reason?.trim()) reject('InvalidData', 'a reason is required to return a report');
      }),
    },
  );
}
