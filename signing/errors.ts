/** Codes a caller can act on; the API maps each to one response. */
export type SigningErrorCode =
  | 'WrongPassphrase'
  | 'SigningLocked'
  | 'UnknownSigner'
  | 'NoSignatureField'
  | 'AlreadySigned'
  | 'RemoteSigningFailed'
  | 'SigningOutcomeUnknown'
  | 'CaNotInitialised'
  | 'TimestampFailed'
  | 'CertificateRevoked';

/** A typed signing failure. Messages never contain passphrases. */
export class SigningError extends Error {
  constructor(
    readonly code: SigningErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'SigningError';
  }
}
