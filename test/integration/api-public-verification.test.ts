// Public verification through HTTP, without a token: a PK signed by the stack is valid (B-LTA) and
// recognised as issued here (its PK and version); a flipped byte, an appended unsigned update, a
// PK signed under an unknown CA, one signed with a revoked certificate and one with a certificate
// that had expired each get their own verdict; `kinerja ca export` writes the CA certificate the
// API publishes, the one the signed PK chains to; the QR code's document report needs no login and carries none of the PK's content; the
// link printed on a PK carries its verification token, and the id alone (predictable) answers the
// unknown id's 404 unless the PK was signed before tokens; bad uploads are clear 4xx problems; the
// CA's CRL records an official's replacement.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Stack } from '../support/stack';
import { X509Certificate } from 'node:crypto';
import { connect } from 'node:net';
import { client, enc, nipOf, sampleOrganisation, settled, startStackWithCycle, tokens } from '../support/api-client';
import { createLocalSigner, issueOfficialCertificate, MemorySigningStore, PgRevocationStore, readCrl, serialOf, TEST_SCRYPT } from '../../signing';
import { createSigningDeps } from '../../activities/signing';
import { renderAgreementPdf } from '../../documents';
import { extractSignatures, sampleInput } from '../support/pki';
import { certificatesOf } from '../support/cms-certificates';
import { signThroughApi } from '../support/sign-through-api';
import { appendUnsignedUpdate, flipByte, signedByUnknownCa } from '../support/tampering';
import { printedQrCodes, qrCodeOf } from '../support/printed-qr';
import { verificationToken, verificationUrl } from '../../security/verification-link';
import { caExportCommand } from '../../cli/commands/ca';
import { pdfVerifyCommand } from '../../cli/commands/pdf';

const ORG = 'kab-verify';
const org = sampleOrganisation(ORG, new Date().getFullYear() - 1);
// NIPs of its own: the suite's stacks share one database, where an official keeps one certificate
// across organisations; this one must be enrolled here, and revoking it must not touch other tests.
org.positions.find((p: any) => p.id === 'kepala-dinkes').official.nip = '197505052000031701';
let stack: Stack;
let call: ReturnType<typeof client>;
let t: ReturnType<typeof tokens>;
let signed: Buffer;
let docId: string;
let firstDocId: string;
let agreementId: string;

jest.setTimeout(180_000);

/** The whole answer to a request written byte for byte (fetch always declares a body's length). */
const rawRequest = (request: string) => new Promise<string>((resolve, reject) => {
  const { hostname, port } = new URL(stack.baseUrl);
  const socket = connect(Number(port), hostname, () => socket.end(request));
  const chunks: Buffer[] = [];
  socket.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks).toString('utf8'))).on('error', reject);
});
const upload = async (bytes: Buffer, contentType = 'application/pdf') => {
  const res = await fetch(`${stack.baseUrl}/api/verify`, { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(bytes) });
  return { status: res.status, headers: res.headers, body: await res.json() };
};

beforeAll(async () => {
  ({ stack, call, t } = await startStackWithCycle(org));
  const result = await signThroughApi(call, t, org, 'kepala-dinkes', 'bupati');
  agreementId = result.agreementId;
  const second = result.documents.find((d) => d.party === 'second')!;
  docId = second.id;
  firstDocId = result.documents.find((d) => d.party === 'first')!.id;
  const pdf = await fetch(`${stack.baseUrl}${second.href}`, { headers: { authorization: `Bearer ${result.owner}` } });
  signed = Buffer.from(await pdf.arrayBuffer());
});
afterAll(async () => {
  await stack?.stop();
});

