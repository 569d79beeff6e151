// Passphrases sealed by the API before they enter a Workflow Update, so Temporal history only ever
// holds ciphertext that expires. AES-256-GCM with a key derived (HKDF-SHA256) from the server
// secret; the expiry sits inside the authenticated plaintext, so it cannot be altered.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { SealedSecret } from '../workflows/messages';

const VERSION = 'v1';
const AAD = Buffer.from('kinerja:sealed-secret:v1');

export class SealedSecretError extends Error {
  constructor(readonly reason: 'malformed' | 'tampered' | 'expired', message: string) {
    super(message);
  }
}

function keyFor(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.from('kinerja'), Buffer.from('sealed-secret/v1'), 32));
}

export function sealSecret(plain: string, secret: string, ttlMs: number, now: number = Date.now()): SealedSecret {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(secret), iv);
  cipher.setAAD(AAD);
  const body = Buffer.concat([cipher.update(JSON.stringify({ s: plain, exp: now + ttlMs }), 'utf8'), cipher.final()]);
  return { sealed: `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}` };
}

/** The plaintext, or SealedSecretError when the value was altered, made with another secret, or expired. */
export function unsealSecret(value: SealedSecret | string, secret: string, now: number = Date.now()): string {
  const text = typeof value === 'string' ? value : value?.sealed;
  if (typeof text !== 'string' || !text.startsWith(`${VERSION}.`)) throw new SealedSecretError('malformed', 'not a sealed secret');
  const raw = Buffer.from(text.slice(VERSION.length + 1), 'base64url');
  if (raw.length < 12 + 16 + 1) throw new SealedSecretError('malformed', 'sealed secret too short');
  const decipher = createDecipheriv('aes-256-gcm', keyFor(secret), raw.subarray(0, 12));
  decipher.setAAD(AAD);
  decipher.setAuthTag(raw.subarray(12, 28));
  let parsed: { s: string; exp: number };
  try {
    parsed = JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8'));
  } catch {
    throw new SealedSecretError('tampered', 'sealed secret does not authenticate');
  }
  if (typeof parsed.exp !== 'number' || parsed.exp <= now) throw new SealedSecretError('expired', 'sealed secret expired');
  return parsed.s;
}
