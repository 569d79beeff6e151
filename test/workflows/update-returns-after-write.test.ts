// A human action writes itself: when its Update returns, its fact, its audit row and the read-model
// row are committed, whatever the main flow is doing (here: still sending the draft's first
// reminder, an activity). And the write is ordered: a late or retried write of a transition never
// overwrites a newer one.
import { createStoreActivities } from '../../activities/store';
import type { ActivityDeps } from '../../activities';
import { canonicalJson, sha256Hex } from '../../security/hash';
import { saveDraftUpdate, submitDraftUpdate } from '../../workflows/messages';
import type { StateSummary } from '../../workflows/read-model';
import { agreementDriver, heldReminder, official, pkId, sampleOrganisation, startLifecycle, startTestCycle, type Lifecycle } from '../support/time-skipping';

const YEAR = new Date().getFullYear() + 1;
const org = sampleOrganisation('kab-tulis-sendiri', YEAR, ['kepala-dinkes']);
let l: Lifecycle;
/** The main flow of this PK stays in its first reminder's activity until the test lets it go. */
const held = pkId(org, 'kepala-dinkes');
const hold = heldReminder(held);

beforeAll(async () => {
  l = await startLifecycle({ activities: hold.activities });
  await startTestCycle(l, org);
});
afterAll(async () => {
  hold.release();
  await l?.stop();
});

const readModel = async (id: string) => {
  const row = (await l.db.query('SELECT phase, write_seq FROM agreements WHERE id = $1', [id])).rows[0];
  const actions = (await l.db.query('SELECT action FROM audit_log WHERE agreement_id = $1 ORDER BY seq', [id])).rows.map((r) => r.action);
  return { phase: row?.phase, seq: Number(row?.write_seq), actions };
};

test('save and submit return with their writes committed while the main flow is still in an activity', async () => {
  const pk = l.env.client.workflow.getHandle(held);
  const head = official(org, 'kepala-dinkes');
  const content = org.drafts!['kepala-dinkes'];
  // to the draft's first reminder (three days before its due date): the main flow sends it, held
  const d = agreementDriver(l, org);
  const waiting = await d.until('kepala-dinkes', (s) => s.deadline?.item === 'draft');
  await d.advanceTo(new Date(Date.parse(waiting.deadline!.dueAt) - 3 * 86_400_000 + 1000).toISOString());
  await hold.sending;

  const saved = await pk.executeUpdate(saveDraftUpdate, { args: [{ actor: head, content }] });
  expect(saved.contentHash).toBe(sha256Hex(canonicalJson(content)));
  await pk.executeUpdate(submitDraftUpdate, { args: [{ actor: head }] });

  // Both returned although the main flow is still in the reminder's activity: read at once, no polling.
  const before = await readModel(held);
  expect(before.actions).toEqual(['draft.saved', 'draft.submitted']);
  expect(before.phase).toBe('drafting'); // the phase change is the main flow's own write, still to come
  const stored = (await l.db.query('SELECT content_hash FROM agreement_versions WHERE agreement_id = $1 AND version = 1', [held])).rows[0];
  expect(stored.content_hash).toBe(saved.contentHash);

  // Let the main flow go: it finds the draft submitted and opens the review.
  hold.release();
  for (let i = 0; i < 400 && (await readModel(held)).phase !== 'review'; i++) await new Promise((r) => setTimeout(r, 25));
  const after = await readModel(held);
  expect(after.phase).toBe('review');
  expect(after.seq).toBeGreaterThan(before.seq);
});

test('a late or retried write of a transition never overwrites a newer one (the write activity on PostgreSQL)', async () => {
  // The Bupati's PK, written directly through the activity with sequence numbers far above its own.
  const id = pkId(org, 'bupati');
  const { recordTransition } = createStoreActivities({ db: l.db } as ActivityDeps);
  const head = official(org, 'bupati');
  const base = (org.drafts!.bupati ?? org.drafts!['kepala-dinkes']);
  const older = { ...base, budget: [{ program: 'Program lama', amount: 1_000 }] };
  const newer = { ...base, budget: [{ program: 'Program baru', amount: 2_000 }] };
  const state = (phase: StateSummary['phase'], dueAt: string): StateSummary => ({
    phase, version: 1, overdue: false, escalationLevel: 0, dueAt, awaiting: 'bupati', score: null, predicate: null,
  });
  const write = (seq: number, content: typeof base, summary: StateSummary) => recordTransition({
    agreementId: id,
    seq,
    audit: [{ agreementId: id, key: `${id}:${seq}`, action: 'draft.saved', actorId: `official:${head.id}`, data: { version: 1 }, at: new Date().toISOString() }],
    state: summary,
    fact: { kind: 'draft', version: 1, content, actorId: head.id },
  });

  // The newer transition (seq 1001) commits first; the older one (seq 1000) arrives late, then the
  // newer one is retried: the row and the draft stay the newer, and each audit row is there once.
  await write(1001, newer, state('review', '2031-01-02T00:00:00.000Z'));
  await write(1000, older, state('drafting', '2031-01-01T00:00:00.000Z'));
  await write(1001, newer, state('review', '2031-01-02T00:00:00.000Z'));

  const row = (await l.db.query('SELECT phase, due_at, write_seq FROM agreements WHERE id = $1', [id])).rows[0];
  expect(row.phase).toBe('review');
  expect(new Date(row.due_at).toISOString()).toBe('2031-01-02T00:00:00.000Z');
  expect(Number(row.write_seq)).toBe(1001);
  const draft = (await l.db.query('SELECT content, content_hash, write_seq FROM agreement_versions WHERE agreement_id = $1 AND version = 1', [id])).rows[0];
  expect(draft.content.budget).toEqual(newer.budget);
  expect(draft.content_hash).toBe(sha256Hex(canonicalJson(newer)));
  const keys = (await l.db.query(`SELECT key, data->>'contentHash' AS hash FROM audit_log WHERE agreement_id = $1 AND key IN ($2, $3) ORDER BY seq`, [id, `${id}:1000`, `${id}:1001`])).rows;
  expect(keys).toEqual([
    { key: `${id}:1001`, hash: sha256Hex(canonicalJson(newer)) },
    { key: `${id}:1000`, hash: sha256Hex(canonicalJson(older)) },
  ]);
});
