// Bearer tokens: compact JWS with HS256 only, built on node:crypto. The header is checked exactly
// (alg confusion and `none` are the classic JWT holes), and `exp` is mandatory.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type TokenRole = 'admin' | 'official' | 'evaluator';

export interface TokenClaims {
  /** Subject: the NIP for officials, a user id for admins and evaluators. */
  sub: string;
  role: TokenRole;
  /** Officials only: their 18-digit NIP. */
  nip?: string;
  iat: number;
  exp: number;
}

export class TokenError extends Error {
  constructor(readonly reason: 'malformed' | 'bad_header' | 'bad_signature' | 'expired' | 'bad_claims', message: string) {
    super(message);
  }
}

const MAX_TOKEN_LENGTH = 4096;
const ROLES: readonly TokenRole[] = ['admin', 'official', 'evaluator'];
const B64URL = /^[A-Za-z0-9_-]*$/;

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

function hmac(secret: string, input: string): Buffer {
  return createHmac('sha256', secret).update(input).digest();
}

export function signToken(
  claims: { sub: string; role: TokenRole; nip?: string },
  secret: string,
  ttlSeconds: number,
  now: number = Date.now(),
): string {
  const iat = Math.floor(now / 1000);
  const payload: TokenClaims = { ...claims, iat, exp: iat + Math.max(1, Math.floor(ttlSeconds)) };
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(payload));
  return `${head}.${body}.${b64url(hmac(secret, `${head}.${body}`))}`;
}

function decodeJson(part: string, what: string): Record<string, unknown> {
  if (!B64URL.test(part)) throw new TokenError('malformed', `${what} is not base64url`);
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value;
  } catch {
    throw new TokenError('malformed', `${what} is not a JSON object`);
  }
}

/** Verifies signature, header and claims; returns the claims or throws TokenError. */
export function verifyToken(token: string, secret: string, now: number = Date.now()): TokenClaims {
  if (token.length > MAX_TOKEN_LENGTH) throw new TokenError('malformed', 'token too long');
  const parts = token.split('.');
  if (parts.length !== 3) throw new TokenError('malformed', 'a token has three parts');
  const [head, body, sig] = parts;
  const header = decodeJson(head, 'header');
  // Only exactly HS256: "none", RS256 (public-key-as-HMAC-secret confusion) and others are refused.
  if (header.alg !== 'HS256') throw new TokenError('bad_header', 'only HS256 tokens are accepted');
  if (header.typ !== undefined && header.typ !== 'JWT') throw new TokenError('bad_header', 'typ must be JWT');
  if (header.crit !== undefined) throw new TokenError('bad_header', 'critical header extensions are not supported');
  if (!B64URL.test(sig)) throw new TokenError('malformed', 'signature is not base64url');
  const given = Buffer.from(sig, 'base64url');
  const expected = hmac(secret, `${head}.${body}`);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new TokenError('bad_signature', 'signature does not match');
  }
  const claims = decodeJson(body, 'payload');
  const nowSec = Math.floor(now / 1000);
  if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp)) throw new TokenError('bad_claims', 'exp is required');
  if (claims.exp <= nowSec) throw new TokenError('expired', 'token expired');
  if (typeof claims.nbf === 'number' && claims.nbf > nowSec + 30) throw new TokenError('bad_claims', 'token not yet valid');
  if (typeof claims.sub !== 'string' || claims.sub.length === 0) throw new TokenError('bad_claims', 'sub is required');
  if (!ROLES.includes(claims.role as TokenRole)) throw new TokenError('bad_claims', 'role must be admin, official or evaluator');
  if (claims.role === 'official' && (typeof claims.nip !== 'string' || !/^\d{18}$/.test(claims.nip))) {
    throw new TokenError('bad_claims', 'an official token carries an 18-digit nip');
  }
  return {
    sub: claims.sub,
    role: claims.role as TokenRole,
    nip: claims.role === 'official' ? (claims.nip as string) : undefined,
    iat: typeof claims.iat === 'number' ? claims.iat : 0,
    exp: claims.exp,
  };
}

/** "8h", "30m", "7d", "90s" or bare seconds → seconds. */
export function parseTtl(text: string): number {
  const m = /^(\d+)\s*([smhd]?)$/.exec(text.trim());
  if (!m) throw new Error(`invalid ttl "${text}" (use e.g. 30m, 8h, 7d)`);
  const n = Number(m[1]);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  if (n <= 0) throw new Error('ttl must be positive');
  return n * unit;
}
