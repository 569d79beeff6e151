// PAdES-B-LT/-LTA: after the last signature the DSS gets every certificate and the CA's CRL,
// then a document timestamp seals it. pdfsig and qpdf still accept the file; our verifier reports
// B-LTA, reads revocation from the embedded CRL, keeps a signature made before a revocation
// valid, and rejects one made after it, and an unsigned change hidden after the validation data.
import { X509Certificate } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderAgreementPdf } from '../../documents';
import {
  buildCrl, createLocalCa, createLocalSigner, distributionFor, MemorySigningStore, extendToLta, issueOfficialCertificate, loadTsaCredential, LocalTimeStampAuthority,
  readCrl, serialOf, TEST_SCRYPT, timestampLastSignature, verifyDocument, type SignRequest,
} from '../../signing';
import { IncrementalUpdate } from '../../signing/incremental-update';
import { PdfReader } from '../../signing/pdf-reader';
import { makePki, pdfsig, qpdfCheck, sampleInput, tempDir, type TestPki } from '../support/pki';

jest.setTimeout(60_000);

let pki: TestPki;
let tsa: LocalTimeStampAuthority;
let twice: Buffer;
let lta: Buffer;
const roots = () => [pki.ca.certificatePem];

const request = (pdf: Uint8Array, party: 'first' | 'second', who: { nip: string; passphrase: string }): SignRequest => ({
  pdf, nip: who.nip, passphrase: who.passphrase, party, reason: 'Perjanjian Kinerja Tahun 2025', location: 'Bengkayang',
  verificationUrl: 'https://kinerja.example/#/verify/x', signedAt: new Date(),
});

async function signBoth(): Promise<Buffer> {
  const signer = createLocalSigner({ store: pki.store });
  const once = await timestampLastSignature(await signer.sign(request(await renderAgreementPdf(sampleInput()), 'first', pki.first)), tsa);
  return timestampLastSignature(await signer.sign(request(once, 'second', pki.second)), tsa);
}

beforeAll(async () => {
  pki = await makePki(sampleInput());
  tsa = new LocalTimeStampAuthority(await loadTsaCredential({ store: pki.store, ca: pki.ca, secret: 'test-server-secret', scrypt: TEST_SCRYPT }));
  twice = await signBoth();
  lta = await extendToLta(twice, { crls: [buildCrl({ ca: pki.ca, revoked: [] })], tsa });
});

test('certificates the CA issues name its CRL and its certificate (CRLDistributionPoints, AIA)', async () => {
  const distribution = distributionFor('https://kinerja.example', 'kab-test');
  const credential = await issueOfficialCertificate({
    store: pki.store, ca: pki.ca, scrypt: TEST_SCRYPT, passphrase: 'x', distribution,
    official: { signerId: 'dist-test', name: 'Uji Distribusi', nip: '199001012020011001' },
  });
  const dir = tempDir();
  writeFileSync(join(dir, 'cert.pem'), credential.certificatePem);
  const text = spawnSync('openssl', ['x509', '-in', join(dir, 'cert.pem'), '-noout', '-text'], { encoding: 'utf8' }).stdout;
  expect(text).toContain('X509v3 CRL Distribution Points');
  expect(text).toContain(`URI:${distribution.crlUrl}`);
  expect(text).toContain(`CA Issuers - URI:${distribution.caIssuersUrl}`);
  expect(distribution.crlUrl).toBe('https://kinerja.example/api/ca/kab-test/crl');
});

test('the CRL is signed by the CA and lists what was revoked, with the reason', async () => {
  const serial = serialOf((await pki.store.getCredential(pki.first.nip))!.certificatePem);
  const der = buildCrl({ ca: pki.ca, revoked: [{ caId: pki.ca.id, serialNumber: serial, signerId: pki.first.nip, reason: 'affiliationChanged', note: null, revokedAt: new Date('2026-01-02T03:04:05Z') }] });
  const crl = readCrl(der, new X509Certificate(pki.ca.certificatePem))!;
  expect(crl.revoked.get(serial)).toEqual({ revokedAt: new Date('2026-01-02T03:04:05Z'), reason: 'affiliationChanged' });
  const dir = tempDir();
  writeFileSync(join(dir, 'crl.der'), der);
  writeFileSync(join(dir, 'ca.pem'), pki.ca.certificatePem);
  const out = spawnSync('openssl', ['crl', '-inform', 'DER', '-in', join(dir, 'crl.der'), '-CAfile', join(dir, 'ca.pem'), '-noout', '-text'], { encoding: 'utf8' });
  expect(out.stderr + out.stdout).toContain('verify OK');
  expect(out.stdout).toContain('Affiliation Changed');
});

