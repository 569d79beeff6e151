// The name a verification report shows for a certificate: its CN as people read it, from the
// distinguished name as Node prints it (RFC 4514 escapes, one attribute per line).
import { X509Certificate } from 'node:crypto';
import { commonNameOf } from '../../signing/verify';
import { certificateParty } from '../../signing/certificate-names';
import { makePki, sampleInput } from '../support/pki';

test('escaped commas, escaped UTF-8 bytes and other escaped characters read as typed', () => {
  expect(commonNameOf('C=ID\nO=Pemerintah Kabupaten Bengkayang\nCN=Eko Simanjuntak\\, S.Sos.\\, M.AP.')).toBe('Eko Simanjuntak, S.Sos., M.AP.');
  expect(commonNameOf('CN=Andr\\C3\\A9 \\+ Tim\nO=X')).toBe('André + Tim');
  expect(commonNameOf('CN=Ni Ketut Ayu 🌺')).toBe('Ni Ketut Ayu 🌺');
  expect(commonNameOf('CN=ends with a backslash \\')).toBe('ends with a backslash \\');
});

test('a name without CN is shown whole, on one line', () => {
  expect(commonNameOf('C=ID\nO=Otoritas')).toBe('C=ID, O=Otoritas');
});

test("an official's certificate, with a comma and an accent in the name, is named as the official is", async () => {
  const input = sampleInput();
  input.firstParty = { ...input.firstParty, name: 'dr. Andréas Sitompul, M.Kes.' };
  input.organisation = 'Pemerintah Kabupaten Pidie Jaya — Aceh';
  const pki = await makePki(input);
  const credential = await pki.store.getCredential(pki.first.nip);
  const certificate = new X509Certificate(credential!.certificatePem);
  // the name is written once as UTF-8 (it was encoded twice: "AndrÃ©as"), for every reader of it
  expect(commonNameOf(certificate.subject)).toBe('dr. Andréas Sitompul, M.Kes.');
  expect(certificate.subject).toContain('O=Pemerintah Kabupaten Pidie Jaya — Aceh');
  // the PDF's signature block and the verification report read it from the certificate
  expect(certificateParty(certificate.raw)).toMatchObject({ name: 'dr. Andréas Sitompul, M.Kes.', subject: { O: 'Pemerintah Kabupaten Pidie Jaya — Aceh' } });
});
