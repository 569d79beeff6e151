// Who a person is, independent of the civil-service register. An official is identified by an
// official id: an ASN's is their NIP; a political official (the Bupati/Walikota, who has no NIP)
// gets one from the import (`official.id`), or `{organisation}.{position}` when none is given.
// Administrators and evaluators are identified per person (a user name or e-mail), never by role.
import { problem, type Problem } from './problem';

/** An 18-digit NIP (birth date, appointment month, gender, serial). */
export const NIP_PATTERN = /^\d{18}$/;

/**
 * An official id or a user id: letters, digits and `.`, `_`, `-`, `@`, starting and ending with a
 * letter or digit, at most 128 characters (so an e-mail address fits).
 */
export const PERSON_ID_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9._@-]{0,126}[A-Za-z0-9])?$/;

export const isNip = (value: string): boolean => NIP_PATTERN.test(value);
export const isPersonId = (value: string): boolean => PERSON_ID_PATTERN.test(value);

/**
 * The role names themselves: a token whose subject is one of them is the old shared identity
 * (`sub: "admin"`), which names nobody and is refused.
 */
export const SHARED_SUBJECTS: ReadonlySet<string> = new Set(['admin', 'evaluator', 'official']);

/**
 * The official id of whoever holds a position: the import's `official.id`, else the NIP, else
 * `{organisation}.{position}` (the Kepala Daerah of the sample has neither).
 */
export function officialIdOf(official: { id?: string | null; nip: string | null }, organisationId: string, positionId: string): string {
  return official.id ?? official.nip ?? `${organisationId}.${positionId}`;
}

/**
 * How the API shows who signed: the signer's official id, and the NIP only when they have one.
 * (Signature records and `documents.signer_nip` hold the official id, which is the NIP for ASN.)
 */
export function signerView(signerId: string): { signerId: string; signerNip: string | null } {
  return { signerId, signerNip: isNip(signerId) ? signerId : null };
}

/** The longest a bearer token may live: a service token is re-issued at least monthly. */
export const MAX_TOKEN_TTL_SECONDS = 30 * 86_400;

/**
 * The import's official ids, read defensively: an explicit id must be the NIP when there is one
 * (one person, one identifier), an id without NIP must not look like a NIP (it would take an ASN's
 * identity), and each person holds one id in the cycle (shared only for an acting official, Plt.).
 */
export function checkOfficialIds(input: Record<string, unknown>, allowShared: boolean, problems: Problem[]): void {
  const organisationId = isRecord(input.organisation) && typeof input.organisation.id === 'string' ? input.organisation.id : '';
  const firstIndexById = new Map<string, number>();
  (Array.isArray(input.positions) ? input.positions : []).forEach((raw, index) => {
    if (!isRecord(raw) || !isRecord(raw.official)) return;
    const { id, nip } = raw.official;
    const at = ['positions', index, 'official', 'id'];
    if (typeof id === 'string' && typeof nip === 'string' && id !== nip) {
      problems.push(problem(at, 'official_id_not_nip', `An ASN official's id is their NIP (${nip}); leave "id" out or give the NIP`));
      return;
    }
    if (typeof id === 'string' && nip === null && isNip(id)) {
      problems.push(problem(at, 'official_id_is_nip', 'An official without NIP needs an id that is not an 18-digit number'));
      return;
    }
    if (typeof id !== 'string' && typeof nip === 'string') return; // the NIP: duplicates are reported as duplicate_nip
    if (typeof raw.id !== 'string' || (id !== undefined && typeof id !== 'string')) return;
    const officialId = officialIdOf({ id: id as string | undefined, nip: typeof nip === 'string' ? nip : null }, organisationId, raw.id);
    const first = firstIndexById.get(officialId);
    if (first !== undefined && !allowShared) {
      problems.push(problem(at, 'duplicate_official_id', `Official id "${officialId}" is already held by /positions/${first}`));
    } else if (first === undefined) {
      firstIndexById.set(officialId, index);
    }
  });
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
