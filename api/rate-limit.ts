// A per-client request budget for public routes that do real work (verifying an uploaded PDF):
// a fixed one-minute window per IP, kept in memory. One API process is enough for what it
// guards; behind several replicas each keeps its own window, which only loosens the limit.
import type { NextFunction, Request, Response } from 'express';
import { HttpProblem } from './problem';

const WINDOW_MS = 60_000;

export function rateLimit(perMinute: number, now: () => number = Date.now) {
  const windows = new Map<string, { start: number; count: number }>();
  return (req: Request, res: Response, next: NextFunction) => {
    const t = now();
    const client = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    let window = windows.get(client);
    if (!window || t - window.start >= WINDOW_MS) {
      // Forget expired windows now and then, so the map does not grow with every client ever seen.
      if (windows.size > 10_000) for (const [key, w] of windows) if (t - w.start >= WINDOW_MS) windows.delete(key);
      window = { start: t, count: 0 };
      windows.set(client, window);
    }
    window.count++;
    if (window.count > perMinute) {
      const retryAfter = Math.max(1, Math.ceil((window.start + WINDOW_MS - t) / 1000));
      res.setHeader('Retry-After', String(retryAfter));
      return next(new HttpProblem(429, 'rate_limited', `Too many requests from this client; try again in ${retryAfter} s.`));
    }
    next();
  };
}
