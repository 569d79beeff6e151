// Drafting through the API on the sample organisation: the official saves and submits, the
// superior returns with a reason, the official resubmits, the superior approves → signing. Also the
// inbox, pagination, history, audit chain, calendar change, deadline extension and change of official.
import type { Stack } from '../support/stack';
import { client, enc, nipOf, sampleOrganisation, settled, tokens, waitFor, startStackWithCycle } from '../support/api-client';

const ORG = 'kab-drafting';
const org = sampleOrganisation(ORG);
const cycleId = `cycle:${ORG}:${org.year}`;
const pk = (position: string) => `pk:${ORG}:${org.year}:${position}`;
const dinkes = pk('kepala-dinkes');
let stack: Stack;
let call: ReturnType<typeof client>;
let t: ReturnType<typeof tokens>;
let owner: string;
let superior: string;

beforeAll(async () => {
  ({ stack, call, t } = await startStackWithCycle(org, (s) => s.status === 'running' && s.phases.drafting === 12));
  owner = t.official(nipOf(org, 'kepala-dinkes'));
  superior = t.official(nipOf(org, 'bupati'));
});
afterAll(async () => {
  await stack?.stop();
});

test('draft, submit, return with reason, resubmit, approve → signing', async () => {
  const content = org.drafts['kepala-dinkes'];
  const inbox0 = await waitFor(() => call('GET', '/api/me/tasks', { token: owner }), (r) => r.body.items.some((i: any) => i.agreementId === dinkes)); // the sample's NIPs recur in other files' cycles
  expect(inbox0.body.items.map((i: any) => `${i.agreementId} ${i.task}`)).toContain(`${dinkes} draft`);

  const saved = await call('PUT', `/api/agreements/${enc(dinkes)}/draft`, { token: owner, body: content });
  expect(saved.status).toBe(200);
  expect(saved.body.contentHash).toMatch(/^[0-9a-f]{64}$/);

  // the superior cannot submit the subordinate's draft: the workflow says wrong person
  const wrong = await call('POST', `/api/agreements/${enc(dinkes)}/submit`, { token: superior });
  expect([wrong.status, wrong.body.code]).toEqual([403, 'wrong_person']);
  // approving before submission is the wrong phase
  const early = await call('POST', `/api/agreements/${enc(dinkes)}/review/approve`, { token: superior });
  expect([early.status, early.body.code]).toEqual([409, 'wrong_phase']);

  expect((await call('POST', `/api/agreements/${enc(dinkes)}/submit`, { token: owner })).status).toBe(200);
  const inReview = await waitFor(() => call('GET', `/api/agreements/${enc(dinkes)}`, { token: owner }), (r) => r.body.phase === 'review');
  expect(inReview.body.phase).toBe('review');
  expect(inReview.body.content.content.objectives[0].indicators[0].id).toBe(content.objectives[0].indicators[0].id);
  const superiorInbox = await waitFor(() => call('GET', '/api/me/tasks', { token: superior }), (r) => r.body.items.some((i: any) => i.agreementId === dinkes));
  expect(superiorInbox.body.items.find((i: any) => i.agreementId === dinkes)?.task).toBe('review');

  const returned = await call('POST', `/api/agreements/${enc(dinkes)}/review/return`, { token: superior, body: { reason: 'Target IKU terlalu rendah' } });
  expect(returned.status).toBe(200);
  const back = await waitFor(() => call('GET', `/api/agreements/${enc(dinkes)}`, { token: owner }), (r) => r.body.phase === 'drafting');
  expect(back.body.state.returnedReason).toBe('Target IKU terlalu rendah');
  // the owner's inbox says the draft came back, and why; before, the same task had no such line
  expect(inbox0.body.items.find((i: any) => i.agreementId === dinkes)?.returned).toBeUndefined();
  const returnedTask = await waitFor(() => call('GET', '/api/me/tasks', { token: owner }), (r) => r.body.items.some((i: any) => i.agreementId === dinkes));
  expect(returnedTask.body.items.find((i: any) => i.agreementId === dinkes)).toMatchObject({
    task: 'draft', returned: { reason: 'Target IKU terlalu rendah', at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
  });

  const raised = structuredClone(content);
  raised.objectives[0].indicators[0].target = (raised.objectives[0].indicators[0].target ?? 0) + 1;
  expect((await call('PUT', `/api/agreements/${enc(dinkes)}/draft`, { token: owner, body: raised })).status).toBe(200);
  expect((await call('POST', `/api/agreements/${enc(dinkes)}/submit`, { token: owner })).status).toBe(200);
  await waitFor(() => call('GET', `/api/agreements/${enc(dinkes)}`, { token: owner }), (r) => r.body.phase === 'review');
  const approved = await call('POST', `/api/agreements/${enc(dinkes)}/review/approve`, { token: superior });
  expect(approved.status).toBe(200);
  const signing = await waitFor(() => call('GET', `/api/agreements/${enc(dinkes)}`, { token: owner }), (r) => r.body.phase === 'signing' && r.body.awaitingPositionId !== null);
  expect(signing.body.phase).toBe('signing');
  expect(signing.body.awaitingPositionId).toBe('kepala-dinkes');
  const signTask = await waitFor(() => call('GET', '/api/me/tasks', { token: owner }), (r) => r.body.items.some((i: any) => i.agreementId === dinkes));
  expect(signTask.body.items.find((i: any) => i.agreementId === dinkes)?.task).toBe('sign:first');
  // the return is history once submitted again: the signing task is not marked returned
  expect(signTask.body.items.find((i: any) => i.agreementId === dinkes)?.returned).toBeUndefined();

  // the timeline tells the story from Temporal and the audit log, and the chain holds
  const history = await call('GET', `/api/agreements/${enc(dinkes)}/history`, { token: t.evaluator });
  expect(history.status).toBe(200);
  expect(history.body.temporalUi).toBe(`${stack.config.TEMPORAL_UI_URL}/namespaces/default/workflows/${enc(dinkes)}`);
  const kinds = history.body.entries.map((e: any) => `${e.source}:${e.kind}`);
  expect(kinds).toEqual(expect.arrayContaining([
    'temporal:workflow.started', 'temporal:update.accepted', 'temporal:update.completed',
    'audit:draft.saved', 'audit:draft.submitted', 'audit:draft.returned', 'audit:draft.approved',
  ]));
  const accepted = history.body.entries.find((e: any) => e.kind === 'update.accepted' && e.data.update === 'returnDraft');
  expect(accepted.actor).toBe(`official:${nipOf(org, 'bupati')}`);
  const returnedEntry = history.body.entries.find((e: any) => e.kind === 'draft.returned');
  expect(returnedEntry.summary).toContain('Target IKU terlalu rendah');
  const times = history.body.entries.map((e: any) => e.at);
  expect([...times].sort()).toEqual(times);
  const chain = await call('GET', `/api/agreements/${enc(dinkes)}/audit/verify`, { token: t.evaluator });
  expect(chain.body).toMatchObject({ ok: true });
  expect(chain.body.rows).toBeGreaterThanOrEqual(5);
});

test('list: filters and a stable cursor that walks every agreement once', async () => {
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const q: string = `/api/agreements?cycle=${enc(cycleId)}&limit=7${cursor ? `&cursor=${enc(cursor)}` : ''}`;
    const page = await call('GET', q, { token: t.admin });
    expect(page.status).toBe(200);
    seen.push(...page.body.items.map((a: any) => a.id));
    cursor = page.body.nextCursor;
    pages++;
  } while (cursor && pages < 50);
  expect(seen).toHaveLength(org.positions.length);
  expect(new Set(seen).size).toBe(seen.length);
  expect([...seen].sort()).toEqual(seen);

  const unit = await call('GET', `/api/agreements?cycle=${enc(cycleId)}&unit=dinkes&limit=200`, { token: t.evaluator });
  expect(unit.body.items).toHaveLength(org.positions.filter((p: any) => p.unit === 'dinkes').length);
  expect(unit.body.items.every((a: any) => a.unitId === 'dinkes')).toBe(true);
  const waiting = await call('GET', `/api/agreements?cycle=${enc(cycleId)}&phase=waiting_superior&limit=200`, { token: t.admin });
  expect(waiting.body.items.length).toBeGreaterThan(50);
  const byNip = await call('GET', `/api/agreements?cycle=${enc(cycleId)}&nip=${nipOf(org, 'kepala-pupr')}`, { token: t.admin });
  expect(byNip.body.items.map((a: any) => a.id)).toEqual([pk('kepala-pupr')]);
  const notOverdue = await call('GET', `/api/agreements?cycle=${enc(cycleId)}&overdue=true`, { token: t.admin });
  expect(notOverdue.body.items).toEqual([]);

  // a cursor from another query, a forged cursor, and bad filters are 400s
  const first = await call('GET', `/api/agreements?cycle=${enc(cycleId)}&limit=2`, { token: t.admin });
  const reused = await call('GET', `/api/agreements?cycle=${enc(cycleId)}&limit=3&cursor=${enc(first.body.nextCursor)}`, { token: t.admin });
  expect([reused.status, reused.body.code]).toEqual([400, 'invalid_cursor']);
  expect((await call('GET', '/api/agreements?cursor=garbage!', { token: t.admin })).body.code).toBe('invalid_cursor');
  expect((await call('GET', '/api/agreements?phase=nonsense', { token: t.admin })).body.code).toBe('invalid_query');
  expect((await call('GET', '/api/agreements?limit=100000', { token: t.admin })).status).toBe(400);
});

