// The signing attacks of the hardening issue, performed through the API (and, where the attacker
// is someone who can reach Temporal's frontend, through a Temporal client), each now doing no harm:
// parallel wrong passphrases across ten PKs of one signer, a right one slipped in after the limit,
// hashes of the passphrase in the database, a seal copied from one PK's history to another and
// used twice, one person as both parties, and a weak passphrase at enrolment. The lock, each
// wrong passphrase and the unlock are on the PKs' audit log and timeline, without the passphrase.
import { createHash } from 'node:crypto';
import { temporal as proto } from '@temporalio/proto';
import type { Stack } from '../support/stack';
import { enc, nipOf, sampleOrganisation, settled, startStackWithCycle, waitFor, type client, type tokens } from '../support/api-client';
import { createSigningDeps } from '../../activities/signing';
import { issueOfficialCertificate } from '../../signing';
import { createPayloadCodec, ENCRYPTED_ENCODING } from '../../security/payload-codec';
import { approveDraftUpdate, signUpdate, type Actor } from '../../workflows/messages';

const ORG = 'kab-sign-hard';
const org = sampleOrganisation(ORG, new Date().getFullYear() + 1);
// A Bupati of this file's own: the attacks lock their signing, and a signing lock is per person across
// every cycle in the database, so the suite's shared Bupati must not be the one locked.
org.positions.find((p: any) => p.id === 'bupati').official.nip = '196501011990011077';
// Likewise the official whose enrolment is tested: not yet enrolled by any other file's cycle.
org.positions.find((p: any) => p.id === 'sekda').official.nip = '197001011995031077';
const cycleId = `cycle:${ORG}:${org.year}`;
const pk = (positionId: string) => `pk:${ORG}:${org.year}:${positionId}`;
const BUPATI = nipOf(org, 'bupati');
const RIGHT = `frasa-rahasia-${BUPATI}`;
/** The Bupati's direct reports: ten PKs that end up awaiting the Bupati's signature, and one for enrolment checks. */
const HEADS: string[] = org.positions.filter((p: any) => p.parent === 'bupati' && p.id !== 'sekda').map((p: any) => p.id);
const ENROLMENT = 'sekda';

let stack: Stack;
let call: ReturnType<typeof client>;
let t: ReturnType<typeof tokens>;
const say = (line: string) => console.log(`[signing-hardening] ${line}`);
/** How an Update ended: 'done', or the types and messages along its failure's cause chain. */
const outcome = (p: Promise<unknown>) => p.then(() => 'done', (err) => {
  const parts: string[] = [];
  for (let e = err; e; e = e.cause) parts.push(`${e.type ?? e.name}: ${e.message}`);
  return parts.join(' <- ');
});

jest.setTimeout(600_000);

const phaseIs = (id: string, phase: string) => waitFor(() => call('GET', `/api/agreements/${enc(id)}`, { token: t.evaluator }), (r) => r.body.phase === phase, 120_000);
const headPassphrase = (positionId: string) => `frasa-rahasia-${nipOf(org, positionId)}`;

async function toSigning(positionId: string) {
  const id = pk(positionId);
  const owner = t.official(nipOf(org, positionId));
  await waitFor(() => call('GET', `/api/agreements/${enc(id)}`, { token: owner }), (r) => r.body.state?.deadline?.item === 'draft', 120_000);
  expect((await call('PUT', `/api/agreements/${enc(id)}/draft`, { token: owner, body: org.drafts[positionId] })).status).toBe(200);
  expect((await call('POST', `/api/agreements/${enc(id)}/submit`, { token: owner })).status).toBe(200);
  await phaseIs(id, 'review');
  expect((await call('POST', `/api/agreements/${enc(id)}/review/approve`, { token: t.official(BUPATI) })).status).toBe(200);
  await phaseIs(id, 'signing');
}

const bupatiSigns = (positionId: string, passphrase: string, headers?: Record<string, string>) =>
  call('POST', `/api/agreements/${enc(pk(positionId))}/sign`, { token: t.official(BUPATI), body: { passphrase }, headers });
