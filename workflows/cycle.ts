// One organisation's yearly cycle. The organisation was validated and stored by the API (a large
// one exceeds Temporal's 2 MB payload limit); this workflow starts one agreement workflow per
// position, top down, from an activity that works in heartbeated batches, so a crash resumes where
// it stopped and this workflow's own history stays a handful of events.
import { proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { cycleProgressQuery, type CycleInput, type CycleProgress } from './messages';

const { startAgreements } = proxyActivities<Activities>({
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

export async function cycleWorkflow(input: CycleInput): Promise<CycleProgress> {
  const progress: CycleProgress = { started: 0, total: input.positionCount, done: false };
  setHandler(cycleProgressQuery, () => progress);
  const result = await startAgreements({ cycleId: input.cycleId });
  progress.started = result.started;
  progress.done = true;
  return progress;
}
