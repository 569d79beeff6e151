// Brings PKs of a started cycle to their year-end evaluation over HTTP, quickly: a calendar whose
// quarters have all ended (each opens once the PK is signed) and due dates a day away, and every
// indicator reported with the same value each quarter as a level (aggregation "last").
import { enc, nipOf, waitFor, type Reply } from './api-client';
import { toFirstQuarter } from './reporting';

type Call = (method: string, path: string, opts?: { token?: string; body?: unknown }) => Promise<Reply>;

const DAY = 86_400_000;
const past = (days: number) => new Date(Date.now() - days * DAY).toISOString();

export function endedYearCalendar() {
  const ahead = new Date(Date.now() + DAY).toISOString();
  return {
    overrides: {
      draft: ahead, review: ahead, sign: ahead, evaluation: ahead,
      ...Object.fromEntries([4, 3, 2, 1].flatMap((daysAgo, i) => [[`quarter:Q${i + 1}`, past(daysAgo)], [`report:Q${i + 1}`, ahead], [`verify:Q${i + 1}`, ahead]])),
    },
  };
}

/** Makes every indicator of the drafts a level (aggregation "last"), so one value per quarter is the year's. */
export function levelIndicators(org: any, positionIds: string[]) {
  for (const id of positionIds) for (const o of org.drafts[id].objectives) for (const i of o.indicators) i.aggregation = 'last';
}

/**
 * Signs a PK (toFirstQuarter), reports each indicator at `value(indicator)` for all four quarters and
 * has the superior verify each; resolves when the PK is in evaluation.
 */
export async function toEvaluation(call: Call, evaluator: string, official: (nip: string) => string, org: any, positionId: string, superiorId: string,
  value: (indicator: any) => number, afterSigned: () => void = () => {}): Promise<string> {
  const id = await toFirstQuarter(call, evaluator, official, org, positionId, superiorId);
  afterSigned();
  const owner = official(nipOf(org, positionId));
  const superior = official(nipOf(org, superiorId));
  const draft = org.drafts[positionId];
  const realizations = draft.objectives.flatMap((o: any) => o.indicators.map((i: any) => ({ indicatorId: i.id, value: value(i) })));
  const budgetSpent = draft.budget.map(() => 0);
  for (const quarter of [1, 2, 3, 4]) {
    await waitFor(() => call('GET', `/api/agreements/${enc(id)}`, { token: owner }), (r) => r.body.state?.quarters?.[quarter - 1]?.status === 'open', 60_000);
    const reported = await call('POST', `/api/agreements/${enc(id)}/realizations/${quarter}`, { token: owner, body: { realizations, budgetSpent } });
    if (reported.status !== 200) throw new Error(`reporting Q${quarter} of ${id} answered ${reported.status}: ${JSON.stringify(reported.body)}`);
    await waitFor(() => call('GET', `/api/agreements/${enc(id)}`, { token: owner }), (r) => r.body.state?.quarters?.[quarter - 1]?.status === 'reported', 60_000);
    const verified = await call('POST', `/api/agreements/${enc(id)}/realizations/${quarter}/verify`, { token: superior });
    if (verified.status !== 200) throw new Error(`verifying Q${quarter} of ${id} answered ${verified.status}: ${JSON.stringify(verified.body)}`);
  }
  await waitFor(() => call('GET', `/api/agreements/${enc(id)}`, { token: evaluator }), (r) => r.body.phase === 'evaluation' && r.body.score !== null, 60_000);
  return id;
}
