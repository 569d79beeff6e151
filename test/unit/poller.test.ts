// The background pass of the notification dispatcher and the history archiver: passes one after
// another with the delay the last result chose, a failed pass reported and tried again, and stop
// waiting for the pass in progress (the worker's shutdown must not cut a delivery in half).
import { createPoller } from '../../poller';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('passes repeat with the delay the result chose; a failed pass is reported and the next one runs', async () => {
  const results = [3, 0, 'fail', 1];
  const delays: Array<number | null> = [];
  const errors: unknown[] = [];
  let passes = 0;
  const poller = createPoller<number>({
    pass: async () => {
      const r = results[passes++];
      if (r === 'fail') throw new Error('PostgreSQL away');
      return r as number;
    },
    delayMs: (result) => (delays.push(result), result === null ? 5 : 1),
    onError: (err) => errors.push(err),
  });
  poller.start();
  poller.start(); // a second start does not run a second loop
  while (passes < 4) await sleep(2);
  await poller.stop();
  expect(delays.slice(0, 4)).toEqual([3, 0, null, 1]);
  expect(errors).toHaveLength(1);
  expect(String(errors[0])).toContain('PostgreSQL away');
});

test('stop waits for the pass in progress, and no pass starts after it', async () => {
  let finished = 0;
  let started = 0;
  const poller = createPoller({
    pass: async () => {
      started++;
      await sleep(50);
      finished++;
    },
    delayMs: () => 0,
    onError: () => undefined,
  });
  poller.start();
  // stop while the first pass is under way (it has started and not finished)
  for (const until = Date.now() + 10_000; started < 1; await sleep(1)) {
    if (Date.now() > until) throw new Error(`timed out after 10000 ms waiting for the first pass; last value: ${JSON.stringify({ started, finished })}`);
  }
  expect([started, finished]).toEqual([1, 0]);
  await poller.stop();
  expect([started, finished]).toEqual([1, 1]);
  await sleep(20);
  expect(started).toBe(1);
});
