// Sending a human action into an agreement workflow: build the Actor from the caller (positions
// resolved in the agreement's cycle), execute the Update, and turn a rejection into its problem.
import type { UpdateDefinition } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { Actor } from '../workflows/messages';
import { heldBy } from './access';
import type { Principal } from './principal';
import { toHttpProblem } from './workflow-errors';
import { currentUpdateId } from './idempotency';

/** The caller as the workflow sees them; an official's positions were read by the access check already. */
export async function actorFor(db: Pool, principal: Principal, cycleId: string): Promise<Actor> {
  const positionIds = principal.role === 'official' ? (await heldBy(db, principal, cycleId)).map((h) => h.positionId) : [];
  return { role: principal.role, id: principal.id, positionIds };
}

export async function runUpdate<Ret, Arg>(
  temporal: Client,
  agreementId: string,
  update: UpdateDefinition<Ret, [Arg]>,
  arg: Arg,
): Promise<Ret> {
  try {
    // under an Idempotency-Key the Update ID comes from the key: a retry is the same update, applied once
    const updateId = currentUpdateId();
    return await temporal.workflow.getHandle(agreementId).executeUpdate(update, { args: [arg], ...(updateId ? { updateId } : {}) });
  } catch (err) {
    throw toHttpProblem(err, agreementId);
  }
}
