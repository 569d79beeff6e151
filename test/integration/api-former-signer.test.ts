// Pergantian pejabat after signing: the official who signed version 1 and was then replaced keeps
// read access to what they signed (the PK as signed, its parties as signed, its documents and their
// verification), and to nothing else: not the new version, not where the PK stands now, not who
// succeeded them, not the timeline, no actions.
import type { Stack } from '../support/stack';
import { client, enc, nipOf, sampleOrganisation, settled, tokens, waitFor, startStackWithCycle } from '../support/api-client';

const ORG = 'kab-formersigner';
const org = sampleOrganisation(ORG, new Date().getFullYear() - 1);
const cycleId = `cycle:${ORG}:${org.year}`;
const dinkes = `pk:${ORG}:${org.year}:kepala-dinkes`;
const NEW_NIP = '199203152019031007';
let stack: Stack;
let call: ReturnType<typeof client>;
let t: ReturnType<typeof tokens>;

jest.setTimeout(180_000);

beforeAll(async () => {
  ({ stack, call, t } = await startStackWithCycle(org, (s) => s.status === 'running'));
});
afterAll(async () => {
  await stack?.stop();
});

test('a replaced official reads the version and documents they signed, and only those', async () => {
  const formerNip = nipOf(org, 'kepala-dinkes');
  const former = t.official(formerNip);
  const superior = t.official(nipOf(org, 'bupati'));
  const phaseIs = (phase: string) => waitFor(() => call('GET', `/api/agreements/${enc(dinkes)}`, { token: t.evaluator }), (r) => r.body.phase === phase);
  const content = org.drafts['kepala-dinkes'];
  await waitFor(() => call('GET', `/api/agreements/${enc(dinkes)}`, { token: former }), (r) => r.body.state?.deadline?.item === 'draft');
  expect((await call('PUT', `/api/agreements/${enc(dinkes)}/draft`, { token: former, body: content })).status).toBe(200);
  expect((await call('POST', `/api/agreements/${enc(dinkes)}/submit`, { token: former })).status).toBe(200);
  await phaseIs('review');
  expect((await call('POST', `/api/agreements/${enc(dinkes)}/review/approve`, { token: superior })).status).toBe(200);
  await phaseIs('signing');
  expect((await call('POST', `/api/agreements/${enc(dinkes)}/sign`, { token: former, body: { passphrase: `frasa-rahasia-${formerNip}` } })).status).toBe(200);
  expect((await call('POST', `/api/agreements/${enc(dinkes)}/sign`, { token: superior, body: { passphrase: `frasa-rahasia-${nipOf(org, 'bupati')}` } })).status).toBe(200);
  await phaseIs('reporting');
  const signedDocs = (await call('GET', `/api/agreements/${enc(dinkes)}/documents`, { token: former })).body.items;
  expect(signedDocs.map((d: any) => `${d.version}:${d.party}`)).toEqual(['1:first', '1:second']);

  // the administrator replaces the official: a PK Perubahan (version 2) opens for the new one
  const replaced = await settled(call, t.admin, await call('PUT', `/api/positions/${enc(cycleId)}/kepala-dinkes/official`, {
    token: t.admin, body: { nip: NEW_NIP, name: 'dr. Pengganti, M.Kes', email: 'pengganti@example.go.id' },
  }));
  expect(replaced.status).toBe(200);
  expect(replaced.body.revision.version).toBe(2);
  const successor = t.official(NEW_NIP);
  await waitFor(() => call('GET', `/api/agreements/${enc(dinkes)}`, { token: successor }), (r) => r.body.state?.phase === 'drafting');
  const raised = structuredClone(content);
  raised.objectives[0].indicators[0].target = (raised.objectives[0].indicators[0].target ?? 0) + 7;
  expect((await call('PUT', `/api/agreements/${enc(dinkes)}/draft`, { token: successor, body: raised })).status).toBe(200);

  // the former official: the PK as they signed it (version 1), not the successor's draft, no live state
  const detail = await call('GET', `/api/agreements/${enc(dinkes)}`, { token: former });
  expect(detail.status).toBe(200);
  // nothing of where the PK is now, nor who holds its positions now
  expect(JSON.stringify(detail.body)).not.toContain(NEW_NIP);
  expect(JSON.stringify(detail.body)).not.toContain('Pengganti');
  for (const live of ['phase', 'version', 'dueAt', 'overdue', 'escalationLevel', 'awaitingPositionId', 'score', 'predicate', 'updatedAt', 'state', 'live', 'secondParty']) {
    expect(detail.body).not.toHaveProperty(live);
  }
  expect(detail.body.position).toEqual({ id: 'kepala-dinkes', title: expect.any(String), level: expect.any(String), unitId: 'dinkes' });
  expect(detail.body).toMatchObject({ id: dinkes, cycleId, positionId: 'kepala-dinkes', relation: 'signer', signedVersions: [1] });
  expect(detail.body.content.version).toBe(1);
  expect(detail.body.content.content.objectives[0].indicators[0].target).toBe(content.objectives[0].indicators[0].target);
  // the parties as the signed version records them: the former official and the superior who countersigned
  const nameOf = (id: string) => org.positions.find((p: any) => p.id === id).official.name;
  expect(detail.body.parties.map((p: any) => [p.version, p.party, p.positionId, p.signerId, p.name])).toEqual([
    [1, 'first', 'kepala-dinkes', formerNip, nameOf('kepala-dinkes')],
    [1, 'second', 'bupati', nipOf(org, 'bupati'), nameOf('bupati')],
  ]);
  // their documents, the PDFs and the verification reports
  const docs = await call('GET', `/api/agreements/${enc(dinkes)}/documents`, { token: former });
  expect(docs.status).toBe(200);
  expect(docs.body.items.map((d: any) => d.id)).toEqual(signedDocs.map((d: any) => d.id));
  for (const d of signedDocs) {
    const pdf = await fetch(`${stack.baseUrl}${d.href}`, { headers: { authorization: `Bearer ${former}` } });
    expect(pdf.status).toBe(200);
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    const verification = await call('GET', d.verification, { token: former });
    expect(verification.status).toBe(200);
    expect(verification.body.version).toBe(1);
  }
  // nothing beyond what they signed
  expect((await call('GET', `/api/agreements/${enc(dinkes)}/history`, { token: former })).status).toBe(403);
  expect((await call('GET', `/api/agreements/${enc(dinkes)}/realizations`, { token: former })).status).toBe(403);
  const act = await call('PUT', `/api/agreements/${enc(dinkes)}/draft`, { token: former, body: content });
  expect([act.status, act.body.code]).toEqual([403, 'forbidden']);
  // the successor and the superior see the current version; an unrelated official sees nothing
  const current = await call('GET', `/api/agreements/${enc(dinkes)}`, { token: successor });
  expect([current.body.relation, current.body.content.version]).toEqual(['owner', 2]);
  expect([current.body.position.official.nip, current.body.state?.phase]).toEqual([NEW_NIP, 'drafting']);
  expect((await call('GET', `/api/agreements/${enc(dinkes)}`, { token: t.official(nipOf(org, 'kepala-pupr')) })).status).toBe(403);
  expect((await call('GET', signedDocs[0].href, { token: t.official(nipOf(org, 'kepala-pupr')) })).status).toBe(403);
});
