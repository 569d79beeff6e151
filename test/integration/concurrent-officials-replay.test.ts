// Officials act at once on the real stack, on different PKs and racing on one PK (two saves, a save
// and its submit, two reports of a quarter, an extension beside each action); after a redeploy no
// workflow task fails and every run replays. It guards the one-at-a-time local writes: with two local
// results in flight, live delivers each in its own activation but replay delivers them together, so
// the commands came out in another order ("Timer machine does not handle this event: ...UpdateCompleted").
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import type { Stack } from '../support/stack';
import { BUPATI_NIP, client, enc, nipOf, passphraseFor, startStackWithCycle, tokens, type Reply } from '../support/api-client';
import { ownNip } from '../support/own-officials';
import { sampleOrganisation } from '../support/time-skipping';
import { workflowBundle } from '../../worker/create-worker';
import { createPayloadCodec } from '../../security/payload-codec';
import { extendDeadlineUpdate } from '../../workflows/messages';

jest.setTimeout(300_000);

const E = temporal.api.enums.v1.EventType;
type History = temporal.api.history.v1.IHistory;

const ORG = 'kab-concurrent-replay';
const YEAR = new Date().getFullYear() - 1; // last year's cycle: every quarter is open
const OFFICIALS_AT_ONCE = 9;
const org: any = sampleOrganisation(ORG, YEAR, [
  'asisten-1', 'asisten-2',
  'dinkes-e3-1-e4-1', 'dinkes-e3-2',
  'dikbud-e3-1-e4-1', 'dikbud-e3-2',
  'pupr-e3-1-e4-1', 'pupr-e3-2',
  'pertanian-e3-1',
]);
org.positions.find((p: any) => p.id === 'bupati').official.nip = ownNip(ORG, BUPATI_NIP);
const cycleId = `cycle:${ORG}:${YEAR}`;

let stack: Stack;
let call: ReturnType<typeof client>;
let t: ReturnType<typeof tokens>;

beforeAll(async () => {
  ({ stack, call, t } = await startStackWithCycle(org, (s) => s.status === 'running'));
});
afterAll(async () => stack?.stop());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const byId = new Map<string, any>(org.positions.map((p: any) => [p.id, p]));
const pkOf = (positionId: string) => `pk:${ORG}:${YEAR}:${positionId}`;
const pathOf = (positionId: string) => `/api/agreements/${enc(pkOf(positionId))}`;
const tokenOf = (positionId: string) => t.official(nipOf(org, positionId));

/** Every answer, by request: a 5xx (or anything but 2xx/409 in a race) fails the test at the end. */
const answers: Array<{ what: string; status: number; code?: string }> = [];
let races = 0;

async function send(what: string, method: string, path: string, token: string, body?: unknown): Promise<Reply> {
  const r = await call(method, path, { token, body });
  answers.push({ what, status: r.status, code: r.body?.code });
  return r;
}
/** Requests sent at the same moment to one PK; which one wins is timing, so 2xx and 409 are both fine. */
async function race(...requests: Array<() => Promise<Reply>>): Promise<Reply[]> {
  races++;
  const replies = await Promise.all(requests.map((r) => r()));
  for (const r of replies) if (r.status !== 409 && (r.status < 200 || r.status > 299)) throw new Error(`a racing request answered ${r.status}: ${JSON.stringify(r.body)}`);
  return replies;
}
/** The same action again, alone, until it is done (a racing copy may have lost to timing). */
async function must(what: string, first: Reply, again: () => Promise<Reply>): Promise<void> {
  let r = first;
  for (let i = 0; i < 100 && r.status === 409; i++) {
    await sleep(100);
    r = await again();
  }
  if (r.status !== 200) throw new Error(`${what} answered ${r.status}: ${JSON.stringify(r.body)}`);
}
async function until(positionId: string, phase: string): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    const { rows } = await stack.db.query('SELECT phase FROM agreements WHERE id = $1', [pkOf(positionId)]);
    if (rows[0]?.phase === phase) return;
    await sleep(100);
  }
  throw new Error(`${positionId} never reached ${phase}`);
}

const extend = (positionId: string) => () => send('extend', 'POST', `${pathOf(positionId)}/deadline`, t.admin, {
  dueAt: new Date(Date.now() + 30 * 86_400_000).toISOString(), reason: 'Perpanjangan oleh administrator (uji serentak)',
});

