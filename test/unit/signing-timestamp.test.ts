// PAdES-B-T: every signature gets an RFC 3161 signature timestamp from the organisation's own TSA
// (a certificate from its CA with id-kp-timeStamping only, critical), or from a remote TSA over
// HTTP. The timestamped file still passes pdfsig, qpdf and openssl; openssl ts accepts the token;
// our verifier reports the level, the time and the authority, and rejects a token over something else.
import { createServer, type Server } from 'node:http';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHash, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { renderAgreementPdf } from '../../documents';
import {
  createLocalSigner, loadTsaCredential, LocalTimeStampAuthority, RemoteTimeStampAuthority, TEST_SCRYPT,
  timestampLastSignature, verifyDocument, type SignRequest, type TimeStampAuthority,
} from '../../signing';
import { fromDer, toDer } from '../../signing/cms';
import { signerInfoOf } from '../../signing/signature-timestamp';
import { extractSignatures, makePki, opensslVerify, pdfsig, qpdfCheck, sampleInput, tempDir, type TestPki } from '../support/pki';

jest.setTimeout(60_000);

let pki: TestPki;
let tsa: LocalTimeStampAuthority;
let tsaCertificates: Buffer[];
let twice: Buffer;

const request = (pdf: Uint8Array, party: 'first' | 'second', who: { nip: string; passphrase: string }): SignRequest => ({
  pdf, nip: who.nip, passphrase: who.passphrase, party, reason: 'Perjanjian Kinerja Tahun 2025', location: 'Bengkayang',
  verificationUrl: 'https://kinerja.example/#/verify/x', signedAt: new Date(),
});

beforeAll(async () => {
  const input = sampleInput();
  pki = await makePki(input);
  const credential = await loadTsaCredential({ store: pki.store, ca: pki.ca, secret: 'test-server-secret', scrypt: TEST_SCRYPT });
  tsaCertificates = credential.certificates;
  tsa = new LocalTimeStampAuthority(credential);
  const signer = createLocalSigner({ store: pki.store });
  const once = await timestampLastSignature(await signer.sign(request(await renderAgreementPdf(input), 'first', pki.first)), tsa);
  twice = await timestampLastSignature(await signer.sign(request(once, 'second', pki.second)), tsa);
});

test('the TSA certificate is issued by the CA for time-stamping only (critical EKU)', () => {
  const cert = new X509Certificate(tsaCertificates[0]);
  expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.8']);
  expect(cert.checkIssued(new X509Certificate(pki.ca.certificatePem))).toBe(true);
  const forgeCert = forge.pki.certificateFromAsn1(forge.asn1.fromDer(tsaCertificates[0].toString('binary')));
  expect(forgeCert.getExtension('extKeyUsage')).toMatchObject({ critical: true, timeStamping: true });
});

test('both signatures carry a valid signature timestamp: PAdES-B-T', () => {
  const report = verifyDocument(twice, { trustedRoots: [pki.ca.certificatePem] });
  expect(report).toMatchObject({ ok: true, verdict: 'valid', level: 'B-T' });
  for (const sig of report.signatures) {
    expect(sig.level).toBe('B-T');
    expect(sig.timestamp).toMatchObject({ valid: true });
    expect(sig.timestamp!.authority).toContain('Otoritas Penanda Waktu');
    const lag = Date.parse(sig.timestamp!.time) - Date.parse(sig.signingTime!);
    expect(lag).toBeGreaterThanOrEqual(0);
  }
});

