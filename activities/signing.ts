// Signing one party's signature on a PK version: render (first party) or take the singly signed
// file (second party), sign as an incremental update, verify at once, and store the document by
// SHA-256. Keyed by (agreement, version, party): a retry after a crash finds the stored signature
// instead of signing twice. The passphrase arrives sealed and is opened only here.
import { ApplicationFailure, Context } from '@temporalio/activity';
import { ApplicationFailureCategory } from '@temporalio/common';
import type { Pool, PoolClient } from 'pg';
import type { Config } from '../config';
import type { ActivityDeps } from './deps';
import { renderAgreementPdf } from '../documents';
import { loadSigningSource, type SigningSource } from '../db/agreement-pdf-source';
import {
  LocalTimeStampAuthority,
  RemoteTimeStampAuthority,
  loadTsaCredential,
  timestampLastSignature,
  buildCrl,
  distributionFor,
  extendToLta,
  PgRevocationStore,
  serialOf,
  type RevocationStore,
  type TimeStampAuthority,
  createLocalCa,
  enrolOfficial,
  passphrasePolicyProblem,
  PgSigningStore,
  SigningError,
  verifyDocument,
  type IssuedCredential,
  type LocalCa,
  type Signer,
  type SigningStore,
  type StoredCredential,
  type VerificationReport,
} from '../signing';
import { createSigner, providerRoots, type ProviderConfig } from '../signing/provider';
import { KeyPairPool } from '../signing/key-pair-pool';
import { newKeyPair } from '../signing/certificates';
import { SealedSecretError, unsealSecret, type OpenedSecret, type SealBinding } from '../security/sealed-secret';
import { appendAuditRows, insertAuditRows, type AuditEntry } from '../db/audit-log';
import { writeReadModel } from './store';
import type { StateSummary } from '../workflows/read-model';
import { sha256Hex } from '../security/hash';
import { verificationUrl } from '../security/verification-link';
import type { Party, SealedSecret, SignatureRecord } from '../workflows/messages';

export interface SigningDeps {
  store: SigningStore;
  /** The configured provider (SIGNING_PROVIDER): local, or BSrE-style remote. */
  signer: Signer;
  /** The organisation's CA (created on first use), sealed under the server secret. */
  ca(organisation: { id: string; name: string }): Promise<LocalCa>;
  /**
   * Every organisation CA this deployment holds: an official keeps one certificate across
   * organisations. Kept per process; `{ fresh: true }` reads them again (a CA created since).
   */
  trustedRoots(options?: { fresh?: boolean }): Promise<string[]>;
  /** The time-stamping authority for the organisation's documents: `TSA_URL`, or its own. */
  tsa(organisation: { id: string; name: string }): Promise<TimeStampAuthority>;
  revocations: RevocationStore;
  /** Where certificates point relying parties for the CA's CRL and certificate. */
  publicUrl: string;
  /** Officials' keys made ahead, for enrolments (SIGNING_KEYS_AHEAD). */
  officialKeys: KeyPairPool;
  /**
   * How long a seal's claim (signing_used_seal) is kept: the seal's lifetime and a minute for
   * clocks, after which no one can open that seal again; null (kept for ever) when the lifetime is
   * not known to this process.
   */
  sealClaimKeepMs: number | null;
}

