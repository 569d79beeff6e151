// One PK's year on the time-skipping server with the real activities, PostgreSQL, PDF rendering
// and signing: drafting, review, both signatures, subordinates released, four quarters, evaluation.
import { writeFileSync } from 'node:fs';
import { Worker } from '@temporalio/worker';
import { temporal } from '@temporalio/proto';
import { verifyDocument } from '../../signing';
import { workflowBundle } from '../../worker/create-worker';
import {
  approveDraftUpdate, evaluateUpdate, reportRealizationUpdate, returnDraftUpdate, saveDraftUpdate, signUpdate,
  submitDraftUpdate, verifyRealizationUpdate, returnRealizationUpdate, type AgreementState,
} from '../../workflows/messages';
import { admin, evaluator, historiesOf, official, passphraseOf, pkId, queryState, rejection, sampleOrganisation, sealed, startLifecycle, startTestCycle, type Lifecycle } from '../support/time-skipping';
import { lastValueText } from '../support/api-client';

jest.setTimeout(180_000);
const YEAR = new Date().getFullYear() + 1;
const org = sampleOrganisation('kab-lifecycle', YEAR, ['dinkes-e3-1-e4-1', 'asisten-1']);
let l: Lifecycle;

/** The year-end score is held until the test lets it go, so the test can act while it is computed. */
let letEvaluationFinish!: () => void;
const evaluationMayFinish = new Promise<void>((resolve) => (letEvaluationFinish = resolve));
let evaluationsComputing = 0;

beforeAll(async () => {
  l = await startLifecycle({
    activities: (real) => ({
      ...real,
      async computeEvaluation(args) {
        evaluationsComputing++;
        await evaluationMayFinish;
        return real.computeEvaluation(args);
      },
    }),
  });
  await startTestCycle(l, org);
});
afterAll(async () => {
  letEvaluationFinish(); // a failed check above must not leave the activity waiting
  await l?.stop();
});

