// PK Perubahan: a mid-year revision after a budget change and another after a change of official,
// each drafted, reviewed and signed again through the phase loop, with the realizations reported
// so far kept; officials and an administrator act on the PK at the same moment several times. Each
// run replays against the current code, and the year is the replay fixture of these paths:
//   RECORD_HISTORY=$PWD/test/fixtures/histories/lean-pk-year-revisions-concurrent-officials npx jest test/workflows/lifecycle-revision.test.ts
// Also measures the history size of a full year with two revisions (the goal is ≤ 300 events).
import { writeFileSync } from 'node:fs';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { canonicalJson, sha256Hex } from '../../security/hash';
import type { AgreementContent } from '../../domain/types';
import { workflowBundle } from '../../worker/create-worker';
import {
  evaluateUpdate, extendDeadlineUpdate, reportRealizationUpdate, saveDraftUpdate, startRevisionUpdate, verifyRealizationUpdate,
} from '../../workflows/messages';
import { admin, agreementDriver, evaluator, historiesOf, official, pkId, rejection, sampleOrganisation, startLifecycle, startTestCycle, type Lifecycle } from '../support/time-skipping';

jest.setTimeout(180_000);
const YEAR = new Date().getFullYear() + 1;
const org = sampleOrganisation('kab-revision', YEAR, ['kepala-dinkes']);
let l: Lifecycle;
let d: ReturnType<typeof agreementDriver>;

/**
 * The first party's submission and the second party's approval are written slowly, so what happens
 * meanwhile (the next saves, an extension) waits for the writer and goes in its next write. Each
 * write the writer sends is kept: the actions and the read-model phase of each transition in it.
 */
const SLOW_HUMAN_WRITES = new Set(['draft.submitted', 'draft.approved']);
const sent: Array<Array<{ actions: string[]; phase: string | undefined; awaiting: string | null | undefined }>> = [];
beforeAll(async () => {
  l = await startLifecycle({
    activities: (real) => ({
      ...real,
      async recordTransitions(batch) {
        sent.push(batch.map((w) => ({ actions: w.audit.map((e) => e.action), phase: w.state?.phase, awaiting: w.state?.awaiting })));
        if (batch.some((w) => w.audit.some((e) => SLOW_HUMAN_WRITES.has(e.action)))) await new Promise((r) => setTimeout(r, 300));
        return real.recordTransitions(batch);
      },
    }),
  });
  await startTestCycle(l, org);
  d = agreementDriver(l, org);
});
afterAll(async () => l?.stop());

/** The activity a local activity's marker ran (its marker data names it). */
const localActivityOf = (e: temporal.api.history.v1.IHistoryEvent): string | null => {
  const marker = e.markerRecordedEventAttributes;
  if (marker?.markerName !== 'core_local_activity') return null;
  return (JSON.parse(Buffer.from(marker.details!.data.payloads![0].data!).toString()) as { activity_type: string }).activity_type;
};

