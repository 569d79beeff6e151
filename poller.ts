// A background pass repeated until stopped (the notification dispatcher, the history archiver):
// one pass at a time, the next after a delay the pass's result chooses, a failed pass logged and
// tried again at the next tick (PostgreSQL or Temporal away for a while is normal), and `stop`
// waits for the pass in progress.
export interface Poller {
  start(): void;
  stop(): Promise<void>;
}

export function createPoller<T>(options: {
  pass: () => Promise<T>;
  /** How long to wait after a pass; a failed pass waits `delayMs(null)`. */
  delayMs: (result: T | null) => number;
  onError: (err: unknown) => void;
}): Poller {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  let stopped = true;
  const loop = async () => {
    if (stopped) return;
    let result: T | null = null;
    try {
      result = await options.pass();
    } catch (err) {
      options.onError(err);
    }
    if (!stopped) timer = setTimeout(() => { running = loop(); }, options.delayMs(result));
  };
  return {
    start() {
      if (!stopped) return;
      stopped = false;
      running = loop();
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