const handle = (positionId: string) => l.env.client.workflow.getHandle(pkId(org, positionId));
const state = (positionId: string): Promise<AgreementState> => queryState(l, pkId(org, positionId));
async function advanceTo(iso: string) {
  const ms = Date.parse(iso) - (await l.env.currentTimeMs());
  if (ms > 0) await l.env.sleep(ms);
}
async function until(positionId: string, ok: (s: AgreementState) => boolean): Promise<AgreementState> {
  const started = Date.now();
  let last: AgreementState | undefined;
  for (let i = 0; i < 200; i++) {
    last = await state(positionId);
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${Date.now() - started} ms; last value: ${lastValueText(last)}`);
}

test('a PK goes through its whole year: drafted, returned, approved, signed twice, reported, evaluated', async () => {
  const head = official(org, 'kepala-dinkes');
  const bupati = official(org, 'bupati');
  const content = org.drafts!['kepala-dinkes'];
  const pk = handle('kepala-dinkes');
  expect((await state('kepala-dinkes')).phase).toBe('drafting');
  expect((await state('dinkes-e3-1')).phase).toBe('waiting_superior');

  // The wrong person is turned away before anything is written.
  expect(await rejection(pk.executeUpdate(saveDraftUpdate, { args: [{ actor: official(org, 'dinkes-e3-1'), content }] }))).toMatchObject({ code: 'WrongPerson', message: expect.stringMatching(/first party/) });
  // An indicator that serves no superior indicator (and is no additional task) is refused.
  const unlinked = structuredClone(content);
  unlinked.objectives[0].indicators[0].parentIndicatorId = 'IKU-nonexistent';
  expect((await rejection(pk.executeUpdate(saveDraftUpdate, { args: [{ actor: head, content: unlinked }] }))).code).toBe('InvalidData');

  await pk.executeUpdate(saveDraftUpdate, { args: [{ actor: head, content }] });
  await pk.executeUpdate(submitDraftUpdate, { args: [{ actor: head }] });
  await until('kepala-dinkes', (s) => s.phase === 'review');
  await pk.executeUpdate(returnDraftUpdate, { args: [{ actor: bupati, reason: 'Target AKI terlalu rendah' }] });
  const returned = await until('kepala-dinkes', (s) => s.phase === 'drafting');
  expect(returned.returnedReason).toBe('Target AKI terlalu rendah');
  await pk.executeUpdate(submitDraftUpdate, { args: [{ actor: head }] });
  await until('kepala-dinkes', (s) => s.phase === 'review');
  await pk.executeUpdate(approveDraftUpdate, { args: [{ actor: bupati }] });
  await until('kepala-dinkes', (s) => s.phase === 'signing');

  // The second party cannot sign before the first.
  const seal = (who: typeof head, party: 'first' | 'second') =>
    sealed(l, passphraseOf(who), { agreementId: pkId(org, 'kepala-dinkes'), version: 1, party, signerId: who.id });
  expect(await rejection(pk.executeUpdate(signUpdate, { args: [{ actor: bupati, passphrase: seal(bupati, 'second') }] }))).toMatchObject({ code: 'WrongPerson', message: expect.stringMatching(/first party/) });
  const first = await pk.executeUpdate(signUpdate, { args: [{ actor: head, passphrase: seal(head, 'first') }] });
  expect(first.party).toBe('first');
  const second = await pk.executeUpdate(signUpdate, { args: [{ actor: bupati, passphrase: seal(bupati, 'second') }] });
  expect(second.party).toBe('second');
  const signed = await until('kepala-dinkes', (s) => s.phase === 'reporting');
  expect(signed.versions[0].sha256).toBe(second.sha256);

  // The stored document carries both signatures, verified against the organisation's CA.
  const doc = (await l.db.query('SELECT bytes, sha256 FROM documents WHERE id = $1', [second.documentId])).rows[0];
  const cas = (await l.db.query(`SELECT certificate_pem FROM signing_ca`)).rows.map((r) => r.certificate_pem);
  const report = verifyDocument(new Uint8Array(doc.bytes), { trustedRoots: cas });
  expect(report.ok).toBe(true);
  // after the last signature: the DSS and a document timestamp, which covers the whole file (PAdES-B-LTA)
  expect(report.signatures.map((s) => s.coversWholeFile)).toEqual([false, false]);
  expect(report.documentTimestamps.map((t) => t.coversWholeFile)).toEqual([true]);
  expect(report.level).toBe('B-LTA');
  const firstDoc = (await l.db.query('SELECT bytes FROM documents WHERE id = $1', [first.documentId])).rows[0];
  expect(Buffer.from(doc.bytes).subarray(0, firstDoc.bytes.length).equals(firstDoc.bytes)).toBe(true);

  // Signing released the subordinate's drafting.
  await until('dinkes-e3-1', (s) => s.phase === 'drafting');
  expect((await state('dinkes-e3-1')).superiorIndicatorIds).toEqual(content.objectives.flatMap((o) => o.indicators.map((i) => i.id)));

  // Quarterly checkpoints: reporting opens after each quarter ends.
  const indicators = content.objectives.flatMap((o) => o.indicators);
  expect((await rejection(pk.executeUpdate(reportRealizationUpdate, { args: [{ actor: head, quarter: 1, realizations: [], budgetSpent: [] }] }))).code).toBe('WrongQuarter');
  for (const quarter of [1, 2, 3, 4] as const) {
    await advanceTo(new Date(Date.UTC(YEAR, quarter * 3, 2)).toISOString());
    await until('kepala-dinkes', (s) => s.quarters[quarter - 1].status === 'open');
    const realizations = indicators.map((i) => ({ indicatorId: i.id, value: i.target }));
    if (quarter === 1) {
      // Numbers past the domain's bounds are refused by the validator too, not only by the API's schema.
      for (const wrong of [{ realizations, budgetSpent: [1e308] }, { realizations: [{ indicatorId: indicators[0].id, value: 1e300 }], budgetSpent: [] }]) {
        expect((await rejection(pk.executeUpdate(reportRealizationUpdate, { args: [{ actor: head, quarter, ...wrong }] }))).code).toBe('InvalidData');
      }
    }
    await pk.executeUpdate(reportRealizationUpdate, { args: [{ actor: head, quarter, realizations, budgetSpent: content.budget.map((b) => b.amount / 4) }] });
    if (quarter === 2) {
      await pk.executeUpdate(returnRealizationUpdate, { args: [{ actor: bupati, quarter, reason: 'Lampirkan bukti dukung' }] });
      expect((await state('kepala-dinkes')).quarters[1]).toMatchObject({ status: 'open', returnedReason: 'Lampirkan bukti dukung' });
      await pk.executeUpdate(reportRealizationUpdate, { args: [{ actor: head, quarter, realizations, budgetSpent: content.budget.map((b) => b.amount / 4) }] });
    }
    await pk.executeUpdate(verifyRealizationUpdate, { args: [{ actor: bupati, quarter }] });
  }
  // The phase opens before its score is computed: an evaluation meanwhile is refused, not overwritten.
  await until('kepala-dinkes', (s) => s.phase === 'evaluation');
  for (let i = 0; i < 200 && evaluationsComputing === 0; i++) await new Promise((r) => setTimeout(r, 50));
  expect(evaluationsComputing).toBe(1);
  expect(
    await rejection(pk.executeUpdate(evaluateUpdate, { args: [{ actor: evaluator, adjustments: [{ indicatorId: indicators[0].id, value: 70, reason: 'Data AKI belum terverifikasi' }], close: true }] })),
  ).toMatchObject({ code: 'WrongPhase', message: expect.stringMatching(/being computed/) });
  letEvaluationFinish();
  const evaluating = await until('kepala-dinkes', (s) => s.phase === 'evaluation' && s.evaluation !== null);
  expect(evaluating.evaluation!.closedAt).toBeFalsy();
  // Every indicator met its target exactly: 100 each, "Sangat Baik"; the whole budget absorbed.
  expect(evaluating.evaluation!.score).toBeCloseTo(100, 6);
  expect(evaluating.evaluation!.predicate).toBe('Sangat Baik');
  expect(evaluating.evaluation!.absorption).toBeCloseTo(100, 6);

  expect((await rejection(pk.executeUpdate(evaluateUpdate, { args: [{ actor: admin, adjustments: [], close: true }] }))).code).toBe('WrongPerson');
  expect(
    await rejection(pk.executeUpdate(evaluateUpdate, { args: [{ actor: evaluator, adjustments: [{ indicatorId: indicators[0].id, value: 90, reason: ' ' }], close: false }] })),
  ).toMatchObject({ code: 'InvalidData', message: expect.stringMatching(/reason/) });
  const closed = await pk.executeUpdate(evaluateUpdate, {
    args: [{ actor: evaluator, adjustments: [{ indicatorId: indicators[0].id, value: 70, reason: 'Data AKI belum terverifikasi Dinas' }], close: true }],
  });
  expect(closed.indicators[0]).toMatchObject({ computed: 100, adjusted: 70, adjustmentReason: 'Data AKI belum terverifikasi Dinas' });
  expect(closed.score).toBeCloseTo((70 + 100 * (indicators.length - 1)) / indicators.length, 6);
  const final = await pk.result();
  expect(final.phase).toBe('closed');
  // Each run of the year replays against the current workflow code (RECORD_HISTORY=PREFIX keeps them
  // as fixtures PREFIX-run1.pb, PREFIX-run2.pb, ...).
  const runs = await historiesOf(l, pkId(org, 'kepala-dinkes'));
  for (const [i, history] of runs.entries()) {
    if (process.env.RECORD_HISTORY) writeFileSync(`${process.env.RECORD_HISTORY}-run${i + 1}.pb`, temporal.api.history.v1.History.encode(history).finish());
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, `run-${i + 1}`);
  }
  const row = (await l.db.query('SELECT phase, score, predicate FROM agreements WHERE id = $1', [pkId(org, 'kepala-dinkes')])).rows[0];
  expect(row.phase).toBe('closed');
  expect(Number(row.score)).toBeCloseTo(closed.score!, 6);
});