const lockoutRow = async () => (await stack.db.query('SELECT failures, locked_until FROM signing_lockout WHERE signer_id = $1', [BUPATI])).rows[0];
const secondPartyDocuments = async () => (await stack.db.query("SELECT count(*)::int AS n FROM documents WHERE party = 'second' AND agreement_id LIKE $1", [`pk:${ORG}:%`])).rows[0].n;
const unlock = async () => expect((await call('POST', `/api/admin/signing/${BUPATI}/unlock`, { token: t.admin })).status).toBe(200);

beforeAll(async () => {
  // The attacks are bursts of signing by one Bupati: the per-caller signing rate limit (20 a minute)
  // would answer 429 before the lockout is reached, and the lockout is what these tests attack.
  ({ stack, call, t } = await startStackWithCycle(org, (s) => s.status === 'running', { env: { RATE_LIMIT_SIGNING_PER_PRINCIPAL: '1000', RATE_LIMIT_SIGNING_PER_CLIENT: '1000' } }));
  // The Bupati is already enrolled (holds a certificate under the right passphrase).
  const signing = await createSigningDeps(stack.db, stack.config);
  const ca = await signing.ca({ id: ORG, name: org.organisation.name });
  await issueOfficialCertificate({ store: signing.store, ca, passphrase: RIGHT, official: { signerId: BUPATI, name: 'Bupati', nip: BUPATI, organisation: org.organisation.name } });
  // Ten PKs signed by their first party, awaiting the Bupati as second party.
  await Promise.all(HEADS.map(async (positionId) => {
    await toSigning(positionId);
    const first = await call('POST', `/api/agreements/${enc(pk(positionId))}/sign`, { token: t.official(nipOf(org, positionId)), body: { passphrase: headPassphrase(positionId) } });
    expect(first.status).toBe(200);
  }));
  expect(HEADS).toHaveLength(10);
});
afterAll(async () => {
  await stack?.stop();
});

