import { renderAgreementPdf } from '../../documents';
import { createLocalCa, createLocalSigner, MemorySigningStore, TEST_SCRYPT, verifyDocument, type SignRequest } from '../../signing';
import { extractSignatures, makePki, opensslVerify, pageTexts, pdfsig, qpdfCheck, sampleInput, type TestPki } from '../support/pki';

jest.setTimeout(60_000);

let pki: TestPki;
let unsigned: Uint8Array;
let once: Uint8Array;
let twice: Uint8Array;

const request = (pdf: Uint8Array, party: 'first' | 'second', who: { nip: string; passphrase: string }): SignRequest => ({
  pdf,
  nip: who.nip,
  passphrase: who.passphrase,
  party,
  reason: 'Menyetujui Perjanjian Kinerja Tahun 2025',
  location: 'Bengkayang',
  verificationUrl: 'https://kinerja.example/verifikasi/pk-kepala-dikbud-2025',
  signedAt: new Date(Date.now() + (party === 'first' ? 0 : 60_000)),
});

beforeAll(async () => {
  const input = sampleInput();
  pki = await makePki(input);
  const signer = createLocalSigner({ store: pki.store });
  unsigned = await renderAgreementPdf(input);
  once = await signer.sign(request(unsigned, 'first', pki.first));
  twice = await signer.sign(request(once, 'second', pki.second));
});

