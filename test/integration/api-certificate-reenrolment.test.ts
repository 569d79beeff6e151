// "A revoked certificate never signs again: if that person holds a position later, their next
// signature enrols a new certificate." Over HTTP as it happens: an official signs their PK; the
// administrator replaces them (PUT /api/positions/…/official), which revokes their certificate
// (on the CA's published CRL); later the administrator names the same person to another position;
// they draft, have it approved and sign it: the signature succeeds with a new certificate (another
// serial, not on the CRL), the public verification of the new PK is valid, the revoked one stays
// on the CRL, and the PK they signed before still verifies with its certificate reported revoked.
import { X509Certificate } from 'node:crypto';
import { Pool } from 'pg';
import type { Stack } from '../support/stack';
import { client, enc, nipOf, passphraseFor, sampleOrganisation, settled, startStackWithCycle, tokens, waitFor, type Reply } from '../support/api-client';
import { ownNip } from '../support/own-officials';
import { signThroughApi } from '../support/sign-through-api';
import { issueOfficialCertificate, readCrl, serialOf } from '../../signing';
import { createSigningDeps } from '../../activities/signing';
import { storeOfficialChange } from '../../db/official-change';
import { verificationToken } from '../../security/verification-link';

jest.setTimeout(240_000);

const ORG = 'kab-recert';
const org = sampleOrganisation(ORG);
const cycleId = `cycle:${ORG}:${org.year}`;
const PERSON = nipOf(org, 'kepala-dinkes'); // signs, is replaced, later heads the Dinas Sosial
const SUCCESSOR = ownNip(ORG, '198001012005011999');
let stack: Stack;
let call: ReturnType<typeof client>;
let t: ReturnType<typeof tokens>;

beforeAll(async () => {
  ({ stack, call, t } = await startStackWithCycle(org));
});
afterAll(async () => {
  await stack?.stop();
});

