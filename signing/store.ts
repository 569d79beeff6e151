// Persistence of the signing material: the organisation's CA, officials' credentials and the
// passphrase lockout state. Two implementations: memory (tests) and PostgreSQL.
import type { SealedKey } from './key-encryption';

export interface StoredCa {
  id: string;
  certificatePem: string;
  /** Sealed under the server secret. */
  sealedKey: SealedKey;
  createdAt: Date;
}

export interface StoredCredential {
  /** Who signs: the NIP, or another stable id for an official without one (a Kepala Daerah). */
  signerId: string;
  caId: string;
  /** Signer certificate then chain, PEM. */
  certificatePem: string;
  chainPem: string[];
  /** Sealed under the official's passphrase. */
  sealedKey: SealedKey;
  createdAt: Date;
}

export interface LockoutState {
  failures: number;
  lockedUntil: Date | null;
}

export interface SigningStore {
  getCa(id: string): Promise<StoredCa | null>;
  /** Inserts unless one exists; returns the one that is stored (first writer wins). */
  putCaIfAbsent(ca: StoredCa): Promise<StoredCa>;
  listCaIds(): Promise<string[]>;
  getCredential(signerId: string): Promise<StoredCredential | null>;
  /** Inserts or replaces (re-issuing a certificate replaces the old one). */
  putCredential(credential: StoredCredential): Promise<void>;
  getLockout(signerId: string): Promise<LockoutState>;
  /**
   * Counts one attempt atomically, before its passphrase is tried: null when a lock is in force
   * (nothing counted); otherwise the count including this attempt, and the lock it set on reaching
   * `maxFailures` (until `now + lockMs`). An expired lock starts the count again.
   * `attemptKey` (the seal's id): an attempt already counted under it is returned as it was counted,
   * and nothing is counted again (a retry of the same signing attempt). The records of keyed attempts
   * (every official's) older than `attemptKeepMs` (default `lockMs`) are forgotten in the same step.
   */
  reserveAttempt(signerId: string, now: Date, maxFailures: number, lockMs: number, attemptKey?: string, attemptKeepMs?: number): Promise<LockoutState | null>;
  /** A right passphrase in attempt `seq`: gives back that many counted attempts and lifts the lock if fewer than `maxFailures` remain; forgets `attemptKey`. */
  settleSuccess(signerId: string, seq: number, maxFailures: number, attemptKey?: string): Promise<void>;
  /** Clears failures and any lock (after a success, or by an administrator). */
  clearLockout(signerId: string): Promise<void>;
}
