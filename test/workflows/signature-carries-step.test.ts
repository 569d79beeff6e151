// A signature writes the step it ends (behaviour `signature-carries-step`): when the first party's
// signature returns, the record already shows the second party's turn; when the last one returns,
// the signed agreement in reporting, with its `agreement.signed` row. Here the main flow is held in
// a reminder's activity the whole time, so only the signatures can have written that; once let go,
// it finds its state written and writes nothing more (its next write is the quarter's opening).
import { approveDraftUpdate, saveDraftUpdate, signUpdate, submitDraftUpdate } from '../../workflows/messages';
import { agreementDriver, heldReminder, official, passphraseOf, pkId, sampleOrganisation, sealed, startLifecycle, startTestCycle, type Lifecycle } from '../support/time-skipping';

const YEAR = new Date().getFullYear() + 1;
const org = sampleOrganisation('kab-tanda-tangan', YEAR, ['kepala-dinkes']);
let l: Lifecycle;
const held = pkId(org, 'kepala-dinkes');
// the first signature's reminder: the main flow stays in it until the test lets it go
const hold = heldReminder(held, 'sign:first');

beforeAll(async () => {
  l = await startLifecycle({ activities: hold.activities });
  await startTestCycle(l, org);
});
afterAll(async () => {
  hold.release();
  await l?.stop();
});

const record = async () => {
  const row = (await l.db.query('SELECT phase, awaiting_position, due_at, write_seq FROM agreements WHERE id = $1', [held])).rows[0];
  const audit = (await l.db.query('SELECT action, data FROM audit_log WHERE agreement_id = $1 ORDER BY seq', [held])).rows;
  return { phase: row.phase, awaiting: row.awaiting_position, dueAt: row.due_at ? new Date(row.due_at).toISOString() : null, seq: Number(row.write_seq), audit };
};

test('each signature writes the step it ends, with the main flow held elsewhere; the main flow then writes nothing more', async () => {
  const d = agreementDriver(l, org);
  const head = official(org, 'kepala-dinkes');
  const bupati = official(org, 'bupati');
  await d.until('kepala-dinkes', (s) => s.phase === 'drafting');
  const content = org.drafts!['kepala-dinkes'];
  const pk = d.handle('kepala-dinkes');
  await pk.executeUpdate(saveDraftUpdate, { args: [{ actor: head, content }] });
  await pk.executeUpdate(submitDraftUpdate, { args: [{ actor: head }] });
  await d.until('kepala-dinkes', (s) => s.phase === 'review');
  await pk.executeUpdate(approveDraftUpdate, { args: [{ actor: bupati }] });
  const signing = await d.until('kepala-dinkes', (s) => s.deadline?.item === 'sign:first');
  const signDue = signing.deadline!.dueAt;
  // to the first signature's reminder (three days before its due date): the main flow sends it, held
  await d.advanceTo(new Date(Date.parse(signDue) - 3 * 86_400_000 + 1000).toISOString());
  await hold.sending;
  const seal = (who: typeof head, party: 'first' | 'second') => sealed(l, passphraseOf(who), { agreementId: held, version: 1, party, signerId: who.id });

  // The first signature returns with the second party's turn on record (their inbox lists it).
  await pk.executeUpdate(signUpdate, { args: [{ actor: head, passphrase: seal(head, 'first') }] });
  const afterFirst = await record();
  expect(afterFirst).toMatchObject({ phase: 'signing', awaiting: 'bupati', dueAt: signDue });
  expect(afterFirst.audit.at(-1)).toMatchObject({ action: 'document.signed', data: { party: 'first' } });

  // The last returns with the agreement signed: in reporting, nobody awaited, and its own row.
  const second = await pk.executeUpdate(signUpdate, { args: [{ actor: bupati, passphrase: seal(bupati, 'second') }] });
  const afterSecond = await record();
  expect(afterSecond).toMatchObject({ phase: 'reporting', awaiting: null, dueAt: null });
  expect(afterSecond.seq).toBeGreaterThan(afterFirst.seq);
  expect(afterSecond.audit.slice(-2)).toEqual([
    { action: 'document.signed', data: { version: 1, party: 'second', documentId: second.documentId, sha256: second.sha256 } },
    { action: 'agreement.signed', data: { version: 1, documentId: second.documentId, sha256: second.sha256 } },
  ]);

  // Let the main flow go: it takes the steps the signatures wrote, and its next write is the
  // first quarter's opening, one transition after the last signature's.
  hold.release();
  await d.until('kepala-dinkes', (s) => s.phase === 'reporting');
  await d.advanceTo(d.afterQuarter(1));
  await d.until('kepala-dinkes', (s) => s.quarters[0].status === 'open');
  for (let i = 0; i < 400 && (await record()).seq === afterSecond.seq; i++) await new Promise((r) => setTimeout(r, 25));
  const opened = await record();
  expect(opened.seq).toBe(afterSecond.seq + 1);
  expect(opened.audit.slice(afterSecond.audit.length).map((r) => r.action)).toEqual(['realization.opened']);
  expect(opened.audit.filter((r) => r.action === 'agreement.signed')).toHaveLength(1);
});
