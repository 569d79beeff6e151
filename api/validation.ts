// Request bodies and query strings checked with zod; every problem is reported at once with its
// JSON Pointer, in the same shape the domain validators use.
import type { z } from 'zod';
import { problemsFromZodIssues } from '../domain/schema-problems';
import { HttpProblem, invalid } from './problem';

export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  if (body === undefined) throw invalid([{ path: '', code: 'missing_body', message: 'A JSON body is required' }]);
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw invalid(problemsFromZodIssues(parsed.error.issues));
  return parsed.data;
}

/** Query parameters: a bad one is a 400 (the URL is malformed), naming the parameter. */
export function parseQuery<T>(schema: z.ZodType<T>, query: unknown): T {
  const parsed = schema.safeParse(query);
  if (!parsed.success) {
    const problems = problemsFromZodIssues(parsed.error.issues);
    throw new HttpProblem(400, 'invalid_query', `Invalid query parameter(s): ${problems.map((p) => p.path.slice(1) || '(query)').join(', ')}.`, { problems });
  }
  return parsed.data;
}
