// When an official's action returns, the audit log and the read model (lists, inbox) already show
// it, even when the write is slow: the Update waits for the write to finish, not only to start.
import { approveDraftUpdate, saveDraftUpdate, submitDraftUpdate } from '../../workflows/messages';
import { official, pkId, sampleOrganisation, startLifecycle, startTestCycle, type Lifecycle } from '../support/time-skipping';

const YEAR = new Date().getFullYear() + 1;
const org = sampleOrganisation('kab-tulis-dulu', YEAR, ['kepala-dinkes']);
const SLOW_WRITE_MS = 1_500;
let l: Lifecycle;
let slowWrites = false;

beforeAll(async () => {
  l = await startLifecycle({
    activities: (real) => ({
      ...real,
      async record(args) {
        if (slowWrites) await new Promise((r) => setTimeout(r, SLOW_WRITE_MS));
        return real.record(args);
      },
    }),
  });
  await startTestCycle(l, org);
});
afterAll(async () => l?.stop());

const readModel = async (id: string) => {
  const phase = (await l.db.query('SELECT phase FROM agreements WHERE id = $1', [id])).rows[0]?.phase;
  const actions = (await l.db.query('SELECT action FROM audit_log WHERE agreement_id = $1 ORDER BY seq', [id])).rows.map((r) => r.action);
  return { phase, actions };
};

test('submit and approve return only once the audit row and the read model are written', async () => {
  const id = pkId(org, 'kepala-dinkes');
  const pk = l.env.client.workflow.getHandle(id);
  const head = official(org, 'kepala-dinkes');
  await pk.executeUpdate(saveDraftUpdate, { args: [{ actor: head, content: org.drafts!['kepala-dinkes'] }] });

  slowWrites = true;
  const started = Date.now();
  await pk.executeUpdate(submitDraftUpdate, { args: [{ actor: head }] });
  expect(Date.now() - started).toBeGreaterThanOrEqual(SLOW_WRITE_MS); // it did wait for the slow write
  const afterSubmit = await readModel(id); // read at once: no polling
  expect(afterSubmit.phase).toBe('review');
  expect(afterSubmit.actions).toContain('draft.submitted');

  await pk.executeUpdate(approveDraftUpdate, { args: [{ actor: official(org, 'bupati') }] });
  const afterApprove = await readModel(id);
  expect(afterApprove.phase).toBe('signing');
  expect(afterApprove.actions).toContain('draft.approved');
});
