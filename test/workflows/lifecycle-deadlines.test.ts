// Deadlines on the time-skipping server, over days of workflow time: a late draft escalates to the
// top of the chain and no further; an administrator's extension during the first party's signature
// holds for the second party's too (workflow patches 'escalation-stops-at-top' and
// 'deadline-extension-covers-step'); the Kepala Daerah's late draft is overdue at level 0.
// The histories are the replay fixtures of these paths:
//   RECORD_HISTORY=$PWD/test/fixtures/histories/lean-deadlines npx jest test/workflows/lifecycle-deadlines.test.ts
import { writeFileSync } from 'node:fs';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { workflowBundle } from '../../worker/create-worker';
import { dueDatesFor } from '../../domain/schedule';
import { approveDraftUpdate, extendDeadlineUpdate, saveDraftUpdate, signUpdate, submitDraftUpdate } from '../../workflows/messages';
import { admin, agreementDriver, historiesOf, official, passphraseOf, pkId, sampleOrganisation, sealed, startLifecycle, startTestCycle, type Lifecycle } from '../support/time-skipping';

jest.setTimeout(180_000);
const YEAR = new Date().getFullYear() + 1;
const DAY = 86_400_000;
const org = sampleOrganisation('kab-deadlines-ts', YEAR, ['kepala-dinkes']);
let l: Lifecycle;
let d: ReturnType<typeof agreementDriver>;

beforeAll(async () => {
  l = await startLifecycle();
  await startTestCycle(l, org);
  d = agreementDriver(l, org);
});
afterAll(async () => l?.stop());

async function escalations(positionId: string) {
  const { rows } = await l.db.query(
    `SELECT item, level, recipient_position FROM notifications WHERE agreement_id = $1 AND kind = 'escalation' ORDER BY created_at, level`,
    [pkId(org, positionId)],
  );
  return rows.map((n) => `${n.item}:${n.level}:${n.recipient_position}`);
}

/** Each run's history replays against the current code; RECORD_HISTORY=PREFIX keeps them as fixtures. */
async function replayAndRecord(positionId: string, name: string) {
  const runs = await historiesOf(l, pkId(org, positionId));
  for (const [i, history] of runs.entries()) {
    // a run just begun by continue-as-new holds a handful of events: nothing of these paths to keep
    if (process.env.RECORD_HISTORY && history.events!.length > 50) writeFileSync(`${process.env.RECORD_HISTORY}-${name}-run${i + 1}.pb`, temporal.api.history.v1.History.encode(history).finish());
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, `${name}-run-${i + 1}`);
  }
}

test('a late draft escalates to the top of a one-person chain only; an extension while the first party signs holds for the second', async () => {
  const id = 'kepala-dinkes';
  const head = official(org, id);
  const bupati = official(org, 'bupati');
  const due = dueDatesFor(YEAR, 'JPT_PRATAMA');
  await d.until(id, (s) => s.deadline?.item === 'draft');

  // Late by four days: the calendar's ladder has passed two of its four steps, but the chain of this
  // Kepala Dinas (in this cut-down region) is the Bupati alone: level 1, once. (Still before the
  // signing date, so the signing step below starts on time.)
  await d.advanceTo(new Date(Date.parse(due.draftDue) + 4 * DAY).toISOString());
  const late = await d.until(id, (s) => s.deadline?.overdue === true);
  expect(late.deadline).toMatchObject({ item: 'draft', escalationLevel: 1 });
  expect(await escalations(id)).toEqual(['draft:1:bupati']);

  await d.update(id, 'save draft', (pk) => pk.executeUpdate(saveDraftUpdate, { args: [{ actor: head, content: org.drafts![id] }] }));
  await d.update(id, 'submit', (pk) => pk.executeUpdate(submitDraftUpdate, { args: [{ actor: head }] }));
  await d.until(id, (s) => s.phase === 'review');
  await d.update(id, 'approve', (pk) => pk.executeUpdate(approveDraftUpdate, { args: [{ actor: bupati }] }));
  await d.until(id, (s) => s.deadline?.item === 'sign:first');

  // Extended while the first party is awaited: ten days past the calendar's signing date.
  const extended = new Date(Date.parse(due.signDue) + 10 * DAY).toISOString();
  await d.update(id, 'extend', (pk) => pk.executeUpdate(extendDeadlineUpdate, { args: [{ actor: admin, dueAt: extended, reason: 'Sertifikat diterbitkan ulang' }] }));
  await d.advanceTo(new Date(Date.parse(due.signDue) + 2 * DAY).toISOString());
  await d.update(id, 'first signature', (pk) => pk.executeUpdate(signUpdate, { args: [{ actor: head, passphrase: sealed(l, passphraseOf(head), { agreementId: pkId(org, id), version: 1, party: 'first', signerId: head.id }) }] }));
  const second = await d.until(id, (s) => s.deadline?.item === 'sign:second');
  expect(second.deadline).toMatchObject({ dueAt: extended, overdue: false, escalationLevel: 0 });

  // Five days on (past the calendar's date, before the extended one): still not overdue. An hour
  // past the reminder (three days before the extended date), not on it: a skip that lands on a
  // timer's instant lets it fire while the next workflow task (the signature, a local activity) is
  // with the worker, and the time-skipping server strands a run whose task cancels a timer that
  // fired meanwhile (temporalio/sdk-java#3088; a real server records the cancel).
  await d.advanceTo(new Date(Date.parse(due.signDue) + 7 * DAY + 3_600_000).toISOString());
  expect((await d.until(id, (s) => s.deadline?.item === 'sign:second')).deadline).toMatchObject({ dueAt: extended, overdue: false, escalationLevel: 0 });
  expect((await escalations(id)).filter((e) => e.startsWith('sign:'))).toEqual([]);

  await d.update(id, 'second signature', (pk) => pk.executeUpdate(signUpdate, { args: [{ actor: bupati, passphrase: sealed(l, passphraseOf(bupati), { agreementId: pkId(org, id), version: 1, party: 'second', signerId: bupati.id }) }] }));
  await d.until(id, (s) => s.phase === 'reporting');
  await replayAndRecord(id, 'extension-covers-signing');
});

test("the Kepala Daerah's late draft is overdue at level 0: nobody above, no escalation recorded", async () => {
  const late = await d.until('bupati', (s) => s.deadline?.overdue === true);
  expect(late.deadline).toMatchObject({ item: 'draft', escalationLevel: 0 });
  expect(await escalations('bupati')).toEqual([]);
  const { rows } = await l.db.query(`SELECT action FROM audit_log WHERE agreement_id = $1 AND action LIKE 'deadline.%' ORDER BY seq`, [pkId(org, 'bupati')]);
  expect(rows.map((r) => r.action)).toEqual(['deadline.overdue']);
  // An extension clears the overdue flag; past the new date it is overdue again, still at level 0.
  const extended = new Date((await l.env.currentTimeMs()) + 2 * DAY).toISOString();
  await d.update('bupati', 'extend', (pk) => pk.executeUpdate(extendDeadlineUpdate, { args: [{ actor: admin, dueAt: extended, reason: 'Agenda kunjungan kerja' }] }));
  await d.until('bupati', (s) => s.deadline?.overdue === false);
  await d.advanceTo(new Date(Date.parse(extended) + 4 * DAY).toISOString());
  expect((await d.until('bupati', (s) => s.deadline?.overdue === true)).deadline).toMatchObject({ dueAt: extended, escalationLevel: 0 });
  expect(await escalations('bupati')).toEqual([]);
  await replayAndRecord('bupati', 'kepala-daerah-overdue');
});
