// `kinerja pdf sample --out FILE` as a reader of the README runs it: the file is a Kepala Dinas PK
// signed by both parties at PAdES-B-LTA, FILE.ca.pem is its CA, and `kinerja pdf verify`, pdfsig,
// qpdf --check and openssl cms accept it.
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pdfSampleCommand, pdfVerifyCommand } from '../../cli/commands/pdf';
import { verifyDocument } from '../../signing';
import { extractSignatures, loadSample, opensslVerify, pageTexts, pdfsig, qpdfCheck, tempDir } from '../support/pki';

jest.setTimeout(60_000);

const sample = loadSample();
const first = sample.positions.find((p) => p.id === 'kepala-dikbud')!;
const second = sample.positions.find((p) => p.id === first.parent)!;
let file: string;
let pdf: Buffer;
let caPem: string;
let out: string[];

beforeAll(async () => {
  file = join(tempDir(), 'pk.pdf');
  out = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  try {
    expect(await pdfSampleCommand.run(['--out', file])).toBe(0);
  } finally {
    log.mockRestore();
  }
  pdf = readFileSync(file);
  caPem = readFileSync(`${file}.ca.pem`, 'utf8');
});

test('writes FILE and FILE.ca.pem, and says so', () => {
  expect(out).toEqual([`${file}: PK of kepala-dikbud, 2 signature(s), PAdES-B-LTA; CA certificate in ${file}.ca.pem`]);
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  expect(existsSync(`${file}.ca.pem`)).toBe(true);
  const ca = new X509Certificate(caPem);
  expect(ca.ca).toBe(true);
  expect(ca.subject).toContain(`O=${sample.organisation.name}`);
});

test('the file is the Kepala Dinas\'s PK, signed by the Kepala Dinas and the Bupati at PAdES-B-LTA under FILE.ca.pem', () => {
  expect(first.title).toMatch(/^Kepala Dinas/);
  const text = pageTexts(pdf).join('\n');
  expect(text).toContain('PERJANJIAN KINERJA');
  expect(text).toContain(first.official.name);
  expect(text).toContain(second.official.name);

  const report = verifyDocument(pdf, { trustedRoots: [caPem] });
  expect(report).toMatchObject({ ok: true, verdict: 'valid', level: 'B-LTA', validationData: { certificates: 4, crls: 1 } });
  expect(report.documentTimestamps).toEqual([expect.objectContaining({ valid: true, coversWholeFile: true })]);
  expect(report.signatures.map((s) => [s.fieldName, s.signerName, s.nip, s.valid, s.trusted, s.level])).toEqual([
    ['PihakPertama', first.official.name, first.official.nip, true, true, 'B-LTA'],
    ['PihakKedua', second.official.name, second.official.nip, true, true, 'B-LTA'],
  ]);
  for (const signature of report.signatures) {
    expect(signature.timestamp).toMatchObject({ valid: true });
    expect(signature.revocation).toMatchObject({ status: 'good', source: 'document' });
  }
});

test('`kinerja pdf verify FILE --ca FILE.ca.pem` says valid (exit 0); without the CA it is untrusted (exit 1)', async () => {
  const said: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void said.push(a.join(' ')));
  try {
    expect(await pdfVerifyCommand.run([file, '--ca', `${file}.ca.pem`])).toBe(0);
    expect(JSON.parse(said[0])).toMatchObject({ ok: true, verdict: 'valid', level: 'B-LTA' });
    said.length = 0;
    expect(await pdfVerifyCommand.run([file])).toBe(1);
    expect(JSON.parse(said[0])).toMatchObject({ ok: false, verdict: 'untrusted_certificate' });
  } finally {
    log.mockRestore();
  }
});

test('pdfsig, qpdf --check and openssl cms accept it under FILE.ca.pem', () => {
  const report = pdfsig(pdf, caPem);
  expect(report.match(/Signature is Valid/g)!.length).toBeGreaterThanOrEqual(2);
  expect(report).not.toContain('Signature is Invalid');
  expect(report).toContain(first.official.name);
  expect(report).toContain(second.official.name);
  expect(qpdfCheck(pdf).status).toBe(0);
  const signatures = extractSignatures(pdf);
  expect(signatures.length).toBe(3); // both parties and the document timestamp
  for (const { cms, signed } of signatures.slice(0, 2)) expect(opensslVerify(cms, signed, caPem)).toMatchObject({ status: 0 });
});
