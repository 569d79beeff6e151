// Who is calling, as the bearer token says. Officials are identified by NIP; which positions they
// hold is resolved per cycle (see access.ts), because a change of official moves positions.
import type { Role } from '../workflows/messages';

export interface Principal {
  role: Role;
  /** NIP for officials, the token subject for admins and evaluators. */
  id: string;
  nip: string | null;
}

/** The key idempotency records and audit rows use for a caller. */
export const principalKey = (p: Principal) => `${p.role}:${p.id}`;
