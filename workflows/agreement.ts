// One PK through its year (workflow type `agreementV2`). The workflow reads like the process it
// carries: each phase is one short function, every wait goes through the deadline ladder, and
// `phase` in the state says where to resume, so continue-as-new can carry the state into a fresh
// history at any phase boundary. What people do (draft, review, sign, report, verify, evaluate,
// revise) is in workflows/agreement-actions.ts: each action writes itself and returns; the phases
// below wait for it, and write only the workflow's own transitions (opening, phase changes,
// escalation). PKs started before this type finish on workflows/legacy/agreement-v1.ts.
import { allHandlersFinished, continueAsNew, patched, setHandler, workflowInfo } from '@temporalio/workflow';
import { sameLadderPolicy, type LadderPolicy } from '../domain/ladder';
import type { AgreementEvent } from '../domain/agreement-events';
import { reportItem, signItem, verifyItem, type DeadlineItem } from '../domain/deadline-item';
import { registerHumanActions } from './agreement-actions';
import { AgreementRun, initialState, releaser, slow } from './agreement-run';
import { awaitWithLadder } from './deadline-ladder';
import {
  calendarChangedSignal,
  stateQuery,
  superiorSignedSignal,
  type AgreementInput,
  type AgreementState,
  type Deadline,
  type Phase,
} from './messages';

/**
 * Continue-as-new at a quiet point (waiting for a quarter to end: no draft, review, signature or
 * report can be pending) once the history passes QUIET_LIMIT events; at any phase boundary past
 * HARD_LIMIT. Quiet points matter: an Update racing a continue-as-new must wait for the new run.
 */
export const QUIET_LIMIT = 120;
export const HARD_LIMIT = 250;

/**
 * The ladder of a wait under way: a calendar change's new ladder applies to it. Before the patch a
 * wait kept the ladder it started with (only its due date moved); runs recorded then replay so.
 * Asked only when the ladder did change, so a run that never sees such a change records no marker.
 */
function ladderFollowingCalendar(atStart: LadderPolicy, now: LadderPolicy): LadderPolicy {
  if (sameLadderPolicy(atStart, now)) return atStart;
  return patched('ladder-follows-calendar') ? now : atStart;
}

