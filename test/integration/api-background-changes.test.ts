// A calendar change and a change of official touch PostgreSQL and running PKs, so the request only
// starts a workflow for each (api/background-change.ts): done within API_CHANGE_WAIT_MS it answers
// 200 with the outcome, else 202 with a status URL. With the worker away nothing is half-done, and
// once a worker is back every change completes; two changes racing for one NIP end with one stored.
// The change workflows' histories replay against the current code; RECORD_HISTORY=PREFIX keeps them
// as fixtures for test/workflows/replay.test.ts:
//   RECORD_HISTORY=$PWD/test/fixtures/histories/layers npx jest test/integration/api-background-changes.test.ts
import { writeFileSync } from 'node:fs';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { workflowBundle } from '../../worker/create-worker';
import { calendarChangeWorkflowId, officialChangeWorkflowId } from '../../workflows/changes';
import type { Stack } from '../support/stack';
import { client, enc, nipOf, sampleOrganisation, settled, tokens, waitFor, startStackWithCycle } from '../support/api-client';

const ORG = 'kab-changes';
const org = sampleOrganisation(ORG);
const cycleId = `cycle:${ORG}:${org.year}`;
const pk = (position: string) => `pk:${ORG}:${org.year}:${position}`;
let stack: Stack;
let call: ReturnType<typeof client>;
let t: ReturnType<typeof tokens>;
/** The change of official that lost the race for a NIP (its history is replayed below). */
let refusedWorkflowId: string | undefined;

beforeAll(async () => {
  ({ stack, call, t } = await startStackWithCycle(org, (s) => s.status === 'running' && s.phases.drafting === 12, { env: { API_CHANGE_WAIT_MS: '1000' } }));
});
afterAll(async () => {
  await stack?.stop();
});

const cycleRow = async () => (await stack.db.query('SELECT calendar, calendar_version FROM cycles WHERE id = $1', [cycleId])).rows[0];
const positionRow = async (positionId: string) =>
  (await stack.db.query('SELECT official_id, nip, official_name FROM positions WHERE cycle_id = $1 AND id = $2', [cycleId, positionId])).rows[0];
const auditRows = async (chainId: string, action: string) =>
  (await stack.db.query('SELECT data FROM audit_log WHERE agreement_id = $1 AND action = $2 ORDER BY seq', [chainId, action])).rows.map((r) => r.data);
const dueAtOf = async (agreementId: string) => (await call('GET', `/api/agreements/${enc(agreementId)}`, { token: t.admin })).body.state?.deadline?.dueAt;

test('a calendar change is stored with its audit row on the cycle\'s chain, and running PKs take it; its status shows the outcome', async () => {
  const due = new Date(`${org.year}-01-24T16:59:59.999Z`).toISOString();
  const before = (await cycleRow()).calendar_version;
  const res = await settled(call, t.admin, await call('PATCH', `/api/cycles/${enc(cycleId)}/calendar`, { token: t.admin, body: { overrides: { draft: due } } }));
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ cycleId, calendarVersion: before + 1, calendar: { overrides: { draft: due } } });
  expect(res.body.signalled + res.body.notRunning).toBe(org.positions.length);
  expect((await cycleRow()).calendar_version).toBe(before + 1);
  const audit = await auditRows(cycleId, 'calendar.changed');
  expect(audit).toEqual([expect.objectContaining({ changeId: res.body.changeId, calendarVersion: before + 1, patch: { overrides: { draft: due } } })]);
  expect((await call('GET', `/api/cycles/${enc(cycleId)}/audit`, { token: t.admin })).body.chain.ok).toBe(true);
  expect(await waitFor(() => dueAtOf(pk('kepala-pupr')), (d) => d === due)).toBe(due);

  const status = await call('GET', `/api/cycles/${enc(cycleId)}/calendar/changes/${enc(res.body.changeId)}`, { token: t.admin });
  expect(status.status).toBe(200);
  expect(status.body).toEqual({ changeId: res.body.changeId, state: 'done', result: res.body });
  const unknown = await call('GET', `/api/cycles/${enc(cycleId)}/calendar/changes/no-such-change`, { token: t.admin });
  expect([unknown.status, unknown.body.code]).toEqual([404, 'not_found']);
  const noCycle = await call('PATCH', `/api/cycles/${enc('cycle:nowhere:2020')}/calendar`, { token: t.admin, body: { overrides: { draft: due } } });
  expect([noCycle.status, noCycle.body.code]).toEqual([404, 'not_found']);
});