/** One PK from drafting to its second quarter verified, with the races its people make on the way. */
async function carry(id: string): Promise<void> {
  const p = byId.get(id);
  const pk = pathOf(id);
  const owner = tokenOf(id);
  const superior = p.parent ? tokenOf(p.parent) : null;
  const content = p.parent ? org.drafts[id] : { objectives: org.plan.objectives, budget: [] };
  const save = () => send('save', 'PUT', `${pk}/draft`, owner, content);
  const submit = () => send('submit', 'POST', `${pk}/submit`, owner);

  await until(id, 'drafting');
  // two saves of the same draft at once (two tabs), the administrator extending the deadline meanwhile
  const saves = await race(save, save, extend(id));
  await must('save', saves.find((r) => r.status === 200) ?? saves[0], save);
  // a save racing its own submit
  const [, submitted] = await race(save, submit);
  await must('submit', submitted, submit);
  if (superior) {
    await until(id, 'review');
    const approve = () => send('approve', 'POST', `${pk}/review/approve`, superior);
    await must('approve', (await race(approve, extend(id)))[0], approve);
  }
  await until(id, 'signing');
  const sign = (positionId: string) => () => send('sign', 'POST', `${pk}/sign`, tokenOf(positionId), { passphrase: passphraseFor(nipOf(org, positionId)) });
  await must('first signature', (await race(sign(id), extend(id)))[0], sign(id));
  if (superior) await must('second signature', (await race(sign(p.parent), extend(id)))[0], sign(p.parent));
  await until(id, 'reporting');
  const realizations = content.objectives.flatMap((o: any) => o.indicators).map((i: any) => ({ indicatorId: i.id, value: i.target }));
  for (const quarter of [1, 2]) {
    const report = () => send('report', 'POST', `${pk}/realizations/${quarter}`, owner, { realizations, budgetSpent: content.budget.map((b: any) => Math.round(b.amount / 4)) });
    // two reports of the same quarter at once (a double click), beside an extension; the quarter
    // opens just after the phase is published, so "wrong quarter" from both is only early
    let reported = false;
    for (let i = 0; i < 100 && !reported; i++) {
      const replies = await race(report, report, extend(id));
      reported = replies.slice(0, 2).some((r) => r.status === 200);
      if (!reported) await sleep(100);
    }
    if (!reported) throw new Error(`${id} could not report quarter ${quarter}`);
    if (superior) {
      const verify = () => send('verify', 'POST', `${pk}/realizations/${quarter}/verify`, superior);
      await must('verify', (await race(verify, extend(id)))[0], verify);
    }
  }
}

/** Every run of a workflow, oldest first (continue-as-new splits a PK's year into runs). */
async function historiesOf(workflowId: string): Promise<Array<{ runId: string; history: History }>> {
  const runs: Array<{ runId: string; history: History }> = [];
  for (let runId: string | undefined = (await stack.client.workflow.getHandle(workflowId).describe()).runId; runId;) {
    const history = await stack.client.workflow.getHandle(workflowId, runId).fetchHistory();
    runs.unshift({ runId, history });
    runId = history.events![0].workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
  }
  return runs;
}
const isWriteMarker = (e: temporal.api.history.v1.IHistoryEvent) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity';
/** A workflow task is open (scheduled or started, not yet completed): the run is still reacting. */
function taskOpen(h: History): boolean {
  let open = false;
  for (const e of h.events ?? []) {
    if (e.eventType === E.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED) open = true;
    else if (e.eventType === E.EVENT_TYPE_WORKFLOW_TASK_COMPLETED || e.eventType === E.EVENT_TYPE_WORKFLOW_TASK_FAILED || e.eventType === E.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT) open = false;
  }
  return open;
}
/** The commands of each completed workflow task: the events after its WorkflowTaskCompleted, up to the next task. */
function taskCommands(h: History): Array<temporal.api.history.v1.IHistoryEvent[]> {
  const tasks: Array<temporal.api.history.v1.IHistoryEvent[]> = [];
  let current: temporal.api.history.v1.IHistoryEvent[] | null = null;
  for (const e of h.events ?? []) {
    if (e.eventType === E.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) tasks.push((current = []));
    else if (e.eventType === E.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED) current = null;
    else current?.push(e);
  }
  return tasks;
}

