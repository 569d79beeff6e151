// Reads names out of X.509 certificates: the signer's name (CN) and NIP (serialNumber), and the
// issuer's display name printed in the signature note.
import forge from 'node-forge';
import { certificateInfo } from './cms';

const OID_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.5': 'serialNumber',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

export type DistinguishedName = Record<string, string>;

/** Attribute values of an X.501 Name by short name (last one wins for repeated types). */
export function readName(name: forge.asn1.Asn1): DistinguishedName {
  const out: DistinguishedName = {};
  for (const rdn of name.value as forge.asn1.Asn1[]) {
    for (const pair of rdn.value as forge.asn1.Asn1[]) {
      const [type, value] = pair.value as forge.asn1.Asn1[];
      const key = OID_NAMES[forge.asn1.derToOid(type.value as string)] ?? forge.asn1.derToOid(type.value as string);
      const raw = value.value as string;
      out[key] = value.type === forge.asn1.Type.UTF8
        ? Buffer.from(raw, 'binary').toString('utf8')
        : value.type === forge.asn1.Type.BMPSTRING
          ? Buffer.from(raw, 'binary').swap16().toString('utf16le')
          : raw;
    }
  }
  return out;
}

export interface CertificateParty {
  name: string;
  nip: string | null;
  issuer: string;
  subject: DistinguishedName;
  issuerName: DistinguishedName;
}

/** Who a certificate names: CN as the name, serialNumber as the NIP, issuer CN (or O). */
export function certificateParty(der: Buffer): CertificateParty {
  const info = certificateInfo(der);
  const subject = readName(info.subject);
  const issuerName = readName(info.issuer);
  return {
    name: subject.CN ?? subject.O ?? '',
    nip: subject.serialNumber ?? null,
    issuer: issuerName.CN ?? issuerName.O ?? '',
    subject,
    issuerName,
  };
}

/** The note printed on every visible e-signature. */
export function signatureNote(issuer: string): string {
  return `Dokumen ini telah ditandatangani secara elektronik menggunakan sertifikat elektronik yang diterbitkan oleh ${issuer}`;
}
