import type { LockoutState, SigningStore, StoredCa, StoredCredential } from './store';

/** In-process store for tests and the sample command. */
export class MemorySigningStore implements SigningStore {
  private readonly cas = new Map<string, StoredCa>();
  private readonly credentials = new Map<string, StoredCredential>();
  private readonly lockouts = new Map<string, LockoutState>();
  /** Counted attempts by key (reserveAttempt's attemptKey), with when they were counted. */
  private readonly attempts = new Map<string, LockoutState & { at: number }>();

  async getCa(id: string): Promise<StoredCa | null> {
    return this.cas.get(id) ?? null;
  }

  async putCaIfAbsent(ca: StoredCa): Promise<StoredCa> {
    const existing = this.cas.get(ca.id);
    if (existing) return existing;
    this.cas.set(ca.id, ca);
    return ca;
  }

  async listCaIds(): Promise<string[]> {
    return [...this.cas.keys()].sort();
  }

  async getCredential(signerId: string): Promise<StoredCredential | null> {
    return this.credentials.get(signerId) ?? null;
  }

  async putCredential(credential: StoredCredential): Promise<void> {
    this.credentials.set(credential.signerId, credential);
  }

  async getLockout(signerId: string): Promise<LockoutState> {
    return { ...(this.lockouts.get(signerId) ?? { failures: 0, lockedUntil: null }) };
  }

  async reserveAttempt(signerId: string, now: Date, maxFailures: number, lockMs: number, attemptKey?: string, attemptKeepMs = lockMs): Promise<LockoutState | null> {
    if (attemptKey !== undefined) {
      for (const [key, attempt] of this.attempts) if (key !== attemptKey && attempt.at < now.getTime() - attemptKeepMs) this.attempts.delete(key);
    }
    const prior = attemptKey === undefined ? undefined : this.attempts.get(attemptKey);
    if (prior) return { failures: prior.failures, lockedUntil: prior.lockedUntil };
    const counted = this.countAttempt(signerId, now, maxFailures, lockMs);
    if (counted && attemptKey !== undefined) this.attempts.set(attemptKey, { ...counted, at: now.getTime() });
    return counted;
  }

  private countAttempt(signerId: string, now: Date, maxFailures: number, lockMs: number): LockoutState | null {
    const current = this.lockouts.get(signerId) ?? { failures: 0, lockedUntil: null };
    if (current.lockedUntil && current.lockedUntil > now) return null;
    const failures = current.lockedUntil ? 1 : current.failures + 1;
    const next: LockoutState = { failures, lockedUntil: failures >= maxFailures ? new Date(now.getTime() + lockMs) : null };
    this.lockouts.set(signerId, next);
    return { ...next };
  }

  async settleSuccess(signerId: string, seq: number, maxFailures: number, attemptKey?: string): Promise<void> {
    if (attemptKey !== undefined) this.attempts.delete(attemptKey);
    const current = this.lockouts.get(signerId);
    if (!current) return;
    const failures = Math.max(current.failures - seq, 0);
    this.lockouts.set(signerId, { failures, lockedUntil: failures >= maxFailures ? current.lockedUntil : null });
  }

  async clearLockout(signerId: string): Promise<void> {
    this.lockouts.delete(signerId);
  }
}
