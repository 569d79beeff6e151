// Deadlines and escalation as people meet them, over HTTP on the real dev server and PostgreSQL,
// with a calendar whose due dates are seconds apart and ladder steps three seconds apart:
// - an administrator's extension during the first party's signature holds for the second party too;
// - escalation stops at the top of the chain (nobody is above the Kepala Daerah; a Kepala Dinas's
//   chain has three people, so never "level 4", also when a late start catches up at once);
// - whoever an item is escalated to finds it in their inbox, with who is late, with what, by how much;
// - an inbox is the oldest due first, up to ?limit, with how many there are in all;
// - the inbox, the escalations and the PK carry their cycle's zone (this region is WITA, the late one WIB);
// - a late quarterly report is escalated with its quarter named.
import type { Stack } from '../support/stack';
import { BUPATI_NIP, client, enc, nipOf, startStackWithCycle, tokens, waitFor, type Reply } from '../support/api-client';
import { sampleOrganisation } from '../support/time-skipping';
import { toFirstQuarter } from '../support/reporting';

jest.setTimeout(240_000);

const SECOND = 1000;
const DAY = 86_400_000;
const YEAR = new Date().getFullYear() + 1; // the quarters are next year: only drafting and signing run now
const ORG = 'kab-deadlines';
const org: any = sampleOrganisation(ORG, YEAR, ['kepala-dinkes', 'kepala-dikbud', 'asisten-1']);
org.positions.find((p: any) => p.id === 'bupati').official.nip = BUPATI_NIP;
const pk = (orgId: string, position: string) => `pk:${orgId}:${YEAR}:${position}`;
const dinkes = pk(ORG, 'kepala-dinkes');
const dikbud = pk(ORG, 'kepala-dikbud');
const bupatiPk = pk(ORG, 'bupati');

// Seconds after the cycle is posted.
const T0 = Date.now() + 5 * SECOND;
const at = (seconds: number) => new Date(T0 + seconds * SECOND).toISOString();
const ladder = { reminderDaysBefore: [12 * SECOND / DAY], escalationEveryDays: 3 * SECOND / DAY, maxLevels: 4 };
// a region in Sulawesi (WITA, UTC+8): the overrides are instants, so the zone moves no due date here
const calendar = { utcOffsetHours: 8, overrides: { draft: at(25), review: at(35), sign: at(45) }, ladder };
const EXTENDED_SIGN = at(100); // the administrator's new date for the signing step

let stack: Stack;
let call: ReturnType<typeof client>;
let t: ReturnType<typeof tokens>;

beforeAll(async () => {
  ({ stack, call, t } = await startStackWithCycle({ ...org, calendar }, (s) => s.status === 'running'));
});
afterAll(async () => stack?.stop());