test('a PK signed by the stack is valid, names both signers with their chain, and is recognised as issued here', async () => {
  const res = await upload(signed);
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(res.body).toMatchObject({ verdict: 'valid', ok: true, size: signed.length });
  expect(res.body.issued).toMatchObject({ documentId: docId, agreementId, version: 1, party: 'second' });
  // what it is, for someone holding only the file: the post, the year, the organisation; and its
  // region's zone, in which the page shows the signing time (no zone in this calendar: WIB)
  expect(res.body.issued.agreementOf).toEqual({ title: org.positions.find((p: any) => p.id === 'kepala-dinkes').title, year: org.year, organisation: org.organisation.name, utcOffsetHours: 7 });
  expect(res.body.signatures).toHaveLength(2);
  const [first, second] = res.body.signatures;
  expect(first).toMatchObject({ valid: true, trusted: true, coversWholeFile: false, codes: [] });
  // the document timestamp after the DSS covers the whole file now (PAdES-LTA), not the last signature
  expect(second).toMatchObject({ valid: true, trusted: true, coversWholeFile: false, codes: [] });
  expect(first.nip).toBe(org.positions.find((p: any) => p.id === 'kepala-dinkes').official.nip);
  expect(first.signerName).toBeTruthy();
  expect([first.reason, second.reason]).toEqual([
    `Menandatangani Perjanjian Kinerja Tahun ${org.year} sebagai Pihak Pertama`,
    `Menandatangani Perjanjian Kinerja Tahun ${org.year} sebagai Pihak Kedua`,
  ]);
  expect(first.certificates).toHaveLength(2); // the official's certificate, then the organisation's CA
  expect(first.certificates[1].subject).toContain('Otoritas Sertifikat');
  expect(Date.parse(first.signingTime)).toBeLessThanOrEqual(Date.parse(second.signingTime));
  expect(res.body.level).toBe('B-LTA');
  expect(res.body.validationData.crls).toBeGreaterThanOrEqual(1);
  expect(res.body.documentTimestamps).toMatchObject([{ valid: true, coversWholeFile: true }]);
  expect(first.revocation).toEqual({ status: 'good', source: 'document' });
  expect(first.timestamp).toMatchObject({ valid: true });
  expect(first.timestamp.authority).toContain('Otoritas Penanda Waktu');
});

test('a flipped byte: document_modified, and not one this installation issued', async () => {
  const res = await upload(flipByte(signed));
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ verdict: 'document_modified', ok: false, issued: null });
  expect(res.body.signatures).toHaveLength(2);
  expect(res.body.signatures.every((s: any) => s.codes.includes('document_modified'))).toBe(true);
});

test('an unsigned incremental update appended after the last signature: unsigned_changes', async () => {
  const res = await upload(appendUnsignedUpdate(signed));
  expect(res.body).toMatchObject({ verdict: 'unsigned_changes', ok: false, issued: null });
  // the signatures themselves are intact; what they do not cover is the problem
  expect(res.body.signatures.map((s: any) => s.valid)).toEqual([true, true]);
  expect(res.body.signatures[1].coversWholeFile).toBe(false);
});

test('a PK signed under a CA this installation does not hold: untrusted_certificate', async () => {
  const res = await upload(await signedByUnknownCa());
  expect(res.body).toMatchObject({ verdict: 'untrusted_certificate', ok: false, issued: null });
  expect(res.body.signatures).toHaveLength(2);
  expect(res.body.signatures.every((s: any) => s.trusted === false && s.codes.includes('untrusted_certificate'))).toBe(true);
});

/** The link printed on the PK for `id` (its QR code), checked against the QR codes in `pdf`, and the API path it leads to. */
function printedLink(pdf: Buffer, id: string) {
  const url = verificationUrl(stack.config.publicUrl, stack.config.KINERJA_SECRET, id);
  expect(printedQrCodes(pdf)).toContainEqual(qrCodeOf(url));
  // what it printed before: the id alone
  expect(printedQrCodes(pdf)).not.toContainEqual(qrCodeOf(`${stack.config.publicUrl}/#/verify/${encodeURIComponent(id)}`));
  const [, route, query] = /^#\/verify\/([^/?]+)\?(.*)$/.exec(new URL(url).hash)!;
  expect(decodeURIComponent(route)).toBe(id);
  const token = new URLSearchParams(query).get('t')!;
  expect(Buffer.from(token, 'base64url')).toHaveLength(16); // 128 bits
  return { url, token, apiPath: `/api/verify/documents/${route}?t=${enc(token)}` };
}

