// The production topology through the API: a Temporal cluster of two server nodes with 8 history
// shards on PostgreSQL, two workers. An administrator imports an organisation, a PK is drafted,
// approved, signed by both parties and its first quarter reported, as on the dev server; /health
// names the cluster.
import { client, enc, nipOf, passphraseFor, sampleOrganisation, tokens, waitFor } from '../support/api-client';
import { toFirstQuarter } from '../support/reporting';
import { startClusterStack, type ClusterStack } from '../support/cluster-stack';
import { TEMPORAL_SERVER_VERSION } from '../../scripts/temporal-cluster-binaries';

const ORG = 'kab-cluster';
const org = sampleOrganisation(ORG, new Date().getFullYear() - 1); // a past year: every quarter is open
const cycleId = `cycle:${ORG}:${org.year}`;
let stack: ClusterStack;
let call: ReturnType<typeof client>;
let t: ReturnType<typeof tokens>;

// a first run builds the server (6–9 minutes) before this file's own beforeAll starts it
jest.setTimeout(900_000);

beforeAll(async () => {
  stack = await startClusterStack();
  call = client(stack.baseUrl);
  t = tokens(stack.config.KINERJA_SECRET);
});
afterAll(async () => {
  await stack?.stop();
});

test('/health reports the Temporal version, 8 history shards and both server nodes in every ring', async () => {
  const res = await call('GET', '/health');
  expect(res.status).toBe(200);
  const temporal = res.body.temporal;
  expect(temporal.ok).toBe(true);
  expect(temporal.serverVersion).toBe(TEMPORAL_SERVER_VERSION.replace(/^v/, ''));
  expect(temporal.historyShards).toBe(8);
  for (const role of ['frontend', 'history', 'matching', 'worker']) expect(temporal.members[role]).toHaveLength(2);
  expect(new Set(Object.values(temporal.members).flat()).size).toBe(8); // two nodes, four services each, each its own address
});

test('an organisation is imported, a PK drafted, signed by both parties and a quarter reported', async () => {
  const posted = await call('POST', '/api/cycles', { token: t.admin, body: org });
  expect(posted.status).toBe(201);
  const status = await waitFor(() => call('GET', `/api/cycles/${enc(cycleId)}`, { token: t.admin }), (r) => r.body.status === 'running', 180_000);
  expect(status.body).toMatchObject({ started: org.positions.length, agreements: org.positions.length });

  const id = await toFirstQuarter(call, t.evaluator, t.official, org, 'kepala-dinkes', 'bupati');
  const owner = t.official(nipOf(org, 'kepala-dinkes'));
  const docs = await call('GET', `/api/agreements/${enc(id)}/documents`, { token: owner });
  expect(docs.body.items.map((d: any) => d.party)).toEqual(['first', 'second']);
  const verification = await call('GET', docs.body.items[1].verification, { token: t.evaluator });
  expect(verification.status).toBe(200);

  const indicators = org.drafts['kepala-dinkes'].objectives.flatMap((o: any) => o.indicators);
  const realizations = indicators.map((i: any) => ({ indicatorId: i.id, value: i.target }));
  const budgetSpent = org.drafts['kepala-dinkes'].budget.map((b: any) => Math.round(b.amount / 5));
  const reported = await call('POST', `/api/agreements/${enc(id)}/realizations/1`, { token: owner, body: { realizations, budgetSpent } });
  expect(reported.status).toBe(200);
  const after = await call('GET', `/api/agreements/${enc(id)}`, { token: owner });
  expect(after.body.state.quarters[0].status).toBe('reported');

  // one signature per party recorded, and the passphrases never reached the cluster's history in clear
  const signed = await stack.db.query(`SELECT data->>'party' AS party FROM audit_log WHERE agreement_id = $1 AND action = 'document.signed' ORDER BY 1`, [id]);
  expect(signed.rows.map((r) => r.party)).toEqual(['first', 'second']);
  const history = JSON.stringify(await stack.client.workflow.getHandle(id).fetchHistory());
  expect(history).not.toContain(passphraseFor(nipOf(org, 'kepala-dinkes')));
});
