import { renderAgreementPdf } from '../../documents';
import { createLocalSigner, MemorySigningStore, SigningError, verifyDocument, type SignRequest } from '../../signing';
import { makePki, sampleInput, type TestPki } from '../support/pki';

jest.setTimeout(60_000);

let pki: TestPki;
let unsigned: Uint8Array;
let now: Date;

beforeAll(async () => {
  const input = sampleInput();
  pki = await makePki(input);
  unsigned = await renderAgreementPdf(input);
});
beforeEach(async () => {
  now = new Date();
  await pki.store.clearLockout(pki.first.nip);
});

const request = (passphrase: string): SignRequest => ({
  pdf: unsigned,
  nip: pki.first.nip,
  passphrase,
  party: 'first',
  reason: 'Menyetujui',
  location: 'Bengkayang',
  verificationUrl: 'https://kinerja.example/v/1',
  signedAt: new Date(),
});

async function failure(promise: Promise<unknown>): Promise<SigningError> {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(SigningError);
  return error as SigningError;
}

test('a wrong passphrase is a typed error that never repeats the passphrase', async () => {
  const signer = createLocalSigner({ store: pki.store, clock: () => now });
  const error = await failure(signer.sign(request('tebakan-rahasia')));
  expect(error.code).toBe('WrongPassphrase');
  expect(error.details.attemptsLeft).toBe(4);
  expect(`${error.message} ${JSON.stringify(error.details)} ${error.stack}`).not.toContain('tebakan-rahasia');
});

test('five failures lock signing for 15 minutes; the right passphrase does not get through', async () => {
  const signer = createLocalSigner({ store: pki.store, clock: () => now });
  for (let i = 0; i < 5; i++) expect((await failure(signer.sign(request(`salah-${i}`)))).code).toBe('WrongPassphrase');
  const locked = await failure(signer.sign(request(pki.first.passphrase)));
  expect(locked.code).toBe('SigningLocked');
  expect(locked.details.lockedUntil).toBe(new Date(now.getTime() + 15 * 60_000).toISOString());
  // After the lock expires the official can sign again.
  now = new Date(now.getTime() + 15 * 60_000 + 1);
  const signed = await signer.sign(request(pki.first.passphrase));
  expect(verifyDocument(signed, { trustedRoots: [pki.ca.certificatePem] }).ok).toBe(true);
  expect((await pki.store.getLockout(pki.first.nip)).failures).toBe(0);
});

test('an official signing eight PKs at once with the right passphrase is not locked out, and wrong ones at once still stop at five', async () => {
  const signer = createLocalSigner({ store: pki.store, clock: () => now });
  const signed = await Promise.all(Array.from({ length: 8 }, () => signer.sign(request(pki.first.passphrase))));
  for (const pdf of signed) expect(verifyDocument(pdf, { trustedRoots: [pki.ca.certificatePem] }).ok).toBe(true);
  expect(await pki.store.getLockout(pki.first.nip)).toMatchObject({ failures: 0, lockedUntil: null });
  const wrong = await Promise.all(Array.from({ length: 8 }, (_, i) => failure(signer.sign(request(`salah-serentak-${i}`)))));
  expect(wrong.map((e) => e.code)).toEqual([...Array(5).fill('WrongPassphrase'), ...Array(3).fill('SigningLocked')]);
});

test('an administrator unlocks early; the lock duration is configurable', async () => {
  const signer = createLocalSigner({ store: pki.store, clock: () => now, lockout: { maxFailures: 5, lockMs: 60_000 } });
  for (let i = 0; i < 5; i++) await failure(signer.sign(request('salah')));
  const locked = await failure(signer.sign(request(pki.first.passphrase)));
  expect(locked.details.lockedUntil).toBe(new Date(now.getTime() + 60_000).toISOString());
  await signer.unlock(pki.first.nip);
  const signed = await signer.sign(request(pki.first.passphrase));
  expect(signed.length).toBeGreaterThan(unsigned.length);
});

test('a success resets the count of consecutive failures', async () => {
  const signer = createLocalSigner({ store: pki.store, clock: () => now });
  for (let i = 0; i < 4; i++) await failure(signer.sign(request('salah')));
  await signer.sign(request(pki.first.passphrase));
  for (let i = 0; i < 4; i++) expect((await failure(signer.sign(request('salah')))).code).toBe('WrongPassphrase');
});

test('lockout is per official', async () => {
  const signer = createLocalSigner({ store: pki.store, clock: () => now });
  for (let i = 0; i < 5; i++) await failure(signer.sign(request('salah')));
  const other = await signer.sign({ ...request(pki.second.passphrase), nip: pki.second.nip, party: 'second' });
  expect(other.length).toBeGreaterThan(unsigned.length);
});

test('the memory store forgets a keyed attempt once older than the keep window (its retry would count again), not before; the count stays', async () => {
  const store = new MemorySigningStore();
  const t0 = new Date('2026-01-05T00:00:00Z');
  const at = (ms: number) => new Date(t0.getTime() + ms);
  expect(await store.reserveAttempt('nip-a', t0, 5, 60_000, 'seal-1', 120_000)).toEqual({ failures: 1, lockedUntil: null });
  // within the window a retry meets the attempt as counted
  expect(await store.reserveAttempt('nip-b', at(120_000), 5, 60_000, 'seal-2', 120_000)).toEqual({ failures: 1, lockedUntil: null });
  expect(await store.reserveAttempt('nip-a', at(120_000), 5, 60_000, 'seal-1', 120_000)).toEqual({ failures: 1, lockedUntil: null });
  expect((await store.getLockout('nip-a')).failures).toBe(1);
  // past it another official's count forgets it, and the count it made stays
  await store.reserveAttempt('nip-b', at(120_001), 5, 60_000, 'seal-3', 120_000);
  expect((await store.getLockout('nip-a')).failures).toBe(1);
  expect(await store.reserveAttempt('nip-a', at(120_002), 5, 60_000, 'seal-1', 120_000)).toEqual({ failures: 2, lockedUntil: null });
});

test('the store never holds a passphrase in clear text', async () => {
  const store = new MemorySigningStore();
  const input = sampleInput();
  const own = await makePki(input);
  const dump = JSON.stringify([await own.store.getCredential(own.first.nip), await own.store.getCa('kab-test')]);
  expect(dump).not.toContain(own.first.passphrase);
  expect(dump).not.toContain('test-server-secret');
  expect(dump).not.toContain('PRIVATE KEY');
  void store;
});

test('an unknown signer is a typed error', async () => {
  const signer = createLocalSigner({ store: pki.store });
  expect((await failure(signer.sign({ ...request('x'), nip: '199001012020121001' }))).code).toBe('UnknownSigner');
});
