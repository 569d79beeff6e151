// The certificates a CMS SignedData carries, for tests that look inside a signature.
import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { fromDer, toDer } from '../../signing/cms';

export function certificatesOf(cms: Buffer): X509Certificate[] {
  const signedData = ((fromDer(cms).value as forge.asn1.Asn1[])[1].value as forge.asn1.Asn1[])[0].value as forge.asn1.Asn1[];
  const certs = signedData.find((n) => n.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && n.type === 0);
  return ((certs?.value as forge.asn1.Asn1[]) ?? []).map((c) => new X509Certificate(toDer(c)));
}
