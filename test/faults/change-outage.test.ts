// A change of official on a signed PK and a calendar change, asked while the worker is dead, then
// Temporal stopped and restarted: each request answers 202 (or 503 while Temporal is down, storing
// nothing), nothing is half-done meanwhile, and once the server and a worker are back each change
// completes: the position's holder, its audit row and the PK Perubahan; the calendar and every
// running PK's due dates.
import { sampleOrganisation, enc, settled } from '../support/api-client';
import { type FaultStack, withFaultStack, report, until } from './harness';
import { agreementIdOf, toReporting } from './drive';

const NAME = 'change-outage';
const org = sampleOrganisation('kab-faults-change');
const cycleId = `cycle:${org.organisation.id}:${org.year}`;
let stack: FaultStack;

jest.setTimeout(900_000);

withFaultStack(NAME, { org, start: { env: { API_CHANGE_WAIT_MS: '1000' } } }, (s) => (stack = s));

test('changes asked without a worker and across a Temporal restart complete once both are back, never half-done', async () => {
  const signedPosition = 'kepala-dinkes';
  const pk = agreementIdOf(org, signedPosition);
  await toReporting(stack, org, signedPosition);
  const admin = stack.tokens.admin;
  const call = stack.call.bind(stack);
  const row = async () => ({
    calendarVersion: (await stack.db.query('SELECT calendar_version FROM cycles WHERE id = $1', [cycleId])).rows[0].calendar_version,
    holder: (await stack.db.query('SELECT official_id FROM positions WHERE cycle_id = $1 AND id = $2', [cycleId, signedPosition])).rows[0].official_id,
    audited: (await stack.db.query(`SELECT count(*)::int AS n FROM audit_log WHERE action IN ('official.changed', 'calendar.changed') AND (agreement_id = $1 OR agreement_id = $2)`, [pk, cycleId])).rows[0].n,
  });
  const before = await row();
  const due = new Date(`${org.year}-01-27T16:59:59.999Z`).toISOString();
  const newNip = '198101012006011055';

  /** As the README tells a client: an Idempotency-Key, and a 503 with Retry-After sent again with it. */
  const asAClientWould = async (method: string, path: string, body: unknown) => {
    const key = `change-outage-${method}-${Date.now()}`;
    for (let attempt = 1; ; attempt++) {
      const r = await call(method, path, { token: admin, body, headers: { 'idempotency-key': key } });
      if (r.status !== 503 || attempt === 4) return r;
      report(NAME, `${method} ${path} answered 503 ${JSON.stringify(r.body)}; sent again with its Idempotency-Key`);
      await new Promise((done) => setTimeout(done, Math.min(5, Number(r.headers.get('retry-after') ?? 1)) * 1000));
    }
  };
  await stack.kill9('worker');
  const official = await asAClientWould('PUT', `/api/positions/${enc(cycleId)}/${signedPosition}/official`, { nip: newNip, name: 'dr. Pengganti Dinkes', email: 'pengganti.dinkes@example.go.id' });
  const calendar = await asAClientWould('PATCH', `/api/cycles/${enc(cycleId)}/calendar`, { overrides: { draft: due } });
  report(NAME, `without a worker: change of official ${official.status}, calendar change ${calendar.status}`);
  expect([official.status, calendar.status]).toEqual([202, 202]);
  expect(await row()).toEqual(before);

  await stack.stopTemporal();
  const whileDown = await call('PATCH', `/api/cycles/${enc(cycleId)}/calendar`, { token: admin, body: { overrides: { review: due } } });
  const statusWhileDown = await call('GET', official.headers.get('location')!, { token: admin });
  report(NAME, `Temporal down: a new calendar change ${whileDown.status} ${whileDown.body?.code}, a change's status ${statusWhileDown.status}`);
  expect(whileDown.status).toBe(503);
  expect(whileDown.headers.get('retry-after')).toBeTruthy();
  expect(statusWhileDown.status).toBe(503);
  expect(await row()).toEqual(before);

  await stack.startTemporalAgain();
  await stack.startWorker();
  await until('the API to reach Temporal again', () => call('GET', '/health'), (r) => r.status === 200, 120_000);
  const officialDone = await settled(call, admin, official);
  const calendarDone = await settled(call, admin, calendar);
  report(NAME, `after the restart: change of official ${officialDone.status} (revision ${JSON.stringify(officialDone.body.revision)}), calendar change ${calendarDone.status} (version ${calendarDone.body.calendarVersion}, ${calendarDone.body.signalled} PKs told)`);
  expect(officialDone.status).toBe(200);
  expect(officialDone.body.revision).toEqual({ version: 2, phase: 'drafting' });
  expect(calendarDone.status).toBe(200);
  expect(calendarDone.body.calendarVersion).toBe(before.calendarVersion + 1);
  expect(await row()).toEqual({ calendarVersion: before.calendarVersion + 1, holder: newNip, audited: before.audited + 2 });
  // the PK Perubahan is the new official's to draft, and it was asked once. The phase loop leaves
  // reporting for it after the revision's Update returned, once the main flow is free: the worker
  // may have been killed while it released the subordinates, an activity then retried only after
  // its 2-minute start-to-close timeout.
  const detail = await until('the PK to reach the revision\'s drafting', () => call('GET', `/api/agreements/${enc(pk)}`, { token: stack.tokens.official(newNip) }), (r) => r.body?.state?.phase === 'drafting', 180_000, 1000);
  const state = detail.body.state;
  expect(state).toMatchObject({ phase: 'drafting', version: 2 });
  expect(state.versions.filter((v: any) => v.reason === 'official')).toHaveLength(1);
});
