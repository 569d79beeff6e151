// Damaged PDFs handed to verification — truncated anywhere, bits flipped anywhere, garbage, empty,
// every kind of wrong /ByteRange — give a clean failure report (ok: false, a reason), never a throw,
// and the `kinerja pdf verify` command answers with a JSON report and exit code 1, never a crash.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { renderAgreementPdf } from '../../documents';
import { createLocalSigner, verifyDocument, type VerificationReport } from '../../signing';
import { makePki, sampleInput, type TestPki } from '../support/pki';

jest.setTimeout(120_000);

let pki: TestPki;
let twice: Buffer;
const say = (line: string) => console.log(`[bad-input:pdf] ${line}`);

beforeAll(async () => {
  const input = sampleInput();
  pki = await makePki(input);
  const signer = createLocalSigner({ store: pki.store });
  const unsigned = await renderAgreementPdf(input);
  const base = { reason: 'PK', location: 'Bengkayang', verificationUrl: 'https://kinerja.example/v/x' };
  const once = await signer.sign({ ...base, pdf: unsigned, nip: pki.first.nip, passphrase: pki.first.passphrase, party: 'first', signedAt: new Date() });
  twice = Buffer.from(await signer.sign({ ...base, pdf: once, nip: pki.second.nip, passphrase: pki.second.passphrase, party: 'second', signedAt: new Date(Date.now() + 60_000) }));
});

/** Verifies and checks the report is a clean failure: no throw, ok false, at least one reason, serialisable. */
function cleanFailure(bytes: Buffer): VerificationReport {
  let report: VerificationReport | undefined;
  expect(() => (report = verifyDocument(bytes, { trustedRoots: [pki.ca.certificatePem] }))).not.toThrow();
  expect(report!.ok).toBe(false);
  const reasons = [...report!.problems, ...report!.signatures.flatMap((s) => [...s.problems, s.invalidReason ?? ''])].filter(Boolean);
  expect(reasons.length).toBeGreaterThan(0);
  expect(() => JSON.stringify(report)).not.toThrow();
  return report!;
}

test('the undamaged file verifies (so the failures below are the damage)', () => {
  expect(verifyDocument(twice, { trustedRoots: [pki.ca.certificatePem] }).ok).toBe(true);
});

test('truncated at 40 points through the file', () => {
  let n = 0;
  for (let i = 0; i < 40; i++) {
    const at = Math.floor((twice.length * i) / 40);
    cleanFailure(twice.subarray(0, at));
    n++;
  }
  // and cut only a few bytes off the end
  for (const cut of [1, 7, 20]) cleanFailure(twice.subarray(0, twice.length - cut)), n++;
  say(`${n} truncations: each a clean failure`);
});

test('a single bit flipped at 300 places across the file', () => {
  const text = twice.toString('latin1');
  // every place where a flip must be detected: outside the signatures' /Contents hex holes
  const holes = [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)].map((m) => [Number(m[1]) + Number(m[2]), Number(m[3])]);
  expect(holes).toHaveLength(2); // both signatures' /Contents found: every other byte is covered
  const inHole = (i: number) => holes.some(([from, to]) => i >= from && i < to);
  let checked = 0;
  let throwsNever = 0;
  for (let k = 0; k < 300; k++) {
    let at = Math.floor(((k + 0.5) * twice.length) / 300);
    while (inHole(at)) at++;
    if (at >= twice.length) continue;
    const bytes = Buffer.from(twice);
    bytes[at] ^= 1 << (k % 8);
    cleanFailure(bytes);
    checked++;
  }
  // flips inside the CMS hex of the signatures: never a throw (most make the signature invalid)
  for (const [from, to] of holes) {
    for (let k = 0; k < 20; k++) {
      const bytes = Buffer.from(twice);
      const at = from + 1 + Math.floor(((to - from - 2) * k) / 20);
      bytes[at] = bytes[at] === 0x30 ? 0x41 : 0x30;
      expect(() => verifyDocument(bytes, { trustedRoots: [pki.ca.certificatePem] })).not.toThrow();
      throwsNever++;
    }
  }
  say(`${checked} bit flips in signed bytes: each a clean failure; ${throwsNever} changes inside the signatures' hex: none threw`);
});

