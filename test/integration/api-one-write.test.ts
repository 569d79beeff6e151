// One fact, one write, through the API: each change here commits with its audit row, and a request
// re-run under its Idempotency-Key (its work committed, its answer never stored) meets what it
// wrote instead of writing it twice. Failures are injected with a trigger on audit_log, the way a
// lost connection or a full disk would fail the audit write.
import type { Stack } from '../support/stack';
import { enc, nipOf, passphraseFor, sampleOrganisation, startStackWithCycle, waitFor, type client, type tokens } from '../support/api-client';
import { toFirstQuarter } from '../support/reporting';
import { createSigningDeps } from '../../activities/signing';
import { issueOfficialCertificate } from '../../signing';
import { appendAuditRows, verifyAuditChain } from '../../db/audit-log';
import { issueServiceToken } from '../../security/service-tokens';

const ORG = 'kab-one-write';
const org = sampleOrganisation(ORG, new Date().getFullYear() - 1);
const pk = (positionId: string) => `pk:${ORG}:${org.year}:${positionId}`;
const cycleId = `cycle:${ORG}:${org.year}`;
let stack: Stack;
let call: ReturnType<typeof client>;
let t: ReturnType<typeof tokens>;

jest.setTimeout(300_000);

beforeAll(async () => {
  ({ stack, call, t } = await startStackWithCycle(org, (s) => s.status === 'running'));
});
afterAll(async () => {
  await stack?.stop();
});

/** Makes inserts of `action` rows into audit_log fail (`times` times, or always while installed). */
async function failAuditWrites(action: string, options: { times?: number; chain?: string } = {}) {
  await stack.db.query('CREATE SEQUENCE IF NOT EXISTS test_audit_failures');
  await stack.db.query("SELECT setval('test_audit_failures', 1, false)");
  await stack.db.query(`CREATE OR REPLACE FUNCTION test_fail_audit() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      -- nextval is not rolled back with the failed transaction: it counts the failures
      IF NEW.action = TG_ARGV[0] AND (TG_ARGV[1] = '' OR NEW.agreement_id = TG_ARGV[1])
         AND (TG_ARGV[2]::int = 0 OR nextval('test_audit_failures') <= TG_ARGV[2]::int) THEN
        RAISE EXCEPTION 'injected audit write failure';
      END IF;
      RETURN NEW;
    END $$`);
  await stack.db.query('DROP TRIGGER IF EXISTS test_fail_audit ON audit_log');
  await stack.db.query(
    `CREATE TRIGGER test_fail_audit BEFORE INSERT ON audit_log FOR EACH ROW
     EXECUTE FUNCTION test_fail_audit(${[action, options.chain ?? '', String(options.times ?? 0)].map((a) => `'${a.replace(/'/g, "''")}'`).join(', ')})`,
  );
}
const stopFailingAuditWrites = () => stack.db.query('DROP TRIGGER IF EXISTS test_fail_audit ON audit_log');

const auditRows = async (action: string, where = 'true', params: unknown[] = []) =>
  (await stack.db.query(`SELECT agreement_id, key, actor, data FROM audit_log WHERE action = $1 AND ${where} ORDER BY seq`, [action, ...params])).rows;
/** What a lost answer leaves: the work committed, no stored answer for the key. */
const forgetAnswer = (key: string) => stack.db.query('DELETE FROM api_idempotency WHERE key = $1', [key]);