export async function createSigningDeps(
  db: Pool,
  config: Pick<Config, 'KINERJA_SECRET' | 'SIGNING_MAX_FAILURES' | 'SIGNING_LOCK_MINUTES'>
    & Partial<Pick<Config, 'TSA_URL' | 'publicUrl' | 'SIGNING_KEYS_AHEAD' | 'SEALED_SECRET_TTL_SECONDS'>> & ProviderConfig,
): Promise<SigningDeps> {
  const store = new PgSigningStore(db);
  const lockMs = config.SIGNING_LOCK_MINUTES * 60_000;
  // A counted attempt's record serves only a retry of its activity, which needs its seal open: it is
  // kept for the lock window, or the seal's lifetime and a minute for clocks if that is longer.
  const attemptKeepMs = Math.max(lockMs, ((config.SEALED_SECRET_TTL_SECONDS ?? 0) + 60) * 1000);
  const signer = createSigner(config, {
    store,
    lockout: { maxFailures: config.SIGNING_MAX_FAILURES, lockMs, attemptKeepMs },
  });
  const extraRoots = providerRoots(config);
  const cas = new Map<string, Promise<LocalCa>>();
  const tsas = new Map<string, Promise<TimeStampAuthority>>();
  const remoteTsa = config.TSA_URL ? new RemoteTimeStampAuthority(config.TSA_URL) : null;
  const publicUrl = config.publicUrl ?? 'http://127.0.0.1:3000';
  // signing_ca only grows (createLocalCa inserts; nothing updates or deletes a CA, and its
  // certificate never changes), so the roots are read once per process: two round trips, and one
  // more per CA, saved on every signature. A CA another process created since is found by reading
  // again when a document does not verify against the roots held (signOnce), or when this process
  // loads a CA they lack.
  let roots: Promise<string[]> | null = null;
  // Counts the reads, so a check that ends after a newer read began leaves the newer one alone.
  let rootsRead = 0;
  const forgetRoots = (read: number) => {
    if (read === rootsRead) roots = null;
  };
  const readRoots = async () => {
    const ids = await store.listCaIds();
    const cas = await Promise.all(ids.map((id) => store.getCa(id)));
    return cas.flatMap((ca) => (ca ? [ca.certificatePem] : []));
  };
  const deps: SigningDeps = {
    store,
    signer,
    publicUrl,
    officialKeys: new KeyPairPool(config.SIGNING_KEYS_AHEAD ?? 0, newKeyPair),
    sealClaimKeepMs: config.SEALED_SECRET_TTL_SECONDS === undefined ? null : (config.SEALED_SECRET_TTL_SECONDS + 60) * 1000,
    revocations: new PgRevocationStore(db),
    tsa(organisation) {
      if (remoteTsa) return Promise.resolve(remoteTsa);
      let tsa = tsas.get(organisation.id);
      if (!tsa) {
        tsa = deps.ca(organisation)
          .then((ca) => loadTsaCredential({ store, ca, secret: config.KINERJA_SECRET, distribution: distributionFor(publicUrl, ca.id) }))
          .then((credential) => new LocalTimeStampAuthority(credential));
        tsa.catch(() => tsas.delete(organisation.id));
        tsas.set(organisation.id, tsa);
      }
      return tsa;
    },
    ca(organisation) {
      let ca = cas.get(organisation.id);
      if (!ca) {
        ca = createLocalCa({ store, organisation, secret: config.KINERJA_SECRET });
        ca.then(async ({ certificatePem }) => {
          if (!roots) return;
          const read = rootsRead;
          // roots that failed to read lack it too
          if (!(await roots.catch((): string[] => [])).includes(certificatePem)) forgetRoots(read);
        }, () => cas.delete(organisation.id));
        cas.set(organisation.id, ca);
      }
      return ca;
    },
    async trustedRoots(options) {
      if (!roots || options?.fresh) {
        const read = ++rootsRead;
        roots = readRoots();
        roots.catch(() => forgetRoots(read)); // not kept: the next call reads again
      }
      return [...(await roots), ...extraRoots];
    },
  };
  return deps;
}

export interface SignAgreementInput {
  agreementId: string;
  version: number;
  party: Party;
  /** The signer's id: NIP, or the Kepala Daerah's user id. */
  signerNip: string;
  passphrase: SealedSecret;
  /**
   * The transition to write with the signature (the current workflow type): the audit row, which
   * gets the document id and SHA-256, and the read-model row, in the signature's transaction,
   * ordered by `seq` (activities/store.ts). Absent from the earlier type, which wrote them after.
   * `state` is the read-model row as the step the signature ends leaves it, and `ended` that step's
   * own rows (the version's `agreement.signed`, which gets the document id and SHA-256 too), in runs
   * whose signature carries its step (`AgreementInput.behaviour`).
   */
  record?: { seq: number; audit: AuditEntry; state: StateSummary; ended?: AuditEntry[] };
}

const PARTY_TEXT: Record<Party, string> = { first: 'Pihak Pertama', second: 'Pihak Kedua' };

/**
 * A signer's own mistake (a wrong or weak passphrase, a lock it brought): refused, not retried, and
 * benign, so the worker logs it at debug instead of as a failure with a stack (the PK's audit log
 * and the caller's 422/423 say it).
 */
