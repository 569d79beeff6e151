// Passphrase attempts: after `maxFailures` wrong passphrases an official's signing is locked for
// `lockMs`, unless an administrator unlocks it earlier.
//
// An attempt is counted *before* the (slow, deliberately) key derivation, in one atomic step of
// the store: ten requests at once for the same official across ten PKs take numbered slots, only
// the first `maxFailures` are evaluated and the rest are refused as locked. The slot that reaches
// the limit sets the lock already; if its passphrase turns out right, the success gives back the
// slots up to its own and lifts the lock, while slots taken after it stay counted.
import { SigningError } from './errors';
import type { LockoutState, SigningStore } from './store';

export interface LockoutPolicy {
  maxFailures: number;
  lockMs: number;
  /**
   * How long the record of a counted attempt (by its `attemptKey`) is kept for a retry of that
   * attempt, which meets it instead of counting again; older records are deleted as attempts are
   * counted. A retry comes only while its seal still opens, so this must cover the seal's lifetime
   * (activities/signing.ts: the longer of the lock window and SEALED_SECRET_TTL_SECONDS plus a
   * minute). Default: `lockMs`.
   */
  attemptKeepMs?: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = { maxFailures: 5, lockMs: 15 * 60_000 };

/** A counted attempt: its place among the attempts since the last success, and the lock it set, if any. */
export interface PassphraseAttempt {
  signerId: string;
  attemptKey?: string;
  seq: number;
  lockedUntil: Date | null;
}

export class PassphraseLockout {
  constructor(
    private readonly store: SigningStore,
    private readonly policy: LockoutPolicy = DEFAULT_LOCKOUT,
  ) {}

  /**
   * Counts an attempt before its passphrase is tried; throws SigningLocked while a lock is in force.
   * `attemptKey`: a retry of an attempt counted under it is not counted again.
   */
  async begin(signerId: string, now: Date, attemptKey?: string): Promise<PassphraseAttempt> {
    const { maxFailures, lockMs, attemptKeepMs = lockMs } = this.policy;
    const state = await this.store.reserveAttempt(signerId, now, maxFailures, lockMs, attemptKey, attemptKeepMs);
    if (!state) {
      const current = await this.store.getLockout(signerId);
      throw lockedError(current);
    }
    return { signerId, attemptKey, seq: state.failures, lockedUntil: state.lockedUntil };
  }

  /** The attempt's passphrase was wrong (already counted): throws WrongPassphrase, saying whether signing is now locked. */
  failed(attempt: PassphraseAttempt): never {
    const attemptsLeft = Math.max(0, this.policy.maxFailures - attempt.seq);
    throw new SigningError('WrongPassphrase', attemptsLeft > 0 && !attempt.lockedUntil
      ? `Wrong passphrase (${attemptsLeft} attempt(s) left before signing is locked)`
      : `Wrong passphrase; signing is locked until ${attempt.lockedUntil?.toISOString()}`, {
      attemptsLeft,
      lockedUntil: attempt.lockedUntil?.toISOString() ?? null,
    });
  }

  /** The attempt's passphrase was right: its slot and those before it are given back. */
  succeeded(attempt: PassphraseAttempt): Promise<void> {
    return this.store.settleSuccess(attempt.signerId, attempt.seq, this.policy.maxFailures, attempt.attemptKey);
  }

  /** Administrator action: lifts a lock before it expires. */
  unlock(signerId: string): Promise<void> {
    return this.store.clearLockout(signerId);
  }
}

function lockedError(state: LockoutState): SigningError {
  const until = state.lockedUntil?.toISOString() ?? null;
  return new SigningError('SigningLocked', `Signing is locked until ${until} after repeated wrong passphrases`, { lockedUntil: until });
}
