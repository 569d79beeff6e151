/**
 * Polls `url` every 250 ms until it answers 2xx; throws once `timeoutMs` has passed without that.
 * A refused connection only means the server is not listening yet. `npm start` and the benchmarks.
 */
export async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > until) throw new Error(`${url} did not become healthy within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