describe('a wrong passphrase whose audit write fails once', () => {
  test('is counted once: the retried activity meets the attempt of its seal and writes its audit row', async () => {
    const positionId = 'kepala-pupr';
    const nip = nipOf(org, positionId);
    const owner = t.official(nip);
    const id = pk(positionId);
    // enrolled already, so a wrong passphrase is a wrong passphrase (not an enrolment)
    const signing = await createSigningDeps(stack.db, stack.config);
    const ca = await signing.ca({ id: ORG, name: org.organisation.name });
    await issueOfficialCertificate({ store: signing.store, ca, passphrase: passphraseFor(nip), official: { signerId: nip, name: 'Kepala PUPR', nip, organisation: org.organisation.name } });
    const phaseIs = (phase: string) => waitFor(() => call('GET', `/api/agreements/${enc(id)}`, { token: t.evaluator }), (r) => r.body.phase === phase, 60_000);
    await waitFor(() => call('GET', `/api/agreements/${enc(id)}`, { token: owner }), (r) => r.body.state?.deadline?.item === 'draft');
    expect((await call('PUT', `/api/agreements/${enc(id)}/draft`, { token: owner, body: org.drafts[positionId] })).status).toBe(200);
    expect((await call('POST', `/api/agreements/${enc(id)}/submit`, { token: owner })).status).toBe(200);
    await phaseIs('review');
    expect((await call('POST', `/api/agreements/${enc(id)}/review/approve`, { token: t.official(nipOf(org, 'bupati')) })).status).toBe(200);
    await phaseIs('signing');

    await failAuditWrites('signing.wrong_passphrase', { times: 1 });
    try {
      const wrong = await call('POST', `/api/agreements/${enc(id)}/sign`, { token: owner, body: { passphrase: `salah-${nip}` } });
      expect([wrong.status, wrong.body.code, wrong.body.attemptsLeft]).toEqual([422, 'wrong_passphrase', 4]);
    } finally {
      await stopFailingAuditWrites();
    }
    // the failure happened (the activity ran twice), and the one typo is one failure
    expect(Number((await stack.db.query("SELECT last_value FROM test_audit_failures")).rows[0].last_value)).toBeGreaterThanOrEqual(1);
    expect((await stack.db.query('SELECT failures FROM signing_lockout WHERE signer_id = $1', [nip])).rows[0].failures).toBe(1);
    expect(await auditRows('signing.wrong_passphrase', 'agreement_id = $2', [id])).toHaveLength(1);
  });
});

describe('Idempotency-Key re-runs of direct writes', () => {
  test('evidence re-run after its answer was lost: one evidence row, one audit row, the same answer', async () => {
    await toFirstQuarter(call, t.evaluator, t.official, org, 'kepala-dinkes', 'bupati');
    const owner = t.official(nipOf(org, 'kepala-dinkes'));
    const path = `/api/agreements/${enc(pk('kepala-dinkes'))}/realizations/1/evidence`;
    const body = { url: 'https://data.example.go.id/posyandu/ulang', caption: 'Data posyandu (dikirim ulang)' };
    const headers = { 'idempotency-key': 'evidence-rerun-1' };
    const first = await call('POST', path, { token: owner, body, headers });
    expect(first.status).toBe(201);
    await forgetAnswer('evidence-rerun-1');
    const again = await call('POST', path, { token: owner, body, headers });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBeNull(); // ran again, not replayed
    expect(again.body.id).toBe(first.body.id);
    expect((await stack.db.query('SELECT count(*)::int AS n FROM report_evidence WHERE caption = $1', [body.caption])).rows[0].n).toBe(1);
    expect(await auditRows('evidence.added', "data->>'caption' = $2", [body.caption])).toHaveLength(1);
  });
});

describe('an administrator\'s unlock', () => {
  const LOCKED = '199912312020121091';
  const lockRow = async (nip: string) => (await stack.db.query('SELECT failures FROM signing_lockout WHERE signer_id = $1', [nip])).rows[0];
  const lockOn = async (nip: string, chains: string[]) => {
    await stack.db.query("INSERT INTO signing_lockout (signer_id, failures, locked_until) VALUES ($1, 5, now() + interval '15 minutes')", [nip]);
    for (const chain of chains) {
      await appendAuditRows(stack.db, chain, [{ agreementId: chain, key: `test:${chain}:${nip}:locked`, action: 'signing.locked', actorId: `official:${nip}`, data: { signerId: nip }, at: new Date().toISOString() }]);
    }
  };
  const lastAction = async (chain: string) => (await stack.db.query('SELECT action FROM audit_log WHERE agreement_id = $1 ORDER BY seq DESC LIMIT 1', [chain])).rows[0]?.action;

  test('an unlock across two PKs is one transaction: a failed audit write leaves the lock and both chains as they were', async () => {
    const [a, b] = [pk('kepala-dikbud'), pk('kepala-dinsos')].sort();
    await lockOn(LOCKED, [a, b]);
    await failAuditWrites('signing.unlocked', { chain: b });
    try {
      const failed = await call('POST', `/api/admin/signing/${LOCKED}/unlock`, { token: t.admin });
      expect(failed.status).toBe(503);
    } finally {
      await stopFailingAuditWrites();
    }
    expect(await lockRow(LOCKED)).toBeDefined();
    expect([await lastAction(a), await lastAction(b)]).toEqual(['signing.locked', 'signing.locked']);

    expect((await call('POST', `/api/admin/signing/${LOCKED}/unlock`, { token: t.admin })).status).toBe(200);
    expect(await lockRow(LOCKED)).toBeUndefined();
    expect([await lastAction(a), await lastAction(b)]).toEqual(['signing.unlocked', 'signing.unlocked']);
    expect((await verifyAuditChain(stack.db, a)).ok && (await verifyAuditChain(stack.db, b)).ok).toBe(true);
  });

  test('an unlock of an official with no signing event on any PK is recorded on their own chain', async () => {
    const nip = '199912312020121092';
    await stack.db.query("INSERT INTO signing_lockout (signer_id, failures, locked_until) VALUES ($1, 5, now() + interval '15 minutes')", [nip]);
    expect((await call('POST', `/api/admin/signing/${nip}/unlock`, { token: t.admin })).status).toBe(200);
    expect(await lockRow(nip)).toBeUndefined();
    expect(await auditRows('signing.unlocked', "data->>'signerId' = $2", [nip])).toEqual([
      expect.objectContaining({ agreement_id: `signer:${nip}`, actor: 'admin:admin-test' }),
    ]);
  });

});

