// Sending a human action into an agreement workflow: build the Actor from the caller (positions
// resolved in the agreement's cycle), execute the Update, and turn a rejection into its problem.
import type { UpdateDefinition } from '@temporalio/common';
import type { Client } from '@temporalio/client';
import type { Actor } from '../workflows/messages';
import type { Principal } from './principal';
import { toHttpProblem } from './workflow-errors';
import { currentUpdateId } from './idempotency';

/**
 * The caller as the workflow sees them. An official acts for the positions the access check read
 * with the agreement (`Ctx.heldPositionIds`), so building the actor costs no query.
 */
export function actorFor(principal: Principal, heldPositionIds: string[] | null): Actor {
  if (principal.role !== 'official') return { role: principal.role, id: principal.id, positionIds: [] };
  if (!heldPositionIds) throw new Error('an official\'s actor needs the positions the access check read (an agreement route)');
  return { role: principal.role, id: principal.id, positionIds: heldPositionIds };
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
