// Maps what a Workflow Update or query throws to one problem-details response. Validators and
// handlers reject with an ApplicationFailure whose `type` is a RejectionCode; it may sit deeper in
// the cause chain (an activity's failure inside the update's failure).
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, WorkflowNotFoundError } from '@temporalio/common';
import type { Problem } from '../domain/problem';
import type { RejectionCode } from '../workflows/messages';
import { HttpProblem } from './problem';

/**
 * Failure types an activity raises non-retryably (activities/signing.ts businessFailure) that no
 * workflow validator names: they reach the API inside an update's failure all the same.
 */
type ActivityFailureCode = 'UnknownSigner';

const MAPPING: Record<RejectionCode | ActivityFailureCode, { status: number; code: string }> = {
  WrongPhase: { status: 409, code: 'wrong_phase' },
  WrongQuarter: { status: 409, code: 'wrong_quarter' },
  // POST …/deadline with a due date not later than the current one
  DeadlineNotLater: { status: 422, code: 'deadline_not_later' },
  WrongPerson: { status: 403, code: 'wrong_person' },
  InvalidData: { status: 422, code: 'invalid_data' },
  WrongPassphrase: { status: 422, code: 'wrong_passphrase' },
  SigningLocked: { status: 423, code: 'signing_locked' },
  WeakPassphrase: { status: 422, code: 'weak_passphrase' },
  NotFound: { status: 404, code: 'not_found' },
  // the provider holds no certificate for this signer (e.g. an official not registered with BSrE)
  UnknownSigner: { status: 422, code: 'unknown_signer' },
};

/** How long a caller waits for an agreement workflow that is being started (the fan-out's gap is 1–4 s). */
export const WORKFLOW_STARTING_RETRY_SECONDS = 2;

function findRejection(err: unknown): ApplicationFailure | null {
  for (let e: unknown = err, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof ApplicationFailure && e.type && Object.hasOwn(MAPPING, e.type)) return e;
  }
  return null;
}

function isProblemList(value: unknown): value is Problem[] {
  return Array.isArray(value) && value.every((p) => p && typeof p === 'object' && typeof p.path === 'string' && typeof p.code === 'string');
}

/** Whole seconds until `iso` (at least 1), for a Retry-After header. */
export function retryAfterSeconds(iso: string, now = Date.now()): string {
  return String(Math.max(1, Math.ceil((Date.parse(iso) - now) / 1000)));
}

/** Problem details for a workflow rejection, or the error itself when it is not one. */
export function toHttpProblem(err: unknown, agreementId: string): unknown {
  if (err instanceof WorkflowNotFoundError) {
    // Actions reach here only for an agreement whose row exists (the access check loaded it), and
    // the cycle's fan-out stores a batch's rows just before it starts their workflows: the PK is
    // listed a moment before its workflow runs. That is a wait, not a missing resource.
    return new HttpProblem(503, 'workflow_starting', `The workflow of ${agreementId} is being started; retry in a moment.`, {}, { 'Retry-After': String(WORKFLOW_STARTING_RETRY_SECONDS) });
  }
  const rejection = findRejection(err);
  if (rejection) {
    const { status, code } = MAPPING[rejection.type as keyof typeof MAPPING];
    const extra: Record<string, unknown> = {};
    const first = rejection.details?.[0];
    if (rejection.type === 'InvalidData') {
      extra.problems = isProblemList(first) ? first : [{ path: '', code: 'invalid_data', message: rejection.message }];
    } else if (first && typeof first === 'object' && !Array.isArray(first)) {
      // e.g. { attemptsLeft, lockedUntil } for passphrase failures: safe, useful to the caller
      for (const [k, v] of Object.entries(first)) if (['attemptsLeft', 'lockedUntil'].includes(k)) extra[k] = v;
    }
    if (rejection.type === 'WeakPassphrase') {
      const problem = typeof (first as { problem?: unknown })?.problem === 'string' ? (first as { problem: string }).problem : 'weak_passphrase';
      extra.problems = [{ path: 'passphrase', code: problem, message: rejection.message }];
    }
    const headers: Record<string, string> = {};
    if (rejection.type === 'SigningLocked' && typeof extra.lockedUntil === 'string') headers['Retry-After'] = retryAfterSeconds(extra.lockedUntil);
    return new HttpProblem(status, code, rejection.message, extra, headers);
  }
  if (err instanceof WorkflowUpdateFailedError) {
    // an update that failed for another reason (e.g. an activity error): nothing was accepted as done
    return new HttpProblem(409, 'action_failed', `The action could not be completed: ${err.cause?.message ?? err.message}`);
  }
  const message = String((err as Error)?.message ?? '');
  if (/workflow execution already completed/i.test(message)) {
    return new HttpProblem(409, 'agreement_closed', 'This agreement has finished its year; nothing more can be done to it.');
  }
  return err;
}
