// Every test file runs against one database, where a signing key, a passphrase lockout and a
// sign-in account belong to a person (a NIP), not to a cycle. A file that enrols an official with
// another passphrase, or locks one out on purpose, must not reach into another file's officials:
// so each copy of the sample gets officials of its own, their NIPs derived from its organisation id.
import { createHash } from 'node:crypto';

/** A NIP for the same person in another organisation: the birth date kept, the rest from a hash. */
export function ownNip(organisationId: string, nip: string): string {
  const hash = BigInt(`0x${createHash('sha256').update(`${organisationId}:${nip}`).digest('hex')}`);
  return nip.slice(0, 8) + (hash % 10_000_000_000n).toString().padStart(10, '0');
}

/** An e-mail address of the organisation's own (an address names one person: sign-in maps by it). */
export function ownEmail(organisationId: string, email: string): string {
  const at = email.lastIndexOf('@');
  return `${email.slice(0, at)}+${organisationId}${email.slice(at)}`;
}

/** Gives every official in `org` a NIP and an e-mail address of the organisation's own (in place). */
export function withOwnOfficials<T extends { organisation: { id: string }; positions: Array<{ official: { nip: string | null; email?: string | null } }> }>(org: T): T {
  for (const { official } of org.positions) {
    if (official.nip) official.nip = ownNip(org.organisation.id, official.nip);
    if (official.email) official.email = ownEmail(org.organisation.id, official.email);
  }
  return org;
}
