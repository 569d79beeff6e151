// Tokens and sealed passphrases: table of what must be accepted and refused.
import { parseTtl, signToken, verifyToken, TokenError } from '../../security/jwt';
import { sealSecret, unsealSecret, SealedSecretError } from '../../security/sealed-secret';

const SECRET = 'unit-secret-0123456789abcdef';

test('a token round-trips its claims and expires', () => {
  const now = Date.UTC(2026, 0, 1);
  const token = signToken({ sub: '197010011994011006', role: 'official', nip: '197010011994011006' }, SECRET, 60, now);
  expect(verifyToken(token, SECRET, now + 59_000)).toMatchObject({ role: 'official', nip: '197010011994011006', exp: now / 1000 + 60 });
  expect(() => verifyToken(token, SECRET, now + 60_000)).toThrow(expect.objectContaining({ reason: 'expired' }));
  expect(() => verifyToken(token, 'another-secret-0123456789')).toThrow(TokenError);
  expect(() => verifyToken(token.slice(0, -2) + 'xx', SECRET, now)).toThrow(expect.objectContaining({ reason: 'bad_signature' }));
});

test.each([
  ['8h', 28_800], ['30m', 1_800], ['7d', 604_800], ['90', 90], ['45s', 45],
])('ttl %s = %d s', (text, seconds) => expect(parseTtl(text)).toBe(seconds));
test.each(['', '0', '-1h', '8x', 'h'])('ttl %p is refused', (text) => expect(() => parseTtl(text)).toThrow());

test('a sealed secret opens only with the same server secret, unaltered, before it expires', () => {
  const now = 1_000_000;
  const sealed = sealSecret('rahasia', SECRET, 10_000, now);
  expect(sealed.sealed).not.toContain('rahasia');
  expect(unsealSecret(sealed, SECRET, now + 9_999)).toBe('rahasia');
  expect(sealSecret('rahasia', SECRET, 10_000, now).sealed).not.toBe(sealed.sealed); // fresh IV each time
  const fail = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return (err as SealedSecretError).reason;
    }
    return 'opened';
  };
  expect(fail(() => unsealSecret(sealed, SECRET, now + 10_000))).toBe('expired');
  expect(fail(() => unsealSecret(sealed, 'another-secret-0123456789', now))).toBe('tampered');
  const bytes = Buffer.from(sealed.sealed.slice(3), 'base64url');
  bytes[bytes.length - 1] ^= 1;
  expect(fail(() => unsealSecret(`v1.${bytes.toString('base64url')}`, SECRET, now))).toBe('tampered');
  expect(fail(() => unsealSecret({ sealed: 'plain' }, SECRET, now))).toBe('malformed');
});
