// Rate limits on what a guesser or a flood would use: presenting tokens (sign-in), signing,
// verification, and the public verification of uploaded PDFs (per client only: it has no caller). express-rate-limit with its in-memory store, so each API process counts on its own:
// with N replicas a client gets at most N times the limit, which still bounds guessing and the
// expensive work (a signature's key derivation and PDF), and a limit needs no database round trip
// on the hot path. The passphrase lockout, which must hold across replicas, lives in PostgreSQL.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { MemoryStore, ipKeyGenerator, rateLimit } from 'express-rate-limit';
import type { Config } from '../config';
import { sendProblem } from './problem';
import type { Principal } from './principal';

/** Which routes carry a per-minute limit (RouteDef.rateLimit). */
export const RATE_LIMITED = ['sign-in', 'signing', 'verification', 'public-verification'] as const;
export type RateLimitKind = (typeof RATE_LIMITED)[number];

const MINUTE_MS = 60_000;

const LIMITS: Record<RateLimitKind, (c: Config) => { perClient: number; perPrincipal: number | null }> = {
  'sign-in': (c) => ({ perClient: c.RATE_LIMIT_SIGN_IN_PER_CLIENT, perPrincipal: c.RATE_LIMIT_SIGN_IN_PER_PRINCIPAL }),
  signing: (c) => ({ perClient: c.RATE_LIMIT_SIGNING_PER_CLIENT, perPrincipal: c.RATE_LIMIT_SIGNING_PER_PRINCIPAL }),
  verification: (c) => ({ perClient: c.RATE_LIMIT_VERIFICATION_PER_CLIENT, perPrincipal: c.RATE_LIMIT_VERIFICATION_PER_PRINCIPAL }),
  'public-verification': (c) => ({ perClient: c.VERIFY_RATE_PER_MINUTE, perPrincipal: null }),
};

/** The client's address (an IPv6 client by its /56, as one host usually holds a whole prefix). */
export const clientKey = (req: Request): string => ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown');

function tooManyRequests(res: Response, retryAfterSeconds: number, detail: string): void {
  res.setHeader('Retry-After', String(retryAfterSeconds));
  sendProblem(res, 429, 'rate_limited', detail, { retryAfter: retryAfterSeconds });
}

const secondsUntil = (resetTime: Date | undefined, fallbackMs: number) =>
  Math.max(1, Math.ceil(((resetTime?.getTime() ?? Date.now() + fallbackMs) - Date.now()) / 1000));

export interface RateLimits {
  /** Before authentication: 429 for every token from a client that has presented too many bad ones. */
  authFailureGate: RequestHandler;
  /**
   * Counts one failed token presentation by this request's client; past the allowance it answers
   * 429 itself and returns true (verification is asynchronous, so a burst can be in flight past the
   * gate at once: those beyond the allowance are 429 rather than 401 all the same).
   */
  recordAuthFailure(req: Request, res: Response): Promise<boolean>;
  /** After authentication: the per-client and per-caller limits of a kind of route. */
  forKind(kind: RateLimitKind): RequestHandler[];
}

export function createRateLimits(config: Config): RateLimits {
  // Failures are counted apart from requests: valid tokens never use up a client's allowance,
  // and once it is spent a valid token is refused too, so guessing cannot go on between them.
  const failureWindowMs = config.RATE_LIMIT_AUTH_FAILURE_WINDOW_SECONDS * 1000;
  const failures = new MemoryStore();
  failures.init({ windowMs: failureWindowMs } as Parameters<MemoryStore['init']>[0]);

  const authFailureGate: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    failures.get(clientKey(req)).then((seen) => {
      if (!seen || seen.totalHits < config.RATE_LIMIT_AUTH_FAILURES_PER_CLIENT) return next();
      tooManyRequests(res, secondsUntil(seen.resetTime, failureWindowMs), 'Too many invalid tokens from this address; wait before signing in again.');
    }, next);
  };

  const byKind = new Map<RateLimitKind, RequestHandler[]>();
  const limiter = (kind: RateLimitKind, per: 'client' | 'principal', limit: number): RequestHandler =>
    rateLimit({
      windowMs: MINUTE_MS,
      limit,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      identifier: `${kind}-per-${per}`,
      // a retry with the same Idempotency-Key only waits for or replays the first answer: it is
      // not another attempt (a client retrying a slow signature every second must not lock itself out)
      skipFailedRequests: true,
      requestWasSuccessful: (_req, res) => res.locals.idempotentRepeat !== true,
      keyGenerator: per === 'client'
        ? clientKey
        : (_req, res) => {
            const p = res.locals.principal as Principal;
            return `${p.role}:${p.id}`;
          },
      handler: (_req, res, _next, options) =>
        tooManyRequests(res, secondsUntil((_req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime, options.windowMs),
          per === 'client'
            ? `Too many ${kind} requests from this address; retry later.`
            : `Too many ${kind} requests by this caller; retry later.`),
    });

  return {
    authFailureGate,
    async recordAuthFailure(req, res) {
      const seen = await failures.increment(clientKey(req));
      if (seen.totalHits <= config.RATE_LIMIT_AUTH_FAILURES_PER_CLIENT) return false;
      tooManyRequests(res, secondsUntil(seen.resetTime, failureWindowMs), 'Too many invalid tokens from this address; wait before signing in again.');
      return true;
    },
    forKind(kind) {
      let chain = byKind.get(kind);
      if (!chain) {
        const { perClient, perPrincipal } = LIMITS[kind](config);
        chain = [limiter(kind, 'client', perClient), ...(perPrincipal === null ? [] : [limiter(kind, 'principal', perPrincipal)])];
        byKind.set(kind, chain);
      }
      return chain;
    },
  };
}
