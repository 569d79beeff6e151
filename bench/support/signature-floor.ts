// The signatures' own work, outside any workflow, database or Temporal: what the year's signatures
// cost wherever they ran. Each enrolment makes an RSA key and a certificate and seals the key under
// scrypt, and its official's first signature signs with that key still open (as the local signer
// does); every other signature opens a sealed key (scrypt), signs (the first party's on a freshly
// rendered PDF), adds its RFC 3161 timestamp, after the second the B-LTA data and document
// timestamp, and verifies the result, as the signing activity does. The year's benchmark adds it to
// its bare Updates: the least any engine could take for the year on this machine.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { SAMPLE_ORGANISATION_PATH } from '../../data/sample';
import { agreementInputFromImport, renderAgreementPdf, SIGNATURE_FIELD_NAMES } from '../../documents';
import type { OrganisationImport } from '../../domain/types';
import {
  buildCrl, createLocalCa, enrolOfficial, extendToLta, loadTsaCredential, LocalTimeStampAuthority, MemorySigningStore, signPdf,
  TEST_SCRYPT, timestampLastSignature, verifyDocument, type IssuedCredential,
} from '../../signing';
import { openPrivateKey, type ScryptParams } from '../../signing/key-encryption';
import { mapConcurrently } from './results';

export interface SignatureWork {
  /** Signatures made (first and second parties together). */
  signatures: number;
  /** Officials enrolled (a key, a certificate, the key sealed) at as many of those signatures. */
  enrolments: number;
  /** The scrypt cost the officials' keys are sealed under. */
  scrypt: ScryptParams;
  concurrency: number;
}

/** Seconds the given enrolments and signatures take at the given concurrency, after a warm-up. */
export async function signatureFloorSeconds(work: SignatureWork): Promise<number> {
  const data = JSON.parse(readFileSync(SAMPLE_ORGANISATION_PATH, 'utf8')) as OrganisationImport;
  const input = agreementInputFromImport(data, 'kepala-dikbud', '2025-01-20');
  const store = new MemorySigningStore();
  const ca = await createLocalCa({ store, organisation: data.organisation, secret: 'bench', scrypt: TEST_SCRYPT });
  const tsa = new LocalTimeStampAuthority(await loadTsaCredential({ store, ca, secret: 'bench', scrypt: TEST_SCRYPT }));
  const roots = [ca.certificatePem];
  const official = (i: number) => ({ signerId: `floor-${i}`, name: `Pejabat ${i}`, nip: null });
  const enrolled = await enrolOfficial({ store, ca, passphrase: 'floor-passphrase', official: official(-1), scrypt: work.scrypt });
  const sealed = enrolled.credential.sealedKey;
  const chainOf = (issued: IssuedCredential) => [issued.credential.certificatePem, ...issued.credential.chainPem].map((pem) => new X509Certificate(pem).raw);
  const certificates = chainOf(enrolled);

  /** A signature with the key just enrolled (open), or with the sealed one opened under scrypt. */
  const sign = async (pdf: Uint8Array, party: 'first' | 'second', enrolment?: IssuedCredential) => {
    const privateKey = enrolment?.privateKey ?? await openPrivateKey(sealed, 'floor-passphrase');
    const bare = await signPdf({
      pdf, fieldName: SIGNATURE_FIELD_NAMES[party], privateKey: privateKey!, certificates: enrolment ? chainOf(enrolment) : certificates, signedAt: new Date(),
      reason: 'Menandatangani Perjanjian Kinerja', location: 'Bengkayang', appearance: { verificationUrl: 'https://kinerja.example/verifikasi/floor' },
    });
    const stamped = await timestampLastSignature(bare, tsa);
    const signed = party === 'second' ? await extendToLta(stamped, { crls: [buildCrl({ ca, revoked: [] })], tsa }) : stamped;
    if (!verifyDocument(signed, { trustedRoots: roots, minSignatures: party === 'first' ? 1 : 2 }).ok) throw new Error('floor signature does not verify');
    return signed;
  };
  const firstSigned = await sign(await renderAgreementPdf(input), 'first');
  for (let i = 0; i < 5; i++) await sign(await renderAgreementPdf(input), 'first'); // fonts, JIT, caches

  const t0 = performance.now();
  await mapConcurrently(Array.from({ length: work.signatures }, (_, i) => i), work.concurrency, async (i) => {
    // the first `enrolments` signatures each enrol their official and sign with the new key
    const enrolment = i < work.enrolments
      ? await enrolOfficial({ store, ca, passphrase: 'floor-passphrase', official: official(i), scrypt: work.scrypt })
      : undefined;
    if (i % 2 === 0) await sign(await renderAgreementPdf(input), 'first', enrolment);
    else await sign(firstSigned, 'second', enrolment);
  });
  return (performance.now() - t0) / 1000;
}
