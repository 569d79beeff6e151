import { renderAgreementPdf } from '../../documents';
import { createRemoteSigner, SigningError, verifyDocument, type SignRequest } from '../../signing';
import { BSRE_ISSUER, startBsreServer, type BsreServer } from '../support/bsre-server';
import { pageTexts, pdfsig, sampleInput } from '../support/pki';

jest.setTimeout(60_000);

const input = sampleInput();
const first = { nik: '6107010101800001', passphrase: 'bsre-pertama', name: input.firstParty.name, nip: input.firstParty.nip };
const second = { nik: '6107010101700002', passphrase: 'bsre-kedua', name: input.secondParty!.name, nip: null };
const nikOf = (nip: string) => (nip === first.nip ? first.nik : second.nik);

let server: BsreServer;
let unsigned: Uint8Array;

beforeAll(async () => {
  server = await startBsreServer([first, second]);
  unsigned = await renderAgreementPdf(input);
});
afterAll(() => server.close());

const request = (pdf: Uint8Array, party: 'first' | 'second', passphrase: string): SignRequest => ({
  pdf,
  nip: party === 'first' ? first.nip! : 'bupati',
  passphrase,
  party,
  reason: 'Menyetujui Perjanjian Kinerja',
  location: 'Bengkayang',
  verificationUrl: 'https://kinerja.example/verifikasi/remote',
  signedAt: new Date(Date.now() + (party === 'first' ? 0 : 1000)),
});

test('signs both parties through the BSrE-style API; verifiers accept the result', async () => {
  const signer = createRemoteSigner({ baseUrl: server.url, nikOf });
  const once = await signer.sign(request(unsigned, 'first', first.passphrase));
  const twice = await signer.sign(request(once, 'second', second.passphrase));
  expect(Buffer.from(twice.subarray(0, once.length)).equals(Buffer.from(once))).toBe(true);
  const report = verifyDocument(twice, { trustedRoots: [server.caPem] });
  expect(report.problems).toEqual([]);
  expect(report.ok).toBe(true);
  expect(report.signatures.map((s) => s.issuer)).toEqual([BSRE_ISSUER, BSRE_ISSUER]);
  const text = pageTexts(twice, 'raw')[0].replace(/\s+/g, ' ');
  expect(text).toContain('yang diterbitkan oleh Balai Besar Sertifikasi Elektronik (BSrE), BSSN');
  const tools = pdfsig(twice, server.caPem);
  expect(tools.match(/Signature is Valid/g)).toHaveLength(2);
  expect(tools.match(/Certificate is Trusted/g)).toHaveLength(2);
});

test('a timed-out request that the server did sign is looked up, not signed again', async () => {
  const signer = createRemoteSigner({ baseUrl: server.url, nikOf, timeoutMs: 300, pollIntervalMs: 50, outcomeTimeoutMs: 5000 });
  server.delayNextResponses(1, 1500);
  const req = { ...request(unsigned, 'first', first.passphrase), requestId: 'timeout-case-1' };
  const signed = await signer.sign(req);
  expect(server.signCount.get('timeout-case-1')).toBe(1);
  expect(verifyDocument(signed, { trustedRoots: [server.caPem] }).ok).toBe(true);
  // A retry of the same request (e.g. the activity retried) gets the same outcome, still one signature.
  const again = await signer.sign(req);
  expect(Buffer.from(again).equals(Buffer.from(signed))).toBe(true);
  expect(server.signCount.get('timeout-case-1')).toBe(1);
});

test('the request id is derived from the request, so retries reuse it', () => {
  const req = request(unsigned, 'first', first.passphrase);
  const { RemoteSigner } = jest.requireActual('../../signing/remote-signer');
  expect(RemoteSigner.requestIdOf(req)).toBe(RemoteSigner.requestIdOf({ ...req, passphrase: 'other' }));
  expect(RemoteSigner.requestIdOf(req)).not.toBe(RemoteSigner.requestIdOf({ ...req, party: 'second' }));
});

test('a wrong passphrase at the provider is a typed error without the passphrase', async () => {
  const signer = createRemoteSigner({ baseUrl: server.url, nikOf });
  const error = await signer.sign(request(unsigned, 'first', 'salah-sekali')).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SigningError);
  expect((error as SigningError).code).toBe('WrongPassphrase');
  expect(JSON.stringify({ message: (error as Error).message, details: (error as SigningError).details })).not.toContain('salah-sekali');
});
