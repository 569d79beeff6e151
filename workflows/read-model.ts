// The agreement's row in the read model (PostgreSQL `agreements`: lists, inbox, dashboards) as the
// workflow sees it. Pure: the workflow computes it, the write activities store it.
import type { AgreementState, Phase } from './messages';

export interface StateSummary {
  phase: Phase;
  version: number;
  overdue: boolean;
  escalationLevel: number;
  dueAt: string | null;
  awaiting: string | null;
  score: number | null;
  predicate: string | null;
}

export function summaryOf(s: AgreementState): StateSummary {
  return {
    phase: s.phase,
    version: s.version,
    overdue: s.deadline?.overdue ?? false,
    escalationLevel: s.deadline?.escalationLevel ?? 0,
    dueAt: s.deadline?.dueAt ?? null,
    awaiting: s.deadline?.awaiting ?? null,
    score: s.evaluation?.score ?? null,
    predicate: s.evaluation?.predicate ?? null,
  };
}
