// An official's first signature (enrolment) makes their key, seals it under the passphrase they
// chose and signs with that key while it is still open: one scrypt derivation, not a second one to
// open the seal just made. The lockout still applies, and the sealed key opens with the passphrase
// for every later signature.
import { renderAgreementPdf } from '../../documents';
import { createLocalSigner, enrolOfficial, SigningError, TEST_SCRYPT, verifyDocument, type SignRequest } from '../../signing';
import { scryptKey } from '../../signing/slow-crypto';
import { makePki, sampleInput, type TestPki } from '../support/pki';

// counts the derivations, each still made by the real function
jest.mock('../../signing/slow-crypto', () => {
  const actual = jest.requireActual('../../signing/slow-crypto');
  return { ...actual, scryptKey: jest.fn(actual.scryptKey) };
});
const derivations = () => (scryptKey as jest.Mock).mock.calls.length;

jest.setTimeout(60_000);

let pki: TestPki;
let unsigned: Uint8Array;
const NEW = { nip: '199203042015031002', passphrase: 'frasa-pertama-yang-baru' };

beforeAll(async () => {
  const input = sampleInput();
  pki = await makePki(input);
  unsigned = await renderAgreementPdf(input);
});

beforeEach(() => pki.store.clearLockout(NEW.nip));

const request = (passphrase: string, extra: Partial<SignRequest> = {}): SignRequest => ({
  pdf: unsigned, nip: NEW.nip, passphrase, party: 'first', reason: 'Pihak Pertama', location: 'Bengkayang',
  verificationUrl: 'https://kinerja.example/v/1', signedAt: new Date(), ...extra,
});

test('the first signature signs with the key just made: one derivation for the seal, none to open it', async () => {
  const signer = createLocalSigner({ store: pki.store });
  const before = derivations();
  const enrolment = await enrolOfficial({ store: pki.store, ca: pki.ca, scrypt: TEST_SCRYPT, passphrase: NEW.passphrase, official: { signerId: NEW.nip, name: 'Pejabat Baru', nip: NEW.nip } });
  const signed = await signer.sign(request(NEW.passphrase, { enrolment }));
  expect(derivations() - before).toBe(1);
  const report = verifyDocument(signed, { trustedRoots: [pki.ca.certificatePem] });
  expect(report).toMatchObject({ ok: true, verdict: 'valid' });
  expect(report.signatures[0].nip).toBe(NEW.nip);

  // a later signature opens the stored seal with the passphrase: one derivation
  const later = derivations();
  expect(verifyDocument(await signer.sign(request(NEW.passphrase)), { trustedRoots: [pki.ca.certificatePem] }).ok).toBe(true);
  expect(derivations() - later).toBe(1);
  // and the seal refuses another passphrase
  const wrong = await signer.sign(request('bukan-frasanya')).catch((e: unknown) => e);
  expect((wrong as SigningError).code).toBe('WrongPassphrase');
});

test('an enrolment goes through the lockout like any signature', async () => {
  const now = new Date();
  const signer = createLocalSigner({ store: pki.store, clock: () => now, lockout: { maxFailures: 2, lockMs: 60_000 } });
  for (const guess of ['salah-1', 'salah-2']) expect(((await signer.sign(request(guess)).catch((e: unknown) => e)) as SigningError).code).toBe('WrongPassphrase');
  const enrolment = await enrolOfficial({ store: pki.store, ca: pki.ca, scrypt: TEST_SCRYPT, passphrase: 'frasa-kedua-yang-baru', official: { signerId: NEW.nip, name: 'Pejabat Baru', nip: NEW.nip } });
  const locked = await signer.sign(request('frasa-kedua-yang-baru', { enrolment })).catch((e: unknown) => e);
  expect((locked as SigningError).code).toBe('SigningLocked');
});

test("another official's enrolment is ignored: the signer's own seal must open", async () => {
  const signer = createLocalSigner({ store: pki.store });
  const other = await enrolOfficial({ store: pki.store, ca: pki.ca, scrypt: TEST_SCRYPT, passphrase: 'frasa-orang-lain-x', official: { signerId: 'orang-lain', name: 'Orang Lain', nip: '198001012005011001' } });
  const refused = await signer.sign(request('frasa-orang-lain-x', { enrolment: other })).catch((e: unknown) => e);
  expect((refused as SigningError).code).toBe('WrongPassphrase');
});
