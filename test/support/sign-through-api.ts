// A PK carried through drafting, review and both signatures over the API, the way its officials
// do it; returns the documents the stack stored.
import { enc, nipOf, waitFor, type Reply } from './api-client';

type Call = (method: string, path: string, opts?: { token?: string; body?: unknown }) => Promise<Reply>;

export const passphraseOf = (nip: string) => `frasa-rahasia-${nip}`;

export async function signThroughApi(call: Call, t: { evaluator: string; official(nip: string): string }, org: any, positionId: string, superiorId: string) {
  const agreementId = `pk:${org.organisation.id}:${org.year}:${positionId}`;
  const owner = t.official(nipOf(org, positionId));
  const superior = t.official(nipOf(org, superiorId));
  const phaseIs = (phase: string) => waitFor(() => call('GET', `/api/agreements/${enc(agreementId)}`, { token: t.evaluator }), (r) => r.body.phase === phase, 60_000);
  await waitFor(() => call('GET', `/api/agreements/${enc(agreementId)}`, { token: owner }), (r) => r.body.state?.deadline?.item === 'draft');
  const must = async (reply: Promise<Reply>, what: string) => {
    const r = await reply;
    if (r.status !== 200) throw new Error(`${what} answered ${r.status}: ${JSON.stringify(r.body)}`);
    return r;
  };
  await must(call('PUT', `/api/agreements/${enc(agreementId)}/draft`, { token: owner, body: org.drafts[positionId] }), 'draft');
  await must(call('POST', `/api/agreements/${enc(agreementId)}/submit`, { token: owner }), 'submit');
  await phaseIs('review');
  await must(call('POST', `/api/agreements/${enc(agreementId)}/review/approve`, { token: superior }), 'approve');
  await phaseIs('signing');
  await must(call('POST', `/api/agreements/${enc(agreementId)}/sign`, { token: owner, body: { passphrase: passphraseOf(nipOf(org, positionId)) } }), 'first signature');
  await must(call('POST', `/api/agreements/${enc(agreementId)}/sign`, { token: superior, body: { passphrase: passphraseOf(nipOf(org, superiorId)) } }), 'second signature');
  await phaseIs('reporting');
  const docs = await must(call('GET', `/api/agreements/${enc(agreementId)}/documents`, { token: owner }), 'documents');
  const items: Array<{ id: string; party: string; sha256: string; href: string }> = docs.body.items;
  return { agreementId, owner, documents: items };
}
