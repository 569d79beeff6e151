// Private keys at rest: PKCS#8 DER sealed with AES-256-GCM under a key derived by scrypt from a
// passphrase (an official's) or the server secret (the CA's). GCM's tag tells a wrong
// passphrase apart from a good one without any stored hash of the passphrase.
import { createCipheriv, createDecipheriv, createPrivateKey, randomBytes, type KeyObject } from 'node:crypto';
import { scryptKey } from './slow-crypto';

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** Default cost: about 50-100 ms and 32 MB per unlock, which is the point for a passphrase. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 1 << 15, r: 8, p: 1 };
/** Cheap parameters for tests and benchmarks only. */
export const TEST_SCRYPT: ScryptParams = { N: 1 << 10, r: 8, p: 1 };

export interface SealedKey {
  kdf: 'scrypt';
  params: ScryptParams;
  salt: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

/** In a low-priority thread (slow-crypto.ts): the cost is on purpose, the wait for others is not. */
function deriveKey(secret: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return scryptKey(secret.normalize('NFC'), salt, 32, params);
}

export async function sealPrivateKey(key: KeyObject, secret: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<SealedKey> {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', await deriveKey(secret, salt, params), iv);
  const der = key.export({ format: 'der', type: 'pkcs8' });
  const ciphertext = Buffer.concat([cipher.update(der), cipher.final()]);
  return {
    kdf: 'scrypt',
    params,
    salt: salt.toString('base64'),
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  };
}

/** The private key, or null when the secret is wrong (authentication tag mismatch). */
export async function openPrivateKey(sealed: SealedKey, secret: string): Promise<KeyObject | null> {
  const key = await deriveKey(secret, Buffer.from(sealed.salt, 'base64'), sealed.params);
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  let der: Buffer;
  try {
    der = Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]);
  } catch {
    return null;
  }
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
}