test('calendar change stores the calendar and every running agreement applies it', async () => {
  const due = `${org.year}-01-25T16:59:59.999Z`;
  const res = await settled(call, t.admin, await call('PATCH', `/api/cycles/${enc(cycleId)}/calendar`, { token: t.admin, body: { overrides: { draft: due }, ladder: { escalationEveryDays: 2 } } }));
  expect(res.status).toBe(200);
  expect(res.body.signalled + res.body.notRunning).toBe(org.positions.length);
  expect(res.body.calendarVersion).toBe(2);
  const stored = (await stack.db.query('SELECT calendar FROM cycles WHERE id = $1', [cycleId])).rows[0].calendar;
  expect(stored.overrides.draft).toBe('2027-01-25T16:59:59.999Z'.replace('2027', String(org.year)));
  expect(stored.ladder.escalationEveryDays).toBe(2);
  const pupr = pk('kepala-pupr');
  const live = await waitFor(() => call('GET', `/api/agreements/${enc(pupr)}`, { token: t.admin }), (r) => r.body.state?.deadline?.dueAt === new Date(due).toISOString());
  expect(live.body.state.deadline).toMatchObject({ item: 'draft', dueAt: new Date(due).toISOString() });
  const bad = await call('PATCH', `/api/cycles/${enc(cycleId)}/calendar`, { token: t.admin, body: { overrides: { nonsense: 'x' }, utcOffsetHours: 99 } });
  expect(bad.status).toBe(422);
  expect(bad.body.problems.map((p: any) => p.path).sort()).toEqual(['/overrides/nonsense', '/utcOffsetHours'].sort());
});

