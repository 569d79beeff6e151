// Authentication of every /api route except the public ones: a bearer token (integrations and the
// CLI with a service token; or an access token of the OpenID provider; RFC 6750), or the page's session cookie (api/sessions.ts), whose state-changing requests
// must also carry the session's CSRF token in `X-CSRF-Token`. A missing or invalid credential is
// 401 with a WWW-Authenticate challenge (a revoked service token too); a write without the CSRF token is 403.
import { timingSafeEqual } from 'node:crypto';
import type { Request, Response, NextFunction } from 'express';
import type { Pool } from 'pg';
import type { Config } from '../config';
import { TokenError, verifyToken } from '../security/jwt';
import { HttpProblem } from './problem';
import type { Principal } from './principal';
import { cookieNames, readCookie } from './cookies';
import { resumeSession } from './sessions';
import { isRevoked } from '../security/service-tokens';
import { decodeProtectedHeader } from 'jose';
import { ProviderAccessTokens } from './provider-access-tokens';

export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const sameToken = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export function authenticate(db: Pool, config: Config) {
  const secure = config.publicUrl.startsWith('https:');
  const cookie = cookieNames(secure).session;
  const timeouts = { idleMinutes: config.SESSION_IDLE_MINUTES, maxHours: config.SESSION_MAX_HOURS };
  const providerTokens = new ProviderAccessTokens(db, config);
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization');
    const sessionId = header ? null : readCookie(req, cookie);
    if (sessionId) {
      try {
        const session = await resumeSession(db, sessionId, timeouts);
        if (!session) return next(new HttpProblem(401, 'session_expired', 'Your session has ended; sign in again.'));
        if (!SAFE_METHODS.has(req.method)) {
          const given = req.get(CSRF_HEADER);
          if (!given || !sameToken(given, session.csrfToken)) {
            return next(new HttpProblem(403, 'csrf_token_invalid', `A change made with a session cookie must carry the session's CSRF token in the ${CSRF_HEADER} header.`));
          }
        }
        res.locals.principal = session.principal;
        return next();
      } catch (err) {
        return next(err);
      }
    }
    if (!header) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="kinerja"');
      return next(new HttpProblem(401, 'unauthorized', 'A bearer token or a signed-in session is required.'));
    }
    const match = /^Bearer ([^\s]+)$/i.exec(header.trim());
    try {
      if (!match) throw new TokenError('malformed', 'the Authorization header must be "Bearer <token>"');
      // an access token of the OpenID provider (signed with its keys, not the server secret)
      if (providerTokens.enabled && signedByProvider(match[1])) {
        res.locals.principal = await providerTokens.verify(match[1]);
        return next();
      }
      const claims = await verifyToken(match[1], config.KINERJA_SECRET);
      if (await isRevoked(db, claims.jti)) {
        res.setHeader('WWW-Authenticate', 'Bearer realm="kinerja", error="invalid_token", error_description="revoked"');
        return next(new HttpProblem(401, 'token_revoked', 'The bearer token has been revoked; ask an administrator for a new one.'));
      }
      const principal: Principal = { role: claims.role, id: claims.sub, nip: claims.nip ?? null };
      res.locals.principal = principal;
      next();
    } catch (err) {
      if (!(err instanceof TokenError)) return next(err);
      res.setHeader('WWW-Authenticate', `Bearer realm="kinerja", error="invalid_token", error_description="${err.reason}"`);
      next(new HttpProblem(401, err.reason === 'expired' ? 'token_expired' : 'invalid_token', `The bearer token is not valid: ${err.message}.`));
    }
  };
}

/** Asymmetrically signed: the provider's; HS256 (or anything unreadable) goes to the server-secret check. */
function signedByProvider(token: string): boolean {
  try {
    return decodeProtectedHeader(token).alg !== 'HS256' && decodeProtectedHeader(token).alg !== 'none';
  } catch {
    return false;
  }
}

export function principalOf(res: Response): Principal {
  const p = res.locals.principal as Principal | undefined;
  if (!p) throw new HttpProblem(401, 'unauthorized', 'A bearer token is required.');
  return p;
}

export type { Request };