export async function agreementV2(input: AgreementInput): Promise<AgreementState> {
  const s: AgreementState = input.carried ?? initialState(input);
  const pk = new AgreementRun(input, s);
  const { now } = pk;

  // ----- queries, notices and human actions ---------------------------------------------------
  setHandler(stateQuery, () => s);
  setHandler(superiorSignedSignal, (notice) => {
    // a retried release of the superior's older version may arrive after the newer one's
    if (notice.version < (s.superiorVersion ?? 0)) return;
    s.superiorSigned = true;
    s.superiorVersion = notice.version;
    s.superiorIndicatorIds = notice.indicatorIds;
  });
  setHandler(calendarChangedSignal, async () => {
    const schedule = await slow.loadSchedule({ agreementId: input.agreementId });
    // two changes close together: the read of the older calendar may finish last
    if ((schedule.calendarVersion ?? 0) < (pk.schedule.calendarVersion ?? 0)) return;
    pk.applyCalendar(schedule);
    pk.deadlineRevision++;
  });
  registerHumanActions(pk);

  // ----- transitions ----------------------------------------------------------------------------
  /** Events of a phase change, written with the next phase's first write (one write, not two). */
  let entering: AgreementEvent[] = [];
  const enter = (phase: Phase, ...events: AgreementEvent[]) => {
    s.phase = phase;
    entering.push(...events);
  };
  /** Write the workflow's own transition: what `enter` noted, the events given, the current state. */
  const recordOwn = async (...events: AgreementEvent[]) => {
    const all = [...entering, ...events];
    entering = [];
    await pk.recordOwn(all);
  };
  /** The same, then every write queued so far stored: where others read the record next. */
  const recordAndStore = async () => {
    await recordOwn();
    await pk.allWritten();
  };

  /** Wait for a person, with reminders and escalation (the deadline ladder). */
  async function awaitAction(item: DeadlineItem, awaiting: string | null, done: () => boolean) {
    const deadline: Deadline = { item, awaiting, dueAt: pk.dueFor(item), overdue: false, escalationLevel: 0 };
    let escalatedLevel = 0;
    let overdueNoted = false;
    s.deadline = deadline;
    await recordOwn();
    const ladderAtStart = pk.schedule.policy;
    await awaitWithLadder(
      { deadline, policy: () => ladderFollowingCalendar(ladderAtStart, pk.schedule.policy), done, revision: () => pk.deadlineRevision, now, until: (fn, ms) => pk.until(fn, ms) },
      {
        notify: async (kind, level) => {
          const sent = await slow.notify({
            agreementId: input.agreementId,
            key: `${input.agreementId}:v${s.version}:${item}:${kind}:${kind === 'reminder' ? now() : level}`,
            item,
            kind,
            level,
            awaitingPositionId: awaiting,
            dueAt: deadline.dueAt,
          });
          // The level stays within the chain: nobody above the Kepala Daerah means level 0, not 4.
          return { higherLevelExists: sent.higherLevelExists, level: kind === 'escalation' ? Math.min(level, sent.level) : level };
        },
        changed: async () => {
          const events: AgreementEvent[] = [];
          if (deadline.overdue && deadline.escalationLevel > escalatedLevel) events.push({ action: 'deadline.escalated', data: { item, level: deadline.escalationLevel } });
          // Late with nobody above to hear of it: the timeline still says so, once.
          if (deadline.overdue && deadline.escalationLevel === 0 && !overdueNoted) events.push({ action: 'deadline.overdue', data: { item } });
          overdueNoted = deadline.overdue;
          escalatedLevel = deadline.overdue ? deadline.escalationLevel : 0;
          await recordOwn(...events);
        },
      },
    );
    s.deadline = null;
  }

  // ----- phases -------------------------------------------------------------------------------
  async function waitingForSuperior() {
    await recordOwn();
    await pk.until(() => s.superiorSigned);
    enter('drafting', { action: 'drafting.opened' });
  }

  async function drafting() {
    await awaitAction('draft', input.positionId, () => s.draftSubmitted);
    if (pk.isRoot) {
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
    for (let party = pk.partyToSign(); party !== null; party = pk.partyToSign()) {
      const awaited = party === 'first' ? input.positionId : input.parentPositionId;
      const signedBefore = pk.currentVersion().signatures.length;
      await awaitAction(signItem(party), awaited, () => pk.currentVersion().signatures.length > signedBefore);
    }
    const v = pk.currentVersion();
    const last = v.signatures[v.signatures.length - 1];
    v.documentId = last.documentId;
    v.sha256 = last.sha256;
    v.signedAt = last.signedAt;
    s.revision = null;
    // a run whose signature carries its step wrote `agreement.signed` with the last signature
    if (pk.signatureCarriesStep) enter('reporting');
    else enter('reporting', { action: 'agreement.signed', data: { documentId: v.documentId, sha256: v.sha256 } });
    // Stored before the release: a subordinate that starts late reads the signed PK from the record.
    await recordAndStore();
    if (input.childPositionIds.length > 0) {
      await releaser.releaseSubordinates({ agreementId: input.agreementId, cycleId: input.cycleId, version: s.version });
    }
  }

  /** One quarter at a time; a PK Perubahan started meanwhile ends the phase (the loop drafts it). */
  async function reporting() {
    const next = s.quarters.find((q) => q.status !== 'verified');
    if (!next) {
      enter('evaluation');
      return;
    }
    const q = next.quarter;
    if (next.status === 'not_open') {
      const opensAt = Date.parse(pk.schedule.quarterEnds[q - 1]);
      if (opensAt > now() && workflowInfo().historyLength > QUIET_LIMIT) await carryOn();
      await recordOwn();
      if (opensAt > now()) await pk.until(pk.revisionStarted, opensAt - now());
      if (pk.revisionStarted()) return;
      next.status = 'open';
      entering.push({ action: 'realization.opened', data: { quarter: q } });
    }
    await awaitAction(reportItem(q), input.positionId, () => next.status !== 'open' || pk.revisionStarted());
    if (pk.revisionStarted()) return;
    if (pk.isRoot) {
      next.status = 'verified'; // the Kepala Daerah's statement has no superior to verify it
      next.verifiedAt = pk.nowIso();
      return;
    }
    await awaitAction(verifyItem(q), input.parentPositionId, () => next.status !== 'reported' || pk.revisionStarted());
  }

  async function evaluation() {
    if (!s.evaluation) {
      s.evaluation = await pk.computeEvaluation({ agreementId: input.agreementId });
      entering.push({ action: 'evaluation.computed', data: { score: s.evaluation.score, predicate: s.evaluation.predicate } });
    }
    await awaitAction('evaluation', null, () => Boolean(s.evaluation?.closedAt));
    enter('closed');
  }

  /** Continue as new with the state carried over, once in-flight handlers (and their writes) are done. */
  async function carryOn(): Promise<never> {
    await pk.until(allHandlersFinished);
    await recordAndStore();
    return continueAsNew<typeof agreementV2>({ ...input, carried: s, carriedSchedule: pk.schedule, carriedAnswers: pk.answers });
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
    pk.schedule = input.carriedSchedule;
    pk.assumeWritten({ attributes: true }); // the previous run wrote everything before it carried on
  } else {
    const context = await pk.loadStartContext({ agreementId: input.agreementId, cycleId: input.cycleId, parentPositionId: input.parentPositionId });
    pk.schedule = context.schedule;
    if (context.superior && !s.superiorSigned) {
      s.superiorSigned = true;
      s.superiorIndicatorIds = context.superior.indicatorIds;
    }
    // the fan-out inserted the row with this state; the first write still sets every search attribute
    pk.assumeWritten({ attributes: false });
  }
  while (s.phase !== 'closed') {
    await phases[s.phase]();
    // PK Perubahan: the new version is drafted, reviewed and signed again, then reporting resumes
    if (pk.revisionStarted()) enter('drafting');
    if (workflowInfo().historyLength > HARD_LIMIT || workflowInfo().continueAsNewSuggested) await carryOn();
  }
  await recordOwn();
  await pk.until(allHandlersFinished);
  await pk.allWritten();
  return s;
}
