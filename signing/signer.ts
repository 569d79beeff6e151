import type { Party } from '../documents/agreement-input';
import type { IssuedCredential } from './certificates';
import type { StoredCredential } from './store';

/** One signature on a PK: who signs, as which party, and what the visible signature shows. */
export interface SignRequest {
  pdf: Uint8Array;
  /** The official's NIP (or the signer id their credential was issued under). */
  nip: string;
  /** Unlocks the official's key; never stored, logged or echoed in errors. */
  passphrase: string;
  party: Party;
  reason: string;
  location: string;
  /** The QR code on the visible signature points here. */
  verificationUrl: string;
  signedAt: Date;
  /** Idempotency key for remote providers; derived from the request when omitted. */
  requestId?: string;
  /**
   * Local provider: the passphrase attempt's key (the seal's id). A retry of the same attempt (its
   * audit write failed, its worker died) is not counted against the lockout a second time.
   */
  attemptKey?: string;
  /**
   * Local provider: the signer's credential as the caller read it (and checked it against the
   * revocations), so that certificate is the one that signs and is not read again. Read from the
   * store when omitted; ignored unless it is the credential of `nip`.
   */
  credential?: StoredCredential;
  /**
   * Local provider, an official's first signature: the credential just issued under this passphrase
   * and its key, still open. Signs with that key: opening the seal again would derive the
   * passphrase's key a second time (~0.1 s of a core) only to find what was just chosen. The
   * lockout applies as to any signature. Ignored unless it is `nip`'s.
   */
  enrolment?: IssuedCredential;
}

/** A signing provider. The result starts with the exact bytes of `pdf` (incremental update). */
export interface Signer {
  readonly provider: 'local' | 'bsre';
  sign(request: SignRequest): Promise<Uint8Array>;
}