function signerMistake(message: string, type: string, ...details: unknown[]): ApplicationFailure {
  return ApplicationFailure.create({ message, type, nonRetryable: true, details, category: ApplicationFailureCategory.BENIGN });
}

/** Signing failures the caller can act on become non-retryable failures with their code. */
function businessFailure(err: unknown): never {
  if (err instanceof SigningError && (err.code === 'WrongPassphrase' || err.code === 'SigningLocked')) throw signerMistake(err.message, err.code, err.details);
  if (err instanceof SigningError && err.code === 'UnknownSigner') throw ApplicationFailure.nonRetryable(err.message, err.code, err.details);
  throw err;
}

export function createSigningActivities({ db, signing, secret, publicUrl }: ActivityDeps) {
  async function storedSignature(agreementId: string, version: number, party: Party, q: Pool | PoolClient = db): Promise<SignatureRecord | null> {
    const { rows } = await q.query(
      'SELECT id, sha256, signer_nip, signed_at FROM documents WHERE agreement_id = $1 AND version = $2 AND party = $3',
      [agreementId, version, party],
    );
    const r = rows[0];
    return r ? recordOfRow(party, r) : null;
  }

  /**
   * A seal opens for one signing attempt: the first activity to open it records its id; another
   * activity (a replay of the same seal) is refused, while the same activity's retry may go on.
   * The same statement deletes every claim older than the seal's lifetime and a minute
   * (SigningDeps.sealClaimKeepMs): a seal that old no longer opens, so its claim guards nothing.
   * Rows a concurrent claim is deleting are left to it (SKIP LOCKED), and this seal's own row is
   * never among them. Without a known lifetime nothing is deleted.
   */
  async function useSealOnce(sealId: string): Promise<void> {
    const { workflowExecution, activityId } = Context.current().info;
    const user = `${workflowExecution?.workflowId}/${workflowExecution?.runId}/${activityId}`;
    const keepMs = signing.sealClaimKeepMs;
    const { rows } = await db.query(
      `WITH expired AS (
         DELETE FROM signing_used_seal WHERE seal_id IN (
           SELECT seal_id FROM signing_used_seal
            WHERE $3::float8 IS NOT NULL AND used_at < now() - make_interval(secs => $3::float8 / 1000.0) AND seal_id <> $1
              FOR UPDATE SKIP LOCKED)),
       claimed AS (INSERT INTO signing_used_seal (seal_id, used_by) VALUES ($1, $2) ON CONFLICT (seal_id) DO NOTHING RETURNING used_by)
       SELECT used_by FROM claimed UNION ALL SELECT used_by FROM signing_used_seal WHERE seal_id = $1`,
      [sealId, user, keepMs],
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
      // (A local activity cannot beat: the workflow task's timeout notices its loss.)
      const activity = Context.current();
      const beat = activity.info.isLocal ? undefined : setInterval(() => activity.heartbeat(), 5_000);
      try {
        return await signOnce(input);
      } finally {
        clearInterval(beat);
      }
    },
  };

  /**
   * The CRL of every CA whose certificates the document's signatures use: the organisation's, the
   * signer's and the first party's (its signer's current certificate, read with the signing source).
   */
  function currentCrls(ca: LocalCa, signerCaId: string | undefined, first: SigningSource['first']): Promise<Buffer[]> {
    const caIds = new Set([ca.id]);
    for (const id of [signerCaId, first?.caId]) if (id) caIds.add(id);
    return crlsFor(signing, caIds);
  }

  async function signOnce(input: SignAgreementInput): Promise<SignatureRecord> {
    const { agreementId, version, party } = input;
    const local = signing.signer.provider === 'local';
    // The seal's claim (and the signer's credential, which is only read) goes out beside the first
    // query rather than after it and the rendering. Its outcome is looked at where it was before:
    // after a stored signature (a retry returns it, even once the seal has expired), missing content
    // and a missing first signature; nothing uses the passphrase before the claim has succeeded.
    const claimed = claimSeal(input, local);
    claimed.catch(() => undefined); // awaited below, unless we return before
    // One round trip: a retry's stored signature, what the PDF is made of, and the first party's document.
    const loaded = await loadSigningSource(db, agreementId, version, party);
    if (!loaded) {
      const done = await storedSignature(agreementId, version, party);
      if (done) return done;
      throw ApplicationFailure.nonRetryable(`no content stored for ${agreementId} v${version}`, 'InvalidData');
    }
    const { source: ctx, stored, first } = loaded;
    if (stored) return recordOf(party, stored); // a retry after the signature was stored

    const ca = await signing.ca({ id: ctx.orgId, name: ctx.orgName });
    const signedAt = new Date();
    let previous: Uint8Array;
    if (party === 'first') {
      previous = await renderAgreementPdf(ctx.input(signedAt));
    } else {
      if (!first?.bytes) throw ApplicationFailure.nonRetryable('the first party has not signed yet', 'WrongPhase');
      previous = new Uint8Array(first.bytes);
    }

    const { passphrase, sealId, credential: found } = await claimed;
    // Local provider: an official without a certificate yet enrols with the passphrase of their first
    // signature (under the passphrase policy). A revoked certificate never signs: an official who holds
    // a position again (the workflow checked that) enrols anew the same way.
    let credential: StoredCredential | undefined;
    let enrolment: IssuedCredential | undefined;
    if (local) {
      credential = found ?? undefined;
      if (!credential) {
        const { name, nip } = party === 'first' ? ctx.first : ctx.second!;
        const weak = passphrasePolicyProblem(passphrase, { nip, signerId: input.signerNip });
        if (weak) throw signerMistake(weak.message, 'WeakPassphrase', { problem: weak.code });
        enrolment = await enrolOfficial({
          store: signing.store, ca, passphrase, distribution: distributionFor(signing.publicUrl, ca.id), keys: signing.officialKeys,
          official: { signerId: input.signerNip, name, nip, organisation: ctx.orgName, unit: ctx.unitName ?? undefined },
        });
        credential = enrolment.credential;
      }
    }
    const documentId = `${agreementId}:v${version}:${party}`;
    const bare = await signing.signer
      .sign({
        pdf: previous,
        nip: input.signerNip,
        passphrase,
        // one seal per signing activity: its retry is the same attempt, counted once
        attemptKey: sealId,
        party,
        // the signature panel's "Reason": what the signer did, as a sentence
        reason: `Menandatangani Perjanjian Kinerja Tahun ${ctx.year} sebagai ${PARTY_TEXT[party]}`,
        location: ctx.place,
        // with its token: the id alone, which anyone can guess, opens no report (api/public-verification.ts)
        verificationUrl: verificationUrl(publicUrl, secret, documentId),
        signedAt,
        // the certificate just checked against the revocations is the one that signs
        credential,
        // or the one just issued, with its key still open
        enrolment,
      })
      .catch(async (err) => {
        if (err instanceof SigningError && err.code === 'WrongPassphrase') await auditWrongPassphrase(input, sealId, err);
        return businessFailure(err);
      });
    // PAdES-B-T: a signature timestamp from the TSA (kept if the provider already added one).
    const tsa = await signing.tsa({ id: ctx.orgId, name: ctx.orgName });
    const stamped = await timestampLastSignature(bare, tsa);
    // After the last signature, PAdES-B-LTA: the CA's current CRL and every certificate in the DSS,
    // then a document timestamp. The CRL's thisUpdate (whole seconds) must not precede the
    // signature timestamp, or validators find the revocation data older than the signature.
    // A remote provider's output carries its own validation data (its CA's CRL), which we cannot add.
    const last = (party === 'second' || !ctx.second) && local;
    const signed = last ? await extendToLta(stamped, { crls: await currentCrls(ca, credential?.caId, first), tsa }) : stamped;

    // An incremental update: the signed file must start with the exact bytes signed before.
    if (!Buffer.from(signed.subarray(0, previous.length)).equals(Buffer.from(previous))) {
      throw new Error('the signed file does not start with the previous revision');
    }
    const minSignatures = party === 'first' ? 1 : 2;
    let report: VerificationReport = verifyDocument(signed, { trustedRoots: await signing.trustedRoots(), minSignatures });
    // The roots are kept per process: a CA another process created since is read on this miss.
    if (!report.ok) report = verifyDocument(signed, { trustedRoots: await signing.trustedRoots({ fresh: true }), minSignatures });
    if (!report.ok) throw new Error(`the new signature does not verify: ${report.problems.join('; ')}`);

    const sha256 = sha256Hex(signed);
    // The stored row, from the INSERT itself; a concurrent attempt's row when that one stored first.
    const storeDocument = async (q: Pool | PoolClient): Promise<SignatureRecord> => {
      const { rows } = await q.query(
        `INSERT INTO documents (id, agreement_id, version, party, sha256, bytes, signer_nip, signed_at, verification)
         VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT (agreement_id, version, party) DO NOTHING
         RETURNING id, sha256, signer_nip, signed_at`,
        [documentId, agreementId, version, party, sha256, Buffer.from(signed), input.signerNip, signedAt, JSON.stringify(report)],
      );
      return rows[0] ? recordOfRow(party, rows[0]) : (await storedSignature(agreementId, version, party, q))!;
    };
    const { record } = input;
    if (!record) return storeDocument(db);
    // one transaction: the signature, its audit rows and the read-model row
    let storedRecord!: SignatureRecord;
    await appendAuditRows(db, agreementId, [], async (client) => {
      storedRecord = await storeDocument(client);
      const naming = (entry: AuditEntry): AuditEntry => ({ ...entry, data: { ...entry.data, documentId: storedRecord.documentId, sha256: storedRecord.sha256 } });
      await insertAuditRows(client, [record.audit, ...(record.ended ?? [])].map(naming));
      await writeReadModel(client, agreementId, record.seq, record.state);
    });
    return storedRecord;
  }

  /**
   * Opens the sealed passphrase and claims the seal; reads the signer's usable credential (local
   * provider) meanwhile, which only reads.
   */
  async function claimSeal(input: SignAgreementInput, local: boolean): Promise<{ passphrase: string; sealId: string; credential: StoredCredential | null }> {
    const { plain: passphrase, sealId } = openPassphrase(input.passphrase, secret, {
      agreementId: input.agreementId, version: input.version, party: input.party, signerId: input.signerNip,
    });
    const [, credential] = await Promise.all([useSealOnce(sealId), local ? usableCredential(input.signerNip) : Promise.resolve(null)]);
    return { passphrase, sealId, credential };
  }

  /** The signer's certificate, unless it was revoked (then, like none, the signer enrols anew). */
  async function usableCredential(signerId: string): Promise<StoredCredential | null> {
    const credential = await signing.store.getCredential(signerId);
    if (!credential) return null;
    const revoked = await signing.revocations.find(credential.caId, serialOf(credential.certificatePem));
    return revoked ? null : credential;
  }
}