test('DSS and document timestamp: PAdES-B-LTA, every signature still valid', () => {
  const report = verifyDocument(lta, { trustedRoots: roots() });
  expect(report).toMatchObject({ ok: true, verdict: 'valid', level: 'B-LTA' });
  expect(report.validationData).toEqual({ certificates: 4, crls: 1 }); // two officials, the TSA, the CA
  expect(report.documentTimestamps).toHaveLength(1);
  expect(report.documentTimestamps[0]).toMatchObject({ valid: true, coversWholeFile: true });
  expect(report.signatures).toHaveLength(2);
  for (const sig of report.signatures) expect(sig).toMatchObject({ valid: true, level: 'B-LTA', revocation: { status: 'good', source: 'document' } });
  // without the document timestamp: B-LT
  const reader = new PdfReader(lta);
  expect(reader.catalog().has('DSS')).toBe(true);
});

test('against a CA that did not issue them, each chain ends at the signers\' CA, listed once', async () => {
  // the DSS holds the CA again beside the signature's copy: the chain must not go back and forth between them
  const other = await createLocalCa({ store: new MemorySigningStore(), organisation: { id: 'other', name: 'Kabupaten Lain' }, secret: 'x', scrypt: TEST_SCRYPT });
  const report = verifyDocument(lta, { trustedRoots: [other.certificatePem] });
  expect(report.ok).toBe(false);
  expect(report.signatures).toHaveLength(2);
  for (const signature of report.signatures) {
    expect(signature.problems).toContain('Certificate chain does not reach a trusted CA');
    expect(signature.chain).toHaveLength(2);
    expect(signature.chain[1]).toBe(new X509Certificate(pki.ca.certificatePem).subject.replace(/\n/g, ', '));
  }
});

test('pdfsig and qpdf accept the LTA file', () => {
  const out = pdfsig(lta, pki.ca.certificatePem);
  expect(out.match(/Signature is Valid/g)!.length).toBeGreaterThanOrEqual(2);
  expect(out).not.toContain('Signature is Invalid');
  const check = qpdfCheck(lta);
  expect(check.status).toBe(0);
});

test('a certificate revoked after signing: the signature stays valid at its signing time, the status says revoked', () => {
  const later = new Date(Date.now() + 3_600_000);
  const report = verifyDocument(lta, { trustedRoots: roots(), revocations: () => ({ revokedAt: later, reason: 'affiliationChanged' }) });
  expect(report).toMatchObject({ ok: true, verdict: 'valid' });
  expect(report.signatures[0].revocation).toMatchObject({ status: 'revoked', source: 'issuer', reason: 'affiliationChanged' });
});

test('a certificate revoked before signing: certificate_revoked', async () => {
  const serial = serialOf((await pki.store.getCredential(pki.first.nip))!.certificatePem);
  const revoked = [{ caId: pki.ca.id, serialNumber: serial, signerId: pki.first.nip, reason: 'keyCompromise' as const, note: null, revokedAt: new Date(Date.now() - 3_600_000) }];
  const document = await extendToLta(twice, { crls: [buildCrl({ ca: pki.ca, revoked })], tsa });
  const report = verifyDocument(document, { trustedRoots: roots() });
  expect(report).toMatchObject({ ok: false, verdict: 'certificate_revoked' });
  expect(report.signatures[0].codes).toEqual(['certificate_revoked']);
  expect(report.signatures[1].valid).toBe(true);
});

test('an unsigned change after the validation data is unsigned_changes, not hidden by the DSS', () => {
  const reader = new PdfReader(lta);
  const update = new IncrementalUpdate(reader);
  const page = reader.pageRefs()[0];
  const changed = new Map(reader.dict(page)!);
  changed.set('Rotate', 90);
  update.put(page, changed);
  const report = verifyDocument(update.build().bytes, { trustedRoots: roots() });
  expect(report.verdict).toBe('unsigned_changes');
});