describe('administrator changes and the import, each with its audit row', () => {
  test('requeueing a dead notification is on the PK\'s timeline; a re-run under its key requeues once', async () => {
    const key = `${pk('kepala-dlh')}:test:reminder:dead`;
    await stack.db.query(
      `INSERT INTO notifications (key, agreement_id, item, kind, level, recipient_position, recipient_nip, recipient_email, recipient_name, subject, body, due_at, delivery_status, attempts)
       VALUES ($1, $2, 'draft', 'reminder', 0, 'kepala-dlh', $3, 'dlh@bengkayang.example', 'Kepala DLH', 'Pengingat', 'Mohon segera menyusun draf.', now() + interval '3 days', 'dead', 3)`,
      [key, pk('kepala-dlh'), nipOf(org, 'kepala-dlh')],
    );
    const headers = { 'idempotency-key': 'requeue-rerun-1' };
    expect((await call('POST', `/api/admin/notifications/${enc(key)}/retry`, { token: t.admin, headers })).status).toBe(202);
    await forgetAnswer('requeue-rerun-1');
    expect((await call('POST', `/api/admin/notifications/${enc(key)}/retry`, { token: t.admin, headers })).status).toBe(202);
    const timeline = await call('GET', `/api/agreements/${enc(pk('kepala-dlh'))}/history`, { token: t.evaluator });
    expect(timeline.body.entries.filter((e: any) => e.kind === 'notification.requeued')).toEqual([
      expect.objectContaining({ actor: 'admin:admin-test', data: expect.objectContaining({ notificationKey: key }) }),
    ]);
  });

  test('revoking a service token writes one audit row, also when revoked twice', async () => {
    const { tokenId } = await issueServiceToken(stack.db, { sub: 'robot-laporan', role: 'evaluator' }, stack.config.KINERJA_SECRET, 3600);
    expect((await call('POST', `/api/admin/tokens/${tokenId}/revoke`, { token: t.admin })).status).toBe(200);
    expect((await call('POST', `/api/admin/tokens/${tokenId}/revoke`, { token: t.admin })).status).toBe(200);
    expect(await auditRows('service_token.revoked', "data->>'tokenId' = $2", [tokenId])).toEqual([
      expect.objectContaining({ agreement_id: 'service-tokens', actor: 'admin:admin-test', data: expect.objectContaining({ subject: 'robot-laporan', role: 'evaluator' }) }),
    ]);
    expect((await verifyAuditChain(stack.db, 'service-tokens')).ok).toBe(true);
  });

  test('the cycle import is the first row of the cycle\'s audit log', async () => {
    const audit = await call('GET', `/api/cycles/${enc(cycleId)}/audit`, { token: t.evaluator });
    expect(audit.body.chain.ok).toBe(true);
    expect(audit.body.items[0]).toMatchObject({ action: 'cycle.imported', actor: 'admin:admin-test', data: { organisationId: ORG, year: org.year } });
  });
});

test('a calendar day that does not exist is refused with 422, not rolled into the next month', async () => {
  const reply = await call('PATCH', `/api/cycles/${enc(cycleId)}/calendar`, { token: t.admin, body: { signBy: { JPT_PRATAMA: '02-31' } } });
  expect(reply.status).toBe(422);
  expect(reply.body.problems).toEqual([expect.objectContaining({ path: expect.stringContaining('JPT_PRATAMA'), message: expect.stringContaining('day of the month') })]);
});
