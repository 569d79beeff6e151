// A JSON body nested deeper than any request of this API is refused before anything walks it
// recursively (hashing for Idempotency-Key, zod, logging): 2 MB of '[' would otherwise overflow
// the stack there and answer 503. The walk itself is iterative.
import type { NextFunction, Request, Response } from 'express';
import { HttpProblem } from './problem';

/** The deepest real body (an import's draft quarterly targets) is 9 levels; 32 leaves room. */
export const MAX_JSON_DEPTH = 32;

export function jsonDepthExceeds(value: unknown, max: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 0]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (child !== null && typeof child === 'object') pending.push([child, depth + 1]);
    }
  }
  return false;
}

export function requireShallowJson(req: Request, _res: Response, next: NextFunction): void {
  if (jsonDepthExceeds(req.body, MAX_JSON_DEPTH)) {
    return next(new HttpProblem(400, 'too_deeply_nested', `The JSON body is nested more than ${MAX_JSON_DEPTH} levels deep.`));
  }
  next();
}
