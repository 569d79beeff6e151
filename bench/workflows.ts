// The ceilings' workflows, bundled for a bench-only worker: one that does nothing, and one that
// waits with a bare update (no validator, no activity), to measure the server and SDK alone.
import { condition, defineUpdate, setHandler } from '@temporalio/workflow';

export const bareUpdate = defineUpdate<number, [number]>('bare');
export const finishUpdate = defineUpdate<void>('finish');

export async function benchEmptyWorkflow(): Promise<void> {}

export async function benchIdleWorkflow(): Promise<number> {
  let count = 0;
  let done = false;
  setHandler(bareUpdate, (n) => (count += 1, n));
  setHandler(finishUpdate, () => {
    done = true;
  });
  await condition(() => done);
  return count;
}