const ok = (r: Reply, what: string) => {
  if (r.status !== 200) throw new Error(`${what} answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
};
/** The public verification report of a stored document (what the QR code opens, with its token). */
const report = async (documentId: string) => ok(await call('GET', `/api/verify/documents/${enc(documentId)}?t=${verificationToken(stack.config.KINERJA_SECRET, documentId)}`), 'the verification report');
const signerSerial = (r: any, nip: string) => r.signatures.find((s: any) => s.nip === nip).certificates[0].serialNumber.replace(/^0+/, '').toUpperCase();

test('a replaced official\'s certificate is revoked; named to a position again, their next signature enrols a new one', async () => {
  // 1. the official signs the Dinas Kesehatan's PK
  const first = await signThroughApi(call, t, org, 'kepala-dinkes', 'bupati');
  const signedDoc = first.documents.find((d) => d.party === 'second')!; // signed by both: the PK as kept
  const before = await report(signedDoc.id);
  expect(before).toMatchObject({ verdict: 'valid' });
  const oldSerial = signerSerial(before, PERSON);

  // 2. the administrator replaces them; they hold no other position: their certificate is revoked
  const replaced = await settled(call, t.admin, await call('PUT', `/api/positions/${enc(cycleId)}/kepala-dinkes/official`, {
    token: t.admin, body: { nip: SUCCESSOR, name: 'Pejabat Pengganti, S.KM.', email: 'pengganti.dinkes@example.go.id' },
  }));
  expect(replaced.status).toBe(200);
  expect(replaced.body.revokedCertificate).toMatchObject({ serialNumber: oldSerial, reason: 'affiliationChanged' });
  const caId: string = replaced.body.revokedCertificate.caId;
  const caCert = new X509Certificate(Buffer.from(await (await fetch(`${stack.baseUrl}/api/ca/${enc(caId)}/certificate`)).arrayBuffer()));
  const crl = async () => {
    const res = await fetch(`${stack.baseUrl}/api/ca/${enc(caId)}/crl`);
    expect(res.status).toBe(200);
    return readCrl(Buffer.from(await res.arrayBuffer()), caCert)!;
  };
  expect((await crl()).revoked.get(oldSerial)).toMatchObject({ reason: 'affiliationChanged' });

  // 3. later the same person is named head of the Dinas Sosial (its PK not signed yet)
  const named = await settled(call, t.admin, await call('PUT', `/api/positions/${enc(cycleId)}/kepala-dinsos/official`, {
    token: t.admin, body: { nip: PERSON, name: org.positions.find((p: any) => p.id === 'kepala-dinkes').official.name, email: 'kembali.dinsos@example.go.id' },
  }));
  expect(named.status).toBe(200);
  const dinsos = `pk:${ORG}:${org.year}:kepala-dinsos`;
  const person = t.official(PERSON);
  const bupati = t.official(nipOf(org, 'bupati'));
  const me = await call('GET', '/api/me', { token: person });
  expect(me.body.positions.filter((p: any) => p.cycleId === cycleId).map((p: any) => p.positionId)).toEqual(['kepala-dinsos']);

  // 4. they draft, it is approved, they sign: a new certificate signs, not the revoked one
  const phase = (p: string) => waitFor(() => call('GET', `/api/agreements/${enc(dinsos)}`, { token: t.evaluator }), (r) => r.body.phase === p);
  await waitFor(() => call('GET', `/api/agreements/${enc(dinsos)}`, { token: person }), (r) => r.body.state?.deadline?.item === 'draft');
  ok(await call('PUT', `/api/agreements/${enc(dinsos)}/draft`, { token: person, body: org.drafts['kepala-dinsos'] }), 'the draft');
  ok(await call('POST', `/api/agreements/${enc(dinsos)}/submit`, { token: person }), 'submitting');
  await phase('review');
  ok(await call('POST', `/api/agreements/${enc(dinsos)}/review/approve`, { token: bupati }), 'approving');
  await phase('signing');
  const signature = ok(await call('POST', `/api/agreements/${enc(dinsos)}/sign`, { token: person, body: { passphrase: passphraseFor(PERSON) } }), 'their signature');
  ok(await call('POST', `/api/agreements/${enc(dinsos)}/sign`, { token: bupati, body: { passphrase: passphraseFor(nipOf(org, 'bupati')) } }), 'the second signature');
  await phase('reporting');

  expect(signature).toMatchObject({ party: 'first', signerNip: PERSON });
  // the PK as both signed it (with its validation data: the CRL of the day)
  const documents = ok(await call('GET', `/api/agreements/${enc(dinsos)}/documents`, { token: person }), 'the documents').items;
  const after = await report(documents.find((d: any) => d.party === 'second').id);
  expect(after).toMatchObject({ verdict: 'valid', ok: true });
  const mine = after.signatures.find((s: any) => s.nip === PERSON);
  expect(mine).toMatchObject({ valid: true, trusted: true, codes: [] });
  expect(mine.revocation.status).toBe('good');
  const newSerial = signerSerial(after, PERSON);
  expect(newSerial).not.toBe(oldSerial);
  const revoked = (await crl()).revoked;
  expect(revoked.has(oldSerial)).toBe(true);
  expect(revoked.has(newSerial)).toBe(false);

  // the PK signed before the revocation still verifies, its certificate now reported revoked
  const old = await report(signedDoc.id);
  expect(old).toMatchObject({ verdict: 'valid' });
  expect(old.signatures.find((s: any) => s.nip === PERSON).revocation).toMatchObject({ status: 'revoked', reason: 'affiliationChanged' });
});

test('the change of an official who held a certificate is stored on one database connection (a pool of one cannot deadlock it)', async () => {
  // It held its transaction's connection while it read the credential on the pool: with every
  // connection of a pool so held (changes at once, or others queued behind its lock), none was free.
  const positionId = 'kepala-bappeda';
  const nip = nipOf(org, positionId);
  const signing = await createSigningDeps(stack.db, stack.config);
  const ca = await signing.ca({ id: ORG, name: org.organisation.name });
  const credential = await issueOfficialCertificate({ store: signing.store, ca, passphrase: `frasa-${nip}`, official: { signerId: nip, name: 'Kepala Bappeda', nip, organisation: org.organisation.name } });
  const one = new Pool({ connectionString: stack.config.DATABASE_URL, max: 1, connectionTimeoutMillis: 3_000 });
  try {
    const successor = ownNip(ORG, '198001012005011998');
    const stored = await storeOfficialChange(one, {
      cycleId, positionId, changeId: 'one-connection', adminId: 'admin-test',
      official: { id: successor, nip: successor, name: 'Pengganti Bappeda', email: 'pengganti.bappeda@example.go.id' },
    }, new Date());
    expect(stored).toMatchObject({ kind: 'stored', revokedCertificate: { serialNumber: serialOf(credential.certificatePem), reason: 'affiliationChanged' } });
  } finally {
    await one.end();
  }
});
