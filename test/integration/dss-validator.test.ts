// The EU DSS validator (6.4, DSS's default policy, offline: revocation data must be in the
// document) on a PK both parties signed through the stack, with the organisation's CA as the
// only trust anchor: both signatures TOTAL_PASSED at PAdES-BASELINE-LTA. A copy with a flipped
// byte fails there too.
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveDssValidator } from '../../scripts/dss-validator';
import type { Stack } from '../support/stack';
import { client, sampleOrganisation, startStackWithCycle, tokens } from '../support/api-client';
import { signThroughApi } from '../support/sign-through-api';
import { flipByte } from '../support/tampering';
import { tempDir } from '../support/pki';

const ORG = 'kab-dss';
const org = sampleOrganisation(ORG, new Date().getFullYear() - 1);
// NIPs of its own: the suite's stacks share one database, where an official keeps one certificate
// across organisations; these must be enrolled under this organisation's CA, the trust anchor.
org.positions.find((p: any) => p.id === 'kepala-dinkes').official.nip = '197505052000031702';
org.positions.find((p: any) => p.id === 'bupati').official.nip = '196505052000031703';
let stack: Stack;
let jar: string;
let pdf: Buffer;
let caFile: string;

jest.setTimeout(300_000);

function validate(bytes: Buffer): { status: number | null; output: string } {
  const file = join(tempDir(), 'pk.pdf');
  writeFileSync(file, bytes);
  const result = spawnSync('java', ['-jar', jar, file, caFile], { encoding: 'utf8', timeout: 240_000 });
  return { status: result.status, output: result.stdout + result.stderr };
}

beforeAll(async () => {
  jar = resolveDssValidator();
  let call: ReturnType<typeof client>;
  let t: ReturnType<typeof tokens>;
  ({ stack, call, t } = await startStackWithCycle(org));
  const { documents, owner } = await signThroughApi(call, t, org, 'kepala-dinkes', 'bupati');
  const second = documents.find((d) => d.party === 'second')!;
  pdf = Buffer.from(await (await fetch(`${stack.baseUrl}${second.href}`, { headers: { authorization: `Bearer ${owner}` } })).arrayBuffer());
  // the trust anchor as a relying party gets it: the CA certificate endpoint the certificates name
  const ca = new X509Certificate(Buffer.from(await (await fetch(`${stack.baseUrl}/api/ca/${ORG}/certificate`)).arrayBuffer()));
  caFile = join(tempDir(), 'ca.pem');
  writeFileSync(caFile, ca.toString());
});
afterAll(async () => {
  await stack?.stop();
});

test('both signatures: TOTAL_PASSED at PAdES-BASELINE-LTA', () => {
  const { status, output } = validate(pdf);
  const lines = output.split('\n').filter((l) => /Signature format|Indication|RESULT/.test(l));
  console.log(`[dss] ${lines.map((l) => l.trim()).join(' | ')}`);
  expect(output).toContain('Signatures found: 2');
  expect(output.match(/Signature format\s*: PAdES-BASELINE-LTA/g)).toHaveLength(2);
  expect(output.match(/Indication\s*: TOTAL_PASSED/g)).toHaveLength(2);
  expect(status).toBe(0);
});

test('a flipped byte: DSS rejects it too', () => {
  const { status, output } = validate(flipByte(pdf));
  const lines = output.split('\n').filter((l) => /Indication|RESULT/.test(l));
  console.log(`[dss] ${lines.map((l) => l.trim()).join(' | ')}`);
  expect(output).not.toMatch(/Indication\s*: TOTAL_PASSED[\s\S]*Indication\s*: TOTAL_PASSED/);
  // it did validate both signatures (not a crash, which also exits 1): each failed on the changed bytes
  expect(output).toContain('Signatures found: 2');
  expect(output.match(/^\s*Indication\s*: (\w+)/gm)?.map((l) => l.replace(/^\s*Indication\s*: /, ''))).toEqual(['TOTAL_FAILED', 'TOTAL_FAILED']);
  expect(output.match(/SubIndication\s*: HASH_FAILURE/g)).toHaveLength(2);
  expect(output).toContain('RESULT: FAIL');
  expect(status).toBe(1);
});
