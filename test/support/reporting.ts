// Brings one PK of a started cycle to its first quarter's report over HTTP: the official saves the
// imported draft and submits it, the superior approves, both sign (test passphrases).
import { enc, nipOf, passphraseFor, waitFor, type Reply } from './api-client';

type Call = (method: string, path: string, opts?: { token?: string; body?: unknown }) => Promise<Reply>;

export async function toFirstQuarter(call: Call, evaluator: string, official: (nip: string) => string, org: any, positionId: string, superiorId: string): Promise<string> {
  const id = `pk:${org.organisation.id}:${org.year}:${positionId}`;
  const owner = official(nipOf(org, positionId));
  const superior = official(nipOf(org, superiorId));
  const expectOk = (r: Reply, what: string) => {
    if (r.status !== 200) throw new Error(`${what} answered ${r.status}: ${JSON.stringify(r.body)}`);
  };
  const phaseIs = (phase: string) => waitFor(() => call('GET', `/api/agreements/${enc(id)}`, { token: evaluator }), (r) => r.body.phase === phase, 60_000);
  await waitFor(() => call('GET', `/api/agreements/${enc(id)}`, { token: owner }), (r) => r.body.state?.deadline?.item === 'draft');
  expectOk(await call('PUT', `/api/agreements/${enc(id)}/draft`, { token: owner, body: org.drafts[positionId] }), 'saving the draft');
  expectOk(await call('POST', `/api/agreements/${enc(id)}/submit`, { token: owner }), 'submitting');
  await phaseIs('review');
  expectOk(await call('POST', `/api/agreements/${enc(id)}/review/approve`, { token: superior }), 'approving');
  await phaseIs('signing');
  expectOk(await call('POST', `/api/agreements/${enc(id)}/sign`, { token: owner, body: { passphrase: passphraseFor(nipOf(org, positionId)) } }), 'the first signature');
  expectOk(await call('POST', `/api/agreements/${enc(id)}/sign`, { token: superior, body: { passphrase: passphraseFor(nipOf(org, superiorId)) } }), 'the second signature');
  await phaseIs('reporting');
  await waitFor(() => call('GET', `/api/agreements/${enc(id)}`, { token: owner }), (r) => r.body.state?.quarters?.[0]?.status === 'open');
  return id;
}
