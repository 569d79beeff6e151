// Bearer authentication: every /api route except the public ones needs a valid token; a missing
// or invalid one is 401 with a WWW-Authenticate challenge (RFC 6750).
import type { Request, Response, NextFunction } from 'express';
import { TokenError, verifyToken } from '../security/jwt';
import { HttpProblem } from './problem';
import type { Principal } from './principal';

export function authenticate(secret: string) {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization');
    if (!header) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="kinerja"');
      return next(new HttpProblem(401, 'unauthorized', 'A bearer token is required.'));
    }
    const match = /^Bearer ([^\s]+)$/i.exec(header.trim());
    try {
      if (!match) throw new TokenError('malformed', 'the Authorization header must be "Bearer <token>"');
      const claims = verifyToken(match[1], secret);
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

export function principalOf(res: Response): Principal {
  const p = res.locals.principal as Principal | undefined;
  if (!p) throw new HttpProblem(401, 'unauthorized', 'A bearer token is required.');
  return p;
}

export type { Request };