test('an administrator extends a deadline, audited', async () => {
  const target = pk('kepala-pertanian');
  const dueAt = `${org.year}-02-10T09:00:00.000Z`;
  // The calendar change just before reaches each PK a little later (a signal, then a read of the
  // calendar), maybe after this extension: it must not undo it.
  const res = await call('POST', `/api/agreements/${enc(target)}/deadline`, { token: t.admin, body: { dueAt, reason: 'Perubahan DPA' } });
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ item: 'draft', dueAt });
  const row = await waitFor(() => call('GET', `/api/agreements/${enc(target)}`, { token: t.admin }), (r) => new Date(r.body.dueAt).toISOString() === dueAt);
  expect(new Date(row.body.dueAt).toISOString()).toBe(dueAt);
  // once the PK has read every changed calendar (none if this test runs alone), the extension stands
  const changes = (await stack.db.query('SELECT calendar_version FROM cycles WHERE id = $1', [cycleId])).rows[0].calendar_version - 1;
  const history = stack.client.workflow.getHandle(target);
  await waitFor(() => history.fetchHistory(), ({ events }) => {
    const reads = events!.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'loadSchedule').map((e) => String(e.eventId));
    const completed = reads.filter((id) => events!.some((e) => String(e.activityTaskCompletedEventAttributes?.scheduledEventId) === id));
    return completed.length >= changes;
  });
  expect((await call('GET', `/api/agreements/${enc(target)}`, { token: t.admin })).body.state.deadline).toMatchObject({ item: 'draft', dueAt });
  const audit = await stack.db.query(`SELECT data FROM audit_log WHERE agreement_id = $1 AND action = 'deadline.extended'`, [target]);
  expect(audit.rows[0].data).toMatchObject({ reason: 'Perubahan DPA', dueAt });
});

