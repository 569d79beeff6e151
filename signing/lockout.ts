// Passphrase attempts: after `maxFailures` consecutive wrong passphrases an official's signing is
// locked for `lockMs`, unless an administrator unlocks it earlier.
import { SigningError } from './errors';
import type { SigningStore } from './store';

export interface LockoutPolicy {
  maxFailures: number;
  lockMs: number;
}

export const DEFAULT_LOCKOUT: LockoutPolicy = { maxFailures: 5, lockMs: 15 * 60_000 };

export class PassphraseLockout {
  constructor(
    private readonly store: SigningStore,
    private readonly policy: LockoutPolicy = DEFAULT_LOCKOUT,
  ) {}

  /** Throws SigningLocked while a lock is in force; forgets an expired lock. */
  async assertUnlocked(signerId: string, now: Date): Promise<void> {
    const state = await this.store.getLockout(signerId);
    if (!state.lockedUntil) return;
    if (state.lockedUntil > now) {
      throw new SigningError('SigningLocked', `Signing is locked until ${state.lockedUntil.toISOString()} after repeated wrong passphrases`, {
        lockedUntil: state.lockedUntil.toISOString(),
      });
    }
    await this.store.clearLockout(signerId);
  }

  /** Counts a wrong passphrase and throws WrongPassphrase (saying whether it is now locked). */
  async failed(signerId: string, now: Date): Promise<never> {
    const state = await this.store.recordFailure(signerId, now, this.policy.maxFailures, this.policy.lockMs);
    const attemptsLeft = Math.max(0, this.policy.maxFailures - state.failures);
    throw new SigningError('WrongPassphrase', attemptsLeft > 0
      ? `Wrong passphrase (${attemptsLeft} attempt(s) left before signing is locked)`
      : `Wrong passphrase; signing is locked until ${state.lockedUntil?.toISOString()}`, {
      attemptsLeft,
      lockedUntil: state.lockedUntil?.toISOString() ?? null,
    });
  }

  async succeeded(signerId: string): Promise<void> {
    const state = await this.store.getLockout(signerId);
    if (state.failures > 0 || state.lockedUntil) await this.store.clearLockout(signerId);
  }

  /** Administrator action: lifts a lock before it expires. */
  unlock(signerId: string): Promise<void> {
    return this.store.clearLockout(signerId);
  }
}
