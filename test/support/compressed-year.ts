// A PK's whole year in about three minutes, over HTTP, the way its officials meet it: a calendar
// whose deadlines are seconds apart, then draft, review, both signatures, four quarterly reports
// (each returned once and sent again, a busy year: the workflow continues as new at least twice)
// and the evaluation that closes it. Shared by the history-archive tests (integration, faults,
// browser) so they drive the same year.
import { BUPATI_NIP, enc, nipOf, waitFor, type Reply, type tokens } from './api-client';
import { sampleOrganisation } from './time-skipping';

const SECOND = 1000;
const DAY = 86_400_000;

type Call = (method: string, path: string, opts?: { token?: string; body?: unknown; headers?: Record<string, string> }) => Promise<Reply>;
type Tokens = ReturnType<typeof tokens>;

/**
 * The sample organisation cut to the Bupati and `positions`, this year, with a compressed calendar
 * starting a few seconds from now: build it just before posting the cycle.
 */
export function compressedYearOrganisation(orgId: string, positions: string[]): any {
  const org: any = sampleOrganisation(orgId, new Date().getFullYear(), positions);
  org.positions.find((p: any) => p.id === 'bupati').official.nip = BUPATI_NIP;
  const t0 = Date.now() + 5 * SECOND;
  const at = (seconds: number) => new Date(t0 + seconds * SECOND).toISOString();
  const quarterEnd = [55, 67, 79, 91];
  org.calendar = {
    overrides: {
      draft: at(30), review: at(40), sign: at(50),
      ...Object.fromEntries(quarterEnd.flatMap((end, i) => [
        [`quarter:Q${i + 1}`, at(end)], [`report:Q${i + 1}`, at(end + 20)], [`verify:Q${i + 1}`, at(end + 30)],
      ])),
      evaluation: at(170),
    },
    ladder: { reminderDaysBefore: [12 * SECOND / DAY], escalationEveryDays: 3 * SECOND / DAY, maxLevels: 4 },
  };
  return org;
}

export const agreementIdIn = (org: any, positionId: string) => `pk:${org.organisation.id}:${org.year}:${positionId}`;

/** The Idempotency-Key the Bupati's page sends with a quarter's verification. */
export const verifyKeyOf = (agreementId: string, quarter: number) => `verify:${agreementId}:Q${quarter}`;

const ok = (r: Reply) => {
  if (r.status !== 200) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};

/**
 * Takes the PK of `positionId` (a direct report of the Bupati) through its year to `closed`.
 * `beforeQuarter` runs before each quarter's report (a test breaks something there);
 * `onQuarterOpened` once the quarter is open for reporting (the previous one verified).
 */
export async function driveCompressedYear(opts: {
  call: Call;
  tokens: Tokens;
  org: any;
  positionId: string;
  beforeQuarter?: (quarter: number) => Promise<void>;
  onQuarterOpened?: (quarter: number) => Promise<void>;
}): Promise<void> {
  const { call, tokens: t, org, positionId } = opts;
  const id = agreementIdIn(org, positionId);
  const prompted = (token: string, task: string) =>
    waitFor(() => call('GET', '/api/me/tasks', { token }), (r) => r.body.items?.some((i: any) => i.agreementId === id && i.task === task), 120_000);
  const nip = nipOf(org, positionId);
  const head = t.official(nip);
  const bupati = t.official(BUPATI_NIP);
  const content = org.drafts[positionId];
  const passphrase = (n: string) => `frasa-rahasia-${n}`;

  await prompted(head, 'draft');
  ok(await call('PUT', `/api/agreements/${enc(id)}/draft`, { token: head, body: content }));
  ok(await call('POST', `/api/agreements/${enc(id)}/submit`, { token: head }));
  await prompted(bupati, 'review');
  ok(await call('POST', `/api/agreements/${enc(id)}/review/approve`, { token: bupati }));
  await prompted(head, 'sign:first');
  ok(await call('POST', `/api/agreements/${enc(id)}/sign`, { token: head, body: { passphrase: passphrase(nip) } }));
  await prompted(bupati, 'sign:second');
  ok(await call('POST', `/api/agreements/${enc(id)}/sign`, { token: bupati, body: { passphrase: passphrase(BUPATI_NIP) } }));

  const indicators = content.objectives.flatMap((o: any) => o.indicators);
  const report = {
    realizations: indicators.map((i: any) => ({ indicatorId: i.id, value: i.target })),
    budgetSpent: content.budget.map((b: any) => b.amount / 4),
  };
  for (const quarter of [1, 2, 3, 4]) {
    await opts.beforeQuarter?.(quarter);
    await prompted(head, 'report');
    await opts.onQuarterOpened?.(quarter);
    ok(await call('POST', `/api/agreements/${enc(id)}/realizations/${quarter}`, { token: head, body: report }));
    // each report is returned once and sent again: a busy year, so the PK continues as new twice
    await prompted(bupati, 'verify');
    ok(await call('POST', `/api/agreements/${enc(id)}/realizations/${quarter}/return`, { token: bupati, body: { reason: 'Lampirkan bukti dukung' } }));
    await prompted(head, 'report');
    ok(await call('POST', `/api/agreements/${enc(id)}/realizations/${quarter}`, { token: head, body: report }));
    await prompted(bupati, 'verify');
    ok(await call('POST', `/api/agreements/${enc(id)}/realizations/${quarter}/verify`, { token: bupati, headers: { 'idempotency-key': verifyKeyOf(id, quarter) } }));
  }
  await prompted(t.evaluator, 'evaluate');
  ok(await call('POST', `/api/agreements/${enc(id)}/evaluation`, { token: t.evaluator, body: { adjustments: [], close: true } }));
  await waitFor(() => call('GET', `/api/agreements/${enc(id)}`, { token: t.evaluator }), (r) => r.body.phase === 'closed', 120_000);
}
