// The one deadline ladder every wait uses: reminders to whoever must act before the due date, then
// escalation one level up the chain per step after it, each step recorded as a notification.
// Escalation stops the moment the item is done. When does what: domain/ladder.ts.
import { escalationLevelAt, ladderSteps, type LadderPolicy } from '../domain/ladder';
import type { Deadline } from './messages';

export interface LadderHooks {
  /**
   * Record and deliver a reminder (level 0) or an escalation. Resolves with whether a higher level
   * exists and the level the item now stands at: never above the top of the chain (0 when nobody
   * is above the one awaited, as for the Kepala Daerah).
   */
  notify(kind: 'reminder' | 'escalation', level: number): Promise<{ higherLevelExists: boolean; level: number }>;
  /** The deadline's due date, overdue flag or level changed: write it. */
  changed(deadline: Deadline): Promise<void>;
}

export interface LadderWait {
  deadline: Deadline;
  /** Read at each step: a calendar change may change the ladder of a wait under way. */
  policy: () => LadderPolicy;
  /** The awaited action happened (or the phase loop must move on). */
  done: () => boolean;
  /** Bumped when the due date moves (an extension, a calendar change): the steps are recomputed. */
  revision: () => number;
  now: () => number;
  /** The workflow's wait: until `fn` holds or `timeoutMs` passes (false then). */
  until: (fn: () => boolean, timeoutMs?: number) => Promise<boolean>;
}

export async function awaitWithLadder(wait: LadderWait, hooks: LadderHooks): Promise<void> {
  const d = wait.deadline;
  let seenRevision = wait.revision();
  let topReached = false;
  while (!wait.done()) {
    const due = Date.parse(d.dueAt);
    // Catch up to the level the calendar demands now: a late start escalates once, not once per level.
    const levelNow = escalationLevelAt(wait.now(), due, wait.policy());
    if (levelNow > d.escalationLevel && !topReached) {
      const reached = await hooks.notify('escalation', levelNow);
      if (!reached.higherLevelExists) topReached = true;
      d.overdue = true;
      d.escalationLevel = reached.level;
      await hooks.changed(d);
      continue;
    }
    const next = ladderSteps(due, wait.policy()).find(
      (s) => s.at > wait.now() && (s.kind === 'reminder' || !topReached),
    );
    const wakeUp = () => wait.done() || wait.revision() !== seenRevision;
    const woke = await wait.until(wakeUp, next ? next.at - wait.now() : undefined);
    if (wait.done()) break;
    if (woke) {
      // the due date moved: a due date in the future clears the overdue flag and the level
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
