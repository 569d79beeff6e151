// A problem found in data an administrator or official supplied, addressed by JSON Pointer so the
// page can put the message next to the offending field.

export interface Problem {
  /** JSON Pointer (RFC 6901) into the checked document, e.g. "/positions/3/official/nip"; "" is the whole document. */
  path: string;
  /** Stable machine code, e.g. 'dangling_parent', 'malformed_nip', 'invalid_type'. */
  code: string;
  /** Human explanation in English. */
  message: string;
}

/** Builds a JSON Pointer from path segments, escaping "~" and "/" as RFC 6901 requires. */
export function jsonPointer(segments: ReadonlyArray<string | number>): string {
  return segments.map((segment) => '/' + String(segment).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

export function problem(segments: ReadonlyArray<string | number>, code: string, message: string): Problem {
  return { path: jsonPointer(segments), code, message };
}

export type Validated<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };
