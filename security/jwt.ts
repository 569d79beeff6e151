// Bearer tokens: compact JWS with HS256 only, built on node:crypto. The header is checked exactly
// (alg confusion and `none` are the classic JWT holes), and `exp` is mandatory.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { isNip, isPersonId, MAX_TOKEN_TTL_SECONDS, SHARED_SUBJECTS } from '../domain/identity';

export type TokenRole = 'admin' | 'official' | 'evaluator';

export interface TokenClaims {
  /** Subject: the official id for officials (their NIP for ASN), a person's user id for admins and evaluators. */
  sub: string;
  role: TokenRole;
  /** ASN officials: their 18-digit NIP (equal to `sub`). */
  nip?: string;
  /** Officials without NIP (the Kepala Daerah): their official id (equal to `sub`). */
  official?: string;
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
  claims: { sub: string; role: TokenRole; nip?: string; official?: string },
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
  // A lifetime over the cap is refused whoever minted it: a forgotten token must not open the API for years.
  const issuedAt = typeof claims.iat === 'number' && Number.isFinite(claims.iat) ? claims.iat : nowSec;
  if (claims.exp - issuedAt > MAX_TOKEN_TTL_SECONDS) throw new TokenError('bad_claims', 'token lifetime exceeds 30 days');
  if (claims.role !== 'official') {
    if (!isPersonId(claims.sub)) throw new TokenError('bad_claims', 'sub must be a user id (letters, digits, . _ - @)');
    if (SHARED_SUBJECTS.has(claims.sub)) throw new TokenError('bad_claims', `sub "${claims.sub}" is a role, not a person`);
    return { sub: claims.sub, role: claims.role as TokenRole, iat: issuedAt, exp: claims.exp };
  }
  // An official is named by their NIP (ASN) or by their official id (no NIP), and `sub` repeats it.
  const nip = typeof claims.nip === 'string' && isNip(claims.nip) ? claims.nip : undefined;
  const official = nip === undefined && typeof claims.official === 'string' && isPersonId(claims.official) ? claims.official : undefined;
  if (nip === undefined && official === undefined) {
    throw new TokenError('bad_claims', 'an official token carries an 18-digit nip or an official id');
  }
  if (claims.sub !== (nip ?? official)) throw new TokenError('bad_claims', 'sub must be the official\'s nip or official id');
  return { sub: claims.sub, role: 'official', ...(nip ? { nip } : { official }), iat: issuedAt, exp: claims.exp };
}

/** "8h", "30m", "7d", "90s" or bare seconds → seconds; at most 30 days. */
export function parseTtl(text: string): number {
  const m = /^(\d{1,9})\s*([smhd]?)$/.exec(text.trim());
  if (!m) throw new Error(`invalid ttl "${text}" (use e.g. 30m, 8h, 7d)`);
  const n = Number(m[1]);
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as '' | 's' | 'm' | 'h' | 'd'];
  if (n <= 0) throw new Error('ttl must be positive');
  if (n * unit > MAX_TOKEN_TTL_SECONDS) throw new Error(`ttl "${text}" is over the 30-day maximum (30d): issue a new token instead`);
  return n * unit;
}
