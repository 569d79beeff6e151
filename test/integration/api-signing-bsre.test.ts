// SIGNING_PROVIDER=bsre end to end: the worker signs through a local BSrE-style service (NIK +
// passphrase, visible signature properties), whose first answer arrives after the client's
// timeout, so the outcome is looked up instead of signing again. The provider's output is
// timestamped and carries its CRL (PAdES-B-LT); public verification trusts the provider's root.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Stack } from '../support/stack';
import { client, nipOf, sampleOrganisation, startStackWithCycle, tokens } from '../support/api-client';
import { BSRE_ISSUER, startBsreServer, type BsreServer } from '../support/bsre-server';
import { passphraseOf, signThroughApi } from '../support/sign-through-api';
import { pdfsig, qpdfCheck, tempDir } from '../support/pki';

const ORG = 'kab-bsre';
const org = sampleOrganisation(ORG, new Date().getFullYear() - 1);
let bsre: BsreServer;
let stack: Stack;
let call: ReturnType<typeof client>;
let t: ReturnType<typeof tokens>;

jest.setTimeout(180_000);

beforeAll(async () => {
  const official = (id: string) => {
    const position = org.positions.find((p: any) => p.id === id);
    return { nik: position.official.nip, passphrase: passphraseOf(position.official.nip), name: position.official.name, nip: position.official.nip };
  };
  bsre = await startBsreServer([official('kepala-dinkes'), official('bupati')]);
  const caFile = join(tempDir(), 'bsre-ca.pem');
  writeFileSync(caFile, bsre.caPem);
  ({ stack, call, t } = await startStackWithCycle(org, undefined, {
    env: { SIGNING_PROVIDER: 'bsre', BSRE_URL: bsre.url, BSRE_CA_FILE: caFile, BSRE_TIMEOUT_MS: '2000' },
  }));
});
afterAll(async () => {
  await stack?.stop();
  await bsre?.close();
});

test('both parties sign through the provider; a late answer is looked up, not signed twice; the PK verifies at B-LT', async () => {
  // (the database is shared by the suite's stacks: other tests may have enrolled these NIPs locally)
  const localCredentials = () => stack.db.query('SELECT signer_id, certificate_pem FROM signing_credential WHERE signer_id = ANY($1) ORDER BY signer_id', [[nipOf(org, 'kepala-dinkes'), nipOf(org, 'bupati')]]);
  const before = (await localCredentials()).rows;
  bsre.delayNextResponses(1, 4_000); // the first signature's answer comes after the client's 2 s timeout
  const { documents, owner } = await signThroughApi(call, t, org, 'kepala-dinkes', 'bupati');
  expect(documents.map((d) => d.party)).toEqual(['first', 'second']);
  expect([...bsre.signCount.values()]).toEqual([1, 1]);
  // nothing was enrolled locally: the provider holds the keys
  expect((await localCredentials()).rows).toEqual(before);

  const second = documents.find((d) => d.party === 'second')!;
  const pdf = Buffer.from(await (await fetch(`${stack.baseUrl}${second.href}`, { headers: { authorization: `Bearer ${owner}` } })).arrayBuffer());
  const res = await fetch(`${stack.baseUrl}/api/verify`, { method: 'POST', headers: { 'content-type': 'application/pdf' }, body: new Uint8Array(pdf) });
  const report = await res.json();
  expect(report).toMatchObject({ verdict: 'valid', ok: true, level: 'B-LT', issued: { documentId: second.id } });
  for (const sig of report.signatures) {
    expect(sig.issuer).toBe(BSRE_ISSUER);
    expect(sig.timestamp).toMatchObject({ valid: true });
    expect(sig.revocation).toEqual({ status: 'good', source: 'document' });
    expect(sig.level).toBe('B-LT');
  }
  expect(report.signatures.map((s: any) => s.nip)).toEqual([nipOf(org, 'kepala-dinkes'), nipOf(org, 'bupati')]);

  // not only our own verifier: poppler's pdfsig (trusting the provider's root) and qpdf accept the file too
  const tools = pdfsig(pdf, bsre.caPem);
  expect(tools.match(/Signature is Valid/g)).toHaveLength(2);
  expect(tools.match(/Certificate is Trusted/g)).toHaveLength(2);
  expect(tools).not.toContain('Signature is Invalid');
  const check = qpdfCheck(pdf);
  expect(check.output).toContain('No syntax or stream encoding errors');
  expect(check.status).toBe(0);
});