describe('passphrase lockout under parallel requests', () => {
  test('ten wrong passphrases at once on ten PKs: at most five evaluated, the rest 423 with Retry-After; each on the audit log and timeline', async () => {
    const replies = await Promise.all(HEADS.map((positionId, i) => bupatiSigns(positionId, `tebakan-salah-${i}-${BUPATI}`)));
    const evaluated = replies.filter((r) => r.status === 422 && r.body.code === 'wrong_passphrase');
    const locked = replies.filter((r) => r.status === 423 && r.body.code === 'signing_locked');
    say(`10 wrong at once: ${evaluated.length} evaluated (422), ${locked.length} refused (423); Retry-After ${locked.map((r) => r.headers.get('retry-after')).join(',')}`);
    expect(evaluated.length).toBeLessThanOrEqual(5);
    expect(evaluated.length + locked.length).toBe(10);
    for (const r of locked) {
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(Number(r.headers.get('retry-after'))).toBeLessThanOrEqual(15 * 60);
    }
    expect((await lockoutRow()).failures).toBe(5);
    expect(await secondPartyDocuments()).toBe(0);

    // each wrong passphrase and the lock are on the PKs' audit logs; no passphrase anywhere in them
    const audit = (await stack.db.query("SELECT agreement_id, action, actor, data::text AS data FROM audit_log WHERE action LIKE 'signing.%' AND agreement_id LIKE $1", [`pk:${ORG}:%`])).rows;
    expect(audit.filter((r) => r.action === 'signing.wrong_passphrase')).toHaveLength(evaluated.length);
    const lockRows = audit.filter((r) => r.action === 'signing.locked');
    expect(lockRows).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toMatch(/tebakan-salah/);
    const lockedPk = lockRows[0].agreement_id as string;
    const timeline = await call('GET', `/api/agreements/${enc(lockedPk)}/history`, { token: t.evaluator });
    expect(timeline.body.entries.map((e: any) => e.kind)).toEqual(expect.arrayContaining(['signing.wrong_passphrase', 'signing.locked']));
    expect(JSON.stringify(timeline.body)).not.toMatch(/tebakan-salah/);

    // an administrator sees the lock, and until when, on the PK the Bupati signs as second party; others do not
    const lockedUntil = new Date((await lockoutRow()).locked_until).toISOString();
    const asAdmin = await call('GET', `/api/agreements/${enc(lockedPk)}`, { token: t.admin });
    expect(asAdmin.body.secondParty.official).toMatchObject({ id: BUPATI, signingLockedUntil: lockedUntil });
    expect(asAdmin.body.position.official.signingLockedUntil).toBeNull();
    const asEvaluator = await call('GET', `/api/agreements/${enc(lockedPk)}`, { token: t.evaluator });
    expect(asEvaluator.body.secondParty.official).not.toHaveProperty('signingLockedUntil');

    // the administrator's unlock is on the same PK's log and timeline
    await unlock();
    expect(await lockoutRow()).toBeUndefined();
    expect((await call('GET', `/api/agreements/${enc(lockedPk)}`, { token: t.admin })).body.secondParty.official.signingLockedUntil).toBeNull();
    const after = await call('GET', `/api/agreements/${enc(lockedPk)}/history`, { token: t.evaluator });
    expect(after.body.entries.find((e: any) => e.kind === 'signing.unlocked')).toMatchObject({ actor: 'admin:admin-test' });
  });

  test('nine wrong and then the right one in the same burst: the right one, past the limit, signs nothing and resets nothing', async () => {
    const wrong = Promise.all(HEADS.slice(0, 9).map((positionId, i) => bupatiSigns(positionId, `tebakan-lagi-${i}-${BUPATI}`)));
    // while the wrong ones are still arriving: once five attempts are counted, the right one
    await waitFor(lockoutRow, (row) => row?.failures >= 5, 60_000);
    const right = await bupatiSigns(HEADS[9], RIGHT);
    const replies = await wrong;
    say(`9 wrong + the right one after the limit: right ${right.status} ${right.body.code}; wrong: ${replies.filter((r) => r.status === 422).length} evaluated, ${replies.filter((r) => r.status === 423).length} refused`);
    expect([right.status, right.body.code]).toEqual([423, 'signing_locked']);
    expect(right.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(replies.filter((r) => r.status === 422)).toHaveLength(5);
    const row = await lockoutRow();
    expect(row.failures).toBe(5);
    expect(new Date(row.locked_until).getTime()).toBeGreaterThan(Date.now());
    expect(await secondPartyDocuments()).toBe(0);
    // still locked for the right passphrase
    expect((await bupatiSigns(HEADS[9], RIGHT)).status).toBe(423);
    await unlock();
  });

  test('a wrong passphrase\'s attempt record goes by itself once past the lock window (or the seal\'s lifetime), also of an official who never signs again; the count stays', async () => {
    const { SIGNING_LOCK_MINUTES, SEALED_SECRET_TTL_SECONDS, SIGNING_MAX_FAILURES } = stack.config;
    const pastKeep = Math.max(SIGNING_LOCK_MINUTES * 60, SEALED_SECRET_TTL_SECONDS + 60) + 60; // seconds
    const attempts = async (signerId: string) => (await stack.db.query('SELECT attempt_key FROM signing_attempt WHERE signer_id = $1', [signerId])).rows.map((r) => r.attempt_key);
    // an official who typed a wrong passphrase long ago and never came back
    const gone = `gone-${ORG}`;
    await stack.db.query('INSERT INTO signing_attempt (attempt_key, signer_id, failures, created_at) VALUES ($1, $2, 1, now() - make_interval(secs => $3))', [`seal-of-${gone}`, gone, pastKeep]);
    const first = await bupatiSigns(HEADS[0], `tebakan-lama-${BUPATI}`);
    expect([first.status, first.body.code]).toEqual([422, 'wrong_passphrase']);
    const [old] = await attempts(BUPATI);
    expect(await attempts(BUPATI)).toEqual([old]);
    expect(await attempts(gone)).toEqual([]); // went with the Bupati's count
    await stack.db.query('UPDATE signing_attempt SET created_at = now() - make_interval(secs => $2) WHERE attempt_key = $1', [old, pastKeep]);
    const second = await bupatiSigns(HEADS[1], `tebakan-baru-${BUPATI}`);
    expect([second.status, second.body.code]).toEqual([422, 'wrong_passphrase']);
    const now = await attempts(BUPATI);
    expect(now).toHaveLength(1);
    expect(now).not.toContain(old);
    // both wrong passphrases still count toward the lock
    expect((await lockoutRow()).failures).toBe(2);
    expect(second.body.attemptsLeft).toBe(SIGNING_MAX_FAILURES - 2);
    await unlock();
  });
});

describe('no fast hash of a passphrase is stored', () => {
  test('after a sign request with an Idempotency-Key, no column holds a SHA-256 of the passphrase or of a body containing it', async () => {
    const positionId = HEADS[0];
    const path = `/api/agreements/${enc(pk(positionId))}/sign`;
    const signed = await bupatiSigns(positionId, RIGHT, { 'idempotency-key': 'sign-once-1' });
    expect(signed.status).toBe(200);
    const replay = await bupatiSigns(positionId, RIGHT, { 'idempotency-key': 'sign-once-1' });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');

    const body = JSON.stringify({ passphrase: RIGHT });
    const hashed = [RIGHT, body, `POST ${path}\n${body}`, `POST ${decodeURIComponent(path)}\n${body}`];
    const forbidden = hashed.flatMap((text) => {
      const digest = createHash('sha256').update(text).digest();
      return [digest.toString('hex'), digest.toString('base64'), digest.toString('base64url')];
    });
    const tables = (await stack.db.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).rows.map((r) => r.tablename as string);
    let rows = 0;
    for (const table of tables) {
      const dump = (await stack.db.query(`SELECT t::text AS row FROM "${table}" t`)).rows.map((r) => r.row as string);
      rows += dump.length;
      for (const row of dump) for (const f of [...forbidden, RIGHT]) expect(row.includes(f) ? `${table}: ${f}` : null).toBeNull();
    }
    say(`searched ${rows} rows of ${tables.length} tables for ${forbidden.length} hash forms: none found`);
  });
});

/** Every string and every byte array in a protobuf-shaped object, as text. */
function texts(value: unknown, out: string[] = []): string[] {
  if (value === null || value === undefined) return out;
  if (value instanceof Uint8Array) out.push(Buffer.from(value).toString('utf8'));
  else if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) texts(v, out);
  else if (typeof value === 'object') for (const v of Object.values(value as Record<string, unknown>)) texts(v, out);
  return out;
}

