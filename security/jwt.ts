// Bearer tokens for integrations and the CLI: HS256 JWTs under the server secret, signed and
// verified with `jose`. Only HS256 is accepted (alg confusion and `none` are the classic JWT
// holes); `exp` and a token id (`jti`, which revocation names) are mandatory; the lifetime is capped.
import { randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
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
  /** The token's id: `kinerja token revoke` and the admin endpoint revoke by it. */
  jti: string;
  iat: number;
  exp: number;
}

export type TokenSubject = { sub: string; role: TokenRole; nip?: string; official?: string };

export class TokenError extends Error {
  constructor(readonly reason: 'malformed' | 'bad_header' | 'bad_signature' | 'expired' | 'bad_claims', message: string) {
    super(message);
  }
}

const MAX_TOKEN_LENGTH = 4096;
const ROLES: readonly TokenRole[] = ['admin', 'official', 'evaluator'];
const keyOf = (secret: string) => new TextEncoder().encode(secret);

export async function signToken(claims: TokenSubject & { jti?: string }, secret: string, ttlSeconds: number, now: number = Date.now()): Promise<string> {
  const iat = Math.floor(now / 1000);
  const { sub, jti, ...rest } = claims;
  return new SignJWT({ ...rest })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub)
    .setJti(jti ?? randomUUID())
    .setIssuedAt(iat)
    .setExpirationTime(iat + Math.max(1, Math.floor(ttlSeconds)))
    .sign(keyOf(secret));
}

/** jose's refusals as this API's reasons. */
function reasonOf(err: unknown): TokenError {
  if (err instanceof errors.JWTExpired) return new TokenError('expired', 'token expired');
  if (err instanceof errors.JWSSignatureVerificationFailed) return new TokenError('bad_signature', 'signature does not match');
  if (err instanceof errors.JOSEAlgNotAllowed) return new TokenError('bad_header', 'only HS256 tokens are accepted');
  if (err instanceof errors.JOSENotSupported) return new TokenError('bad_header', err.message);
  if (err instanceof errors.JWTClaimValidationFailed) return new TokenError('bad_claims', err.message);
  if (err instanceof errors.JOSEError) return new TokenError('malformed', err.message);
  throw err;
}

/** Verifies signature, header and claims; returns the claims or throws TokenError. */
export async function verifyToken(token: string, secret: string, now: number = Date.now()): Promise<TokenClaims> {
  if (token.length > MAX_TOKEN_LENGTH) throw new TokenError('malformed', 'token too long');
  let claims: JWTPayload & Record<string, unknown>;
  try {
    const verified = await jwtVerify(token, keyOf(secret), { algorithms: ['HS256'], currentDate: new Date(now), clockTolerance: 0 });
    if (verified.protectedHeader.typ !== undefined && verified.protectedHeader.typ !== 'JWT') throw new TokenError('bad_header', 'typ must be JWT');
    claims = verified.payload as JWTPayload & Record<string, unknown>;
  } catch (err) {
    if (err instanceof TokenError) throw err;
    throw reasonOf(err);
  }
  const nowSec = Math.floor(now / 1000);
  if (typeof claims.exp !== 'number') throw new TokenError('bad_claims', 'exp is required');
  if (typeof claims.sub !== 'string' || claims.sub.length === 0) throw new TokenError('bad_claims', 'sub is required');
  if (typeof claims.jti !== 'string' || claims.jti.length === 0 || claims.jti.length > 64) throw new TokenError('bad_claims', 'jti (the token id) is required');
  if (!ROLES.includes(claims.role as TokenRole)) throw new TokenError('bad_claims', 'role must be admin, official or evaluator');
  // A lifetime over the cap is refused whoever minted it: a forgotten token must not open the API for years.
  const issuedAt = typeof claims.iat === 'number' && Number.isFinite(claims.iat) ? claims.iat : nowSec;
  if (claims.exp - issuedAt > MAX_TOKEN_TTL_SECONDS) throw new TokenError('bad_claims', 'token lifetime exceeds 30 days');
  const base = { jti: claims.jti, iat: issuedAt, exp: claims.exp };
  if (claims.role !== 'official') {
    if (!isPersonId(claims.sub)) throw new TokenError('bad_claims', 'sub must be a user id (letters, digits, . _ - @)');
    if (SHARED_SUBJECTS.has(claims.sub)) throw new TokenError('bad_claims', `sub "${claims.sub}" is a role, not a person`);
    return { sub: claims.sub, role: claims.role as TokenRole, ...base };
  }
  // An official is named by their NIP (ASN) or by their official id (no NIP), and `sub` repeats it.
  const nip = typeof claims.nip === 'string' && isNip(claims.nip) ? claims.nip : undefined;
  const official = nip === undefined && typeof claims.official === 'string' && isPersonId(claims.official) ? claims.official : undefined;
  if (nip === undefined && official === undefined) {
    throw new TokenError('bad_claims', 'an official token carries an 18-digit nip or an official id');
  }
  if (claims.sub !== (nip ?? official)) throw new TokenError('bad_claims', 'sub must be the official\'s nip or official id');
  return { sub: claims.sub, role: 'official', ...(nip ? { nip } : { official }), ...base };
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