test('the QR code\'s link (with its token) opens the document\'s report, needing no login and showing no PK content', async () => {
  // both signatures' QR codes are in the final PK: each with its own document's token
  const { apiPath } = printedLink(signed, docId);
  const { apiPath: firstPath } = printedLink(signed, firstDocId);
  const res = await call('GET', apiPath);
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ verdict: 'valid', issued: { documentId: docId, agreementId, version: 1 } });
  const text = JSON.stringify(res.body);
  for (const objective of org.drafts['kepala-dinkes'].objectives) {
    expect(text).not.toContain(objective.text);
    for (const indicator of objective.indicators) expect(text).not.toContain(indicator.name);
  }
  const first = await call('GET', firstPath);
  expect([first.status, first.body.issued?.documentId]).toEqual([200, firstDocId]);
  // the authenticated PDF stays authenticated
  expect((await call('GET', `/api/documents/${enc(docId)}`)).status).toBe(401);
});

test('a new PK\'s id without its token, with a wrong one or another document\'s: the unknown id\'s 404', async () => {
  const missing = await call('GET', `/api/verify/documents/${enc('pk:tidak:ada:v1:first')}`);
  expect([missing.status, missing.body.code]).toEqual([404, 'not_found']);
  const answer = (r: Awaited<ReturnType<typeof call>>) => [r.status, r.body.code, r.body.detail, r.body.verdict, r.body.signatures];
  const token = verificationToken(stack.config.KINERJA_SECRET, docId);
  const wrong = `${token[0] === 'A' ? 'B' : 'A'}${token.slice(1)}`;
  const firstToken = verificationToken(stack.config.KINERJA_SECRET, firstDocId);
  // (a few: they count against this client's public-verification budget, which the last test spends)
  for (const query of ['', `?t=${enc(wrong)}`, `?t=${enc(firstToken)}`, `?t=${enc(token)}x`]) {
    const res = await call('GET', `/api/verify/documents/${enc(docId)}${query}`);
    expect({ query, answer: answer(res) }).toEqual({ query, answer: answer(missing) });
  }
  // an unknown id with a token of its own shape is no different
  const unknownId = 'pk:tidak:ada:v1:first';
  const withToken = await call('GET', `/api/verify/documents/${enc(unknownId)}?t=${verificationToken(stack.config.KINERJA_SECRET, unknownId)}`);
  expect(answer(withToken)).toEqual(answer(missing));
});

