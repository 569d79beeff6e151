// Who is calling, as the bearer token says. Officials are identified by their official id (an
// ASN's NIP, the Kepala Daerah's id from the import); which positions they hold is resolved per
// cycle (see access.ts), because a change of official moves positions.
import type { Role } from '../workflows/messages';

export interface Principal {
  role: Role;
  /** The official id for officials (an ASN's NIP), the person's user id for admins and evaluators. */
  id: string;
  /** ASN officials only. */
  nip: string | null;
}

/** The key idempotency records and audit rows use for a caller. */
export const principalKey = (p: Principal) => `${p.role}:${p.id}`;