describe('sealed passphrases from history', () => {
  const codec = () => createPayloadCodec(stack.config.KINERJA_SECRET);
  const E = proto.api.enums.v1.EventType;

  async function signInputsOf(agreementId: string): Promise<Array<{ actor: Actor; passphrase: { sealed: string } }>> {
    const history = await stack.client.workflow.getHandle(agreementId).fetchHistory();
    const out = [];
    for (const e of history.events ?? []) {
      if (e.eventType !== E.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED) continue;
      const req = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest;
      if (req?.input?.name !== 'sign') continue;
      const [payload] = await codec().decode([req.input.args!.payloads![0] as any]);
      out.push(JSON.parse(Buffer.from(payload.data!).toString('utf8')));
    }
    return out;
  }

  test('the history holds the sign inputs encrypted: no seal or passphrase in the clear', async () => {
    // a PK still awaiting the Bupati (a signed one may have continued as new since)
    const history = await stack.client.workflow.getHandle(pk(HEADS[1])).fetchHistory();
    const json = texts(history).join('\n'); // every string and every payload's bytes as text
    // the stack's own client (with the codec) reads the inputs back; the history itself holds none of them
    const inputs = await signInputsOf(pk(HEADS[1]));
    expect(inputs.length).toBeGreaterThanOrEqual(2);
    for (const input of inputs) expect(json).not.toContain(input.passphrase.sealed.slice(3, 40));
    expect(json).not.toContain('"sealed"');
    expect(json).not.toContain(RIGHT);
    expect(json).toContain(ENCRYPTED_ENCODING);
  });

  test('a seal copied from one PK replayed against another PK, or used twice, signs nothing', async () => {
    const source = pk(HEADS[1]);
    const target = pk(HEADS[2]);
    const [used] = (await signInputsOf(source)).filter((i) => i.actor.id === BUPATI);
    // someone with access to Temporal's frontend sends the Bupati's accepted seal to another PK
    const replayed = await outcome(stack.client.workflow.getHandle(target).executeUpdate(signUpdate, { args: [used] }));
    say(`seal from ${source} replayed against ${target}: ${replayed}`);
    expect(replayed).toMatch(/sealed for another agreement|does not authenticate/);
    // the same seal sent again to the PK it was made for: refused as used, not counted as an attempt
    const before = (await lockoutRow())?.failures ?? 0;
    const again = await outcome(stack.client.workflow.getHandle(source).executeUpdate(signUpdate, { args: [used] }));
    say(`seal used again on ${source}: ${again}`);
    expect(again).toMatch(/already used/);
    expect((await lockoutRow())?.failures ?? 0).toBe(before);
    const docs = await stack.db.query("SELECT count(*)::int AS n FROM documents WHERE agreement_id = ANY($1) AND party = 'second'", [[source, target]]);
    expect(docs.rows[0].n).toBe(0);
  });

  test('a seal\'s claim goes by itself once past the seal\'s lifetime and a minute, with the next claim; a younger one stays', async () => {
    const { SEALED_SECRET_TTL_SECONDS } = stack.config;
    const claims = async (ids: string[]) => (await stack.db.query('SELECT seal_id FROM signing_used_seal WHERE seal_id = ANY($1)', [ids])).rows.map((r) => r.seal_id).sort();
    const claimedAgo = (sealId: string, seconds: number) => stack.db.query(
      "INSERT INTO signing_used_seal (seal_id, used_by, used_at) VALUES ($1, 'wf/run/1', now() - make_interval(secs => $2))", [sealId, seconds]);
    // a claim of long ago (past the keep window), one past the seal's lifetime but within its minute
    // for clocks, and a recent one
    const [old, margin, recent] = ['old', 'margin', 'recent'].map((age) => `claim-${age}-${ORG}-${Date.now()}`);
    await claimedAgo(old, SEALED_SECRET_TTL_SECONDS + 60 + 60);
    await claimedAgo(margin, SEALED_SECRET_TTL_SECONDS + 30);
    await claimedAgo(recent, 5);
    const positionId = HEADS[3];
    const before = (await stack.db.query('SELECT now() AS at')).rows[0].at;
    const signed = await bupatiSigns(positionId, RIGHT);
    expect(signed.status).toBe(200);
    expect(await claims([old, margin, recent])).toEqual([margin, recent].sort());
    // the signature's own claim is kept (a seal used twice: the test above)
    const own = await stack.db.query('SELECT count(*)::int AS n FROM signing_used_seal WHERE left(used_by, length($1) + 1) = $1 || \'/\' AND used_at >= $2', [pk(positionId), before]);
    expect(own.rows[0].n).toBe(1);
    await stack.db.query('DELETE FROM signing_used_seal WHERE seal_id = ANY($1)', [[margin, recent]]);
  });
});

