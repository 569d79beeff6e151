// A whole year in about a minute and a half of real time, over HTTP only, on the real dev server and
// PostgreSQL: the cycle's calendar puts every due date seconds apart and the ladder steps three
// seconds apart. Kepala Dinas Kesehatan drafts, the Bupati reviews, both sign, four quarters are
// reported and verified, and the evaluation team closes the PK. Kepala Dinas Pendidikan never
// drafts on time: reminded, then escalated up the chain, until they submit.
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Stack } from '../support/stack';
import { BUPATI_NIP, client, enc, nipOf, startStackWithCycle, tokens, waitFor, type Reply } from '../support/api-client';
import { sampleOrganisation } from '../support/time-skipping';

jest.setTimeout(360_000);

const SECOND = 1000;
const DAY = 86_400_000;
const ORG = 'kab-compressed';
const org: any = sampleOrganisation(ORG, new Date().getFullYear(), ['kepala-dinkes', 'kepala-dikbud', 'asisten-1']);
org.positions.find((p: any) => p.id === 'bupati').official.nip = BUPATI_NIP;
const pk = (position: string) => `pk:${ORG}:${org.year}:${position}`;
const dinkes = pk('kepala-dinkes');
const dikbud = pk('kepala-dikbud');

// Seconds after the cycle is posted. Drafting is due at 30 s; the quarters end 8 s apart from 55 s.
const T0 = Date.now() + 5 * SECOND;
const at = (seconds: number) => new Date(T0 + seconds * SECOND).toISOString();
const quarterEnd = [55, 63, 71, 79];
const calendar = {
  overrides: {
    draft: at(30), review: at(40), sign: at(50),
    ...Object.fromEntries(quarterEnd.flatMap((end, i) => [
      [`quarter:Q${i + 1}`, at(end)], [`report:Q${i + 1}`, at(end + 20)], [`verify:Q${i + 1}`, at(end + 30)],
    ])),
    evaluation: at(140),
  },
  ladder: { reminderDaysBefore: [12 * SECOND / DAY], escalationEveryDays: 3 * SECOND / DAY, maxLevels: 4 },
};

let stack: Stack;
let call: ReturnType<typeof client>;
let t: ReturnType<typeof tokens>;
let head: string;
let bupati: string;
let lateHead: string;

beforeAll(async () => {
  ({ stack, call, t } = await startStackWithCycle({ ...org, calendar }, (s) => s.status === 'running'));
  head = t.official(nipOf(org, 'kepala-dinkes'));
  bupati = t.official(BUPATI_NIP);
  lateHead = t.official(nipOf(org, 'kepala-dikbud'));
});
afterAll(async () => stack?.stop());

const detail = (id: string, token = t.evaluator) => call('GET', `/api/agreements/${enc(id)}`, { token });
const until = (id: string, ok: (r: Reply) => boolean) => waitFor(() => detail(id), ok, 120_000);
const ok = (r: Reply) => {
  if (r.status !== 200) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};
/** The official's inbox has this task for the agreement: they act when the page prompts them. */
const prompted = (token: string, id: string, task: string) =>
  waitFor(() => call('GET', '/api/me/tasks', { token }), (r) => r.body.items?.some((i: any) => i.agreementId === id && i.task === task), 120_000);

async function notifications(id: string) {
  const { rows } = await stack.db.query(
    `SELECT item, kind, level, recipient_position FROM notifications WHERE agreement_id = $1 ORDER BY created_at, level`,
    [id],
  );
  return rows as Array<{ item: string; kind: string; level: number; recipient_position: string }>;
}

