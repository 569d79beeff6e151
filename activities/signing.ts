// Signing one party's signature on a PK version: render (first party) or take the singly signed
// file (second party), sign as an incremental update, verify at once, and store the document by
// SHA-256. Keyed by (agreement, version, party): a retry after a crash finds the stored signature
// instead of signing twice. The passphrase arrives sealed and is opened only here.
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Pool } from 'pg';
import type { Config } from '../config';
import type { ActivityDeps } from './deps';
import { renderAgreementPdf } from '../documents';
import { loadAgreementPdfSource } from './agreement-pdf';
import {
  createLocalCa,
  createLocalSigner,
  issueOfficialCertificate,
  passphrasePolicyProblem,
  PgSigningStore,
  SigningError,
  verifyDocument,
  type LocalCa,
  type LocalSigner,
  type SigningStore,
  type VerificationReport,
} from '../signing';
import { SealedSecretError, unsealSecret, type OpenedSecret, type SealBinding } from '../security/sealed-secret';
import { appendAuditRows, type AuditEntry } from './audit';
import { sha256Hex } from './hash';
import type { Party, SealedSecret, SignatureRecord } from '../workflows/messages';

export interface SigningDeps {
  store: SigningStore;
  signer: LocalSigner;
  /** The organisation's CA (created on first use), sealed under the server secret. */
  ca(organisation: { id: string; name: string }): Promise<LocalCa>;
  /** Every organisation CA this deployment holds: an official keeps one certificate across organisations. */
  trustedRoots(): Promise<string[]>;
}

export async function createSigningDeps(db: Pool, config: Pick<Config, 'KINERJA_SECRET' | 'SIGNING_MAX_FAILURES' | 'SIGNING_LOCK_MINUTES'>): Promise<SigningDeps> {
  const store = new PgSigningStore(db);
  const signer = createLocalSigner({
    store,
    lockout: { maxFailures: config.SIGNING_MAX_FAILURES, lockMs: config.SIGNING_LOCK_MINUTES * 60_000 },
  });
  const cas = new Map<string, Promise<LocalCa>>();
  return {
    store,
    signer,
    ca(organisation) {
      let ca = cas.get(organisation.id);
      if (!ca) {
        ca = createLocalCa({ store, organisation, secret: config.KINERJA_SECRET });
        ca.catch(() => cas.delete(organisation.id));
        cas.set(organisation.id, ca);
      }
      return ca;
    },
    async trustedRoots() {
      const ids = await store.listCaIds();
      const cas = await Promise.all(ids.map((id) => store.getCa(id)));
      return cas.flatMap((ca) => (ca ? [ca.certificatePem] : []));
    },
  };
}

export interface SignAgreementInput {
  agreementId: string;
  version: number;
  party: Party;
  /** The signer's id: NIP, or the Kepala Daerah's user id. */
  signerNip: string;
  passphrase: SealedSecret;
}

const PARTY_TEXT: Record<Party, string> = { first: 'Pihak Pertama', second: 'Pihak Kedua' };

/** Signing failures the caller can act on become non-retryable failures with their code. */
function businessFailure(err: unknown): never {
  if (err instanceof SigningError && ['WrongPassphrase', 'SigningLocked', 'UnknownSigner'].includes(err.code)) {
    throw ApplicationFailure.nonRetryable(err.message, err.code, err.details);
  }
  throw err;
}

