// A late signer: reminders before the due date, then escalation one level per step up the chain
// (direct superior → Asisten → Sekda → Bupati), each on the record with its time and level, and
// escalation stops the moment they act. An administrator's extension resets the ladder.
import { waitFor } from '../support/api-client';
import { extendDeadlineUpdate, saveDraftUpdate, submitDraftUpdate } from '../../workflows/messages';
import { dueDatesFor } from '../../domain/schedule';
import { admin, agreementDriver, official, pkId, rejection, sampleOrganisation, startLifecycle, startTestCycle, type Lifecycle } from '../support/time-skipping';

jest.setTimeout(120_000);
const YEAR = new Date().getFullYear() + 1;
const org = sampleOrganisation('kab-escalation', YEAR, ['dinkes-e3-1-e4-1', 'asisten-1', 'kepala-dikbud']);
let l: Lifecycle;
let d: ReturnType<typeof agreementDriver>;
const DAY = 86_400_000;

beforeAll(async () => {
  l = await startLifecycle();
  await startTestCycle(l, org);
  d = agreementDriver(l, org);
});
afterAll(async () => l?.stop());

async function notifications(positionId: string) {
  const { rows } = await l.db.query(
    `SELECT item, kind, level, recipient_position, due_at FROM notifications WHERE agreement_id = $1 ORDER BY created_at, level`,
    [pkId(org, positionId)],
  );
  return rows;
}

test('a late draft is reminded, then escalated level by level, and escalation stops when it is submitted', async () => {
  const id = 'kepala-dinkes';
  const due = Date.parse(dueDatesFor(YEAR, 'JPT_PRATAMA').draftDue);
  await d.until(id, (s) => s.deadline?.item === 'draft');

  await d.advanceTo(new Date(due - 2 * DAY).toISOString()); // after the 3-days-before reminder
  expect((await notifications(id)).map((n) => `${n.kind}:${n.level}:${n.recipient_position}`)).toEqual(['reminder:0:kepala-dinkes']);

  await d.advanceTo(new Date(due + 4 * DAY).toISOString()); // past level 1 (at due) and level 2 (due + 3 days)
  const s = await d.until(id, (x) => x.deadline?.escalationLevel === 2);
  expect(s.deadline).toMatchObject({ item: 'draft', overdue: true, escalationLevel: 2 });
  // The chain of a Kepala Dinas: the Asisten who oversees Dinas Kesehatan, the Sekda, the Bupati.
  expect((await notifications(id)).map((n) => `${n.kind}:${n.level}:${n.recipient_position}`)).toEqual([
    'reminder:0:kepala-dinkes',
    'reminder:0:kepala-dinkes',
    'escalation:1:asisten-1',
    'escalation:2:sekda',
  ]);
  const stored = await waitFor(
    () => l.db.query('SELECT overdue, escalation_level FROM agreements WHERE id = $1', [pkId(org, id)]),
    (r) => r.rows[0].escalation_level === 2,
  );
  expect(stored.rows[0]).toEqual({ overdue: true, escalation_level: 2 });
  const overdueInTemporal = await l.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE agreement_id = $1 AND action = 'deadline.escalated'`, [pkId(org, id)]);
  expect(overdueInTemporal.rows[0].n).toBe(2);

  // The official submits: the overdue flag clears and no further escalation comes.
  const head = official(org, id);
  await d.handle(id).executeUpdate(saveDraftUpdate, { args: [{ actor: head, content: org.drafts![id] }] });
  await d.handle(id).executeUpdate(submitDraftUpdate, { args: [{ actor: head }] });
  await d.until(id, (x) => x.phase === 'review');
  await d.advanceTo(new Date(due + 20 * DAY).toISOString());
  const after = await notifications(id);
  expect(after.filter((n) => n.item === 'draft')).toHaveLength(4);
  // the review by the Bupati is now late in turn: the Bupati has no one above them to escalate to
  expect(after.filter((n) => n.item === 'review' && n.kind === 'escalation').map((n) => n.recipient_position)).toEqual([]);
});

test('an administrator extends a deadline with a reason: the ladder starts over from the new date', async () => {
  const id = 'kepala-dikbud';
  const pk = d.handle(id);
  const before = await d.until(id, (x) => x.deadline?.overdue === true);
  expect(before.deadline!.item).toBe('draft');
  expect((await rejection(pk.executeUpdate(extendDeadlineUpdate, { args: [{ actor: official(org, 'bupati'), dueAt: new Date().toISOString(), reason: 'x' }] }))).code).toBe('WrongPerson');
  const newDue = new Date((await l.env.currentTimeMs()) + 10 * DAY).toISOString();
  const extended = await pk.executeUpdate(extendDeadlineUpdate, { args: [{ actor: admin, dueAt: newDue, reason: 'Pergantian pejabat, diberi tambahan waktu' }] });
  expect(extended.dueAt).toBe(newDue);
  const s = await d.until(id, (x) => x.deadline?.overdue === false);
  expect(s.deadline).toMatchObject({ dueAt: newDue, escalationLevel: 0 });
  // the audit row is written with the workflow's next transition, moments after the update returns
  const audit = await waitFor(
    () => l.db.query(`SELECT data FROM audit_log WHERE agreement_id = $1 AND action = 'deadline.extended'`, [pkId(org, id)]),
    (r) => r.rows.length === 1,
  );
  expect(audit.rows[0].data).toMatchObject({ item: 'draft', reason: 'Pergantian pejabat, diberi tambahan waktu' });
});
