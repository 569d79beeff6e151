// One fact, one write, through the API: each change here commits with its audit row, and bad input
// is a clear 4xx that changes nothing.
import type { Stack } from '../support/stack';
import { enc, sampleOrganisation, startStackWithCycle, type client, type tokens } from '../support/api-client';

const ORG = 'kab-one-write';
const org = sampleOrganisation(ORG, new Date().getFullYear() - 1);
const cycleId = `cycle:${ORG}:${org.year}`;
let stack: Stack;
let call: ReturnType<typeof client>;
let t: ReturnType<typeof tokens>;

jest.setTimeout(300_000);

beforeAll(async () => {
  ({ stack, call, t } = await startStackWithCycle(org, (s) => s.status === 'running'));
});
afterAll(async () => {
  await stack?.stop();
});

test('a calendar day that does not exist is refused with 422, not rolled into the next month', async () => {
  const reply = await call('PATCH', `/api/cycles/${enc(cycleId)}/calendar`, { token: t.admin, body: { signBy: { JPT_PRATAMA: '02-31' } } });
  expect(reply.status).toBe(422);
  expect(reply.body.problems).toEqual([expect.objectContaining({ path: expect.stringContaining('JPT_PRATAMA'), message: expect.stringContaining('day of the month') })]);
});
