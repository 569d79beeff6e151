// The organisation's local certificate authority and the certificates it issues to officials.
// Certificates are built with node-forge; every RSA operation (key generation, signing the
// certificate) runs in Node's native crypto, key generation in a low-priority thread.
import { privateEncrypt, randomBytes, X509Certificate, constants, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { SigningError } from './errors';
import { DEFAULT_SCRYPT, openPrivateKey, sealPrivateKey, type ScryptParams } from './key-encryption';
import { rsaKeyPair } from './slow-crypto';
import type { KeyPair, KeyPairPool } from './key-pair-pool';
import type { SigningStore, StoredCa, StoredCredential } from './store';
import { parseCertificate } from './x509-cache';

export interface LocalCa {
  id: string;
  certificatePem: string;
  certificateDer: Buffer;
  privateKey: KeyObject;
}

type Attribute = { name?: string; type?: string; value: string; valueTagClass?: number };

/**
 * Names as typed: forge encodes a UTF8String's value to UTF-8 itself when it writes the name
 * (x509.js _dnToAsn1), so a value encoded here first would be encoded twice ("AndrÃ©as").
 */
function nameAttributes(fields: { commonName: string; serialNumber?: string | null; organisation?: string; unit?: string }): Attribute[] {
  const attrs: Attribute[] = [{ name: 'countryName', value: 'ID' }];
  if (fields.organisation) attrs.push({ name: 'organizationName', value: fields.organisation, valueTagClass: forge.asn1.Type.UTF8 });
  if (fields.unit) attrs.push({ name: 'organizationalUnitName', value: fields.unit, valueTagClass: forge.asn1.Type.UTF8 });
  attrs.push({ name: 'commonName', value: fields.commonName, valueTagClass: forge.asn1.Type.UTF8 });
  if (fields.serialNumber) attrs.push({ type: '2.5.4.5', value: fields.serialNumber, valueTagClass: forge.asn1.Type.PRINTABLESTRING });
  return attrs;
}

/** A forge-compatible signer whose RSA step is Node's: PKCS#1 v1.5 over the DigestInfo. */
function nativeSha256Signer(key: KeyObject): { sign(md: forge.md.MessageDigest): string } {
  return {
    sign(md) {
      const digestInfo = forge.asn1.toDer(forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.SEQUENCE, true, [
        forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.SEQUENCE, true, [
          forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.OID, false, forge.asn1.oidToDer(forge.pki.oids.sha256).getBytes()),
          forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.NULL, false, ''),
        ]),
        forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.OCTETSTRING, false, md.digest().getBytes()),
      ])).getBytes();
      return privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, Buffer.from(digestInfo, 'binary')).toString('binary');
    },
  };
}

/** RSA-2048 in a low-priority thread (slow-crypto.ts): its ~100 ms or more must not stall anyone else's work. */
export function newKeyPair(): Promise<KeyPair> {
  return rsaKeyPair(2048);
}

function positiveSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] &= 0x7f;
  bytes[0] |= 0x10;
  return bytes.toString('hex');
}

interface CertificateSpec {
  subject: Attribute[];
  issuer: Attribute[];
  publicKeyPem: string;
  signingKey: KeyObject;
  notBefore: Date;
  years: number;
  extensions: object[];
}