test('a PK signed before links had a token (its printed link has the id alone) still answers by id', async () => {
  // what migration 019 marks every document stored before it
  await stack.db.query('UPDATE documents SET verify_by_id_alone = true WHERE id = $1', [firstDocId]);
  try {
    const res = await call('GET', `/api/verify/documents/${enc(firstDocId)}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ verdict: 'valid', issued: { documentId: firstDocId, agreementId, version: 1, party: 'first' } });
    // the second party's document, signed with tokens, does not
    expect((await call('GET', `/api/verify/documents/${enc(docId)}`)).status).toBe(404);
  } finally {
    await stack.db.query('UPDATE documents SET verify_by_id_alone = false WHERE id = $1', [firstDocId]);
  }
  expect((await call('GET', `/api/verify/documents/${enc(firstDocId)}`)).status).toBe(404);
});

test('migration 019 marks the documents already stored as answering by id, and none stored after it', async () => {
  // run on a temporary table that shadows documents for this connection only
  const sql = readFileSync(path.join(__dirname, '..', '..', 'db', 'migrations', '019_verification_token.sql'), 'utf8');
  const client = await stack.db.connect();
  try {
    await client.query('CREATE TEMP TABLE documents (id text PRIMARY KEY)');
    await client.query("INSERT INTO documents (id) VALUES ('sebelum')");
    await client.query(sql);
    await client.query("INSERT INTO documents (id) VALUES ('sesudah')");
    const { rows } = await client.query('SELECT id, verify_by_id_alone FROM documents ORDER BY id DESC');
    expect(rows).toEqual([{ id: 'sesudah', verify_by_id_alone: false }, { id: 'sebelum', verify_by_id_alone: true }]);
  } finally {
    await client.query('DROP TABLE IF EXISTS pg_temp.documents').catch(() => undefined);
    client.release();
  }
  // and the real table: the new PK's rows took false
  const { rows } = await stack.db.query('SELECT verify_by_id_alone FROM documents WHERE agreement_id = $1', [agreementId]);
  expect(rows.map((r) => r.verify_by_id_alone)).toEqual([false, false]);
});

test('bad uploads are clear 4xx problems and nothing is stored', async () => {
  const before = (await stack.db.query('SELECT count(*)::int AS n FROM documents')).rows[0].n;
  const json = await upload(Buffer.from('{}'), 'application/json');
  expect([json.status, json.body.code]).toEqual([415, 'unsupported_media_type']);
  const empty = await upload(Buffer.alloc(0));
  expect([empty.status, empty.body.code]).toEqual([400, 'empty_body']);
  // a POST with no body at all (no content-length, no chunks), as `curl -X POST` sends it
  const bare = await rawRequest(`POST /api/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/pdf\r\nConnection: close\r\n\r\n`);
  expect(bare).toMatch(/^HTTP\/1\.1 400 /);
  expect(JSON.parse(bare.slice(bare.indexOf('\r\n\r\n') + 4))).toMatchObject({ code: 'empty_body' });
  const huge = await upload(Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(11 * 1024 * 1024, 0x20)]));
  expect([huge.status, huge.body.code]).toEqual([413, 'body_too_large']);
  const notPdf = await upload(Buffer.from('bukan sebuah PDF'));
  expect([notPdf.status, notPdf.body.verdict]).toEqual([200, 'unreadable']);
  const after = (await stack.db.query('SELECT count(*)::int AS n FROM documents')).rows[0].n;
  expect(after).toBe(before);
});

test('the CA publishes its CRL and certificate where its certificates point; replacing an official revokes theirs, and what they signed stays valid', async () => {
  const cycleId = `cycle:${ORG}:${org.year}`;
  // the official's certificate in the signed PK names the CA certificate (AIA) of the CA that issued
  // it (an official keeps one certificate across organisations: not necessarily this one's)
  const [officialCert] = certificatesOf(extractSignatures(signed)[0].cms);
  const aia = /CA Issuers - URI:(\S+)/.exec(officialCert.infoAccess ?? '')?.[1];
  const caPath = new URL(aia!).pathname;
  const caId = decodeURIComponent(/^\/api\/ca\/([^/]+)\/certificate$/.exec(caPath)![1]);
  expect([new URL(aia!).origin, caId]).toEqual([stack.baseUrl, ORG]);
  const caRes = await fetch(`${stack.baseUrl}${caPath}`);
  expect([caRes.status, caRes.headers.get('content-type')]).toEqual([200, 'application/pkix-cert']);
  const caCert = new X509Certificate(Buffer.from(await caRes.arrayBuffer()));
  expect(officialCert.checkIssued(caCert)).toBe(true);
  const crlOf = async () => {
    const res = await fetch(`${stack.baseUrl}${caPath.replace(/certificate$/, 'crl')}`);
    expect([res.status, res.headers.get('content-type')]).toEqual([200, 'application/pkix-crl']);
    return readCrl(Buffer.from(await res.arrayBuffer()), caCert)!;
  };
  const serial = officialCert.serialNumber.replace(/^0+/, '').toUpperCase();
  expect((await crlOf()).revoked.has(serial)).toBe(false);

  // pergantian pejabat: the Kepala Dinas is replaced and holds no other position
  const replaced = await settled(call, t.admin, await call('PUT', `/api/positions/${enc(cycleId)}/kepala-dinkes/official`, {
    token: t.admin, body: { nip: '198001012005011999', name: 'Pejabat Pengganti, S.KM.', email: 'pengganti@example.go.id' },
  }));
  expect(replaced.status).toBe(200);
  expect(replaced.body.revokedCertificate).toMatchObject({ caId, serialNumber: serial, reason: 'affiliationChanged' });
  expect((await crlOf()).revoked.get(serial)).toMatchObject({ reason: 'affiliationChanged' });

  // the PK signed before the revocation still verifies, and says the certificate is now revoked
  const res = await upload(signed);
  expect(res.body).toMatchObject({ verdict: 'valid', ok: true });
  const first = res.body.signatures[0];
  expect(first.nip).toBe(nipOf(org, 'kepala-dinkes'));
  expect(first.revocation).toMatchObject({ status: 'revoked', source: 'issuer', reason: 'affiliationChanged' });
  expect(Date.parse(first.revocation.revokedAt)).toBeGreaterThan(Date.parse(first.timestamp.time));
  expect(res.body.signatures[1].revocation.status).toBe('good');
});

test('a PK signed with a certificate the CA had already revoked: certificate_revoked', async () => {
  // A certificate from this installation's CA, revoked, then used anyway (as a stolen key would be).
  const signing = await createSigningDeps(stack.db, stack.config);
  const ca = await signing.ca({ id: ORG, name: org.organisation.name });
  const store = new MemorySigningStore();
  const input = sampleInput();
  const credential = await issueOfficialCertificate({ store, ca, scrypt: TEST_SCRYPT, passphrase: 'curian', official: { signerId: 'stolen', name: input.firstParty.name, nip: input.firstParty.nip } });
  await new PgRevocationStore(stack.db).revoke({
    caId: ORG, serialNumber: serialOf(credential.certificatePem), signerId: 'stolen', reason: 'keyCompromise', note: 'kunci dicuri', revokedAt: new Date(Date.now() - 60_000),
  });
  const pdf = await createLocalSigner({ store }).sign({
    pdf: await renderAgreementPdf(input), nip: 'stolen', passphrase: 'curian', party: 'first',
    reason: 'Perjanjian Kinerja', location: 'Bengkayang', verificationUrl: 'https://example.invalid/verify', signedAt: new Date(),
  });
  const res = await upload(Buffer.from(pdf));
  expect(res.body).toMatchObject({ verdict: 'certificate_revoked', ok: false });
  expect(res.body.signatures[0]).toMatchObject({ valid: false, codes: ['certificate_revoked'], revocation: { status: 'revoked', source: 'issuer', reason: 'keyCompromise' } });
});

test('a PK signed with a certificate that had expired at the signing time: certificate_expired', async () => {
  // A certificate of this installation's CA, valid for a year from three years ago, used today.
  const signing = await createSigningDeps(stack.db, stack.config);
  const ca = await signing.ca({ id: ORG, name: org.organisation.name });
  const store = new MemorySigningStore();
  const input = sampleInput();
  const threeYearsAgo = new Date(Date.now() - 3 * 365 * 86_400_000);
  const credential = await issueOfficialCertificate({
    store, ca, scrypt: TEST_SCRYPT, passphrase: 'kedaluwarsa', now: threeYearsAgo, years: 1,
    official: { signerId: 'expired', name: input.firstParty.name, nip: input.firstParty.nip },
  });
  const validTo = new Date(new X509Certificate(credential.certificatePem).validTo);
  expect(validTo.getTime()).toBeLessThan(Date.now() - 365 * 86_400_000);
  const signedAt = new Date();
  const pdf = await createLocalSigner({ store }).sign({
    pdf: await renderAgreementPdf(input), nip: 'expired', passphrase: 'kedaluwarsa', party: 'first',
    reason: 'Perjanjian Kinerja', location: 'Bengkayang', verificationUrl: 'https://example.invalid/verify', signedAt,
  });
  const res = await upload(Buffer.from(pdf));
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ verdict: 'certificate_expired', ok: false, issued: null });
  expect(res.body.signatures).toHaveLength(1);
  // the chain reaches this installation's CA: only the certificate's validity is wrong
  expect(res.body.signatures[0]).toMatchObject({ valid: false, trusted: true, codes: ['certificate_expired'] });
  expect(res.body.signatures[0].problems.join('\n')).toContain('was not valid at the signing time');
  expect(Date.parse(res.body.signatures[0].signingTime)).toBeGreaterThan(validTo.getTime());
});

test('`kinerja ca export --org ID --out FILE` writes the CA certificate the API publishes, the one the signed PK chains to', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kinerja-ca-export-'));
  const file = path.join(dir, 'ca.pem');
  const said: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void said.push(a.join(' ')));
  try {
    // as `./bin/kinerja` runs it: the database from the environment
    expect(await caExportCommand().run(['--org', ORG, '--out', file])).toBe(0);
    expect(said).toEqual([`CA certificate of ${ORG} written to ${file}`]);
  } finally {
    log.mockRestore();
  }
  const pem = readFileSync(file, 'utf8');
  expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----\r?\n[\s\S]+-----END CERTIFICATE-----\r?\n?$/);
  const exported = new X509Certificate(pem);
  expect(exported.ca).toBe(true);
  expect(exported.subject).toContain(`O=${org.organisation.name}`);

  // the same certificate as the public route's
  const published = await fetch(`${stack.baseUrl}/api/ca/${enc(ORG)}/certificate`);
  expect(published.status).toBe(200);
  expect(exported.raw.equals(Buffer.from(await published.arrayBuffer()))).toBe(true);

  // the signed PK chains to it: both signatures, our verifier and `kinerja pdf verify --ca FILE`
  for (const { cms } of extractSignatures(signed).slice(0, 2)) {
    const [official] = certificatesOf(cms);
    expect(official.checkIssued(exported) && official.verify(exported.publicKey)).toBe(true);
  }
  const pdfFile = path.join(dir, 'pk.pdf');
  writeFileSync(pdfFile, signed);
  said.length = 0;
  const verifyLog = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void said.push(a.join(' ')));
  try {
    expect(await pdfVerifyCommand.run([pdfFile, '--ca', file])).toBe(0);
  } finally {
    verifyLog.mockRestore();
  }
  const report = JSON.parse(said[0]);
  expect(report).toMatchObject({ ok: true, verdict: 'valid', level: 'B-LTA' });
  const fingerprint = exported.fingerprint256.replace(/:/g, '').toLowerCase();
  expect(report.signatures.map((s: any) => [s.trusted, s.certificates[1].sha256])).toEqual([[true, fingerprint], [true, fingerprint]]);

  // an organisation without a CA is refused, and nothing is written
  await expect(caExportCommand().run(['--org', 'kab-tanpa-ca', '--out', path.join(dir, 'none.pem')])).rejects.toThrow('No CA for organisation kab-tanpa-ca');
});

// Last in this file: it spends this client's public-verification budget for the minute.
test('a client past its public-verification budget gets 429 with Retry-After, and nothing is verified for it', async () => {
  const answers = await Promise.all(Array.from({ length: 40 }, () => upload(signed)));
  const limited = answers.filter((a) => a.status === 429);
  expect(answers.filter((a) => a.status === 200).length).toBeLessThanOrEqual(stack.config.VERIFY_RATE_PER_MINUTE);
  expect(limited.length).toBeGreaterThan(0);
  expect(limited[0].body).toMatchObject({ code: 'rate_limited' });
  expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThan(0);
  expect(limited[0].body.signatures).toBeUndefined();
});
