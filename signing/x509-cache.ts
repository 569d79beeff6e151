// Parsed certificates, kept by their exact encoding. Parsing an X509Certificate is the largest
// single cost of verifying a signed PK (about 40% of verifyDocument's CPU, profiled: a B-LTA
// document carries ~14 certificates, the same four or so in every document of an organisation),
// and signing parses the official's and the CA's again. An X509Certificate is immutable, so one
// object per encoding can serve every caller; the map is bounded, oldest out first.
import { X509Certificate } from 'node:crypto';

const MAX_ENTRIES = 512;
const parsed = new Map<string, X509Certificate>();

/** `new X509Certificate(input)`, parsed once per encoding (it throws as the constructor does). */
export function parseCertificate(input: string | Buffer): X509Certificate {
  const key = typeof input === 'string' ? `p${input}` : `d${input.toString('latin1')}`;
  let cert = parsed.get(key);
  if (cert) {
    parsed.delete(key); // most recently used last
  } else {
    cert = new X509Certificate(input);
    if (parsed.size >= MAX_ENTRIES) parsed.delete(parsed.keys().next().value!);
  }
  parsed.set(key, cert);
  return cert;
}