test('with the worker away the changes answer 202 and nothing is half-done; a worker back completes each, and of two changes racing for one NIP one is stored and the other is 409', async () => {
  const due = new Date(`${org.year}-01-23T16:59:59.999Z`).toISOString();
  const calendarBefore = await cycleRow();
  const puprBefore = await positionRow('kepala-pupr');
  const racers = ['dinsos-e3-2', 'dlh-e3-2'];
  const racersBefore = await Promise.all(racers.map(positionRow));
  const sharedNip = '199912312020121077';
  const newNip = '198001012005011077';

  await stack.stopWorker();
  // as a client does: a 503 (a server too busy to answer) is retried after its Retry-After, with the
  // same Idempotency-Key, so the retry is the same change
  const asClient = async (send: (headers: Record<string, string>) => Promise<Awaited<ReturnType<typeof call>>>, key: string) => {
    for (let attempt = 1; ; attempt++) {
      const reply = await send({ 'idempotency-key': key });
      if (reply.status !== 503 || attempt === 3) return reply;
      console.log(`[background-changes] 503 ${reply.body.code} (attempt ${attempt}); retrying after ${reply.headers.get('retry-after')} s`);
      await new Promise((r) => setTimeout(r, Number(reply.headers.get('retry-after') ?? 1) * 1000));
    }
  };
  const calendar = await asClient((headers) => call('PATCH', `/api/cycles/${enc(cycleId)}/calendar`, { token: t.admin, body: { overrides: { draft: due } }, headers }), 'calendar-while-worker-away');
  expect(calendar.status).toBe(202);
  expect(calendar.body).toMatchObject({ state: 'running', changeId: expect.any(String) });
  expect(calendar.headers.get('location')).toBe(calendar.body.statusUrl);
  const official = await asClient((headers) => call('PUT', `/api/positions/${enc(cycleId)}/kepala-pupr/official`, {
    token: t.admin, body: { nip: newNip, name: 'Ir. Pengganti PUPR', email: 'pupr.baru@bengkayang.example' }, headers,
  }), 'official-while-worker-away');
  expect([official.status, official.body.code ?? official.body.state]).toEqual([202, 'running']);
  // neither is stored yet, so both pass the request's check
  const raced = await Promise.all(racers.map((positionId) =>
    call('PUT', `/api/positions/${enc(cycleId)}/${positionId}/official`, { token: t.admin, body: { nip: sharedNip, name: 'Satu Orang', email: 'satu@bengkayang.example' } })));
  expect(raced.map((r) => r.status)).toEqual([202, 202]);
  const running = await call('GET', official.headers.get('location')!, { token: t.admin });
  expect(running.body).toEqual({ changeId: official.body.changeId, state: 'running' });

  // nothing half-done: no calendar stored without its PKs told, no position changed without its audit row
  expect(await cycleRow()).toEqual(calendarBefore);
  expect(await positionRow('kepala-pupr')).toEqual(puprBefore);
  expect(await Promise.all(racers.map(positionRow))).toEqual(racersBefore);

  await stack.startWorker();
  const calendarDone = await settled(call, t.admin, calendar);
  expect(calendarDone.status).toBe(200);
  expect(calendarDone.body).toMatchObject({ calendarVersion: calendarBefore.calendar_version + 1, calendar: { overrides: { draft: due } } });
  expect(await waitFor(() => dueAtOf(pk('kepala-pupr')), (d) => d === due)).toBe(due);

  const officialDone = await settled(call, t.admin, official);
  expect(officialDone.status).toBe(200);
  expect(officialDone.body).toMatchObject({ changed: true, revision: null, official: { id: newNip, nip: newNip } }); // still drafting: nothing signed to revise
  expect(await positionRow('kepala-pupr')).toEqual({ official_id: newNip, nip: newNip, official_name: 'Ir. Pengganti PUPR' });
  expect(await auditRows(pk('kepala-pupr'), 'official.changed')).toEqual([
    expect.objectContaining({ changeId: official.body.changeId, previousOfficialId: puprBefore.official_id, officialId: newNip }),
  ]);
  const byNew = await call('GET', `/api/agreements/${enc(pk('kepala-pupr'))}`, { token: t.official(newNip) });
  expect(byNew.status).toBe(200);
  const byOld = await call('GET', `/api/agreements/${enc(pk('kepala-pupr'))}`, { token: t.official(nipOf(org, 'kepala-pupr')) });
  expect(byOld.status).toBe(403);

  const outcomes = await Promise.all(raced.map((r) => settled(call, t.admin, r)));
  expect(outcomes.map((r) => r.status).sort()).toEqual([200, 409]);
  const lost = outcomes.findIndex((r) => r.status === 409);
  refusedWorkflowId = officialChangeWorkflowId(cycleId, racers[lost], raced[lost].body.changeId);
  expect(outcomes.find((r) => r.status === 409)!.body.code).toBe('nip_in_use');
  const holders = await stack.db.query('SELECT id FROM positions WHERE cycle_id = $1 AND nip = $2', [cycleId, sharedNip]);
  expect(holders.rows).toHaveLength(1);
  const audited = (await Promise.all(racers.map((p) => auditRows(pk(p), 'official.changed')))).flat();
  expect(audited).toEqual([expect.objectContaining({ nip: sharedNip, positionId: holders.rows[0].id })]);
});

test('the change workflows\' histories (a calendar change, a change of official, one refused) replay against the current code', async () => {
  const changes = (await stack.db.query(
    `SELECT agreement_id, action, data FROM audit_log WHERE action IN ('calendar.changed', 'official.changed') AND (agreement_id = $1 OR agreement_id LIKE $2) ORDER BY seq`,
    [cycleId, `pk:${ORG}:%`],
  )).rows;
  const calendar = changes.find((c) => c.action === 'calendar.changed')!.data;
  const official = changes.find((c) => c.action === 'official.changed')!.data;
  const recorded: Array<[string, string]> = [
    ['calendar-change', calendarChangeWorkflowId(cycleId, calendar.changeId)],
    ['official-change', officialChangeWorkflowId(cycleId, official.positionId, official.changeId)],
  ];
  // the racer that lost: its workflow ran and answered 409 without writing anything
  expect(refusedWorkflowId).toBeDefined();
  recorded.push(['official-change-refused', refusedWorkflowId!]);
  for (const [name, workflowId] of recorded) {
    const history = await stack.client.workflow.getHandle(workflowId).fetchHistory();
    expect(history.events!.at(-1)!.eventType).toBe(temporal.api.enums.v1.EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED);
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, `${name}-replay`);
    if (process.env.RECORD_HISTORY) writeFileSync(`${process.env.RECORD_HISTORY}-${name}.pb`, temporal.api.history.v1.History.encode(history).finish());
  }
});
