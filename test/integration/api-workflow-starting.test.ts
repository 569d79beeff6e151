// Right after a cycle starts, its PKs are listed before their workflows run (the fan-out stores a
// batch's rows, then starts them). An action in that moment is a wait, not a missing PK: 503
// `workflow_starting` with Retry-After, and the same action succeeds once the workflow runs.
import type { Stack } from '../support/stack';
import { client, enc, nipOf, sampleOrganisation, tokens, waitFor, type Reply } from '../support/api-client';
import { startStack } from '../support/stack';

const ORG = 'kab-starting';
const org = sampleOrganisation(ORG);
const cycleId = `cycle:${ORG}:${org.year}`;
let stack: Stack;
let call: ReturnType<typeof client>;
let t: ReturnType<typeof tokens>;

jest.setTimeout(120_000);

beforeAll(async () => {
  stack = await startStack();
  call = client(stack.baseUrl);
  t = tokens(stack.config.KINERJA_SECRET);
});
afterAll(async () => {
  await stack?.stop();
});

/** An action as a client that honours Retry-After would send it: the answers it got, last one last. */
async function actHonouringRetryAfter(act: () => Promise<Reply>): Promise<Reply[]> {
  const answers: Reply[] = [];
  for (let i = 0; i < 60; i++) {
    const reply = await act();
    answers.push(reply);
    if (reply.status !== 503) return answers;
    await new Promise((r) => setTimeout(r, Number(reply.headers.get('retry-after')) * 1000));
  }
  return answers;
}

test('a listed PK whose workflow is not running yet answers 503 with Retry-After, never 404', async () => {
  expect((await call('POST', '/api/cycles', { token: t.admin, body: org })).status).toBe(201);
  // as a user does: the first PKs listed are acted on at once
  const listed = await waitFor(() => call('GET', `/api/agreements?cycle=${enc(cycleId)}&limit=200`, { token: t.admin }), (r) => r.body.items?.length > 0);
  const first = listed.body.items[0];
  const owner = t.official(nipOf(org, first.positionId));
  const answers = await actHonouringRetryAfter(() => call('POST', `/api/agreements/${enc(first.id)}/submit`, { token: owner }));
  for (const a of answers.filter((r) => r.status === 503)) {
    expect(a.body.code).toBe('workflow_starting');
    expect(Number(a.headers.get('retry-after'))).toBeGreaterThan(0);
  }
  expect(answers.map((a) => a.status)).not.toContain(404);
  expect(answers[answers.length - 1].status).not.toBe(503); // the workflow answered in the end (here: nothing submitted yet)

  // the same moment, held still: a PK whose row is stored and whose workflow is not there
  await waitFor(() => call('GET', `/api/cycles/${enc(cycleId)}`, { token: t.admin }), (r) => r.body.status === 'running');
  const dinkes = `pk:${ORG}:${org.year}:kepala-dinkes`;
  await stack.client.workflowService.deleteWorkflowExecution({ namespace: stack.config.TEMPORAL_NAMESPACE, workflowExecution: { workflowId: dinkes } });
  const dinkesOwner = t.official(nipOf(org, 'kepala-dinkes'));
  const waiting = await waitFor(() => call('PUT', `/api/agreements/${enc(dinkes)}/draft`, { token: dinkesOwner, body: org.drafts['kepala-dinkes'] }), (r) => r.status === 503);
  expect(waiting.status).toBe(503);
  expect(waiting.body).toMatchObject({ code: 'workflow_starting', status: 503 });
  expect(waiting.headers.get('retry-after')).toBe('2');
  expect(waiting.headers.get('content-type')).toContain('application/problem+json');
  // still listed, as it was
  const still = await call('GET', `/api/agreements/${enc(dinkes)}`, { token: dinkesOwner });
  expect(still.status).toBe(200);
});
