// Errors a request can meet that are the caller's, not the server's: PostgreSQL integrity
// violations and a signer the provider does not know are stable 4xx problems, never 503 `internal`.
import express from 'express';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { problemHandler } from '../../api/problem';
import { toHttpProblem } from '../../api/workflow-errors';

/** What node-postgres throws for a failed statement: a DatabaseError with SQLSTATE `code` and a severity. */
const pgError = (code: string) => Object.assign(new Error('violates a constraint'), { code, severity: 'ERROR' });

async function answerTo(err: unknown) {
  const app = express();
  app.get('/', () => {
    throw err;
  });
  app.use(problemHandler(() => {}));
  const server = app.listen(0);
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
  } finally {
    server.close();
  }
}

test.each([
  ['23505', 409, 'conflict'],
  ['23503', 422, 'invalid_data'],
  ['23514', 422, 'invalid_data'],
])('PostgreSQL %s is %i %s, without Retry-After', async (sqlState, status, code) => {
  const answer = await answerTo(pgError(sqlState));
  expect([answer.status, answer.body.code, answer.retryAfter]).toEqual([status, code, null]);
  expect(answer.body.detail).toMatch(/nothing was changed/);
});

test('another PostgreSQL error stays 503 internal', async () => {
  expect((await answerTo(pgError('XX000'))).body.code).toBe('internal');
});

test('UnknownSigner from the signing activity is 422 unknown_signer', () => {
  const failure = ApplicationFailure.nonRetryable('No signing certificate issued for 199001012020121001', 'UnknownSigner');
  expect(toHttpProblem(new Error('update failed', { cause: failure }), 'pk:x:2026:y')).toMatchObject({ status: 422, code: 'unknown_signer' });
});