function makeCertificate(spec: CertificateSpec): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(spec.publicKeyPem);
  cert.serialNumber = positiveSerial();
  cert.validity.notBefore = spec.notBefore;
  const notAfter = new Date(spec.notBefore);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + spec.years);
  cert.validity.notAfter = notAfter;
  cert.setSubject(spec.subject as forge.pki.CertificateField[]);
  cert.setIssuer(spec.issuer as forge.pki.CertificateField[]);
  cert.setExtensions(spec.extensions);
  cert.sign(nativeSha256Signer(spec.signingKey) as unknown as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

export interface CreateLocalCaOptions {
  store: SigningStore;
  /** The organisation: its id keys the CA; its name goes into the CA's subject. */
  organisation: { id: string; name: string };
  /** Server secret that seals the CA's private key. */
  secret: string;
  /** Overrides the CA's common name (the issuer printed in signature notes). */
  commonName?: string;
  now?: Date;
  scrypt?: ScryptParams;
}

/** Loads the organisation's CA, creating it on first use. */
export async function createLocalCa(options: CreateLocalCaOptions): Promise<LocalCa> {
  const existing = await options.store.getCa(options.organisation.id);
  const stored = existing ?? (await options.store.putCaIfAbsent(await newCa(options)));
  const privateKey = await openPrivateKey(stored.sealedKey, options.secret);
  if (!privateKey) throw new SigningError('CaNotInitialised', 'The CA key cannot be opened with the configured server secret');
  const certificateDer = new X509Certificate(stored.certificatePem).raw;
  return { id: stored.id, certificatePem: stored.certificatePem, certificateDer, privateKey };
}

async function newCa(options: CreateLocalCaOptions): Promise<StoredCa> {
  const { privateKey, publicKeyPem } = await newKeyPair();
  const name = nameAttributes({
    commonName: options.commonName ?? `Otoritas Sertifikat ${options.organisation.name}`,
    organisation: options.organisation.name,
  });
  const notBefore = new Date((options.now ?? new Date()).getTime() - 60_000);
  const certificatePem = makeCertificate({
    subject: name, issuer: name, publicKeyPem, signingKey: privateKey, notBefore, years: 20,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ],
  });
  return {
    id: options.organisation.id,
    certificatePem,
    sealedKey: await sealPrivateKey(privateKey, options.secret, options.scrypt ?? DEFAULT_SCRYPT),
    createdAt: options.now ?? new Date(),
  };
}

/** Where relying parties find the CA's CRL and certificate: CRLDistributionPoints and AIA. */
export interface CertificateDistribution {
  crlUrl: string;
  caIssuersUrl: string;
}

/** The public endpoints of a CA of this installation (api/routes/ca.ts serves them). */
export function distributionFor(publicUrl: string, caId: string): CertificateDistribution {
  const base = `${publicUrl.replace(/\/$/, '')}/api/ca/${encodeURIComponent(caId)}`;
  return { crlUrl: `${base}/crl`, caIssuersUrl: `${base}/certificate` };
}

const OID_AUTHORITY_INFO_ACCESS = '1.3.6.1.5.5.7.1.1';
const OID_CA_ISSUERS = '1.3.6.1.5.5.7.48.2';

function distributionExtensions(distribution: CertificateDistribution | undefined): object[] {
  if (!distribution) return [];
  const { asn1 } = forge;
  const aia = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(OID_CA_ISSUERS).getBytes()),
      asn1.create(asn1.Class.CONTEXT_SPECIFIC, 6, false, distribution.caIssuersUrl),
    ]),
  ]);
  return [
    { name: 'cRLDistributionPoints', altNames: [{ type: 6, value: distribution.crlUrl }] },
    { id: OID_AUTHORITY_INFO_ACCESS, critical: false, value: aia },
  ];
}

export interface IssueCertificateOptions {
  store: SigningStore;
  ca: LocalCa;
  official: {
    /** Store key; defaults to the NIP. Required for an official without NIP. */
    signerId?: string;
    name: string;
    nip: string | null;
    organisation?: string;
    unit?: string;
  };
  /** Seals the new private key; never stored or logged. */
  passphrase: string;
  now?: Date;
  years?: number;
  scrypt?: ScryptParams;
  /** CRL and CA certificate URLs to write into the certificate (PAdES-LT validators follow them). */
  distribution?: CertificateDistribution;
  /** Where the new key comes from: keys made ahead (key-pair-pool.ts), or by default one made now. */
  keys?: KeyPairPool;
}

/** A credential just issued and stored, and its private key still open (an official's first signature signs with it). */
export interface IssuedCredential {
  credential: StoredCredential;
  privateKey: KeyObject;
}

/** Issues (or re-issues) an official's signing certificate and stores the sealed key. */
export async function issueOfficialCertificate(options: IssueCertificateOptions): Promise<StoredCredential> {
  return (await enrolOfficial(options)).credential;
}

/**
 * The same, keeping the new key open: an enrolment signs with it at once instead of deriving the
 * passphrase's key again to open the seal just made (another scrypt, ~0.1 s of a core).
 */
export async function enrolOfficial(options: IssueCertificateOptions): Promise<IssuedCredential> {
  const signerId = options.official.signerId ?? options.official.nip;
  if (!signerId) throw new SigningError('UnknownSigner', 'An official without NIP needs an explicit signerId');
  return issueEndEntity({
    ...options,
    signerId,
    subject: nameAttributes({
      commonName: options.official.name,
      serialNumber: options.official.nip,
      organisation: options.official.organisation,
      unit: options.official.unit,
    }),
    years: options.years ?? 2,
    sealWith: options.passphrase,
  });
}

