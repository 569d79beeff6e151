// The local provider: the official's key sealed in the store, opened with their passphrase for
// one signature and dropped afterwards.
import { SIGNATURE_FIELD_NAMES } from '../documents/agreement-input';
import { SigningError } from './errors';
import { openPrivateKey } from './key-encryption';
import { DEFAULT_LOCKOUT, PassphraseLockout, type LockoutPolicy } from './lockout';
import { signPdf } from './pades';
import type { SignRequest, Signer } from './signer';
import type { SigningStore } from './store';
import { pemToDer } from './certificates';

export interface LocalSignerOptions {
  store: SigningStore;
  lockout?: LockoutPolicy;
  clock?: () => Date;
}

export class LocalSigner implements Signer {
  readonly provider = 'local' as const;
  private readonly lockout: PassphraseLockout;
  private readonly clock: () => Date;

  constructor(private readonly options: LocalSignerOptions) {
    this.lockout = new PassphraseLockout(options.store, options.lockout ?? DEFAULT_LOCKOUT);
    this.clock = options.clock ?? (() => new Date());
  }

  async sign(request: SignRequest): Promise<Uint8Array> {
    const enrolment = request.enrolment?.credential.signerId === request.nip ? request.enrolment : undefined;
    const credential = enrolment?.credential
      ?? (request.credential?.signerId === request.nip ? request.credential : await this.options.store.getCredential(request.nip));
    if (!credential) throw new SigningError('UnknownSigner', `No signing certificate issued for ${request.nip}`);
    const privateKey = await this.oneAtATime(request.nip, async () => {
      // counted before the key derivation, so parallel attempts cannot outrun the limit
      const attempt = await this.lockout.begin(request.nip, this.clock(), request.attemptKey);
      // an enrolment's key is open already: it was sealed under this very passphrase a moment ago
      const opened = enrolment ? enrolment.privateKey : await openPrivateKey(credential.sealedKey, request.passphrase);
      if (!opened) return this.lockout.failed(attempt);
      await this.lockout.succeeded(attempt);
      return opened;
    });
    return signPdf({
      pdf: request.pdf,
      fieldName: SIGNATURE_FIELD_NAMES[request.party],
      privateKey,
      certificates: [credential.certificatePem, ...credential.chainPem].map(pemToDer),
      signedAt: request.signedAt,
      reason: request.reason,
      location: request.location,
      appearance: { verificationUrl: request.verificationUrl },
    });
  }

  /**
   * One passphrase attempt per official at a time in this process. An attempt is counted before the
   * key derivation (so parallel wrong ones cannot outrun the limit), which means parallel *right*
   * ones would be counted too: a Kepala Daerah countersigning six PKs at once would lock himself
   * out. In turn, each counted attempt is settled before the next is counted; across processes
   * (one per worker) at most as many are in flight as there are workers.
   */
  private readonly attempts = new Map<string, Promise<unknown>>();
  private async oneAtATime<T>(signerId: string, attempt: () => Promise<T>): Promise<T> {
    const previous = this.attempts.get(signerId) ?? Promise.resolve();
    const mine = previous.catch(() => undefined).then(attempt);
    this.attempts.set(signerId, mine);
    try {
      return await mine;
    } finally {
      if (this.attempts.get(signerId) === mine) this.attempts.delete(signerId);
    }
  }

  /** Administrator action: lifts a passphrase lock early. */
  unlock(nip: string): Promise<void> {
    return this.lockout.unlock(nip);
  }
}

export function createLocalSigner(options: LocalSignerOptions): LocalSigner {
  return new LocalSigner(options);
}
