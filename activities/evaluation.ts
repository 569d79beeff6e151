// PLACEHOLDER until domain/evaluation lands (replaced in this session).
import type { ActivityDeps } from './deps';
import type { Adjustment, EvaluationState } from '../workflows/messages';
export function createEvaluationActivities(_deps: ActivityDeps) {
  return {
    async computeEvaluation(_a: { agreementId: string }): Promise<EvaluationState> { throw new Error('not wired yet'); },
    async storeEvaluation(_a: { agreementId: string; adjustments: Adjustment[]; close: boolean; actorId: string; at: string }): Promise<EvaluationState> { throw new Error('not wired yet'); },
  };
}
