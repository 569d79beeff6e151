// The remote provider: a BSrE-style HTTP API. A request that times out has an unknown outcome,
// so the client looks it up by its request id before doing anything else; it re-sends only
// when the server says it never saw the request, with the same id (the server dedups by id).
import { createHash } from 'node:crypto';
import { SIGNATURE_FIELD_NAMES } from '../documents/agreement-input';
import { BSRE_PATHS, type SignOutcome, type SignPdfRequest } from './bsre-api';
import { SigningError, type SigningErrorCode } from './errors';
import { signatureFields } from './pades';
import { PdfReader } from './pdf-reader';
import type { SignRequest, Signer } from './signer';

export interface RemoteSignerOptions {
  baseUrl: string;
  /** Maps an official's NIP to the NIK (or e-mail) the provider knows them by. */
  nikOf?: (nip: string) => Promise<string> | string;
  /** Per-request timeout. */
  timeoutMs?: number;
  /** How long to keep asking for the outcome of a timed-out request. */
  outcomeTimeoutMs?: number;
  pollIntervalMs?: number;
  fetch?: typeof fetch;
}

const KNOWN_CODES = new Set<SigningErrorCode>(['WrongPassphrase', 'SigningLocked', 'UnknownSigner', 'NoSignatureField', 'AlreadySigned']);

class Timeout extends Error {}

export class RemoteSigner implements Signer {
  readonly provider = 'bsre' as const;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: RemoteSignerOptions) {
    this.fetch = options.fetch ?? fetch;
  }

  /** Idempotency key: the same document, signer, party and time always give the same id. */
  static requestIdOf(request: SignRequest): string {
    return createHash('sha256')
      .update(createHash('sha256').update(request.pdf).digest())
      .update(`\0${request.nip}\0${request.party}\0${request.signedAt.toISOString()}`)
      .digest('hex')
      .slice(0, 32);
  }

  async sign(request: SignRequest): Promise<Uint8Array> {
    const fieldName = SIGNATURE_FIELD_NAMES[request.party];
    const field = signatureFields(new PdfReader(Buffer.from(request.pdf))).get(fieldName);
    if (!field) throw new SigningError('NoSignatureField', `The document has no signature field "${fieldName}"`);
    const [x1, y1, x2, y2] = field.rect;
    const body: SignPdfRequest = {
      requestId: request.requestId ?? RemoteSigner.requestIdOf(request),
      nik: await (this.options.nikOf ?? ((nip: string) => nip))(request.nip),
      passphrase: request.passphrase,
      file: Buffer.from(request.pdf).toString('base64'),
      signatureProperties: {
        tampilan: 'visible',
        page: field.pageIndex + 1,
        xAxis: Math.min(x1, x2),
        yAxis: Math.min(y1, y2),
        width: Math.abs(x2 - x1),
        height: Math.abs(y2 - y1),
        reason: request.reason,
        location: request.location,
        fieldName,
        verificationUrl: request.verificationUrl,
        signedAt: request.signedAt.toISOString(),
      },
    };

    let outcome: SignOutcome | null;
    try {
      outcome = await this.post(body);
    } catch (err) {
      if (!(err instanceof Timeout) && !(err instanceof TypeError)) throw err;
      // Unknown outcome: ask, never blindly sign again.
      outcome = await this.awaitOutcome(body.requestId);
      if (outcome === null) outcome = await this.post(body);
    }
    return this.result(outcome, request.pdf);
  }

  private result(outcome: SignOutcome, original: Uint8Array): Uint8Array {
    if (outcome.status === 'SIGNED' && outcome.file) {
      const signed = Buffer.from(outcome.file, 'base64');
      if (signed.length <= original.length || signed.compare(original, 0, original.length, 0, original.length) !== 0) {
        throw new SigningError('RemoteSigningFailed', 'The provider returned a document that does not extend the one sent');
      }
      return signed;
    }
    if (outcome.status === 'IN_PROGRESS') {
      throw new SigningError('SigningOutcomeUnknown', `Signing request ${outcome.requestId} is still in progress`, { requestId: outcome.requestId });
    }
    const code = outcome.error?.code as SigningErrorCode | undefined;
    throw new SigningError(code && KNOWN_CODES.has(code) ? code : 'RemoteSigningFailed', outcome.error?.message ?? 'Remote signing failed', outcome.error?.details ?? {});
  }

  private async post(body: SignPdfRequest): Promise<SignOutcome> {
    const response = await this.request(BSRE_PATHS.sign, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    return (await response.json()) as SignOutcome;
  }

  /** The outcome of a request, polling while it is in progress; null when the server never saw it. */
  private async awaitOutcome(requestId: string): Promise<SignOutcome | null> {
    const deadline = Date.now() + (this.options.outcomeTimeoutMs ?? 30_000);
    for (;;) {
      try {
        const response = await this.request(BSRE_PATHS.status(requestId), { method: 'GET' });
        if (response.status === 404) return null;
        const outcome = (await response.json()) as SignOutcome;
        if (outcome.status !== 'IN_PROGRESS') return outcome;
      } catch (err) {
        if (!(err instanceof Timeout) && !(err instanceof TypeError)) throw err;
      }
      if (Date.now() >= deadline) {
        throw new SigningError('SigningOutcomeUnknown', `The outcome of signing request ${requestId} is unknown; check again later`, { requestId });
      }
      await new Promise((resolve) => setTimeout(resolve, this.options.pollIntervalMs ?? 500));
    }
  }

  private async request(path: string, init: RequestInit): Promise<Response> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs ?? 30_000);
    try {
      return await this.fetch(new URL(path, this.options.baseUrl), { ...init, signal: controller.signal });
    } catch (err) {
      if (controller.signal.aborted) throw new Timeout(`Request to ${path} timed out`);
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }
}

export function createRemoteSigner(options: RemoteSignerOptions): RemoteSigner {
  return new RemoteSigner(options);
}
