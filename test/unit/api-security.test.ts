// Tokens and sealed passphrases: table of what must be accepted and refused.
import { createHmac } from 'node:crypto';
import { cookieNames, cookieOptions, openCookieValue, sealCookieValue } from '../../api/cookies';
import { parseTtl, signToken, verifyToken, TokenError } from '../../security/jwt';
import { sealSecret, unsealSecret, SealedSecretError, type SealBinding } from '../../security/sealed-secret';

const SECRET = 'unit-secret-0123456789abcdef';

test('a token round-trips its claims and expires', async () => {
  const now = Date.UTC(2026, 0, 1);
  const token = await signToken({ sub: '197010011994011006', role: 'official', nip: '197010011994011006' }, SECRET, 60, now);
  expect(await verifyToken(token, SECRET, now + 59_000)).toMatchObject({ role: 'official', nip: '197010011994011006', exp: now / 1000 + 60 });
  expect((await verifyToken(token, SECRET, now)).jti).toMatch(/^[0-9a-f-]{36}$/);
  await expect(verifyToken(token, SECRET, now + 60_000)).rejects.toMatchObject({ reason: 'expired' });
  await expect(verifyToken(token, 'another-secret-0123456789', now)).rejects.toBeInstanceOf(TokenError);
  await expect(verifyToken(token.slice(0, -2) + 'xx', SECRET, now)).rejects.toMatchObject({ reason: 'bad_signature' });
});

