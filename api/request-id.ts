// Ids of direct database writes (evidence, audit rows) made while handling a request. Under an
// Idempotency-Key the id comes from the key (via its Update ID), so a re-run of the request after its
// work committed but before its answer was stored (api/idempotency.ts) meets the row it wrote
// instead of writing a second one; without a key it is random.
import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../security/hash';
import { currentUpdateId } from './idempotency';

/** 24 URL-safe characters: from the request's Idempotency-Key when it has one, else random. */
export function requestScopedId(): string {
  const fromKey = currentUpdateId();
  return fromKey ? Buffer.from(sha256Hex(fromKey), 'hex').subarray(0, 18).toString('base64url') : randomBytes(18).toString('base64url');
}
