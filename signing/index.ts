// Public API of signing: providers, certificates, PAdES signing and verification.
export type { Signer, SignRequest } from './signer';
export { LocalSigner, createLocalSigner, type LocalSignerOptions } from './local-signer';
export { RemoteSigner, createRemoteSigner, type RemoteSignerOptions } from './remote-signer';
export * from './bsre-api';
export { SigningError, type SigningErrorCode } from './errors';
export { LocalTimeStampAuthority, RemoteTimeStampAuthority, LOCAL_TSA_POLICY, readTstInfo, type TimeStampAuthority } from './timestamp-authority';
export { timestampLastSignature } from './signature-timestamp';
export { createLocalCa, issueOfficialCertificate, issueTsaCertificate, loadTsaCredential, tsaSignerId, pemToDer, type LocalCa, type CreateLocalCaOptions, type IssueCertificateOptions } from './certificates';
export { DEFAULT_SCRYPT, TEST_SCRYPT, type ScryptParams, type SealedKey } from './key-encryption';
export { DEFAULT_LOCKOUT, PassphraseLockout, type LockoutPolicy } from './lockout';
export type { SigningStore, StoredCa, StoredCredential, LockoutState } from './store';
export { MemorySigningStore } from './memory-store';
export { PgSigningStore } from './pg-store';
export { signPdf, signatureFields, SIGNATURE_CAPACITY, type PadesSignOptions, type VisibleSignature } from './pades';
export { verifyDocument, type VerificationReport, type SignatureReport, type VerifyOptions } from './verify';
export { signatureNote } from './certificate-names';