const ok = (r: Reply) => {
  if (r.status < 200 || r.status > 299) throw new Error(`${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
};
const detail = (id: string) => call('GET', `/api/agreements/${enc(id)}`, { token: t.evaluator });
const until = (id: string, done: (r: Reply) => boolean) => waitFor(() => detail(id), done, 180_000);
const inbox = (token: string) => call('GET', '/api/me/tasks', { token });
const prompted = (token: string, id: string, task: string) =>
  waitFor(() => inbox(token), (r) => r.body.items?.some((i: any) => i.agreementId === id && i.task === task), 120_000);
const passphrase = (nip: string) => `frasa-rahasia-${nip}`;

async function notifications(id: string) {
  const { rows } = await stack.db.query(
    `SELECT item, kind, level, recipient_position, subject FROM notifications WHERE agreement_id = $1 ORDER BY created_at, level`,
    [id],
  );
  return rows as Array<{ item: string; kind: string; level: number; recipient_position: string | null; subject: string }>;
}
const chainOf = async (cycleId: string, position: string): Promise<string[]> =>
  (await stack.db.query('SELECT escalation_chain FROM positions WHERE cycle_id = $1 AND id = $2', [cycleId, position])).rows[0].escalation_chain;

test('an extension during the first party\'s signature holds for the second party: no escalation before the new date', async () => {
  const head = t.official(nipOf(org, 'kepala-dinkes'));
  const bupati = t.official(BUPATI_NIP);
  await prompted(head, dinkes, 'draft');
  ok(await call('PUT', `/api/agreements/${enc(dinkes)}/draft`, { token: head, body: org.drafts['kepala-dinkes'] }));
  ok(await call('POST', `/api/agreements/${enc(dinkes)}/submit`, { token: head }));
  await prompted(bupati, dinkes, 'review');
  ok(await call('POST', `/api/agreements/${enc(dinkes)}/review/approve`, { token: bupati }));
  await prompted(head, dinkes, 'sign:first');

  // The administrator gives the signing step more time while the first party is awaited.
  const extended = ok(await call('POST', `/api/agreements/${enc(dinkes)}/deadline`, {
    token: t.admin, body: { dueAt: EXTENDED_SIGN, reason: 'Sertifikat elektronik Kepala Dinas sedang diterbitkan ulang' },
  }));
  expect(extended).toMatchObject({ item: 'sign:first', dueAt: EXTENDED_SIGN });

  // The first party signs after the calendar's signing date has passed.
  await waitFor(async () => Date.now(), (now) => now > Date.parse(at(45)) + 2 * SECOND, 120_000);
  ok(await call('POST', `/api/agreements/${enc(dinkes)}/sign`, { token: head, body: { passphrase: passphrase(nipOf(org, 'kepala-dinkes')) } }));

  // The second party's step is due on the extended date, not overdue.
  const second = await prompted(bupati, dinkes, 'sign:second');
  expect(second.body.items.find((i: any) => i.agreementId === dinkes)).toMatchObject({ dueAt: EXTENDED_SIGN, overdue: false, escalationLevel: 0 });
  // The Bupati has two tasks in this cycle now: his own draft (due at 25 s) and this signature (the
  // sample's NIPs recur in other files' cycles, so his inbox may hold theirs too). An inbox answers
  // the oldest due first, up to ?limit, and says how many there are in all.
  const all = second.body;
  const ids = (items: any[]) => items.map((i: any) => i.agreementId);
  expect(all.items.filter((i: any) => i.cycleId === `cycle:${ORG}:${YEAR}`).map((i: any) => [i.agreementId, i.task])).toEqual([[bupatiPk, 'draft'], [dinkes, 'sign:second']]);
  expect(all.items.map((i: any) => i.dueAt)).toEqual([...all.items.map((i: any) => i.dueAt)].sort());
  expect(all.total).toBe(all.items.length);
  const cut = ok(await call('GET', `/api/me/tasks?limit=${all.items.length - 1}`, { token: bupati }));
  expect(ids(cut.items)).toEqual(ids(all.items).slice(0, -1));
  expect(cut.total).toBe(all.items.length);
  for (const query of ['limit=0', 'limit=201', 'limit=satu', 'limit=1.5', 'page=2']) {
    const bad = await call('GET', `/api/me/tasks?${query}`, { token: bupati });
    expect([query, bad.status, bad.body.code]).toEqual([query, 400, 'invalid_query']);
  }
  // The second party's reminder comes 12 s before the extended date: by then, had the old date
  // held, the ladder would have escalated several times.
  const reminders = await waitFor(() => notifications(dinkes), (ns) => ns.some((n) => n.item === 'sign:second' && n.kind === 'reminder'), 120_000);
  // The Bupati signs for many heads: his reminder says whose PK it is; the inbox item says which cycle.
  const dinkesTitle = org.positions.find((p: any) => p.id === 'kepala-dinkes').title;
  expect(reminders.find((n) => n.item === 'sign:second')!.subject).toMatch(new RegExp(`^Pengingat: batas waktu menandatangani Perjanjian Kinerja \\(.+\\) — PK ${dinkesTitle}$`));
  expect(all.items.find((i: any) => i.agreementId === dinkes).cycleOf).toEqual({ organisation: org.organisation.name, year: YEAR, utcOffsetHours: 8 });
  expect((await notifications(dinkes)).filter((n) => n.item.startsWith('sign:') && n.kind === 'escalation')).toEqual([]);
  expect((await detail(dinkes)).body).toMatchObject({ phase: 'signing', overdue: false, escalationLevel: 0, dueAt: EXTENDED_SIGN, utcOffsetHours: 8 });

  ok(await call('POST', `/api/agreements/${enc(dinkes)}/sign`, { token: bupati, body: { passphrase: passphrase(BUPATI_NIP) } }));
  await until(dinkes, (r) => r.body.phase === 'reporting');
  const timeline = ok(await call('GET', `/api/agreements/${enc(dinkes)}/history`, { token: t.evaluator }));
  expect(timeline.entries.filter((e: any) => e.kind === 'deadline.escalated')).toEqual([]);
});

test('the Kepala Daerah\'s own late draft is overdue but escalates to nobody: no level above the top', async () => {
  const cycleId = `cycle:${ORG}:${YEAR}`;
  expect(await chainOf(cycleId, 'bupati')).toEqual([]);
  // Past the draft's due date and all four of the calendar's ladder steps (due + 0, 3, 6, 9 s).
  const late = await until(bupatiPk, (r) => r.body.overdue === true && Date.now() > Date.parse(at(25)) + 10 * SECOND);
  expect(late.body).toMatchObject({ phase: 'drafting', overdue: true, escalationLevel: 0 });
  expect((await notifications(bupatiPk)).filter((n) => n.kind === 'escalation')).toEqual([]);
  // The Bupati's inbox marks the draft late, without an escalation level.
  const own = (await inbox(t.official(BUPATI_NIP))).body.items.find((i: any) => i.agreementId === bupatiPk);
  expect(own).toMatchObject({ task: 'draft', overdue: true, escalationLevel: 0 });
  // The timeline says it is late, and that nobody is above.
  const timeline = ok(await call('GET', `/api/agreements/${enc(bupatiPk)}/history`, { token: t.evaluator }));
  expect(timeline.entries.filter((e: any) => e.kind === 'deadline.escalated')).toEqual([]);
  expect(timeline.entries.filter((e: any) => e.kind === 'deadline.overdue')).toHaveLength(1);
});

test('an "extension" to the current due date or an earlier one is 422 deadline_not_later, and nothing changes', async () => {
  // the Bupati's own draft, overdue since at(25) (above)
  const before = ok(await detail(bupatiPk));
  expect(before).toMatchObject({ phase: 'drafting', dueAt: at(25) });
  const extensions = async () => (await stack.db.query("SELECT count(*)::int AS n FROM audit_log WHERE agreement_id = $1 AND action = 'deadline.extended'", [bupatiPk])).rows[0].n;
  expect(await extensions()).toBe(0);
  // earlier (which would shorten the step), the same instant, and the same instant written otherwise
  for (const dueAt of [at(20), at(25), at(25).replace('Z', '+00:00')]) {
    const r = await call('POST', `/api/agreements/${enc(bupatiPk)}/deadline`, { token: t.admin, body: { dueAt, reason: 'Memajukan tenggat' } });
    expect([dueAt, r.status, r.body.code]).toEqual([dueAt, 422, 'deadline_not_later']);
    expect(r.body.detail).toMatch(/later than the current one/);
  }
  const after = ok(await detail(bupatiPk));
  expect(after).toMatchObject({ dueAt: at(25), overdue: true });
  expect(after.state.deadline).toEqual(before.state.deadline);
  expect(await extensions()).toBe(0);
  const timeline = ok(await call('GET', `/api/agreements/${enc(bupatiPk)}/history`, { token: t.evaluator }));
  expect(timeline.entries.filter((e: any) => e.kind === 'deadline.extended')).toEqual([]);
});

test('whoever a late item is escalated to sees it in their inbox: who is late, with what, since when; never past the chain', async () => {
  const cycleId = `cycle:${ORG}:${YEAR}`;
  const chain = await chainOf(cycleId, 'kepala-dikbud');
  expect(chain).toEqual(['asisten-1', 'sekda', 'bupati']);
  const asisten = t.official(nipOf(org, 'asisten-1'));
  const sekda = t.official(nipOf(org, 'sekda'));
  const bupati = t.official(BUPATI_NIP);
  const lateHead = t.official(nipOf(org, 'kepala-dikbud'));

  // Kepala Dinas Pendidikan never drafts: one level up per step, and the top of the chain is level 3.
  const top = await until(dikbud, (r) => r.body.escalationLevel >= 3 && Date.now() > Date.parse(at(25)) + 10 * SECOND);
  expect(top.body).toMatchObject({ overdue: true, escalationLevel: 3 });
  const steps = (await notifications(dikbud)).filter((n) => n.kind === 'escalation');
  expect(steps.map((n) => `${n.level}:${n.recipient_position}`)).toEqual(['1:asisten-1', '2:sekda', '3:bupati']);

  // Each of them finds it in their inbox, with the late official, the item and how late.
  for (const [token, position, level] of [[asisten, 'asisten-1', 1], [sekda, 'sekda', 2], [bupati, 'bupati', 3]] as const) {
    const reply = await inbox(token);
    expect(reply.status).toBe(200);
    const item = reply.body.escalations.find((e: any) => e.agreementId === dikbud);
    expect(item).toMatchObject({
      task: 'draft',
      asPositionId: position,
      lateOfficial: { positionId: 'kepala-dikbud', title: org.positions.find((p: any) => p.id === 'kepala-dikbud').title, official: org.positions.find((p: any) => p.id === 'kepala-dikbud').official.name },
      dueAt: at(25),
      escalationLevel: 3,
      reachedYouAtLevel: level,
      cycleOf: { organisation: org.organisation.name, year: YEAR, utcOffsetHours: 8 },
    });
    expect(item.lateSeconds).toBeGreaterThanOrEqual(9); // the third step came 6 s after the due date, and this read after it
  }
  // The escalation's link opens the PK for each of them, though the Asisten and the Sekda are not
  // above the Kepala Dinas in the tree (his superior is the Bupati); a peer still may not, and
  // opening is not acting.
  for (const [token, relation] of [[asisten, 'overseer'], [sekda, 'overseer'], [bupati, 'superior']] as const) {
    const opened = await call('GET', `/api/agreements/${enc(dikbud)}`, { token });
    expect([opened.status, opened.body.relation]).toEqual([200, relation]);
    expect((await call('GET', `/api/agreements/${enc(dikbud)}/history`, { token })).status).toBe(200);
  }
  const peer = await call('GET', `/api/agreements/${enc(dikbud)}`, { token: t.official(nipOf(org, 'kepala-dinkes')) });
  expect([peer.status, peer.body.code]).toEqual([403, 'forbidden']);
  const meddling = await call('POST', `/api/agreements/${enc(dikbud)}/submit`, { token: asisten });
  expect(meddling.status).toBeGreaterThanOrEqual(400);
  expect((await detail(dikbud)).body.phase).toBe('drafting');

  // The late official's own inbox has the task, not an escalation to themselves.
  const own = (await inbox(lateHead)).body;
  expect(own.escalations).toEqual([]);
  expect(own.items.find((i: any) => i.agreementId === dikbud)).toMatchObject({ task: 'draft', overdue: true, escalationLevel: 3 });

  // They draft at last: the item leaves every escalation inbox.
  ok(await call('PUT', `/api/agreements/${enc(dikbud)}/draft`, { token: lateHead, body: org.drafts['kepala-dikbud'] }));
  ok(await call('POST', `/api/agreements/${enc(dikbud)}/submit`, { token: lateHead }));
  for (const token of [asisten, sekda]) expect((await inbox(token)).body.escalations.map((e: any) => e.agreementId)).not.toContain(dikbud);
});

test('a late start catches up once, to the top of the chain and no further (never "level 4" for a chain of three)', async () => {
  // A second region whose drafting was due a minute before its cycle starts.
  const LATE = 'kab-deadlines-late';
  const lateOrg: any = sampleOrganisation(LATE, YEAR, ['kepala-dikbud', 'asisten-1']);
  lateOrg.positions.find((p: any) => p.id === 'bupati').official.nip = '196501011990011002';
  const past = new Date(Date.now() - 60 * SECOND).toISOString();
  ok(await call('POST', '/api/cycles', { token: t.admin, body: { ...lateOrg, calendar: { overrides: { draft: past }, ladder } } }));
  const id = pk(LATE, 'kepala-dikbud');
  const caughtUp = await waitFor(() => detail(id), (r) => r.status === 200 && r.body.overdue === true, 120_000);
  expect(caughtUp.body.escalationLevel).toBe(3);
  // its calendar names no zone: WIB, the default, in the PK and in the list
  expect(caughtUp.body.utcOffsetHours).toBe(7);
  const listed = ok(await call('GET', `/api/agreements?cycle=${enc(`cycle:${LATE}:${YEAR}`)}`, { token: t.admin }));
  expect(listed.items.map((a: any) => a.utcOffsetHours)).toEqual(listed.items.map(() => 7));
  expect(listed.items.length).toBeGreaterThan(0);
  const steps = (await notifications(id)).filter((n) => n.kind === 'escalation');
  expect(steps.map((n) => `${n.level}:${n.recipient_position}`)).toEqual(['3:bupati']);
  expect(steps[0].subject.startsWith(`Eskalasi tingkat 3 (kepada ${lateOrg.positions.find((p: any) => p.id === 'bupati').title}): `)).toBe(true);
  const timeline = ok(await call('GET', `/api/agreements/${enc(id)}/history`, { token: t.evaluator }));
  expect(timeline.entries.filter((e: any) => e.kind === 'deadline.escalated').map((e: any) => e.data.level)).toEqual([3]);
  // The Bupati of that region sees it at level 3 in their inbox.
  const item = (await inbox(t.official('196501011990011002'))).body.escalations.find((e: any) => e.agreementId === id);
  expect(item).toMatchObject({ asPositionId: 'bupati', escalationLevel: 3, reachedYouAtLevel: 3, lateOfficial: { positionId: 'kepala-dikbud' }, cycleOf: { utcOffsetHours: 7 } });
});

test('a late quarterly report reaches the superior with its quarter named', async () => {
  // Last year's region, whose first quarter has ended and whose Q1 report was due a minute before
  // it starts: the report is late as soon as the PK is signed and the quarter opens.
  const LATE = 'kab-deadlines-report';
  const lastYear = new Date().getFullYear() - 1;
  const lateOrg: any = sampleOrganisation(LATE, lastYear, ['kepala-dinkes']);
  const bupatiNip = '196501011990011003';
  lateOrg.positions.find((p: any) => p.id === 'bupati').official.nip = bupatiNip;
  const ahead = new Date(Date.now() + DAY).toISOString();
  const overrides = { draft: ahead, review: ahead, sign: ahead, 'quarter:Q1': new Date(Date.now() - 4 * DAY).toISOString(), 'report:Q1': new Date(Date.now() - 60 * SECOND).toISOString() };
  ok(await call('POST', '/api/cycles', { token: t.admin, body: { ...lateOrg, calendar: { overrides, ladder } } }));
  const id = await toFirstQuarter(call, t.evaluator, t.official, lateOrg, 'kepala-dinkes', 'bupati');
  const reply = await waitFor(() => inbox(t.official(bupatiNip)), (r) => r.body.escalations?.some((e: any) => e.agreementId === id), 120_000);
  const item = reply.body.escalations.find((e: any) => e.agreementId === id);
  expect(item).toMatchObject({ task: 'report', quarter: 1, phase: 'reporting', asPositionId: 'bupati', reachedYouAtLevel: 1, lateOfficial: { positionId: 'kepala-dinkes' } });
  // and the late official's own task says the same quarter
  const own = (await inbox(t.official(nipOf(lateOrg, 'kepala-dinkes')))).body.items.find((i: any) => i.agreementId === id);
  expect(own).toMatchObject({ task: 'report', quarter: 1, overdue: true });
});
