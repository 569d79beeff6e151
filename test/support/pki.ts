// Test helpers: an in-memory CA with officials, a sample PK, and the external verifiers
// (poppler's pdfsig with an NSS database, openssl cms, qpdf).
import { SAMPLE_ORGANISATION_PATH } from '../../data/sample';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgreementPdfInput } from '../../documents';
import { agreementInputFromImport } from '../../documents';
import type { OrganisationImport } from '../../domain/types';
import { createLocalCa, issueOfficialCertificate, type LocalCa } from '../../signing/certificates';
import { TEST_SCRYPT } from '../../signing/key-encryption';
import { MemorySigningStore } from '../../signing/memory-store';

export const SAMPLE_PATH = SAMPLE_ORGANISATION_PATH;

export function loadSample(): OrganisationImport {
  return JSON.parse(readFileSync(SAMPLE_PATH, 'utf8')) as OrganisationImport;
}

export function sampleInput(positionId = 'kepala-dikbud'): AgreementPdfInput {
  return agreementInputFromImport(loadSample(), positionId, '2025-01-20');
}

export interface TestPki {
  store: MemorySigningStore;
  ca: LocalCa;
  first: { nip: string; passphrase: string };
  second: { nip: string; passphrase: string };
}

/** A CA plus certificates for both parties of `input`; the second party keyed by NIP or 'kepala-daerah'. */
export async function makePki(input: AgreementPdfInput, organisationId = 'kab-test'): Promise<TestPki> {
  const store = new MemorySigningStore();
  const ca = await createLocalCa({ store, organisation: { id: organisationId, name: input.organisation }, secret: 'test-server-secret', scrypt: TEST_SCRYPT });
  const first = { nip: input.firstParty.nip ?? 'kepala-daerah', passphrase: 'rahasia-pertama' };
  await issueOfficialCertificate({ store, ca, scrypt: TEST_SCRYPT, passphrase: first.passphrase, official: { signerId: first.nip, name: input.firstParty.name, nip: input.firstParty.nip, organisation: input.organisation } });
  const secondParty = input.secondParty ?? { name: 'Tidak Ada', nip: null, title: '' };
  const second = { nip: secondParty.nip ?? 'kepala-daerah', passphrase: 'rahasia-kedua' };
  await issueOfficialCertificate({ store, ca, scrypt: TEST_SCRYPT, passphrase: second.passphrase, official: { signerId: second.nip, name: secondParty.name, nip: secondParty.nip, organisation: input.organisation } });
  return { store, ca, first, second };
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'kinerja-sign-'));
}

/** pdfsig's report for a file, trusting `caPem` through a fresh NSS database. */
export function pdfsig(pdf: Uint8Array, caPem: string): string {
  const dir = tempDir();
  const nss = join(dir, 'nss');
  execFileSync('mkdir', ['-p', nss]);
  writeFileSync(join(dir, 'ca.pem'), caPem);
  writeFileSync(join(dir, 'doc.pdf'), pdf);
  execFileSync('certutil', ['-N', '--empty-password', '-d', `sql:${nss}`]);
  execFileSync('certutil', ['-A', '-n', 'ca', '-t', 'CT,C,C', '-i', join(dir, 'ca.pem'), '-d', `sql:${nss}`]);
  const result = spawnSync('pdfsig', ['-nssdir', `sql:${nss}`, join(dir, 'doc.pdf')], { encoding: 'utf8' });
  return result.stdout + result.stderr;
}

export function qpdfCheck(pdf: Uint8Array): { status: number | null; output: string } {
  const file = join(tempDir(), 'doc.pdf');
  writeFileSync(file, pdf);
  const result = spawnSync('qpdf', ['--check', file], { encoding: 'utf8' });
  return { status: result.status, output: result.stdout + result.stderr };
}

/** Each signature's CMS and the bytes it signs, cut out by its /ByteRange. */
export function extractSignatures(pdf: Uint8Array): Array<{ cms: Buffer; signed: Buffer }> {
  const bytes = Buffer.from(pdf);
  const text = bytes.toString('latin1');
  const out: Array<{ cms: Buffer; signed: Buffer }> = [];
  for (const match of text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)) {
    const [a, b, c, d] = match.slice(1).map(Number);
    const hex = text.slice(b + 1, c - 1);
    const cms = Buffer.from(hex, 'hex');
    out.push({ cms, signed: Buffer.concat([bytes.subarray(a, a + b), bytes.subarray(c, c + d)]) });
  }
  return out;
}

/** `openssl cms -verify` of one detached signature; returns exit status and output. */
export function opensslVerify(cms: Buffer, signed: Buffer, caPem: string): { status: number | null; output: string } {
  const dir = tempDir();
  // Contents is zero-padded; openssl reads the DER object and ignores nothing, so trim to its length.
  const length = derLength(cms);
  writeFileSync(join(dir, 'sig.der'), cms.subarray(0, length));
  writeFileSync(join(dir, 'signed.bin'), signed);
  writeFileSync(join(dir, 'ca.pem'), caPem);
  const result = spawnSync('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(dir, 'sig.der'), '-content', join(dir, 'signed.bin'), '-CAfile', join(dir, 'ca.pem'), '-purpose', 'any', '-out', '/dev/null'], { encoding: 'utf8' });
  return { status: result.status, output: result.stdout + result.stderr };
}

function derLength(der: Buffer): number {
  const first = der[1];
  if (first < 0x80) return 2 + first;
  const count = first & 0x7f;
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + der[2 + i];
  return 2 + count + length;
}

/** Text of each page via pdftotext. */
export function pageTexts(pdf: Uint8Array, mode: 'layout' | 'raw' = 'layout'): string[] {
  const file = join(tempDir(), 'doc.pdf');
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', [`-${mode}`, file, '-'], { encoding: 'utf8' }).split('\f').filter((page, i, all) => i < all.length - 1 || page.trim());
}
