// The names a verification report shows for a certificate: its subject's and issuer's common names
// as the certificate holds them (commas, accents, emoji, escapes-looking characters read as typed),
// and the whole name on one line when it has no common name.
import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { certificateNames } from '../../signing/verify';
import { certificateParty } from '../../signing/certificate-names';
import { makePki, sampleInput } from '../support/pki';

async function officialCertificate(name: string, organisation = 'Pemerintah Kabupaten Bengkayang'): Promise<X509Certificate> {
  const input = sampleInput();
  input.firstParty = { ...input.firstParty, name };
  input.organisation = organisation;
  const pki = await makePki(input);
  return new X509Certificate((await pki.store.getCredential(pki.first.nip))!.certificatePem);
}

test('escaped commas, characters outside ASCII and others that RFC 4514 escapes read as typed', async () => {
  const certificate = await officialCertificate('Eko Simanjuntak, S.Sos., M.AP.');
  // Node prints the subject with RFC 4514 escapes; the report's name has none
  expect(certificate.subject).toContain('CN=Eko Simanjuntak\\, S.Sos.\\, M.AP.');
  expect(certificateNames(certificate)).toEqual({ subjectName: 'Eko Simanjuntak, S.Sos., M.AP.', issuerName: 'Otoritas Sertifikat Pemerintah Kabupaten Bengkayang' });
  for (const name of ['André + Tim', 'Ni Ketut Ayu 🌺', 'ends with a backslash \\']) {
    expect(certificateNames(await officialCertificate(name)).subjectName).toBe(name);
  }
});

test('a name without CN is shown whole, on one line', () => {
  const keys = forge.pki.rsa.generateKeyPair(1024);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date();
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  const name = [{ name: 'countryName', value: 'ID' }, { name: 'organizationName', value: 'Otoritas' }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  const certificate = new X509Certificate(forge.pki.certificateToPem(cert));
  // the organisation names it when there is no CN (as the PDF's signature block does)
  expect(certificateNames(certificate)).toEqual({ subjectName: 'Otoritas', issuerName: 'Otoritas' });
  const bare = [{ name: 'countryName', value: 'ID' }];
  cert.setSubject(bare);
  cert.setIssuer(bare);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  expect(certificateNames(new X509Certificate(forge.pki.certificateToPem(cert)))).toEqual({ subjectName: 'C=ID', issuerName: 'C=ID' });
});

test("an official's certificate, with a comma and an accent in the name, is named as the official is", async () => {
  const certificate = await officialCertificate('dr. Andréas Sitompul, M.Kes.', 'Pemerintah Kabupaten Pidie Jaya — Aceh');
  // the name is written once as UTF-8 (it was encoded twice: "AndrÃ©as"), for every reader of it
  expect(certificateNames(certificate).subjectName).toBe('dr. Andréas Sitompul, M.Kes.');
  expect(certificate.subject).toContain('O=Pemerintah Kabupaten Pidie Jaya — Aceh');
  // the PDF's signature block and the verification report read it from the certificate
  expect(certificateParty(certificate.raw)).toMatchObject({ name: 'dr. Andréas Sitompul, M.Kes.', subject: { O: 'Pemerintah Kabupaten Pidie Jaya — Aceh' } });
});
