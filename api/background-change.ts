// Changes that touch PostgreSQL and running PKs (a calendar change, a change of official) run as
// workflows that the request starts under one id per change; the request then waits a moment for
// the outcome: 200 with it when the change was done by then, else 202 with where to follow it. A
// request never holds a transaction open across a call to Temporal, and a worker or a database
// that is briefly away only delays the change.
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import { isGrpcServiceError, ServiceError, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { ChangeOutcome } from '../workflows/changes';
import { currentUpdateId } from './idempotency';
import { HttpProblem } from './problem';

/** One per request, or derived from its Idempotency-Key, so a retried request is the same change. */
export function newChangeId(): string {
  const fromKey = currentUpdateId();
  return fromKey ? fromKey.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64) : randomUUID();
}

export interface ChangeStart<Input> {
  workflowId: string;
  taskQueue: string;
  input: Input;
  /** Where the 202 points: the change's status. */
  statusUrl: string;
  /** How long to wait for the outcome before answering 202 (config API_CHANGE_WAIT_MS). */
  waitMs: number;
}

/**
 * Starts the change (a second start of the same id finds the first, running or done), waits up to
 * `waitMs` and answers: the result (200), the records' refusal as its problem, or 202 with a
 * Location and `{ changeId, state: 'running', statusUrl }`.
 */
export async function startChange<Input, Result>(
  temporal: Client,
  workflow: (input: Input) => Promise<ChangeOutcome<Result>>,
  start: ChangeStart<Input>,
  res: Response,
  changeId: string,
): Promise<void> {
  try {
    await temporal.workflow.start(workflow, {
      workflowId: start.workflowId, taskQueue: start.taskQueue, args: [start.input],
      workflowIdConflictPolicy: 'USE_EXISTING', workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err; // done before: its outcome stands
  }
  const outcome = await outcomeWithin<Result>(temporal, start.workflowId, start.waitMs);
  if (outcome) {
    res.json(answerOf(outcome));
    return;
  }
  res.status(202).location(start.statusUrl).json({ changeId, state: 'running', statusUrl: start.statusUrl });
}

/** The change's state for its status route: running, or its outcome (a refusal is its problem). */
export async function changeStatus<Result>(temporal: Client, workflowId: string, changeId: string): Promise<{ changeId: string; state: 'running' } | { changeId: string; state: 'done'; result: Result }> {
  let status: string;
  try {
    status = (await temporal.workflow.getHandle(workflowId).describe()).status.name;
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new HttpProblem(404, 'not_found', `No change ${changeId} here.`);
    throw err;
  }
  if (status === 'RUNNING') return { changeId, state: 'running' };
  if (status !== 'COMPLETED') throw new HttpProblem(409, 'change_failed', `The change ${changeId} did not complete (${status.toLowerCase()}).`);
  return { changeId, state: 'done', result: answerOf(await temporal.workflow.getHandle(workflowId).result() as ChangeOutcome<Result>) };
}

async function outcomeWithin<Result>(temporal: Client, workflowId: string, waitMs: number): Promise<ChangeOutcome<Result> | null> {
  try {
    return await temporal.withDeadline(Date.now() + waitMs, () => temporal.workflow.getHandle(workflowId).result() as Promise<ChangeOutcome<Result>>);
  } catch (err) {
    // The change is started and durable: an outcome not had in time, or not readable from a busy or
    // restarting server, means "running" (202, follow the status), never "nothing changed" (503).
    // (the deadline's DEADLINE_EXCEEDED is one of the gRPC service errors)
    if (isGrpcServiceError(err) || err instanceof ServiceError) return null;
    throw err;
  }
}

function answerOf<Result>(outcome: ChangeOutcome<Result>): Result {
  if (outcome.status === 'rejected') {
    const { status, code, detail, extra } = outcome.problem;
    throw new HttpProblem(status, code, detail, extra ?? {});
  }
  return outcome.result;
}