test('a budget revision and a change of official are each re-signed; realizations carry over', async () => {
  const id = 'kepala-dinkes';
  const pk = d.handle(id);
  const head = official(org, id);
  const bupati = official(org, 'bupati');
  const content = org.drafts![id];
  const agreementId = pkId(org, id);
  const storedDraft = async (version: number) =>
    (await l.db.query('SELECT content_hash FROM agreement_versions WHERE agreement_id = $1 AND version = $2', [agreementId, version])).rows[0]?.content_hash;
  const withBudget = (amount: number): AgreementContent => ({ ...content, budget: [{ program: 'Program Pelayanan Kesehatan', amount }] });

  // Three saves and an administrator's extension at the same moment: whichever save is the last
  // transition is what the workflow and the record both hold.
  await d.until(id, (s) => s.deadline?.item === 'draft');
  await Promise.all([
    ...[1, 2, 3].map((n) => pk.executeUpdate(saveDraftUpdate, { args: [{ actor: head, content: withBudget(n * 1_000_000) }] })),
    pk.executeUpdate(extendDeadlineUpdate, { args: [{ actor: admin, dueAt: `${YEAR}-02-20T16:59:59.999Z`, reason: 'Menunggu DPA' }] }),
  ]);
  const drafted = await d.state(id);
  expect(drafted.deadline).toMatchObject({ item: 'draft', dueAt: `${YEAR}-02-20T16:59:59.999Z` });
  expect(await storedDraft(1)).toBe(drafted.draftHash);
  expect([1, 2, 3].map((n) => sha256Hex(canonicalJson(withBudget(n * 1_000_000))))).toContain(drafted.draftHash);

  await d.signOff(id);
  await d.advanceTo(d.afterQuarter(1));
  // The report and an extension of its due date at once; then another extension and the verification.
  await d.until(id, (s) => s.quarters[0].status === 'open');
  const realizationsQ1 = content.objectives.flatMap((o) => o.indicators).map((i) => ({ indicatorId: i.id, value: i.target }));
  await Promise.all([
    pk.executeUpdate(reportRealizationUpdate, { args: [{ actor: head, quarter: 1, realizations: realizationsQ1, budgetSpent: content.budget.map((b) => b.amount / 4) }] }),
    pk.executeUpdate(extendDeadlineUpdate, { args: [{ actor: admin, dueAt: `${YEAR}-04-30T16:59:59.999Z`, reason: 'Libur Lebaran' }] }),
  ]);
  await d.until(id, (s) => s.deadline?.item === 'verify:Q1');
  // (in this order: once verified nothing is awaited, and an extension then is refused)
  await pk.executeUpdate(extendDeadlineUpdate, { args: [{ actor: admin, dueAt: `${YEAR}-05-15T16:59:59.999Z`, reason: 'Verifikasi lapangan' }] });
  await pk.executeUpdate(verifyRealizationUpdate, { args: [{ actor: bupati, quarter: 1 }] });
  await d.until(id, (s) => s.quarters[0].status === 'verified' && s.deadline === null);

  // Only the first party or an administrator may open a revision, with a note.
  expect((await rejection(pk.executeUpdate(startRevisionUpdate, { args: [{ actor: bupati, reason: 'budget', note: 'APBD-P' }] }))).code).toBe('WrongPerson');
  expect((await rejection(pk.executeUpdate(startRevisionUpdate, { args: [{ actor: head, reason: 'budget', note: '' }] }))).code).toBe('InvalidData');

  // 1. Budget change (APBD Perubahan): new budget lines, re-signed as version 2. The Update returns
  // with the new version started and its draft copied; the phase loop then leaves reporting for the
  // new version's drafting, and nothing of the reporting phase is accepted meanwhile.
  const started = await pk.executeUpdate(startRevisionUpdate, { args: [{ actor: head, reason: 'budget', note: 'APBD Perubahan 2027' }] });
  expect(started).toMatchObject({ version: 2, revision: { reason: 'budget', requestedBy: head.id } });
  expect(await storedDraft(2)).toBe(await storedDraft(1));
  expect((await rejection(pk.executeUpdate(startRevisionUpdate, { args: [{ actor: head, reason: 'budget', note: 'lagi' }] }))).code).toBe('WrongPhase');
  const reopened = await d.until(id, (s) => s.phase === 'drafting' && s.deadline?.item === 'draft');
  expect(reopened.quarters.map((q) => q.status)).toEqual(['verified', 'not_open', 'not_open', 'not_open']);
  const timeline = (await l.db.query('SELECT action, data FROM audit_log WHERE agreement_id = $1 ORDER BY seq', [agreementId])).rows;
  expect(timeline.at(-1)).toMatchObject({ action: 'revision.started', data: { version: 2, reason: 'budget' } });
  const revised = { ...content, budget: [...content.budget, { program: 'Program Penanganan Stunting Terpadu', amount: 750_000_000 }] };
  // the first party saves twice at once while the administrator moves the due date
  await Promise.all([
    pk.executeUpdate(saveDraftUpdate, { args: [{ actor: head, content: revised }] }),
    pk.executeUpdate(saveDraftUpdate, { args: [{ actor: head, content: revised }] }),
    pk.executeUpdate(extendDeadlineUpdate, { args: [{ actor: admin, dueAt: d.afterQuarter(2, 20), reason: 'Pembahasan APBD-P' }] }),
  ]);
  const v2 = await d.signOff(id, revised);
  expect(v2.version).toBe(2);
  expect(v2.versions.map((v) => [v.version, v.reason, v.signatures.length])).toEqual([[1, 'initial', 2], [2, 'budget', 2]]);
  expect(v2.quarters[0].status).toBe('verified'); // Q1 stays reported and verified

  // 2. Change of official (mutasi): the position's new holder takes over and signs version 3.
  const successor = { nip: '198001012005011099', name: 'dr. Maria Ulfa Siregar, M.Kes.', email: 'maria@bengkayang.example' };
  await l.db.query(
    `UPDATE positions SET nip = $3, official_name = $4, email = $5 WHERE cycle_id = $1 AND id = $2`,
    [`cycle:${org.organisation.id}:${YEAR}`, id, successor.nip, successor.name, successor.email],
  );
  await pk.executeUpdate(startRevisionUpdate, { args: [{ actor: admin, reason: 'official', note: `Mutasi: ${successor.name}` }] });
  const newHead = { role: 'official' as const, id: successor.nip, positionIds: [id] };
  const v3 = await d.signOff(id, revised, { first: newHead });
  expect(v3.version).toBe(3);
  const doc = (await l.db.query('SELECT signer_nip FROM documents WHERE agreement_id = $1 AND version = 3 ORDER BY party', [pkId(org, id)])).rows;
  expect(doc.map((r) => r.signer_nip)).toEqual([successor.nip, bupati.id]);
  // every earlier signed version stays available
  const versions = (await l.db.query('SELECT DISTINCT version FROM documents WHERE agreement_id = $1 ORDER BY version', [pkId(org, id)])).rows;
  expect(versions.map((r) => r.version)).toEqual([1, 2, 3]);

  // The rest of the year under the new official; Q1 was kept.
  for (const q of [2, 3, 4] as const) {
    await d.advanceTo(d.afterQuarter(q));
    await d.until(id, (s) => s.quarters[q - 1].status === 'open');
    const realizations = revised.objectives.flatMap((o) => o.indicators).map((i) => ({ indicatorId: i.id, value: i.target }));
    await pk.executeUpdate(reportRealizationUpdate, { args: [{ actor: newHead, quarter: q, realizations, budgetSpent: revised.budget.map((b) => b.amount / 4) }] });
    await pk.executeUpdate(verifyRealizationUpdate, { args: [{ actor: bupati, quarter: q }] });
  }
  await d.until(id, (s) => s.phase === 'evaluation' && s.evaluation !== null);
  await pk.executeUpdate(evaluateUpdate, { args: [{ actor: evaluator, adjustments: [], close: true }] });
  const final = await pk.result();
  expect(final.phase).toBe('closed');
  expect(final.evaluation!.score).toBeCloseTo(100, 6);
  const stored = (await l.db.query('SELECT count(*)::int AS n FROM realizations WHERE agreement_id = $1', [pkId(org, id)])).rows[0];
  expect(stored.n).toBe(4);

  // The transitions' writes are local activities (markers, no scheduled activity). An action and
  // the phase change it causes are one write: the submission went with the main flow's move to
  // review (awaiting the second party), the approval with its move to signing.
  const runs = await historiesOf(l, pkId(org, id));
  const events = runs.flatMap((h) => h.events!);
  expect(events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity').length).toBeGreaterThan(20);
  expect(events.filter((e) => /^recordTransitions?$/.test(e.activityTaskScheduledEventAttributes?.activityType?.name ?? ''))).toEqual([]);
  // A lean run (every PK the fan-out starts now) signs and reads through local activities too, and
  // leaves the phase to the read model: no activity task and no search-attribute upsert in its year.
  expect(events.filter((e) => e.activityTaskScheduledEventAttributes).map((e) => e.activityTaskScheduledEventAttributes!.activityType!.name)).toEqual([]);
  expect(events.filter((e) => e.upsertWorkflowSearchAttributesEventAttributes)).toEqual([]);
  expect(events.filter((e) => e.markerRecordedEventAttributes?.markerName === 'core_patch')).toEqual([]);
  const localActivities = new Set(events.map(localActivityOf).filter(Boolean));
  expect([...localActivities].sort()).toEqual(['computeEvaluation', 'loadStartContext', 'recordTransitions', 'signAgreement']);
  const sentWith = (action: string) => sent.find((batch) => batch.some((w) => w.actions.includes(action)))!;
  expect(sentWith('draft.submitted').at(-1)).toMatchObject({ phase: 'review', awaiting: org.positions.find((p) => p.id === id)!.parent });
  expect(sentWith('draft.approved').at(-1)).toMatchObject({ phase: 'signing' });
  expect(sent.some((batch) => batch.length > 1)).toBe(true);
  const committed = (await l.db.query(`SELECT key, action FROM audit_log WHERE agreement_id = $1 ORDER BY seq`, [pkId(org, id)])).rows;
  const writeSeqs = committed.filter((r) => !r.action.startsWith('agreement.signed')).map((r) => Number(r.key.split(':').pop()));
  expect(writeSeqs).toEqual([...writeSeqs].sort((a, b) => a - b));
  expect(committed.map((r) => r.action)).toEqual(expect.arrayContaining(['draft.submitted', 'draft.approved']));
  // Every run replays against the current code (RECORD_HISTORY=PREFIX keeps them as fixtures).
  for (const [i, history] of runs.entries()) {
    if (process.env.RECORD_HISTORY) writeFileSync(`${process.env.RECORD_HISTORY}-run${i + 1}.pb`, temporal.api.history.v1.History.encode(history).finish());
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, `revisions-run-${i + 1}`);
  }

  // History size of the year with two revisions, over every run of the workflow.
  const sizes = runs.map((h) => h.events!.length);
  const total = sizes.reduce((a, b) => a + b, 0);
  const largestRun = Math.max(...sizes);
  const bytes = runs.reduce((sum, h) => sum + temporal.api.history.v1.History.encode(h).finish().length, 0);
  const byType = new Map<string, number>();
  for (const e of events) {
    const name = String(temporal.api.enums.v1.EventType[e.eventType!]).replace('EVENT_TYPE_', '');
    byType.set(name, (byType.get(name) ?? 0) + 1);
  }
  // The test server records a workflow task for an Update its validator refuses (three above); a
  // real server (its speculative workflow tasks) records nothing for it: counted apart.
  const { EVENT_TYPE_WORKFLOW_TASK_COMPLETED: TASK_COMPLETED, EVENT_TYPE_WORKFLOW_TASK_SCHEDULED: TASK_SCHEDULED } = temporal.api.enums.v1.EventType;
  const emptyTasks = runs.reduce((n, h) => n + h.events!.filter((e, i) => e.eventType === TASK_COMPLETED && h.events![i + 1]?.eventType === TASK_SCHEDULED).length, 0);
  console.log(`history of a year with two revisions: ${total} events in ${runs.length} run(s) of ${sizes.join(', ')}, largest run ${largestRun} events, ${Math.round(bytes / 1024)} KiB (protobuf); `
    + `${emptyTasks * 3} of them in ${emptyTasks} workflow tasks that recorded nothing (refused Updates, which a real server does not record): ${total - emptyTasks * 3} without`);
  console.log([...byType].sort((a, b) => b[1] - a[1]).map(([t, n]) => `${n} ${t}`).join('\n'));
  // No run past 300 events: continue-as-new at quiet points splits the year into runs.
  expect(runs.length).toBeGreaterThan(1);
  expect(largestRun).toBeLessThanOrEqual(300);
  expect(bytes / runs.length).toBeLessThan(256 * 1024);
});