test('change of official: the new NIP acts, the old one no longer can', async () => {
  const target = pk('kepala-dlh');
  const oldToken = t.official(nipOf(org, 'kepala-dlh'));
  const newNip = '198001012005011099';
  const res = await settled(call, t.admin, await call('PUT', `/api/positions/${enc(cycleId)}/kepala-dlh/official`, {
    token: t.admin, body: { nip: newNip, name: 'Budi Santoso, S.T.', email: 'budi@bengkayang.example' },
  }));
  expect(res.status).toBe(200);
  expect(res.body).toMatchObject({ changed: true, revision: null }); // still drafting: nothing signed to revise
  const content = org.drafts['kepala-dlh'];
  const byOld = await call('PUT', `/api/agreements/${enc(target)}/draft`, { token: oldToken, body: content });
  expect(byOld.status).toBe(403);
  const byNew = await call('PUT', `/api/agreements/${enc(target)}/draft`, { token: t.official(newNip), body: content });
  expect(byNew.status).toBe(200);
  const taken = await call('PUT', `/api/positions/${enc(cycleId)}/kepala-dlh/official`, {
    token: t.admin, body: { nip: nipOf(org, 'kepala-pupr'), name: 'X', email: 'x@bengkayang.example' },
  });
  expect([taken.status, taken.body.code]).toEqual([409, 'nip_in_use']);
});

test('report per unit as JSON and CSV; cycle status per unit', async () => {
  const json = await call('GET', `/api/cycles/${enc(cycleId)}/report`, { token: t.evaluator });
  expect(json.status).toBe(200);
  const unit = json.body.units.find((u: any) => u.unitId === 'dinkes');
  expect(unit.agreements).toBe(org.positions.filter((p: any) => p.unit === 'dinkes').length);
  expect(unit.budget).toBeGreaterThan(0); // the Kepala Dinkes' saved draft has budget lines
  const csv = await fetch(`${stack.baseUrl}/api/cycles/${enc(cycleId)}/report?format=csv`, { headers: { authorization: `Bearer ${t.admin}` } });
  expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
  const lines = (await csv.text()).trim().split('\r\n');
  expect(lines[0]).toMatch(/^unit_id,unit_name,agreements,scored,average_score,.*budget_rp,spent_rp,absorption_percent$/);
  expect(lines.some((l) => l.startsWith('dinkes,'))).toBe(true);
  const status = await call('GET', `/api/cycles/${enc(cycleId)}`, { token: t.admin });
  expect(status.body.units.dinkes.signing).toBe(1);
});

test('OpenAPI 3.1 lists every route and the docs page is served locally', async () => {
  const doc = await call('GET', '/api/openapi.json');
  expect(doc.body.openapi).toBe('3.1.0');
  expect(Object.keys(doc.body.paths)).toEqual(expect.arrayContaining(['/api/agreements/{agreementId}/draft', '/api/me/tasks', '/api/cycles/{cycleId}/calendar']));
  expect(doc.body.paths['/api/agreements/{agreementId}/review/return'].post.requestBody.content['application/json'].schema.properties.reason).toBeDefined();
  const page = await fetch(`${stack.baseUrl}/api/docs`);
  const html = await page.text();
  expect(html).toContain('/api/docs/assets/swagger-ui-bundle.js');
  expect(html).not.toMatch(/https?:\/\//); // no CDN
  const asset = await fetch(`${stack.baseUrl}/api/docs/assets/swagger-ui-bundle.js`);
  expect(asset.status).toBe(200);
});
