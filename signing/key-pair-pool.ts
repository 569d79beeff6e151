// Officials' key pairs made ahead of need: an official's first signature (enrolment) takes a ready
// key instead of waiting for RSA key generation (~0.1–0.5 s, sometimes over a second). Kept in this
// process's memory only, never stored: a key reaches disk only sealed under its official's
// passphrase, as one made at enrolment does, and each is handed out once. A few at most, made in
// the low-priority threads (slow-crypto.ts) after a take; with none ready (a burst of enrolments)
// the key is made on the spot, as before.
import type { KeyObject } from 'node:crypto';

export interface KeyPair {
  privateKey: KeyObject;
  publicKeyPem: string;
}

export class KeyPairPool {
  private readonly ready: KeyPair[] = [];
  private refilling = false;

  /** `size` 0: no keys made ahead. The pool starts filling at the first take (a process that never enrols makes none). */
  constructor(
    private readonly size: number,
    private readonly make: () => Promise<KeyPair>,
  ) {}

  /** A key pair nobody else gets: a ready one, or a new one. */
  async take(): Promise<KeyPair> {
    const pair = this.ready.shift() ?? (await this.make());
    this.refill();
    return pair;
  }

  /** How many are ready now. */
  get available(): number {
    return this.ready.length;
  }

  private refill(): void {
    if (this.refilling || this.ready.length >= this.size) return;
    this.refilling = true;
    void (async () => {
      try {
        while (this.ready.length < this.size) this.ready.push(await this.make());
      } catch {
        /* the next take makes its own key and refills again */
      } finally {
        this.refilling = false;
      }
    })();
  }
}
