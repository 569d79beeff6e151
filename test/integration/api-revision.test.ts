// A PK Perubahan started by a person over HTTP (`POST /api/agreements/:id/revisions`): on a signed
// PK whose first quarter is reported and verified, the first party asks for it with a reason and a
// note; the PK goes back to drafting as version 2, due again, the timeline and the audit log say
// `revision.started`, the quarter already reported is kept. Refused with a stable code for the
// second party (wrong_person), for a PK still being drafted (wrong_phase), a second time while the
// first revision runs (wrong_phase), and without a note (invalid_data / the body check). The
// administrator may start one too; the revised PK is then drafted, approved and signed as version 2.
import type { Stack } from '../support/stack';
import { pageTexts } from '../support/pki';
import { client, enc, nipOf, passphraseFor, sampleOrganisation, startStackWithCycle, tokens, waitFor } from '../support/api-client';
import { toFirstQuarter } from '../support/reporting';

jest.setTimeout(240_000);

const ORG = 'kab-revision';
// last year: every quarter has ended, so the first one opens as soon as the PK is signed
const org = sampleOrganisation(ORG, new Date().getFullYear() - 1);
const pk = (position: string) => `pk:${ORG}:${org.year}:${position}`;
const dinkes = pk('kepala-dinkes');

let stack: Stack;
let call: ReturnType<typeof client>;
let t: ReturnType<typeof tokens>;
let owner: string;
let bupati: string;

beforeAll(async () => {
  ({ stack, call, t } = await startStackWithCycle(org, (s) => s.status === 'running'));
  owner = t.official(nipOf(org, 'kepala-dinkes'));
  bupati = t.official(nipOf(org, 'bupati'));
  await toFirstQuarter(call, t.evaluator, t.official, org, 'kepala-dinkes', 'bupati');
});
afterAll(async () => {
  await stack?.stop();
});

const read = (id: string, token = t.evaluator) => call('GET', `/api/agreements/${enc(id)}`, { token });

