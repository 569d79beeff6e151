// Test-only minting of bearer tokens, synchronously (the suites build tokens inline everywhere):
// a plain HS256 JWT from node:crypto, exactly what `kinerja token` makes with jose, with a random
// token id. The API verifies them with jose like any other, so these also check interoperability.
import { createHmac, randomUUID } from 'node:crypto';
import type { TokenSubject } from '../../security/jwt';

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

export function mintToken(claims: TokenSubject & { jti?: string }, secret: string, ttlSeconds: number, now: number = Date.now()): string {
  const iat = Math.floor(now / 1000);
  const payload = { jti: randomUUID(), ...claims, iat, exp: iat + Math.max(1, Math.floor(ttlSeconds)) };
  const signingInput = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(payload))}`;
  return `${signingInput}.${b64url(createHmac('sha256', secret).update(signingInput).digest())}`;
}