test('only HS256 under the server secret, with a token id: alg none, another algorithm and a token without jti are refused', async () => {
  const now = Date.UTC(2026, 0, 1);
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const claims = { sub: 'sri.wahyuni', role: 'admin', jti: 'a1', iat: now / 1000, exp: now / 1000 + 60 };
  await expect(verifyToken(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`, SECRET, now)).rejects.toBeInstanceOf(TokenError);
  const hs = createHmac('sha256', SECRET);
  const rsInput = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}`;
  await expect(verifyToken(`${rsInput}.${hs.update(rsInput).digest('base64url')}`, SECRET, now)).rejects.toMatchObject({ reason: 'bad_header' });
  const noJti = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ ...claims, jti: undefined })}`;
  await expect(verifyToken(`${noJti}.${createHmac('sha256', SECRET).update(noJti).digest('base64url')}`, SECRET, now)).rejects.toMatchObject({ reason: 'bad_claims', message: 'jti (the token id) is required' });
  await expect(verifyToken('not.a.token', SECRET, now)).rejects.toMatchObject({ reason: 'malformed' });
});

test.each([
  ['8h', 28_800], ['30m', 1_800], ['7d', 604_800], ['90', 90], ['45s', 45],
])('ttl %s = %d s', (text, seconds) => expect(parseTtl(text)).toBe(seconds));
test.each(['', '0', '-1h', '8x', 'h'])('ttl %p is refused', (text) => expect(() => parseTtl(text)).toThrow());
test.each(['30d', '720h'])('ttl %s is the 30-day maximum', (text) => expect(parseTtl(text)).toBe(30 * 86_400));
test.each(['31d', '36500d', '2592001', '99999999999999999999d'])('ttl %s is over the cap and refused with the reason', (text) =>
  expect(() => parseTtl(text)).toThrow(/30-day maximum|invalid ttl/));

test('a token minted elsewhere with a lifetime over 30 days is refused', async () => {
  const now = Date.UTC(2026, 0, 1);
  const long = await signToken({ sub: 'budi@bengkayang.example', role: 'admin' }, SECRET, 36_500 * 86_400, now);
  await expect(verifyToken(long, SECRET, now)).rejects.toMatchObject({ reason: 'bad_claims', message: 'token lifetime exceeds 30 days' });
  expect((await verifyToken(await signToken({ sub: 'budi@bengkayang.example', role: 'admin' }, SECRET, 30 * 86_400, now), SECRET, now)).sub).toBe('budi@bengkayang.example');
});

test('an official token names the official by NIP or, without NIP, by official id', async () => {
  const now = Date.UTC(2026, 0, 1);
  const bupati = await signToken({ sub: 'kab-bengkayang.bupati', role: 'official', official: 'kab-bengkayang.bupati' }, SECRET, 60, now);
  expect(await verifyToken(bupati, SECRET, now)).toMatchObject({ sub: 'kab-bengkayang.bupati', role: 'official', official: 'kab-bengkayang.bupati' });
  expect((await verifyToken(bupati, SECRET, now)).nip).toBeUndefined();
  const refused = async (claims: Parameters<typeof signToken>[0]) => verifyToken(await signToken(claims, SECRET, 60, now), SECRET, now);
  await expect(refused({ sub: 'x', role: 'official' })).rejects.toMatchObject({ reason: 'bad_claims' });
  await expect(refused({ sub: 'someone-else', role: 'official', official: 'kab-bengkayang.bupati' })).rejects.toThrow(/sub must be/);
  await expect(refused({ sub: '197010011994011006', role: 'official', nip: '196807201991052001' })).rejects.toThrow(/sub must be/);
  await expect(refused({ sub: '__proto__ x', role: 'official', official: '__proto__ x' })).rejects.toMatchObject({ reason: 'bad_claims' });
});

test.each(['admin', 'evaluator'] as const)('a %s token names a person, not the role', async (role) => {
  const now = Date.UTC(2026, 0, 1);
  await expect(verifyToken(await signToken({ sub: role, role }, SECRET, 60, now), SECRET, now)).rejects.toThrow(/is a role, not a person/);
  expect((await verifyToken(await signToken({ sub: 'sri.wahyuni', role }, SECRET, 60, now), SECRET, now)).sub).toBe('sri.wahyuni');
});

const BINDING: SealBinding = { agreementId: 'pk:kab:2026:kepala-dinkes', version: 1, party: 'first', signerId: '197010011994011006' };

test('a sealed secret opens only with the same server secret and binding, unaltered, before it expires', () => {
  const now = 1_000_000;
  const sealed = sealSecret('rahasia-panjang', SECRET, BINDING, 10_000, now);
  expect(sealed.sealed).not.toContain('rahasia');
  const opened = unsealSecret(sealed, SECRET, BINDING, now + 9_999);
  expect(opened.plain).toBe('rahasia-panjang');
  expect(opened.sealId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  const again = sealSecret('rahasia-panjang', SECRET, BINDING, 10_000, now);
  expect(again.sealed).not.toBe(sealed.sealed); // fresh IV each time
  expect(unsealSecret(again, SECRET, BINDING, now).sealId).not.toBe(opened.sealId); // and a fresh id
  const fail = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return (err as SealedSecretError).reason;
    }
    return 'opened';
  };
  expect(fail(() => unsealSecret(sealed, SECRET, BINDING, now + 10_000))).toBe('expired');
  expect(fail(() => unsealSecret(sealed, 'another-secret-0123456789', BINDING, now))).toBe('tampered');
  // replayed for another agreement, version, party or signer
  for (const other of [{ agreementId: 'pk:kab:2026:kepala-pupr' }, { version: 2 }, { party: 'second' as const }, { signerId: '196501011990011001' }]) {
    expect(fail(() => unsealSecret(sealed, SECRET, { ...BINDING, ...other }, now))).toBe('tampered');
  }
  const bytes = Buffer.from(sealed.sealed.slice(3), 'base64url');
  bytes[bytes.length - 1] ^= 1;
  expect(fail(() => unsealSecret(`v2.${bytes.toString('base64url')}`, SECRET, BINDING, now))).toBe('tampered');
  expect(fail(() => unsealSecret({ sealed: 'plain' }, SECRET, BINDING, now))).toBe('malformed');
});

test('a seal is as long for a 10-character passphrase as for a 900-character one', () => {
  const short = sealSecret('a'.repeat(10), SECRET, BINDING, 10_000).sealed.length;
  for (const n of [11, 64, 300, 900]) expect(sealSecret('a'.repeat(n), SECRET, BINDING, 10_000).sealed.length).toBe(short);
});

test('the sign-in cookies: HttpOnly and SameSite=Lax always, Secure and __Host- under HTTPS; the sign-in request cookie cannot be altered', () => {
  expect(cookieNames(false)).toEqual({ session: 'kinerja_session', signIn: 'kinerja_signin' });
  expect(cookieNames(true)).toEqual({ session: '__Host-kinerja_session', signIn: '__Host-kinerja_signin' });
  expect(cookieOptions(true)).toMatchObject({ httpOnly: true, sameSite: 'lax', secure: true, path: '/' });
  expect(cookieOptions(false)).toMatchObject({ httpOnly: true, sameSite: 'lax', secure: false });
  const sealed = sealCookieValue({ state: 's', verifier: 'v' }, SECRET);
  expect(openCookieValue(sealed, SECRET)).toEqual({ state: 's', verifier: 'v' });
  const [data, tag] = sealed.split('.');
  const forged = Buffer.from(JSON.stringify({ state: 'attacker', verifier: 'v' })).toString('base64url');
  expect(openCookieValue(`${forged}.${tag}`, SECRET)).toBeNull();
  expect(openCookieValue(`${data}.${tag}`, 'another-secret-0123456789')).toBeNull();
  expect(openCookieValue(null, SECRET)).toBeNull();
});