describe('one person as both parties', () => {
  test('two concurrent changes of official with the same NIP: one 200, one 409', async () => {
    const nip = '199912312020121099';
    // both may pass the request's check; then the records' unique index refuses the second in its workflow
    const [a, b] = await Promise.all(['dinsos-e3-2', 'dlh-e3-2'].map(async (positionId) =>
      settled(call, t.admin, await call('PUT', `/api/positions/${enc(cycleId)}/${positionId}/official`, { token: t.admin, body: { nip, name: 'Satu Orang', email: 'satu@example.go.id' } }))));
    say(`two concurrent changes of official with one NIP: ${a.status} ${a.body.code ?? ''}, ${b.status} ${b.body.code ?? ''}`);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect([a, b].find((r) => r.status === 409)!.body.code).toBe('nip_in_use');
    expect((await stack.db.query('SELECT count(*)::int AS n FROM positions WHERE cycle_id = $1 AND nip = $2', [cycleId, nip])).rows[0].n).toBe(1);
  });

  test('the workflow refuses an approval or a second-party signature by the first party\'s official, whatever the positions say', async () => {
    // a PK in review whose first party (the Kepala Dinas) claims to hold the Bupati's position too
    const positionId = ENROLMENT;
    const id = pk(positionId);
    const owner = t.official(nipOf(org, positionId));
    await waitFor(() => call('GET', `/api/agreements/${enc(id)}`, { token: owner }), (r) => r.body.state?.deadline?.item === 'draft', 120_000);
    expect((await call('PUT', `/api/agreements/${enc(id)}/draft`, { token: owner, body: org.drafts[positionId] })).status).toBe(200);
    expect((await call('POST', `/api/agreements/${enc(id)}/submit`, { token: owner })).status).toBe(200);
    await phaseIs(id, 'review');
    const both: Actor = { role: 'official', id: nipOf(org, positionId), positionIds: [positionId, 'bupati'] };
    const approve = await outcome(stack.client.workflow.getHandle(id).executeUpdate(approveDraftUpdate, { args: [{ actor: both }] }));
    expect(approve).toMatch(/WrongPerson: the first party .* cannot also act as the second party/);
    const onlySecond: Actor = { role: 'official', id: nipOf(org, positionId), positionIds: ['bupati'] };
    const approve2 = await outcome(stack.client.workflow.getHandle(id).executeUpdate(approveDraftUpdate, { args: [{ actor: onlySecond }] }));
    expect(approve2).toMatch(/WrongPerson/);
    // a PK signed by its first party: that official cannot sign again as the second party
    const signedFirst = pk(HEADS[2]);
    const firstNip = nipOf(org, HEADS[2]);
    const sign2 = await outcome(stack.client.workflow.getHandle(signedFirst)
      .executeUpdate(signUpdate, { args: [{ actor: { role: 'official', id: firstNip, positionIds: ['bupati'] }, passphrase: { sealed: 'v2.x' } }] }));
    expect(sign2).toMatch(/WrongPerson/);
  });
});

