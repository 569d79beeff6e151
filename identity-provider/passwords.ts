// Account passwords of the embedded identity provider: scrypt with a random salt per password,
// compared in constant time. (Signing passphrases are another secret with their own policy.)
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (password: string, salt: Buffer, keylen: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scryptCallback(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))));

const PARAMS = { N: 16_384, r: 8, p: 1 };
export const MIN_PASSWORD_LENGTH = 10;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, 32, PARAMS);
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parts = (stored ?? '').split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') {
    // same work whether or not the account has a password, so timing does not tell
    await scrypt(password, Buffer.alloc(16), 32, PARAMS);
    return false;
  }
  const [, N, r, p, salt, key] = parts;
  const expected = Buffer.from(key, 'base64url');
  const given = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, { N: Number(N), r: Number(r), p: Number(p) });
  return timingSafeEqual(given, expected);
}

/** Why a new password is refused (in Bahasa Indonesia, shown on the set-password page), or null. */
export function passwordProblem(password: string, confirmation: string, accountId: string): string | null {
  if (password !== confirmation) return 'Kedua kata sandi tidak sama.';
  if (password.length < MIN_PASSWORD_LENGTH) return `Kata sandi minimal ${MIN_PASSWORD_LENGTH} karakter.`;
  if (password.length > 200) return 'Kata sandi terlalu panjang.';
  if (password.toLowerCase().includes(accountId.toLowerCase())) return 'Kata sandi tidak boleh memuat NIP atau ID Anda.';
  return null;
}
