// Opaque cursors for keyset pagination: the last id seen plus a fingerprint of the filters, so a
// cursor cannot be replayed against another query. Clients must treat it as an opaque string.
import { sha256Hex } from '../security/hash';
import { HttpProblem } from './problem';

export function encodeCursor(lastId: string, filters: unknown): string {
  return Buffer.from(JSON.stringify({ v: 1, a: lastId, f: fingerprint(filters) })).toString('base64url');
}

export function decodeCursor(cursor: string | undefined, filters: unknown): string | null {
  if (cursor === undefined || cursor === '') return null;
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (value?.v === 1 && typeof value.a === 'string' && value.f === fingerprint(filters)) return value.a;
  } catch {
    /* fall through */
  }
  throw new HttpProblem(400, 'invalid_cursor', 'The cursor is not valid for this query; start again without it.');
}

const fingerprint = (filters: unknown) => sha256Hex(JSON.stringify(filters)).slice(0, 16);