describe('passphrase policy at enrolment', () => {
  test('a weak passphrase at the first signature is 422 with a clear code, and nothing is signed or enrolled', async () => {
    // the Sekda's PK is in review (above); approved, it awaits the Sekda's first signature, who has no key yet
    const id = pk(ENROLMENT);
    const nip = nipOf(org, ENROLMENT);
    expect((await call('POST', `/api/agreements/${enc(id)}/review/approve`, { token: t.official(BUPATI) })).status).toBe(200);
    await phaseIs(id, 'signing');
    const cases: Array<[string, string]> = [['pendek', 'passphrase_too_short'], [nip, 'passphrase_is_nip'], ['indonesia123', 'passphrase_too_common'], ['1234567890', 'passphrase_too_common']];
    for (const [passphrase, code] of cases) {
      const r = await call('POST', `/api/agreements/${enc(id)}/sign`, { token: t.official(nip), body: { passphrase } });
      expect([r.status, r.body.code, r.body.problems?.[0]?.code, r.body.problems?.[0]?.path]).toEqual([422, 'weak_passphrase', code, 'passphrase']);
      expect(JSON.stringify(r.body)).not.toContain(passphrase);
    }
    expect((await stack.db.query('SELECT count(*)::int AS n FROM documents WHERE agreement_id = $1', [id])).rows[0].n).toBe(0);
    expect((await stack.db.query('SELECT count(*)::int AS n FROM signing_credential WHERE signer_id = $1', [nip])).rows[0].n).toBe(0);
    const ok = await call('POST', `/api/agreements/${enc(id)}/sign`, { token: t.official(nip), body: { passphrase: `frasa-rahasia-${nip}` } });
    expect(ok.status).toBe(200);
  });
});
