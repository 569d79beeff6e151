// Turns zod issues into our Problem shape, so schema problems and semantic problems read alike.
import type { z } from 'zod';
import { jsonPointer, type Problem } from './problem';
import { INDICATOR_ID, RECORD_ID } from './identifiers';

/** Ids outside their safe alphabet (domain/identifiers.ts), recognised by the pattern they failed. */
const ID_PATTERNS = new Set([String(RECORD_ID), String(INDICATOR_ID)]);

/** Fields whose every failure (wrong type included) has a domain name of its own. */
const FIELD_CODES: Record<string, string> = {
  target: 'invalid_target',
  range: 'invalid_target',
  quarterlyTargets: 'invalid_target',
  amount: 'invalid_amount',
  weight: 'invalid_weight',
  nip: 'malformed_nip',
  year: 'invalid_year',
};

/** Text fields: a string that fails its check is empty; a non-string stays 'invalid_type'. */
const TEXT_FIELD_CODES: Record<string, string> = {
  name: 'empty_name',
  title: 'empty_name',
  text: 'empty_name',
  unit: 'empty_name',
  program: 'empty_name',
  place: 'empty_name',
  id: 'empty_id',
};

/** Our refinements carry their code in `params.code`; other issues get a code from the field or from zod. */
export function problemsFromZodIssues(issues: ReadonlyArray<z.core.$ZodIssue>): Problem[] {
  return issues.map((issue) => {
    const segments = issue.path.map((segment) => (typeof segment === 'symbol' ? String(segment.description) : segment));
    return { path: jsonPointer(segments), code: codeOf(issue, segments), message: issue.message };
  });
}

function codeOf(issue: z.core.$ZodIssue, segments: ReadonlyArray<string | number>): string {
  if (issue.code === 'custom') {
    const own = (issue.params as { code?: unknown } | undefined)?.code;
    if (typeof own === 'string') return own;
  }
  // The field is the last named segment: "/range/0" is still the range.
  for (let i = segments.length - 1; i >= 0 && i >= segments.length - 2; i--) {
    const segment = segments[i];
    if (typeof segment === 'string' && Object.hasOwn(FIELD_CODES, segment)) return FIELD_CODES[segment];
  }
  if (issue.code === 'invalid_format' && issue.format === 'regex' && ID_PATTERNS.has(String(issue.pattern))) return 'invalid_id';
  if (issue.code === 'too_big' && issue.origin === 'string') return 'too_long';
  if (issue.code === 'too_big' && issue.origin === 'array') return 'too_many';
  const field = segments[segments.length - 1];
  if (issue.code === 'invalid_format' && typeof field === 'string' && Object.hasOwn(TEXT_FIELD_CODES, field)) {
    return TEXT_FIELD_CODES[field];
  }
  return issue.code;
}

/** Options for `.refine()` that give the resulting issue our stable code. */
export function coded(code: string, message: string): { message: string; params: { code: string } } {
  return { message, params: { code } };
}