test.each([
  ['empty', () => Buffer.alloc(0)],
  ['garbage', () => Buffer.from('GIF89a this is not a PDF \x00\x01\x02'.repeat(100), 'latin1')],
  ['random bytes', () => Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7919 + 13) % 251))],
  ['only a header', () => Buffer.from('%PDF-1.7\n')],
  ['header and EOF', () => Buffer.from('%PDF-1.7\n%%EOF\n')],
  ['a PDF of another kind (xref pointing nowhere)', () => Buffer.from('%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\nxref\n0 1\n0000000000 65535 f \ntrailer <</Root 1 0 R /Size 2>>\nstartxref\n999999\n%%EOF\n')],
  ['the signed file twice over', () => Buffer.concat([twice, twice])],
])('%s → a clean failure report', (_name, make) => {
  const report = cleanFailure(make());
  say(`${_name}: ${JSON.stringify(report.problems).slice(0, 160)}`);
});

function withByteRange(index: number, replace: (range: number[]) => string): Buffer {
  const text = twice.toString('latin1');
  const matches = [...text.matchAll(/\/ByteRange\s*\[[^\]]*\]/g)];
  const m = matches[index];
  const range = /\[([^\]]*)\]/.exec(m[0])![1].trim().split(/\s+/).map(Number);
  let replacement = `/ByteRange [${replace(range)}]`;
  // keep every offset in the file where it was: same length, padded with spaces
  if (replacement.length > m[0].length) throw new Error(`replacement longer than the original: ${replacement}`);
  replacement = replacement.slice(0, -1) + ' '.repeat(m[0].length - replacement.length) + ']';
  const out = Buffer.from(twice);
  out.write(replacement, m.index!, 'latin1');
  return out;
}

test.each([
  ['shifted by one byte', ([a, b, c, d]: number[]) => `${a} ${b + 1} ${c + 1} ${d - 1}`],
  ['first part shorter', ([a, b, c, d]: number[]) => `${a} ${b - 10} ${c} ${d}`],
  ['second part past the end of the file', ([a, b, c, d]: number[]) => `${a} ${b} ${'9'.repeat(String(c).length)} ${d}`],
  ['overlapping parts', ([a, b, , d]: number[]) => `${a} ${b} ${b - 50} ${d}`],
  ['covering the signature itself', ([a, , c, d]: number[]) => `${a} ${c + d} 0 0`],
  ['negative numbers', ([a, b, c, d]: number[]) => `${a} ${b} -${String(c).slice(1)} ${d}`],
  ['not numbers', () => 'a b c d'],
  ['three numbers', ([a, b, c]: number[]) => `${a} ${b} ${c}`],
  ['empty', () => ''],
  ['not starting at zero', ([, b, c, d]: number[]) => `5 ${b - 5} ${c} ${d}`],
])('a wrong /ByteRange (%s) in either signature → a clean failure report', (_name, replace) => {
  for (const index of [0, 1]) {
    const report = cleanFailure(withByteRange(index, replace as (r: number[]) => string));
    expect(report.signatures.every((s) => s.valid) && report.problems.length === 0).toBe(false);
  }
});

test('kinerja pdf verify on damaged files: a JSON report and exit 1, never a stack trace', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kinerja-damaged-'));
  const ca = join(dir, 'ca.pem');
  writeFileSync(ca, pki.ca.certificatePem);
  const files: Record<string, Buffer> = {
    truncated: twice.subarray(0, Math.floor(twice.length / 2)),
    empty: Buffer.alloc(0),
    flipped: (() => { const b = Buffer.from(twice); b[1000] ^= 0x10; return b; })(),
    byterange: withByteRange(1, ([a, b, c, d]) => `${a} ${b + 1} ${c + 1} ${d - 1}`),
  };
  const root = resolve(__dirname, '..', '..');
  const results: string[] = [];
  for (const [name, bytes] of Object.entries(files)) {
    const file = join(dir, `${name}.pdf`);
    writeFileSync(file, bytes);
    const run = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'cli', 'main.ts'), 'pdf', 'verify', file, '--ca', ca], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    results.push(`${name}: exit ${run.status}`);
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.ok).toBe(false);
    expect(run.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/); // no stack trace
  }
  rmSync(dir, { recursive: true, force: true });
  say(`CLI: ${results.join(', ')}`);
});
