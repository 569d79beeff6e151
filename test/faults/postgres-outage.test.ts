// Stop PostgreSQL for 20 seconds in the middle of quarterly reports: activities retry until it is
// back, the API answers 503 with Retry-After meanwhile (never 500), and afterwards every report is
// stored exactly once.
import { sampleOrganisation, enc } from '../support/api-client';
import { reportRealizationUpdate } from '../../workflows/messages';
import { type FaultStack, withFaultStack, report, until } from './harness';
import { agreementIdOf, partiesOf, toReporting } from './drive';

const NAME = 'postgres-outage';
const org = sampleOrganisation('kab-faults-pg', new Date().getFullYear() - 1); // a past year: every quarter open
const cycleId = `cycle:${org.organisation.id}:${org.year}`;
const OUTAGE_MS = 20_000;
let stack: FaultStack;

jest.setTimeout(900_000);

withFaultStack(NAME, { org }, (s) => (stack = s));

const bodyFor = (positionId: string) => {
  const content = org.drafts[positionId];
  return {
    realizations: content.objectives.flatMap((o: any) => o.indicators).map((i: any) => ({ indicatorId: i.id, value: i.target })),
    budgetSpent: content.budget.map((b: any) => Math.round(b.amount / 5)),
  };
};

test('reports during a 20 s PostgreSQL outage: 503 + Retry-After, retries, each stored once', async () => {
  const positions: string[] = org.positions.filter((p: any) => p.parent === 'bupati').map((p: any) => p.id).slice(0, 3);
  for (const p of positions) await toReporting(stack, org, p);
  const [viaApi, direct] = [positions.slice(0, 2), positions[2]];
  const quarterStatus = async (positionId: string, quarter: number) =>
    (await stack.call('GET', `/api/agreements/${enc(agreementIdOf(org, positionId))}`, { token: stack.tokens.evaluator })).body?.state?.quarters?.[quarter - 1]?.status;
  await until('Q1 to open', () => quarterStatus(positions[2], 1), (s) => s === 'open');

  const statuses: Record<string, number> = {};
  let missingRetryAfter = 0;
  let outageOver = false;
  /**
   * A client that reports each quarter (first party) and verifies it (second party), which opens the
   * next one; on 503 it waits (a shortened Retry-After) and sends the same request again.
   */
  const send = async (what: string, positionId: string, quarter: number, path: string, token: string, body?: unknown) => {
    for (;;) {
      const r = await stack.call('POST', `/api/agreements/${enc(agreementIdOf(org, positionId))}${path}`, { token, body })
        .catch((err) => ({ status: 0, headers: new Headers(), body: String(err) }));
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      if (r.status === 200) return;
      if (r.status === 503 || r.status === 0) {
        if (r.status === 503 && !r.headers.get('retry-after')) missingRetryAfter++;
        await new Promise((res) => setTimeout(res, outageOver ? 200 : 500));
        continue;
      }
      // the request before a 503 may have gone through after all: then the quarter moved on
      if (r.status === 409 && r.body?.code === 'wrong_quarter') {
        const now = await quarterStatus(positionId, quarter);
        if (what === 'report' ? now === 'reported' || now === 'verified' : now === 'verified') return;
      }
      throw new Error(`${what} Q${quarter} for ${positionId} answered ${r.status}: ${JSON.stringify(r.body)}`);
    }
  };
  const reporter = async (positionId: string) => {
    const { first, second } = partiesOf(org, positionId);
    for (const quarter of [1, 2, 3, 4]) {
      await until(`Q${quarter} of ${positionId} to open`, () => quarterStatus(positionId, quarter), (s) => s === 'open', 180_000);
      await send('report', positionId, quarter, `/realizations/${quarter}`, stack.tokens.official(first), bodyFor(positionId));
      await send('verify', positionId, quarter, `/realizations/${quarter}/verify`, stack.tokens.official(second));
    }
  };

  const clients = viaApi.map((p) => reporter(p));
  await until('the first reports to land', async () => statuses[200] ?? 0, (n) => n >= 1, 60_000, 50);
  const stoppedAt = Date.now();
  await stack.stopPostgres();
  report(NAME, `PostgreSQL stopped after ${statuses[200]} reports were stored`);
  // a report accepted by the workflow while the database is down: its activity must retry
  const { first } = partiesOf(org, direct);
  const directUpdate = stack.client.workflow.getHandle(agreementIdOf(org, direct)).executeUpdate(reportRealizationUpdate, {
    args: [{ actor: { role: 'official', id: first, positionIds: [direct] }, quarter: 1, ...bodyFor(direct) }],
  });
  const health: number[] = [];
  const during: Record<string, number> = {};
  const probeId = agreementIdOf(org, viaApi[0]);
  const probeToken = stack.tokens.official(partiesOf(org, viaApi[0]).first);
  while (Date.now() - stoppedAt < OUTAGE_MS) {
    const h = await stack.call('GET', '/health').catch(() => ({ status: 0, headers: new Headers(), body: null }));
    health.push(h.status);
    if (h.status === 503 && !h.headers.get('retry-after')) missingRetryAfter++;
    // what callers meet meanwhile: reads and writes alike are 503 with Retry-After
    for (const [method, path, body] of [
      ['GET', `/api/agreements/${enc(probeId)}`, undefined],
      ['GET', `/api/cycles/${enc(cycleId)}`, undefined],
      ['GET', `/api/agreements?cycle=${enc(cycleId)}`, undefined],
      ['POST', `/api/agreements/${enc(probeId)}/realizations/4`, bodyFor(viaApi[0])],
    ] as const) {
      const r = await stack.call(method, path, { token: method === 'POST' ? probeToken : stack.tokens.admin, body }).catch(() => ({ status: 0, headers: new Headers(), body: null }));
      const key = `${method} ${r.status}`;
      during[key] = (during[key] ?? 0) + 1;
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      if (r.status === 503 && !r.headers.get('retry-after')) missingRetryAfter++;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
  report(NAME, `requests during the outage answered ${JSON.stringify(during)}`);
  expect(Object.keys(during).length).toBeGreaterThan(0);
  expect(Object.keys(during).every((k) => k.endsWith(' 503'))).toBe(true);
  await stack.startPostgres();
  outageOver = true;
  report(NAME, `PostgreSQL started again after ${Math.round((Date.now() - stoppedAt) / 1000)} s; /health during the outage: ${[...new Set(health)].join(',')} (${health.length} probes)`);
  await Promise.all(clients);
  const accepted = await directUpdate;
  expect(accepted.status).toBe('reported');
  await until('the API to be healthy', () => stack.call('GET', '/health'), (r) => r.status === 200, 60_000);
  report(NAME, `API answers during the whole run: ${JSON.stringify(statuses)}; 503 without Retry-After: ${missingRetryAfter}`);
  expect(statuses[500] ?? 0).toBe(0);
  expect(Object.keys(statuses).filter((s) => Number(s) >= 500 && s !== '503')).toEqual([]);
  expect(statuses[503] ?? 0).toBeGreaterThan(0);
  expect(missingRetryAfter).toBe(0);
  expect(health.length).toBeGreaterThan(0);
  expect(health.every((s) => s === 503)).toBe(true);

  // the write behind the direct update (a local activity: its marker records the attempt that
  // succeeded) retried through the outage
  const history = await stack.client.workflow.getHandle(agreementIdOf(org, direct)).fetchHistory();
  let attempts = 0;
  for (const e of history.events ?? []) {
    const marker = e.markerRecordedEventAttributes;
    if (marker?.markerName !== 'core_local_activity') continue;
    const data = JSON.parse(Buffer.from(marker.details!.data.payloads![0].data!).toString()) as { activity_type: string; attempt: number };
    if (data.activity_type === 'recordTransitions') attempts = Math.max(attempts, data.attempt);
  }
  report(NAME, `recordTransitions for ${direct} Q1 succeeded on attempt ${attempts}`);
  expect(attempts).toBeGreaterThan(1);

  // every report stored once: one realization row and one audit entry per agreement and quarter
  const expected = [...viaApi.flatMap((p) => [1, 2, 3, 4].map((q) => `${agreementIdOf(org, p)}#${q}`)), `${agreementIdOf(org, direct)}#1`].sort();
  const rows = (await stack.db.query(`SELECT agreement_id || '#' || quarter AS k, count(*)::int AS n FROM realizations WHERE agreement_id = ANY($1) GROUP BY 1 ORDER BY 1`, [positions.map((p) => agreementIdOf(org, p))])).rows;
  const audits = (await stack.db.query(`SELECT agreement_id || '#' || (data->>'quarter') AS k, count(*)::int AS n FROM audit_log WHERE action = 'realization.reported' AND agreement_id = ANY($1) GROUP BY 1 ORDER BY 1`, [positions.map((p) => agreementIdOf(org, p))])).rows;
  report(NAME, `records checked: ${rows.length} realization keys (${rows.reduce((s, r) => s + r.n, 0)} rows), ${audits.length} audit keys (${audits.reduce((s, r) => s + r.n, 0)} rows) for ${expected.length} reports`);
  expect(rows.map((r) => r.k)).toEqual(expected);
  expect(rows.every((r) => r.n === 1)).toBe(true);
  expect(audits.map((r) => r.k)).toEqual(expected);
  expect(audits.every((r) => r.n === 1)).toBe(true);
  for (const p of positions) {
    const chain = await stack.call('GET', `/api/agreements/${enc(agreementIdOf(org, p))}/audit/verify`, { token: stack.tokens.evaluator });
    expect(chain.body.ok).toBe(true);
  }
});
