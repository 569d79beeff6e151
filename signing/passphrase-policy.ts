// What a passphrase must be when an official enrols (their first signature creates their key,
// sealed under it): long enough, not their NIP, not one of the passphrases people pick first.
// Checked by the API (a clear 422 before anything is sent) and again by the signing activity.

export const MIN_PASSPHRASE_LENGTH = 10;

/** Lower-cased; a small built-in list of common choices (and the ones any Indonesian office tries first). */
const COMMON = new Set([
  '1234567890', '0123456789', '12345678910', '1234567891', '0987654321', '1111111111', '0000000000', '1122334455',
  'qwertyuiop', 'asdfghjkl;', 'password123', 'password12', 'passw0rd123', 'iloveyou123', 'abcdefghij', 'abc1234567',
  'qwerty1234', '1q2w3e4r5t', 'zaq12wsxcde', 'admin12345', 'administrator', 'welcome123', 'katasandi123', 'katasandi',
  'rahasia123', 'rahasiaku', 'bismillah', 'bismillah123', 'indonesia', 'indonesia123', 'indonesia45', 'merdeka45',
  'merdeka1945', 'garuda123', 'pancasila', 'pancasila45', 'jakarta123', 'sayang1234', 'kinerja123', 'kinerja2025',
  'kinerja2026', 'perjanjiankinerja', 'tandatangan', 'pemda12345', 'pemerintah', 'sekretariat',
]);

export type PassphrasePolicyCode = 'passphrase_too_short' | 'passphrase_is_nip' | 'passphrase_too_common';

export interface PassphrasePolicyProblem {
  code: PassphrasePolicyCode;
  message: string;
}

/** Null when the passphrase may be enrolled; otherwise why not (never repeating the passphrase). */
export function passphrasePolicyProblem(passphrase: string, official: { nip?: string | null; signerId?: string }): PassphrasePolicyProblem | null {
  const trimmed = passphrase.trim();
  if ([...trimmed].length < MIN_PASSPHRASE_LENGTH) {
    return { code: 'passphrase_too_short', message: `The passphrase must have at least ${MIN_PASSPHRASE_LENGTH} characters.` };
  }
  const digits = trimmed.replace(/\D/g, '');
  for (const id of [official.nip, official.signerId]) {
    if (id && (trimmed === id || (digits === id && digits.length >= trimmed.length - 2) || trimmed === [...id].reverse().join(''))) {
      return { code: 'passphrase_is_nip', message: 'The passphrase must not be your NIP.' };
    }
  }
  const lower = trimmed.toLowerCase();
  if (COMMON.has(lower) || /^(.)\1+$/.test(lower) || isSequence(lower)) {
    return { code: 'passphrase_too_common', message: 'The passphrase is too common; choose a phrase only you would use.' };
  }
  return null;
}

/** 0123456789…, abcdefghij…, and the same backwards. */
function isSequence(s: string): boolean {
  const codes = [...s].map((c) => c.charCodeAt(0));
  const step = codes[1] - codes[0];
  return Math.abs(step) === 1 && codes.every((c, i) => i === 0 || c - codes[i - 1] === step);
}