test('a year with deadlines seconds apart: drafted, reviewed, signed, reported, evaluated; a late official escalated up the chain', async () => {
  const content = org.drafts['kepala-dinkes'];
  const passphrase = (position: string) => `frasa-rahasia-${position === 'bupati' ? BUPATI_NIP : nipOf(org, position)}`;

  // Drafting and review, each prompted in the inbox.
  await prompted(head, dinkes, 'draft');
  ok(await call('PUT', `/api/agreements/${enc(dinkes)}/draft`, { token: head, body: content }));
  ok(await call('POST', `/api/agreements/${enc(dinkes)}/submit`, { token: head }));
  await prompted(bupati, dinkes, 'review');
  ok(await call('POST', `/api/agreements/${enc(dinkes)}/review/approve`, { token: bupati }));
  await prompted(head, dinkes, 'sign:first');
  ok(await call('POST', `/api/agreements/${enc(dinkes)}/sign`, { token: head, body: { passphrase: passphrase('kepala-dinkes') } }));
  await prompted(bupati, dinkes, 'sign:second');
  ok(await call('POST', `/api/agreements/${enc(dinkes)}/sign`, { token: bupati, body: { passphrase: passphrase('bupati') } }));
  const reporting = await until(dinkes, (r) => r.body.phase === 'reporting');
  // signed before the first quarter ends: the signatures did not wait on a clock. Read from what the
  // PK recorded (both signatures and the signed version), not from how long the test took.
  const signedVersion = reporting.body.state.versions.find((v: any) => v.version === reporting.body.state.version);
  expect(signedVersion.signatures.map((s: any) => s.party).sort()).toEqual(['first', 'second']);
  expect(typeof signedVersion.signedAt).toBe('string');
  expect(Date.parse(signedVersion.signedAt)).toBeLessThan(Date.parse(at(quarterEnd[0])));
  for (const s of signedVersion.signatures) expect(Date.parse(s.signedAt)).toBeLessThanOrEqual(Date.parse(signedVersion.signedAt));

  // Meanwhile Kepala Dinas Pendidikan has not drafted: a reminder, then one level up the chain per step.
  const chain: string[] = (await stack.db.query('SELECT escalation_chain FROM positions WHERE cycle_id = $1 AND id = $2', [`cycle:${ORG}:${org.year}`, 'kepala-dikbud'])).rows[0].escalation_chain;
  expect(chain).toEqual(['asisten-1', 'sekda', 'bupati']); // the Asisten who oversees the unit, the Sekda, the Bupati
  const escalated = await until(dikbud, (r) => r.body.escalationLevel >= 2);
  expect(escalated.body).toMatchObject({ overdue: true });
  const late = await notifications(dikbud);
  expect(late[0]).toMatchObject({ item: 'draft', kind: 'reminder', level: 0, recipient_position: 'kepala-dikbud' });
  const steps = late.filter((n) => n.kind === 'escalation');
  expect(steps.map((n) => n.level)).toEqual(steps.map((_, i) => i + 1));
  expect(steps.map((n) => n.recipient_position)).toEqual(chain.slice(0, steps.length));
  // the late PK is marked in the list the evaluation team filters
  const overdueList = await call('GET', `/api/agreements?cycle=${enc(`cycle:${ORG}:${org.year}`)}&overdue=true`, { token: t.evaluator });
  expect(overdueList.body.items.map((a: any) => a.id)).toContain(dikbud);

  // They submit at last: the draft's escalation stops there.
  ok(await call('PUT', `/api/agreements/${enc(dikbud)}/draft`, { token: lateHead, body: org.drafts['kepala-dikbud'] }));
  ok(await call('POST', `/api/agreements/${enc(dikbud)}/submit`, { token: lateHead }));
  await until(dikbud, (r) => r.body.phase === 'review');
  const draftSteps = (await notifications(dikbud)).filter((n) => n.item === 'draft').length;

  // Four quarters: each opens when it ends, is reported by the first party and verified by the second.
  const indicators = content.objectives.flatMap((o: any) => o.indicators);
  // The inbox names the quarter each report and verification is for (the page: "Laporkan realisasi Triwulan I").
  const taskIn = (reply: any, task: string) => reply.body.items.find((i: any) => i.agreementId === dinkes && i.task === task);
  for (const quarter of [1, 2, 3, 4]) {
    expect(taskIn(await prompted(head, dinkes, 'report'), 'report').quarter).toBe(quarter);
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(at(quarterEnd[quarter - 1])));
    const realizations = indicators.map((i: any) => ({ indicatorId: i.id, value: i.target }));
    const budgetSpent = content.budget.map((b: any) => b.amount / 4);
    ok(await call('POST', `/api/agreements/${enc(dinkes)}/realizations/${quarter}`, { token: head, body: { realizations, budgetSpent } }));
    expect(taskIn(await prompted(bupati, dinkes, 'verify'), 'verify').quarter).toBe(quarter);
    ok(await call('POST', `/api/agreements/${enc(dinkes)}/realizations/${quarter}/verify`, { token: bupati }));
  }

  // Year-end evaluation by the evaluation team.
  // a task of no quarter has none
  expect(taskIn(await prompted(t.evaluator, dinkes, 'evaluate'), 'evaluate')).not.toHaveProperty('quarter');
  const evaluated = ok(await call('POST', `/api/agreements/${enc(dinkes)}/evaluation`, { token: t.evaluator, body: { adjustments: [], close: true } }));
  expect(evaluated.score).toBeCloseTo(100, 6);
  expect(evaluated.predicate).toBe('Sangat Baik');
  const closed = await until(dinkes, (r) => r.body.phase === 'closed');
  expect(Number(closed.body.score)).toBeCloseTo(100, 6);
  // Past the namespace's retention Temporal forgets the closed PK's runs: an action is still
  // final (409), not a workflow being started (503, retry forever).
  await waitFor(() => stack.client.workflow.getHandle(dinkes).describe(), (d) => d.status.name === 'COMPLETED', 60_000);
  // The evaluation team reads a closed PK's final state with no worker up (its run's result, kept by Temporal).
  await stack.stopWorker();
  try {
    const view = ok(await call('GET', `/api/agreements/${enc(dinkes)}`, { token: t.evaluator }));
    expect(view.live).toBe(true);
    expect(view.state).toMatchObject({ phase: 'closed', evaluation: { predicate: 'Sangat Baik' } });
    expect(view.state.evaluation.closedAt).toEqual(expect.any(String));
  } finally {
    await stack.startWorker();
  }
  await stack.client.workflowService.deleteWorkflowExecution({ namespace: stack.config.TEMPORAL_NAMESPACE, workflowExecution: { workflowId: dinkes } });
  // Temporal deletes asynchronously (after the run's close tasks are done): on a busy machine this has
  // taken over 30 s. Only "not found" counts as gone; any other error is shown if it never goes.
  await waitFor(
    () => stack.client.workflow.getHandle(dinkes).describe().then((d) => `kept: ${d.runId} ${d.status.name}`, (e) => (e instanceof WorkflowNotFoundError ? 'gone' : `error: ${e}`)),
    (state) => state === 'gone',
    120_000,
  );
  const afterPurge = await call('POST', `/api/agreements/${enc(dinkes)}/submit`, { token: head });
  expect([afterPurge.status, afterPurge.body.code]).toEqual([409, 'agreement_closed']);

  // No draft escalation for Dikbud after it was submitted, though the year went on for a minute.
  expect((await notifications(dikbud)).filter((n) => n.item === 'draft')).toHaveLength(draftSteps);
  // Dinkes acted on time: no escalation of any of its items.
  expect((await notifications(dinkes)).filter((n) => n.kind === 'escalation')).toEqual([]);
  // Every step is on the record, in a chain that verifies.
  expect(ok(await call('GET', `/api/agreements/${enc(dinkes)}/audit/verify`, { token: t.evaluator })).ok).toBe(true);
  const timeline = ok(await call('GET', `/api/agreements/${enc(dikbud)}/history`, { token: t.evaluator }));
  expect(timeline.entries.filter((e: any) => e.kind === 'deadline.escalated').length).toBeGreaterThanOrEqual(2);
});
