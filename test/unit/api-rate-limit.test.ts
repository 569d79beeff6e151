// The public verification's per-client budget: a client past it gets 429 with Retry-After until
// its minute is over; other clients are unaffected.
import type { NextFunction, Request, Response } from 'express';
import { rateLimit } from '../../api/rate-limit';
import { HttpProblem } from '../../api/problem';

function callAs(limiter: ReturnType<typeof rateLimit>, ip: string) {
  const headers: Record<string, string> = {};
  let error: unknown = null;
  const res = { setHeader: (k: string, v: string) => { headers[k] = v; } } as unknown as Response;
  limiter({ ip } as Request, res, ((err?: unknown) => { error = err ?? null; }) as NextFunction);
  return { error: error as HttpProblem | null, headers };
}

test('the budget per client per minute, with Retry-After, then a fresh window', () => {
  let now = 1_000_000;
  const limiter = rateLimit(3, () => now);
  for (let i = 0; i < 3; i++) expect(callAs(limiter, '10.0.0.1').error).toBeNull();
  const over = callAs(limiter, '10.0.0.1');
  expect([over.error?.status, over.error?.code]).toEqual([429, 'rate_limited']);
  expect(over.headers['Retry-After']).toBe('60');
  expect(callAs(limiter, '10.0.0.2').error).toBeNull();
  now += 45_000;
  expect(callAs(limiter, '10.0.0.1').headers['Retry-After']).toBe('15');
  now += 15_000;
  expect(callAs(limiter, '10.0.0.1').error).toBeNull();
});