test('officials acting at once, racing on the same PK: no workflow task fails and every run replays', async () => {
  const started = performance.now();
  // The officials move top down (a PK opens when its superior's is signed), several at once.
  const root = org.positions.find((p: any) => !p.parent).id;
  const childrenOf = new Map<string, string[]>();
  for (const p of org.positions) if (p.parent) childrenOf.set(p.parent, [...(childrenOf.get(p.parent) ?? []), p.id]);
  const ready: string[] = [root];
  let active = 0;
  let done = 0;
  let most = 0;
  await new Promise<void>((resolve, reject) => {
    const pump = () => {
      if (done === org.positions.length) return resolve();
      while (active < OFFICIALS_AT_ONCE && ready.length > 0) {
        const id = ready.shift()!;
        active++;
        most = Math.max(most, active);
        carry(id).then(() => {
          active--;
          done++;
          pump();
        }, reject);
        // a PK opens once its superior's is signed: its officials start then, beside the superior's reports
        void until(id, 'reporting').then(() => {
          ready.push(...(childrenOf.get(id) ?? []));
          pump();
        }, reject);
      }
    };
    pump();
  });
  const statuses = answers.reduce<Record<string, number>>((a, r) => ({ ...a, [`${r.what} ${r.status}`]: (a[`${r.what} ${r.status}`] ?? 0) + 1 }), {});
  console.log(`[concurrent] ${org.positions.length} PKs carried to Q2 verified by up to ${most} officials at once in ${((performance.now() - started) / 1000).toFixed(1)} s: ${answers.length} requests, ${races} races; ${JSON.stringify(statuses)}`);
  expect(answers.filter((r) => r.status >= 500)).toEqual([]);

  // A redeploy: the new worker has none of the PKs cached, so the next action on each replays its
  // whole history live (a nondeterminism then fails the workflow task, and the action never ends).
  const { rows } = await stack.db.query('SELECT id FROM agreements WHERE cycle_id = $1 ORDER BY id', [cycleId]);
  expect(rows).toHaveLength(org.positions.length);
  await stack.stopWorker();
  await stack.startWorker();
  const afterRedeploy: string[] = [];
  const queue = rows.map((r) => r.id as string);
  await Promise.all(Array.from({ length: 3 }, async () => {
    for (let id = queue.shift(); id; id = queue.shift()) {
      const pk = id;
      await stack.client.withDeadline(Date.now() + 20_000, () => stack.client.workflow.getHandle(pk).executeUpdate(extendDeadlineUpdate, {
        args: [{ actor: { role: 'admin', id: 'admin-test', positionIds: [] }, dueAt: new Date(Date.now() + 60 * 86_400_000).toISOString(), reason: 'Perpanjangan setelah pemutakhiran' }],
      })).catch((err: Error) => afterRedeploy.push(`${pk}: ${err.message}`));
    }
  }));

  // Every run of every PK of the cycle, once no workflow task is open any more.
  let runs: Array<{ workflowId: string; runId: string; history: History }> = [];
  for (let i = 0; i < 150; i++) {
    runs = (await Promise.all(rows.map(async ({ id }) => (await historiesOf(id)).map((r) => ({ workflowId: id, ...r }))))).flat();
    if (!runs.some((r) => taskOpen(r.history))) break;
    await sleep(200);
  }
  const events = runs.flatMap((r) => r.history.events!);

  // (1) no live workflow task failed (a nondeterminism met live is a WorkflowTaskFailed)
  const failed = runs.filter((r) => r.history.events!.some((e) => e.eventType === E.EVENT_TYPE_WORKFLOW_TASK_FAILED));
  expect(failed.map((r) => `${r.workflowId} ${r.runId}`)).toEqual([]);
  expect(afterRedeploy).toEqual([]); // the extension after the redeploy was answered on every PK

  // (2) every run replays against the current code (with the stack's codec: sign inputs are encrypted)
  const replayed = Worker.runReplayHistories(
    { workflowBundle: await workflowBundle(), replayName: 'concurrent-officials', dataConverter: { payloadCodecs: [createPayloadCodec(stack.config.KINERJA_SECRET)] } },
    runs.map(({ workflowId, history }) => ({ workflowId, history })),
  );
  const errors: string[] = [];
  let replays = 0;
  for await (const result of replayed) {
    replays++;
    if (result.error) errors.push(`${result.workflowId} ${result.runId}: ${result.error.message}`);
  }
  expect(errors).toEqual([]);
  expect(replays).toBe(runs.length);

  // (3) the writes were local activities, and Update completions shared workflow tasks with them
  const markers = events.filter(isWriteMarker).length;
  const regular = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'recordTransition').length;
  const tasks = runs.flatMap((r) => taskCommands(r.history));
  const updateCompleted = (task: temporal.api.history.v1.IHistoryEvent[]) => task.some((e) => e.eventType === E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED);
  const withUpdateAndWrite = tasks.filter((task) => updateCompleted(task) && task.some(isWriteMarker)).length;
  const withUpdateAndTwoWrites = tasks.filter((task) => updateCompleted(task) && task.filter(isWriteMarker).length >= 2).length;
  const withTwoUpdates = tasks.filter((task) => task.filter((e) => e.eventType === E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED).length >= 2).length;
  console.log(`[concurrent] ${runs.length} runs of ${rows.length} PKs replayed (${events.length} events); ${markers} local writes, ${regular} regular; ` +
    `${tasks.length} workflow tasks, ${withUpdateAndWrite} with an Update completion and a local write, ${withUpdateAndTwoWrites} of them with two or more writes, ${withTwoUpdates} completing two or more Updates`);
  expect(regular).toBe(0);
  expect(markers).toBeGreaterThan(0);
  expect(withUpdateAndWrite).toBeGreaterThan(0);
});
