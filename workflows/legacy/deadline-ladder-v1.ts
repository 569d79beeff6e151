// FROZEN with workflows/legacy/agreement-v1.ts (the `agreementWorkflow` type); the current ladder is workflows/deadline-ladder.ts.
// The one deadline ladder every wait uses: reminders to whoever must act before the due date, then
// escalation one level up the chain per step after it, each step recorded as a notification.
// Escalation stops the moment the item is done. When does what: domain/ladder.ts.
import { condition } from '@temporalio/workflow';
import { escalationLevelAt, ladderSteps, type LadderPolicy } from '../../domain/ladder';
import type { Deadline } from '../messages';

export interface LadderHooks {
  /**
   * Record and deliver a reminder (level 0) or an escalation. Resolves with whether a higher level
   * exists and the level the item now stands at: never above the top of the chain (0 when nobody
   * is above the one awaited, as for the Kepala Daerah).
   */
  notify(kind: 'reminder' | 'escalation', level: number): Promise<{ higherLevelExists: boolean; level: number }>;
  /** Something to write (the deadline's overdue or level, a handler's audit entry): write it. */
  changed(deadline: Deadline): Promise<void>;
}

export interface LadderWait {
  deadline: Deadline;
  policy: LadderPolicy;
  /** The awaited action happened. */
  done: () => boolean;
  /** Bumped when an administrator extends the due date: the steps are recomputed. */
  revision: () => number;
  /** Something not yet written (workflows/journal.ts): wake up and call `changed`. */
  dirty: () => boolean;
  now: () => number;
}

export async function awaitWithLadder(wait: LadderWait, hooks: LadderHooks): Promise<void> {
  const d = wait.deadline;
  let seenRevision = wait.revision();
  let topReached = false;
  while (!wait.done()) {
    const due = Date.parse(d.dueAt);
    // Catch up to the level the calendar demands now: a late start escalates once, not once per level.
    const levelNow = escalationLevelAt(wait.now(), due, wait.policy);
    if (levelNow > d.escalationLevel && !topReached) {
      const reached = await hooks.notify('escalation', levelNow);
      if (!reached.higherLevelExists) topReached = true;
      d.overdue = true;
      d.escalationLevel = reached.level;
      await hooks.changed(d);
      continue;
    }
    const next = ladderSteps(due, wait.policy).find(
      (s) => s.at > wait.now() && (s.kind === 'reminder' || !topReached),
    );
    const wakeUp = () => wait.done() || wait.revision() !== seenRevision || wait.dirty();
    const woke = next ? await condition(wakeUp, next.at - wait.now()) : (await condition(wakeUp), true);
    if (wait.done()) break;
    if (woke) {
      seenRevision = wait.revision();
      if (d.overdue && Date.parse(d.dueAt) > wait.now()) {
        d.overdue = false;
        d.escalationLevel = 0;
        topReached = false;
      }
      await hooks.changed(d);
      continue;
    }
    if (next?.kind === 'reminder') await hooks.notify('reminder', 0);
    // an escalation step is applied by the catch-up at the top of the loop
  }
  // Done: the caller's next transition writes the cleared flag (one write instead of two).
  d.overdue = false;
}