test('pdfsig, qpdf and openssl cms still accept the timestamped file; openssl ts accepts each token', () => {
  const report = pdfsig(twice, pki.ca.certificatePem);
  expect(report.match(/Signature is Valid/g)).toHaveLength(2);
  expect(report.match(/Certificate is Trusted/g)).toHaveLength(2);
  expect(qpdfCheck(twice).status).toBe(0);
  for (const { cms, signed } of extractSignatures(twice)) {
    expect(opensslVerify(cms, signed, pki.ca.certificatePem).status).toBe(0);
    const der = toDer(fromDer(cms));
    const { signature } = signerInfoOf(der);
    const token = tokenOf(der);
    const dir = tempDir();
    writeFileSync(join(dir, 'token.der'), token);
    writeFileSync(join(dir, 'ca.pem'), pki.ca.certificatePem);
    const result = spawnSync('openssl', ['ts', '-verify', '-digest', createHash('sha256').update(signature).digest('hex'), '-sha256', '-in', join(dir, 'token.der'), '-token_in', '-CAfile', join(dir, 'ca.pem')], { encoding: 'utf8' });
    expect(result.stdout + result.stderr).toContain('Verification: OK');
  }
});

test('a timestamp over something else is reported: timestamp_invalid, level B-B', async () => {
  const wrongImprint: TimeStampAuthority = { stamp: () => tsa.stamp(Buffer.alloc(32, 7)) };
  const input = sampleInput();
  const signer = createLocalSigner({ store: pki.store });
  const stamped = await timestampLastSignature(await signer.sign(request(await renderAgreementPdf(input), 'first', pki.first)), wrongImprint);
  const report = verifyDocument(stamped, { trustedRoots: [pki.ca.certificatePem] });
  expect(report).toMatchObject({ ok: false, verdict: 'timestamp_invalid', level: 'B-B' });
  expect(report.signatures[0].timestamp).toMatchObject({ valid: false });
});

describe('a remote TSA (TSA_URL)', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    // An RFC 3161 server over HTTP answering with the local TSA's tokens.
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => void (async () => {
        if (req.headers['content-type'] !== 'application/timestamp-query') return res.writeHead(415).end();
        const [, imprint] = fromDer(Buffer.concat(chunks)).value as forge.asn1.Asn1[];
        const hashed = Buffer.from((imprint.value as forge.asn1.Asn1[])[1].value as string, 'binary');
        const token = fromDer(await tsa.stamp(hashed));
        const granted = forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.SEQUENCE, true, [
          forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.INTEGER, false, '\x00'),
        ]);
        const response = toDer(forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.SEQUENCE, true, [granted, token]));
        res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(response);
      })());
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/tsa`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  test('its token is embedded and verifies', async () => {
    const signer = createLocalSigner({ store: pki.store });
    const stamped = await timestampLastSignature(await signer.sign(request(await renderAgreementPdf(sampleInput()), 'first', pki.first)), new RemoteTimeStampAuthority(url));
    expect(verifyDocument(stamped, { trustedRoots: [pki.ca.certificatePem] })).toMatchObject({ ok: true, level: 'B-T' });
  });

  test('a refusal or an unreachable TSA fails the signature instead of storing it without a timestamp', async () => {
    const signer = createLocalSigner({ store: pki.store });
    const bare = await signer.sign(request(await renderAgreementPdf(sampleInput()), 'first', pki.first));
    await expect(timestampLastSignature(bare, new RemoteTimeStampAuthority(`${url.replace(/\d+\/tsa$/, '1')}/tsa`, 2_000))).rejects.toThrow();
  });
});

/** The DER TimeStampToken in a signature's unsigned attributes. */
function tokenOf(cms: Buffer): Buffer {
  const signedData = ((fromDer(cms).value as forge.asn1.Asn1[])[1].value as forge.asn1.Asn1[])[0];
  const infos = (signedData.value as forge.asn1.Asn1[]).filter((n) => n.type === forge.asn1.Type.SET && n.tagClass === forge.asn1.Class.UNIVERSAL).at(-1)!;
  const parts = (infos.value as forge.asn1.Asn1[])[0].value as forge.asn1.Asn1[];
  const unsigned = parts.find((n) => n.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && n.type === 1)!;
  const attr = (unsigned.value as forge.asn1.Asn1[])[0];
  return toDer(((attr.value as forge.asn1.Asn1[])[1].value as forge.asn1.Asn1[])[0]);
}
