// When the reminders and escalations of one deadline fall. Pure: workflows call it.
const DAY = 24 * 60 * 60 * 1000;

export interface LadderPolicy {
  /** Reminders to whoever must act, this many days before the due date. Default [3, 1]. */
  reminderDaysBefore: number[];
  /** After the due date, one level up the chain every this many days. Default 3. */
  escalationEveryDays: number;
  /** Levels above the actor: superior, Asisten, Sekda, Kepala Daerah. Default 4. */
  maxLevels: number;
}

export const defaultLadderPolicy: LadderPolicy = { reminderDaysBefore: [3, 1], escalationEveryDays: 3, maxLevels: 4 };

export interface LadderStep {
  at: number;
  kind: 'reminder' | 'escalation';
  /** 0 for reminders; 1 = direct superior, 2 = next level up, ... */
  level: number;
}

/** Steps in time order: reminders before `dueAt`, then level 1 at the due date and one more level per interval. */
export function ladderSteps(dueAt: number, policy: LadderPolicy = defaultLadderPolicy): LadderStep[] {
  const reminders = [...policy.reminderDaysBefore]
    .sort((a, b) => b - a)
    .map((days) => ({ at: dueAt - days * DAY, kind: 'reminder' as const, level: 0 }));
  const escalations = Array.from({ length: policy.maxLevels }, (_, i) => ({
    at: dueAt + i * policy.escalationEveryDays * DAY,
    kind: 'escalation' as const,
    level: i + 1,
  }));
  return [...reminders, ...escalations];
}

/** Whether two policies give the same steps. */
export function sameLadderPolicy(a: LadderPolicy, b: LadderPolicy): boolean {
  return a.escalationEveryDays === b.escalationEveryDays && a.maxLevels === b.maxLevels
    && a.reminderDaysBefore.length === b.reminderDaysBefore.length && a.reminderDaysBefore.every((d, i) => d === b.reminderDaysBefore[i]);
}

/** The escalation level the calendar demands at `now` (0 before the due date). */
export function escalationLevelAt(now: number, dueAt: number, policy: LadderPolicy = defaultLadderPolicy): number {
  return ladderSteps(dueAt, policy).filter((s) => s.kind === 'escalation' && s.at <= now).length;
}