function recordOf(party: Party, row: { id: string; sha256: string; signerNip: string; signedAt: Date | string }): SignatureRecord {
  return { party, signerNip: row.signerNip, documentId: row.id, sha256: row.sha256, signedAt: new Date(row.signedAt).toISOString() };
}

/** The same from a `documents` row (id, sha256, signer_nip, signed_at). */
function recordOfRow(party: Party, r: { id: string; sha256: string; signer_nip: string; signed_at: Date }): SignatureRecord {
  return recordOf(party, { id: r.id, sha256: r.sha256, signerNip: r.signer_nip, signedAt: r.signed_at });
}

/** The current CRL of every CA that issued a certificate in the document (officials keep theirs across organisations). */
async function crlsFor(signing: SigningDeps, caIds: Set<string>): Promise<Buffer[]> {
  const now = new Date(Math.ceil(Date.now() / 1000) * 1000);
  const out: Buffer[] = [];
  for (const id of caIds) {
    const ca = await signing.ca({ id, name: id }); // exists already: the name is used only on creation
    out.push(buildCrl({ ca, revoked: await signing.revocations.list(id), now }));
  }
  return out;
}

function openPassphrase(sealed: SealedSecret, secret: string, binding: SealBinding): OpenedSecret {
  try {
    return unsealSecret(sealed, secret, binding);
  } catch (err) {
    if (err instanceof SealedSecretError) throw ApplicationFailure.nonRetryable(err.message, 'InvalidData');
    throw err;
  }
}