describe('PAdES signatures', () => {
  test('each signature is an incremental update of the file before it', () => {
    expect(Buffer.from(once.subarray(0, unsigned.length)).equals(Buffer.from(unsigned))).toBe(true);
    expect(Buffer.from(twice.subarray(0, once.length)).equals(Buffer.from(once))).toBe(true);
  });

  test('pdfsig reports both signatures valid and trusted', () => {
    const report = pdfsig(twice, pki.ca.certificatePem);
    expect(report.match(/Signature is Valid/g)).toHaveLength(2);
    expect(report.match(/Certificate is Trusted/g)).toHaveLength(2);
    expect(report.match(/ETSI\.CAdES\.detached/g)).toHaveLength(2);
    expect(report).toContain('Total document signed');
  });

  test('qpdf finds no errors', () => {
    const result = qpdfCheck(twice);
    expect(result.output).toContain('No syntax or stream encoding errors');
    expect(result.status).toBe(0);
  });

  test('openssl cms accepts each extracted CMS over its byte range', () => {
    const signatures = extractSignatures(twice);
    expect(signatures).toHaveLength(2);
    for (const { cms, signed } of signatures) {
      const result = opensslVerify(cms, signed, pki.ca.certificatePem);
      expect(result.output).toContain('Verification successful');
      expect(result.status).toBe(0);
    }
  });

  test('the CMS carries PAdES attributes and no signing-time', () => {
    const { cms } = extractSignatures(twice)[0];
    const hex = cms.toString('hex');
    expect(hex).toContain('06092a864886f70d010903'); // content-type
    expect(hex).toContain('06092a864886f70d010904'); // message-digest
    expect(hex).toContain('060b2a864886f70d010910022f'); // signing-certificate-v2
    expect(hex).not.toContain('06092a864886f70d010905'); // signing-time
  });

  test('verifyDocument reports both signers with NIP, chain and time', () => {
    const report = verifyDocument(twice, { trustedRoots: [pki.ca.certificatePem] });
    // signed as before timestamps existed: still valid, and honestly PAdES-B-B without timestamp or DSS
    expect(report).toMatchObject({ ok: true, verdict: 'valid', level: 'B-B', validationData: null, documentTimestamps: [] });
    expect(report.signatures.map((s) => [s.level, s.timestamp, s.revocation.status])).toEqual([['B-B', null, 'unknown'], ['B-B', null, 'unknown']]);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    const input = sampleInput();
    expect(report.signatures.map((s) => s.fieldName)).toEqual(['PihakPertama', 'PihakKedua']);
    expect(report.signatures[0]).toMatchObject({ signerName: input.firstParty.name, nip: input.firstParty.nip, valid: true, coversWholeFile: false });
    expect(report.signatures[1]).toMatchObject({ signerName: input.secondParty!.name, valid: true, coversWholeFile: true });
    expect(report.signatures[0].chain).toHaveLength(2);
    expect(report.signatures[0].signingTime).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  test('the visible signature shows the issuer note', () => {
    const text = pageTexts(twice, 'raw')[0].replace(/\s+/g, ' ');
    const note = 'Dokumen ini telah ditandatangani secara elektronik menggunakan sertifikat elektronik yang diterbitkan oleh Otoritas Sertifikat Pemerintah Kabupaten Bengkayang';
    expect(text.split(note)).toHaveLength(3);
    expect(text).toContain('Ditandatangani secara elektronik oleh: Hendra Lestari');
  });

  test('a singly signed file verifies too', () => {
    expect(verifyDocument(once, { trustedRoots: [pki.ca.certificatePem] }).ok).toBe(true);
  });
});

describe('tampering is rejected', () => {
  const roots = () => [pki.ca.certificatePem];

  test('a flipped byte in the signed range', () => {
    const bytes = Buffer.from(twice);
    bytes[2000] ^= 0x01;
    const report = verifyDocument(bytes, { trustedRoots: roots() });
    expect(report.ok).toBe(false);
    expect(report.signatures.some((s) => s.problems.some((p) => /digest does not match/.test(p)))).toBe(true);
  });

  test('a changed CMS', () => {
    const bytes = Buffer.from(twice);
    const { cms } = extractSignatures(twice)[1];
    // Flip a byte inside the RSA signature value near the end of the DER object.
    const at = Buffer.from(twice).toString('latin1').lastIndexOf(cms.toString('hex').slice(0, 64));
    const position = at + 2 * 300;
    bytes[position] = bytes[position] === 0x30 ? 0x31 : 0x30;
    const report = verifyDocument(bytes, { trustedRoots: roots() });
    expect(report.ok).toBe(false);
    expect(report.signatures[1].valid).toBe(false);
  });

  test('an appended unsigned incremental update that draws on the page', () => {
    const text = Buffer.from(twice).toString('latin1');
    const size = Number(/\/Size (\d+)/.exec(text.slice(text.lastIndexOf('trailer')))![1]);
    const prev = Number(/startxref\s+(\d+)/.exec(text.slice(text.lastIndexOf('startxref')))![1]);
    const root = /\/Root (\d+ \d+ R)/.exec(text.slice(text.lastIndexOf('trailer')))![1];
    const content = '0 0 1 rg 100 100 300 300 re f';
    const object = `${size} 0 obj\n<</Length ${content.length}>>\nstream\n${content}\nendstream\nendobj\n`;
    const objectOffset = twice.length;
    const xrefOffset = objectOffset + object.length;
    const update = `${object}xref\n${size} 1\n${String(objectOffset).padStart(10, '0')} 00000 n\r\ntrailer\n<</Size ${size + 1} /Root ${root} /Prev ${prev}>>\nstartxref\n${xrefOffset}\n%%EOF\n`;
    const tampered = Buffer.concat([Buffer.from(twice), Buffer.from(update, 'latin1')]);
    const report = verifyDocument(tampered, { trustedRoots: roots() });
    expect(report.ok).toBe(false);
    expect(report.problems.join(' ')).toMatch(/added after the last signature/);
  });

  test('a chain that does not reach a trusted CA', async () => {
    const other = await createLocalCa({ store: new MemorySigningStore(), organisation: { id: 'other', name: 'Kabupaten Lain' }, secret: 'x', scrypt: TEST_SCRYPT });
    const report = verifyDocument(twice, { trustedRoots: [other.certificatePem] });
    expect(report.ok).toBe(false);
    expect(report.signatures[0].problems).toContain('Certificate chain does not reach a trusted CA');
  });

  test.each([
    ['garbage', Buffer.from('this is not a pdf at all')],
    ['empty', Buffer.alloc(0)],
    ['truncated', () => Buffer.from(twice.subarray(0, 5000))],
    ['unsigned', () => Buffer.from(unsigned)],
  ])('%s input gives a failure report, not a throw', (_, value) => {
    const bytes = typeof value === 'function' ? value() : value;
    const report = verifyDocument(bytes, { trustedRoots: roots() });
    expect(report.ok).toBe(false);
    expect(report.problems.length + report.signatures.length).toBeGreaterThan(0);
  });

  test('random corruption never throws', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 50; i++) {
      const bytes = Buffer.from(twice);
      for (let k = 0; k < 5; k++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      expect(() => verifyDocument(bytes, { trustedRoots: roots() })).not.toThrow();
    }
  });
});
