// Passphrases sealed by the API before they enter a Workflow Update, so Temporal history only ever
// holds ciphertext that expires. AES-256-GCM with a key derived (HKDF-SHA256) from the server
// secret. The seal is bound to what it may sign: the agreement, version, party and signer are the
// cipher's additional authenticated data, so a seal copied from one PK's history does not open for
// another PK, another version, the other party or another official. It carries a random id that
// the signing activity records when it uses it (single use), and the plaintext is padded to a fixed
// size so the ciphertext's length says nothing about the passphrase's length.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { Party, SealedSecret } from '../workflows/messages';

const VERSION = 'v2';
/** Every passphrase up to this many UTF-8 bytes seals to the same length (longer ones in steps of it). */
export const SEAL_PAD_BYTES = 1024;

/** What a seal may be used for. */
export interface SealBinding {
  agreementId: string;
  version: number;
  party: Party;
  signerId: string;
}

export class SealedSecretError extends Error {
  constructor(readonly reason: 'malformed' | 'tampered' | 'expired', message: string) {
    super(message);
  }
}

function keyFor(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.from('kinerja'), Buffer.from('sealed-secret/v2'), 32));
}

function aadFor(binding: SealBinding): Buffer {
  return Buffer.from(JSON.stringify(['kinerja:sealed-secret:v2', binding.agreementId, binding.version, binding.party, binding.signerId]), 'utf8');
}

export function sealSecret(plain: string, secret: string, binding: SealBinding, ttlMs: number, now: number = Date.now()): SealedSecret {
  const json = Buffer.from(JSON.stringify({ s: plain, exp: now + ttlMs, id: randomBytes(16).toString('base64url') }), 'utf8');
  const padTo = Math.max(SEAL_PAD_BYTES, Math.ceil((json.length + 4) / SEAL_PAD_BYTES) * SEAL_PAD_BYTES);
  // [length (4 bytes)][json][zero padding]: the length prefix lets the padding go on opening
  const padded = Buffer.alloc(padTo);
  padded.writeUInt32BE(json.length, 0);
  json.copy(padded, 4);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyFor(secret), iv);
  cipher.setAAD(aadFor(binding));
  const body = Buffer.concat([cipher.update(padded), cipher.final()]);
  return { sealed: `${VERSION}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}` };
}

export interface OpenedSecret {
  plain: string;
  /** Random per seal: the signing activity records it so the seal is used once. */
  sealId: string;
}

/**
 * The plaintext and the seal's id, or SealedSecretError when the value was altered, made with
 * another secret or for another binding, or expired.
 */
export function unsealSecret(value: SealedSecret | string, secret: string, binding: SealBinding, now: number = Date.now()): OpenedSecret {
  const text = typeof value === 'string' ? value : value?.sealed;
  if (typeof text !== 'string' || !text.startsWith(`${VERSION}.`)) throw new SealedSecretError('malformed', 'not a sealed secret');
  const raw = Buffer.from(text.slice(VERSION.length + 1), 'base64url');
  if (raw.length < 12 + 16 + 4) throw new SealedSecretError('malformed', 'sealed secret too short');
  const decipher = createDecipheriv('aes-256-gcm', keyFor(secret), raw.subarray(0, 12));
  decipher.setAAD(aadFor(binding));
  decipher.setAuthTag(raw.subarray(12, 28));
  let parsed: { s: string; exp: number; id: string };
  try {
    const padded = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
    parsed = JSON.parse(padded.subarray(4, 4 + padded.readUInt32BE(0)).toString('utf8'));
  } catch {
    throw new SealedSecretError('tampered', 'sealed secret does not authenticate (altered, or sealed for another agreement, version, party or signer)');
  }
  if (typeof parsed.exp !== 'number' || parsed.exp <= now) throw new SealedSecretError('expired', 'sealed secret expired');
  return { plain: parsed.s, sealId: parsed.id };
}
