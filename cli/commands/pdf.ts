// `kinerja pdf verify` and `kinerja pdf sample`: check a signed PK, or make one from the sample data.
import { SAMPLE_ORGANISATION_PATH } from '../../data/sample';
import { readFileSync, writeFileSync } from 'node:fs';
import { documentIdOf, renderAgreementPdf } from '../../documents';
import { agreementInputFromImport } from '../../documents/sample-input';
import type { OrganisationImport } from '../../domain/types';
import {
  buildCrl, createLocalCa, createLocalSigner, extendToLta, issueOfficialCertificate, loadTsaCredential, LocalTimeStampAuthority, MemorySigningStore,
  TEST_SCRYPT, timestampLastSignature, verifyDocument,
} from '../../signing';
import { parseOptions, UsageError, type Command } from '../command';

const DEFAULT_SAMPLE = SAMPLE_ORGANISATION_PATH;

export const pdfVerifyCommand: Command = {
  path: ['pdf', 'verify'],
  summary: 'Verify the signatures of a PK PDF (JSON report)',
  usage: 'kinerja pdf verify FILE [--ca CA.pem[,MORE.pem]]',
  async run(args) {
    const { options, positional } = parseOptions(args);
    if (positional.length !== 1) throw new UsageError('One FILE is required');
    const roots = typeof options.ca === 'string' ? options.ca.split(',').map((file) => readFileSync(file)) : [];
    const report = verifyDocument(readFileSync(positional[0]), { trustedRoots: roots });
    console.log(JSON.stringify(report, null, 2));
    return report.ok ? 0 : 1;
  },
};

export const pdfSampleCommand: Command = {
  path: ['pdf', 'sample'],
  summary: 'Render and sign a sample PK (writes FILE and FILE.ca.pem)',
  usage: 'kinerja pdf sample --out FILE [--position ID] [--data ORGANISATION.json]',
  async run(args) {
    const { options } = parseOptions(args);
    if (typeof options.out !== 'string') throw new UsageError('--out FILE is required');
    const data = JSON.parse(readFileSync(typeof options.data === 'string' ? options.data : DEFAULT_SAMPLE, 'utf8')) as OrganisationImport;
    const positionId = typeof options.position === 'string'
      ? options.position
      : data.positions.find((p) => p.title.startsWith('Kepala Dinas') && data.drafts?.[p.id])?.id;
    if (!positionId) throw new UsageError('No Kepala Dinas in the data: choose one with --position');
    const input = agreementInputFromImport(data, positionId, `${data.year}-01-20`);

    // An in-memory CA and throwaway passphrases: this command demonstrates, it keeps nothing.
    const store = new MemorySigningStore();
    const ca = await createLocalCa({ store, organisation: data.organisation, secret: 'sample', scrypt: TEST_SCRYPT });
    const signer = createLocalSigner({ store });
    const tsa = new LocalTimeStampAuthority(await loadTsaCredential({ store, ca, secret: 'sample', scrypt: TEST_SCRYPT }));
    const parties: Array<{ party: 'first' | 'second'; person: { name: string; nip: string | null } }> = [{ party: 'first', person: input.firstParty }];
    if (input.secondParty) parties.push({ party: 'second', person: input.secondParty });
    let pdf = await renderAgreementPdf(input);
    const verificationUrl = `https://kinerja.example/verifikasi/${documentIdOf(input)}`;
    let signedAt = Date.now();
    for (const { party, person } of parties) {
      const signerId = person.nip ?? `${data.organisation.id}:kepala-daerah`;
      await issueOfficialCertificate({ store, ca, scrypt: TEST_SCRYPT, passphrase: 'sample', official: { signerId, name: person.name, nip: person.nip, organisation: data.organisation.name } });
      pdf = await signer.sign({ pdf, nip: signerId, passphrase: 'sample', party, reason: `Perjanjian Kinerja Tahun ${input.year}`, location: input.place, verificationUrl, signedAt: new Date(signedAt) });
      pdf = await timestampLastSignature(pdf, tsa);
      signedAt += 1000;
    }
    // as the signing activity does after the last signature: DSS with the CA's CRL, then a document timestamp
    pdf = await extendToLta(pdf, { crls: [buildCrl({ ca, revoked: [], now: new Date(Math.ceil(Date.now() / 1000) * 1000) })], tsa });
    writeFileSync(options.out, pdf);
    writeFileSync(`${options.out}.ca.pem`, ca.certificatePem);
    console.log(`${options.out}: PK of ${positionId}, ${parties.length} signature(s), PAdES-B-LTA; CA certificate in ${options.out}.ca.pem`);
    return 0;
  },
};

export const pdfCommands: Command[] = [pdfVerifyCommand, pdfSampleCommand];