interface EndEntitySpec {
  store: SigningStore;
  ca: LocalCa;
  signerId: string;
  subject: Attribute[];
  years: number;
  /** What seals the new private key: the official's passphrase, or the server secret for the TSA. */
  sealWith: string;
  /** Extensions beyond those every signing certificate of this CA carries (e.g. the TSA's EKU). */
  extraExtensions?: object[];
  distribution?: CertificateDistribution;
  now?: Date;
  scrypt?: ScryptParams;
  keys?: KeyPairPool;
}

/** A new key and a signing (non-CA) certificate from the organisation's CA, stored sealed. */
async function issueEndEntity(spec: EndEntitySpec): Promise<IssuedCredential> {
  const { privateKey, publicKeyPem } = await (spec.keys ? spec.keys.take() : newKeyPair());
  const caCert = forge.pki.certificateFromPem(spec.ca.certificatePem);
  const certificatePem = makeCertificate({
    subject: spec.subject,
    issuer: caCert.subject.attributes as unknown as Attribute[],
    publicKeyPem,
    signingKey: spec.ca.privateKey,
    notBefore: new Date((spec.now ?? new Date()).getTime() - 60_000),
    years: spec.years,
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
      ...(spec.extraExtensions ?? []),
      { name: 'subjectKeyIdentifier' },
      { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
      ...distributionExtensions(spec.distribution),
    ],
  });
  const credential: StoredCredential = {
    signerId: spec.signerId,
    caId: spec.ca.id,
    certificatePem,
    chainPem: [spec.ca.certificatePem],
    sealedKey: await sealPrivateKey(privateKey, spec.sealWith, spec.scrypt ?? DEFAULT_SCRYPT),
    createdAt: spec.now ?? new Date(),
  };
  await spec.store.putCredential(credential);
  return { credential, privateKey };
}

/** The DER of a PEM certificate (a copy: the parsed certificate is shared, signing/x509-cache.ts). */
export function pemToDer(pem: string): Buffer {
  return Buffer.from(parseCertificate(pem).raw);
}

/** The store key of an organisation's time-stamping authority credential. */
export const tsaSignerId = (caId: string) => `tsa:${caId}`;

export interface IssueTsaCertificateOptions {
  store: SigningStore;
  ca: LocalCa;
  /** Seals the TSA's key (the server secret: the TSA stamps without a person present). */
  secret: string;
  now?: Date;
  scrypt?: ScryptParams;
  distribution?: CertificateDistribution;
}

/**
 * The organisation's time-stamping authority: a key and a certificate from its CA whose only
 * extended key usage is id-kp-timeStamping, critical (RFC 3161 §2.3). Issued on first use.
 */
export async function issueTsaCertificate(options: IssueTsaCertificateOptions): Promise<StoredCredential> {
  const field = forge.pki.certificateFromPem(options.ca.certificatePem).subject.getField('O')?.value as string | undefined;
  const organisation = field ? forge.util.decodeUtf8(field) : undefined;
  const { credential } = await issueEndEntity({
    ...options,
    signerId: tsaSignerId(options.ca.id),
    subject: nameAttributes({ commonName: `Otoritas Penanda Waktu ${organisation ?? options.ca.id}`, organisation }),
    years: 10,
    sealWith: options.secret,
    extraExtensions: [{ name: 'extKeyUsage', timeStamping: true, critical: true }],
  });
  return credential;
}

/** The organisation's local TSA key and certificate chain, issued on first use. */
export async function loadTsaCredential(options: IssueTsaCertificateOptions): Promise<{ privateKey: KeyObject; certificates: Buffer[] }> {
  const stored = (await options.store.getCredential(tsaSignerId(options.ca.id))) ?? (await issueTsaCertificate(options));
  const privateKey = await openPrivateKey(stored.sealedKey, options.secret);
  if (!privateKey) throw new SigningError('CaNotInitialised', 'The TSA key cannot be opened with the configured server secret');
  return { privateKey, certificates: [stored.certificatePem, ...stored.chainPem].map(pemToDer) };
}