export function createSigningActivities({ db, signing, secret, publicUrl }: ActivityDeps) {
  async function context(agreementId: string, version: number) {
    const source = await loadAgreementPdfSource(db, agreementId, version);
    if (!source) throw ApplicationFailure.nonRetryable(`no content stored for ${agreementId} v${version}`, 'InvalidData');
    return source;
  }

  async function storedSignature(agreementId: string, version: number, party: Party): Promise<SignatureRecord | null> {
    const { rows } = await db.query(
      'SELECT id, sha256, signer_nip, signed_at FROM documents WHERE agreement_id = $1 AND version = $2 AND party = $3',
      [agreementId, version, party],
    );
    const r = rows[0];
    return r ? { party, signerNip: r.signer_nip, documentId: r.id, sha256: r.sha256, signedAt: new Date(r.signed_at).toISOString() } : null;
  }

  /**
   * A seal opens for one signing attempt: the first activity to open it records its id; another
   * activity (a replay of the same seal) is refused, while the same activity's retry may go on.
   */
  async function useSealOnce(sealId: string): Promise<void> {
    const { workflowExecution, activityId } = Context.current().info;
    const user = `${workflowExecution?.workflowId}/${workflowExecution?.runId}/${activityId}`;
    const { rows } = await db.query(
      `WITH claimed AS (INSERT INTO signing_used_seal (seal_id, used_by) VALUES ($1, $2) ON CONFLICT (seal_id) DO NOTHING RETURNING used_by)
       SELECT used_by FROM claimed UNION ALL SELECT used_by FROM signing_used_seal WHERE seal_id = $1`,
      [sealId, user],
    );
    if (rows[0]?.used_by !== user) throw ApplicationFailure.nonRetryable('this sealed passphrase was already used; send the passphrase again', 'InvalidData');
  }

  /** Each wrong passphrase, and the lock it brings, on the PK's audit log (never the passphrase itself). */
  async function auditWrongPassphrase(input: SignAgreementInput, sealId: string, err: SigningError): Promise<void> {
    const { agreementId, version, party, signerNip } = input;
    const at = new Date().toISOString();
    const lockedUntil = (err.details?.lockedUntil as string | null | undefined) ?? null;
    const base = { agreementId, actorId: `official:${signerNip}`, at };
    const entries: AuditEntry[] = [{
      ...base, key: `signing:${agreementId}:${sealId}:wrong_passphrase`, action: 'signing.wrong_passphrase',
      data: { version, party, signerId: signerNip, attemptsLeft: err.details?.attemptsLeft ?? null },
    }];
    if (lockedUntil) {
      entries.push({ ...base, key: `signing:${agreementId}:${sealId}:locked`, action: 'signing.locked', data: { version, party, signerId: signerNip, lockedUntil } });
    }
    await appendAuditRows(db, agreementId, entries);
  }

  return {
    async signAgreement(input: SignAgreementInput): Promise<SignatureRecord> {
      // Beat while we work (a remote provider may take a while): a worker that dies mid-signature
      // is noticed within the heartbeat timeout, not the whole start-to-close timeout.
      const activity = Context.current();
      const beat = setInterval(() => activity.heartbeat(), 5_000);
      try {
        return await signOnce(input);
      } finally {
        clearInterval(beat);
      }
    },
  };

  async function signOnce(input: SignAgreementInput): Promise<SignatureRecord> {
    const { agreementId, version, party } = input;
    const done = await storedSignature(agreementId, version, party);
    if (done) return done; // a retry after the signature was stored

    const ctx = await context(agreementId, version);
    const ca = await signing.ca({ id: ctx.orgId, name: ctx.orgName });
    const signedAt = new Date();
    let previous: Uint8Array;
    if (party === 'first') {
      previous = await renderAgreementPdf(ctx.input(signedAt));
    } else {
      const first = await db.query('SELECT bytes FROM documents WHERE agreement_id = $1 AND version = $2 AND party = $3', [agreementId, version, 'first']);
      if (first.rows.length === 0) throw ApplicationFailure.nonRetryable('the first party has not signed yet', 'WrongPhase');
      previous = new Uint8Array(first.rows[0].bytes);
    }

    const { plain: passphrase, sealId } = openPassphrase(input.passphrase, secret, {
      agreementId, version, party, signerId: input.signerNip,
    });
    await useSealOnce(sealId);
    // Local provider: an official without a certificate yet enrols with the passphrase of their first signature.
    if (!(await signing.store.getCredential(input.signerNip))) {
      const { name, nip } = party === 'first' ? ctx.first : ctx.second!;
      const weak = passphrasePolicyProblem(passphrase, { nip, signerId: input.signerNip });
      if (weak) throw ApplicationFailure.nonRetryable(weak.message, 'WeakPassphrase', { problem: weak.code });
      await issueOfficialCertificate({ store: signing.store, ca, official: { signerId: input.signerNip, name, nip, organisation: ctx.orgName, unit: ctx.unitName ?? undefined }, passphrase });
    }
    const documentId = `${agreementId}:v${version}:${party}`;
    const signed = await signing.signer
      .sign({
        pdf: previous,
        nip: input.signerNip,
        passphrase,
        party,
        reason: `${PARTY_TEXT[party]} Perjanjian Kinerja Tahun ${ctx.year}`,
        location: ctx.place,
        verificationUrl: `${publicUrl}/#/verify/${encodeURIComponent(documentId)}`,
        signedAt,
      })
      .catch(async (err) => {
        if (err instanceof SigningError && err.code === 'WrongPassphrase') await auditWrongPassphrase(input, sealId, err);
        return businessFailure(err);
      });

    // An incremental update: the signed file must start with the exact bytes signed before.
    if (!Buffer.from(signed.subarray(0, previous.length)).equals(Buffer.from(previous))) {
      throw new Error('the signed file does not start with the previous revision');
    }
    const report: VerificationReport = verifyDocument(signed, { trustedRoots: await signing.trustedRoots(), minSignatures: party === 'first' ? 1 : 2 });
    if (!report.ok) throw new Error(`the new signature does not verify: ${report.problems.join('; ')}`);

    const sha256 = sha256Hex(signed);
    await db.query(
      `INSERT INTO documents (id, agreement_id, version, party, sha256, bytes, signer_nip, signed_at, verification)
       VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT (agreement_id, version, party) DO NOTHING`,
      [documentId, agreementId, version, party, sha256, Buffer.from(signed), input.signerNip, signedAt, JSON.stringify(report)],
    );
    return (await storedSignature(agreementId, version, party))!;
  }
}

function openPassphrase(sealed: SealedSecret, secret: string, binding: SealBinding): OpenedSecret {
  try {
    return unsealSecret(sealed, secret, binding);
  } catch (err) {
    if (err instanceof SealedSecretError) throw ApplicationFailure.nonRetryable(err.message, 'InvalidData');
    throw err;
  }
}
