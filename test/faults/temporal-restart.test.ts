// Restart the Temporal dev server on its database file in the middle of a cycle, while drafts are
// being saved: the API answers 503 with Retry-After while it is down (never 500), every workflow
// is still there afterwards with its history intact, and the cycle carries on (approval, signing,
// subordinates opening for drafting).
import { sampleOrganisation, enc } from '../support/api-client';
import { type FaultStack, withFaultStack, report, until } from './harness';
import { agreementIdOf, partiesOf, phaseIs, sign, toSigning } from './drive';

const NAME = 'temporal-restart';
const org = sampleOrganisation('kab-faults-temporal');
const cycleId = `cycle:${org.organisation.id}:${org.year}`;
let stack: FaultStack;

jest.setTimeout(900_000);

withFaultStack(NAME, { org }, (s) => (stack = s));

async function histories(ids: string[]) {
  const out = new Map<string, string[]>();
  for (const id of ids) {
    const h = await stack.client.workflow.getHandle(id).fetchHistory();
    out.set(id, (h.events ?? []).map((e) => `${e.eventId}:${e.eventType}`));
  }
  return out;
}

test('all workflows continue and nothing is lost across a dev server restart', async () => {
  const direct: string[] = org.positions.filter((p: any) => p.parent === 'bupati').map((p: any) => p.id);
  const [signed, drafting] = [direct.slice(0, 2), direct.slice(2, 6)];
  await Promise.all(signed.map((p) => toSigning(stack, org, p)));
  const ids = org.positions.map((p: any) => agreementIdOf(org, p.id));
  const before = await histories(ids);
  const phasesBefore = (await stack.call('GET', `/api/cycles/${enc(cycleId)}`, { token: stack.tokens.admin })).body.phases;

  // drafts being saved while the server goes down (two sent just before it stops, two sent while it
  // is down): the client retries on 503 until it gets 200
  const statuses: number[] = [];
  const answersOf = new Map<string, number[]>(drafting.map((p) => [p, []]));
  let retryAfterMissing = 0;
  const saveDraft = async (positionId: string) => {
    const { first } = partiesOf(org, positionId);
    for (let attempt = 0; attempt < 600; attempt++) {
      const r = await stack.call('PUT', `/api/agreements/${enc(agreementIdOf(org, positionId))}/draft`, { token: stack.tokens.official(first), body: org.drafts[positionId] }).catch(() => ({ status: 0, headers: new Headers(), body: null }));
      statuses.push(r.status);
      answersOf.get(positionId)!.push(r.status);
      if (r.status === 200) return;
      if (r.status === 503 && !r.headers.get('retry-after')) retryAfterMissing++;
      if (r.status !== 503) throw new Error(`saving a draft answered ${r.status}: ${JSON.stringify(r.body)}`);
      await new Promise((res) => setTimeout(res, 250));
    }
    throw new Error('the draft was never saved');
  };
  await until('drafting to open', () => stack.call('GET', `/api/agreements/${enc(agreementIdOf(org, drafting[0]))}`, { token: stack.tokens.evaluator }), (r) => r.body?.state?.deadline?.item === 'draft');
  const [inFlight, whileDown] = [drafting.slice(0, 2), drafting.slice(2)];
  expect(whileDown).toHaveLength(2);
  const saving = inFlight.map((p) => saveDraft(p));
  const stopAt = Date.now();
  await stack.temporal.stop();
  // saves sent while the server is down: each must meet the outage (a 503) before it comes back
  saving.push(...whileDown.map((p) => saveDraft(p)));
  await until('each save sent during the outage to be refused with 503', async () => whileDown.map((p) => answersOf.get(p)!), (answers) => answers.every((a) => a.includes(503)), 60_000, 100);
  // while it is down: the health check says so, and a write is refused as unavailable
  const health = await stack.call('GET', '/health');
  const down = await stack.call('POST', `/api/agreements/${enc(agreementIdOf(org, signed[0]))}/sign`, { token: stack.tokens.official(partiesOf(org, signed[0]).first), body: { passphrase: 'frasa-sandi-yang-salah-7' } }); // passes the enrolment policy: what answers is Temporal's absence
  report(NAME, `dev server stopped: /health ${health.status} (temporal.ok=${health.body?.temporal?.ok}), a sign request ${down.status} ${down.body?.code} Retry-After=${down.headers.get('retry-after')}`);
  expect(health.status).toBe(503);
  expect(health.headers.get('retry-after')).toBeTruthy();
  expect(down.status).toBe(503);
  expect(down.headers.get('retry-after')).toBeTruthy();
  stack.faultsInjected++;
  stack.temporal = await (await import('../../scripts/dev-server')).startDevServer({ dbFile: stack.dbFile, port: stack.temporalPort, uiPort: null, fast: true });
  report(NAME, `dev server restarted on ${stack.dbFile} after ${Math.round((Date.now() - stopAt) / 1000)} s`);
  await Promise.all(saving);
  const counts = statuses.reduce<Record<number, number>>((m, s) => ((m[s] = (m[s] ?? 0) + 1), m), {});
  report(NAME, `draft saves during the restart answered ${JSON.stringify(counts)}; 503 without Retry-After: ${retryAfterMissing}`);
  expect(statuses.filter((s) => s >= 500 && s !== 503)).toEqual([]);
  expect(retryAfterMissing).toBe(0);
  // the fault was hit: saves met the outage, and every save got through in the end
  expect(counts[503] ?? 0).toBeGreaterThanOrEqual(whileDown.length);
  for (const p of whileDown) expect(answersOf.get(p)![0]).toBe(503);
  for (const p of drafting) expect(answersOf.get(p)!.at(-1)).toBe(200);

  // nothing lost: every workflow still running, each history starting with exactly what it had
  const running = await until('every agreement to be listed as running', () => stack.client.workflow.count(`WorkflowType = 'agreementV2' AND KinerjaOrg = '${org.organisation.id}' AND ExecutionStatus = 'Running'`), (c) => c.count === ids.length, 60_000, 1000);
  const after = await histories(ids);
  let events = 0;
  for (const id of ids) {
    const [b, a] = [before.get(id)!, after.get(id)!];
    expect(a.slice(0, b.length)).toEqual(b);
    events += b.length;
  }
  report(NAME, `${running.count} agreement workflows running; ${events} history events from before the restart all present`);

  // and everything carries on: sign both PKs, submit and approve the drafts saved across the restart
  for (const p of signed) {
    expect((await sign(stack, org, p, 'first')).status).toBe(200);
    expect((await sign(stack, org, p, 'second')).status).toBe(200);
    await phaseIs(stack, agreementIdOf(org, p), 'reporting');
  }
  for (const p of drafting) {
    const id = agreementIdOf(org, p);
    const { first, second } = partiesOf(org, p);
    expect((await stack.call('POST', `/api/agreements/${enc(id)}/submit`, { token: stack.tokens.official(first) })).status).toBe(200);
    await phaseIs(stack, id, 'review');
    expect((await stack.call('POST', `/api/agreements/${enc(id)}/review/approve`, { token: stack.tokens.official(second) })).status).toBe(200);
    await phaseIs(stack, id, 'signing');
  }
  // a subordinate of a signed PK opens for drafting (a signal between workflows, after the restart)
  const child = org.positions.find((p: any) => p.parent === signed[0]);
  await until(`${child.id} open for drafting`, () => stack.call('GET', `/api/agreements/${enc(agreementIdOf(org, child.id))}`, { token: stack.tokens.evaluator }), (r) => r.body?.phase === 'drafting', 120_000);
  const phasesAfter = (await stack.call('GET', `/api/cycles/${enc(cycleId)}`, { token: stack.tokens.admin })).body;
  report(NAME, `phases before ${JSON.stringify(phasesBefore)}; after ${JSON.stringify(phasesAfter.phases)}; agreements ${phasesAfter.agreements}`);
  expect(phasesAfter.agreements).toBe(ids.length);
});