test('the first party starts a PK Perubahan on a signed PK: back to drafting as version 2, on the timeline, reports kept', async () => {
  // the first quarter is reported and verified
  const signed = await read(dinkes, owner);
  const indicators = signed.body.content.content.objectives.flatMap((o: any) => o.indicators);
  const realizations = indicators.map((i: any, n: number) => ({ indicatorId: i.id, value: n === 0 ? 42 : i.target }));
  const budgetSpent = signed.body.content.content.budget.map((b: any) => b.amount / 4);
  const reported = await call('POST', `/api/agreements/${enc(dinkes)}/realizations/1`, { token: owner, body: { realizations, budgetSpent } });
  expect(reported.status).toBe(200);
  await waitFor(() => read(dinkes), (r) => r.body.state?.deadline?.item === 'verify:Q1');
  expect((await call('POST', `/api/agreements/${enc(dinkes)}/realizations/1/verify`, { token: bupati })).status).toBe(200);
  const before = await waitFor(() => read(dinkes), (r) => r.body.state?.quarters?.[0]?.status === 'verified');
  expect(before.body).toMatchObject({ phase: 'reporting', version: 1 });
  const q1 = before.body.state.quarters[0];

  // the second party may not start it; a PK still being drafted cannot be revised
  const bySuperior = await call('POST', `/api/agreements/${enc(dinkes)}/revisions`, { token: bupati, body: { reason: 'budget', note: 'Anggaran berubah' } });
  expect([bySuperior.status, bySuperior.body.code]).toEqual([403, 'wrong_person']);
  const drafting = pk('kepala-dikbud');
  expect((await read(drafting)).body.phase).toBe('drafting');
  const tooEarly = await call('POST', `/api/agreements/${enc(drafting)}/revisions`, { token: t.official(nipOf(org, 'kepala-dikbud')), body: { reason: 'budget', note: 'Anggaran berubah' } });
  expect([tooEarly.status, tooEarly.body.code]).toEqual([409, 'wrong_phase']);
  // a reason outside the list, or no note, is refused before the workflow sees it
  const noNote = await call('POST', `/api/agreements/${enc(dinkes)}/revisions`, { token: owner, body: { reason: 'budget', note: '' } });
  expect(noNote.status).toBe(422);
  expect(noNote.body.problems.map((p: any) => p.path)).toContain('/note');
  expect((await read(dinkes)).body.version).toBe(1);

  const started = await call('POST', `/api/agreements/${enc(dinkes)}/revisions`, { token: owner, body: { reason: 'budget', note: 'APBD Perubahan: anggaran program imunisasi dipotong' } });
  expect(started.status).toBe(200);
  expect(started.body).toMatchObject({ version: 2, revision: { reason: 'budget', note: 'APBD Perubahan: anggaran program imunisasi dipotong' } });

  const revised = await waitFor(() => read(dinkes), (r) => r.body.phase === 'drafting' && r.body.state?.deadline?.item === 'draft');
  expect(revised.body).toMatchObject({ phase: 'drafting', version: 2 });
  expect(revised.body.state.versions.map((v: any) => v.version)).toEqual([1, 2]);
  expect(revised.body.state.versions[0].signatures.map((s: any) => s.party)).toEqual(['first', 'second']);
  // due `revisionDays.draft` (7) days after it starts, from now: not the year-old calendar's date
  expect(Date.parse(revised.body.state.deadline.dueAt)).toBeGreaterThan(Date.now() + 6 * 86_400_000);
  // the quarter already reported and verified is kept
  expect(revised.body.state.quarters[0]).toEqual(q1);
  const stored = await stack.db.query('SELECT realizations, budget_spent FROM realizations WHERE agreement_id = $1 AND quarter = 1', [dinkes]);
  expect(stored.rows).toHaveLength(1);
  expect(stored.rows[0].realizations.find((r: any) => r.indicatorId === indicators[0].id).value).toBe(42);
  // the signed version 1 stays downloadable
  expect((await call('GET', `/api/agreements/${enc(dinkes)}/documents`, { token: owner })).body.items.map((d: any) => d.version)).toEqual([1, 1]);

  // the timeline and the audit chain tell it
  const history = await call('GET', `/api/agreements/${enc(dinkes)}/history`, { token: t.evaluator });
  const entry = history.body.entries.find((e: any) => e.kind === 'revision.started');
  expect(entry).toMatchObject({ source: 'audit', actor: `official:${nipOf(org, 'kepala-dinkes')}` });
  expect(entry.summary).toContain('APBD Perubahan: anggaran program imunisasi dipotong');
  expect((await call('GET', `/api/agreements/${enc(dinkes)}/audit/verify`, { token: t.evaluator })).body).toMatchObject({ ok: true });

  // a second revision while this one runs is refused
  const again = await call('POST', `/api/agreements/${enc(dinkes)}/revisions`, { token: owner, body: { reason: 'strategy', note: 'lagi' } });
  expect([again.status, again.body.code]).toEqual([409, 'wrong_phase']);

  // version 2 is drafted, approved and signed like the first; the quarter stays verified
  const draft = { ...signed.body.content.content, budget: signed.body.content.content.budget.map((b: any) => ({ ...b, amount: Math.round(b.amount * 0.9) })) };
  expect((await call('PUT', `/api/agreements/${enc(dinkes)}/draft`, { token: owner, body: draft })).body).toMatchObject({ version: 2 });
  expect((await call('POST', `/api/agreements/${enc(dinkes)}/submit`, { token: owner })).status).toBe(200);
  await waitFor(() => read(dinkes), (r) => r.body.phase === 'review');
  expect((await call('POST', `/api/agreements/${enc(dinkes)}/review/approve`, { token: bupati })).status).toBe(200);
  await waitFor(() => read(dinkes), (r) => r.body.phase === 'signing');
  expect((await call('POST', `/api/agreements/${enc(dinkes)}/sign`, { token: owner, body: { passphrase: passphraseFor(nipOf(org, 'kepala-dinkes')) } })).status).toBe(200);
  expect((await call('POST', `/api/agreements/${enc(dinkes)}/sign`, { token: bupati, body: { passphrase: passphraseFor(nipOf(org, 'bupati')) } })).status).toBe(200);
  const resigned = await waitFor(() => read(dinkes), (r) => r.body.phase === 'reporting' && r.body.state?.quarters?.[1]?.status === 'open');
  expect(resigned.body.version).toBe(2);
  expect(resigned.body.state.quarters[0]).toEqual(q1);
  const documents = (await call('GET', `/api/agreements/${enc(dinkes)}/documents`, { token: owner })).body.items;
  expect(documents.map((d: any) => d.version)).toEqual([1, 1, 2, 2]);
  // the signed PK Perubahan is titled so; the version it amends is not
  const titleOf = async (doc: any) => pageTexts(Buffer.from(await (await fetch(`${stack.baseUrl}${doc.href}`, { headers: { authorization: `Bearer ${owner}` } })).arrayBuffer()))[0];
  expect(await titleOf(documents[3])).toContain('PERJANJIAN KINERJA PERUBAHAN TAHUN');
  expect(await titleOf(documents[1])).not.toContain('PERUBAHAN');
});

test('an administrator starts a PK Perubahan on a signed PK; an official of another unit may not', async () => {
  const dinsos = await toFirstQuarter(call, t.evaluator, t.official, org, 'kepala-dinsos', 'bupati');
  const stranger = await call('POST', `/api/agreements/${enc(dinsos)}/revisions`, { token: t.official(nipOf(org, 'kepala-dikbud')), body: { reason: 'official', note: 'x' } });
  expect(stranger.status).toBe(403);
  const byAdmin = await call('POST', `/api/agreements/${enc(dinsos)}/revisions`, { token: t.admin, body: { reason: 'strategy', note: 'Renstra diubah' } });
  expect(byAdmin.status).toBe(200);
  const revised = await waitFor(() => read(dinsos), (r) => r.body.phase === 'drafting');
  expect(revised.body).toMatchObject({ phase: 'drafting', version: 2 });
  const history = await call('GET', `/api/agreements/${enc(dinsos)}/history`, { token: t.evaluator });
  expect(history.body.entries.find((e: any) => e.kind === 'revision.started')).toMatchObject({ actor: 'admin:admin-test' });
});
