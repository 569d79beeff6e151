// Moving agreements of the sample organisation through their phases over HTTP, for fault tests.
import { enc, nipOf } from '../support/api-client';
import { until, type FaultStack } from './harness';

/** The local signing provider enrols an official with the passphrase of their first signature. */
export const passphraseOf = (nip: string) => `frasa-rahasia-${nip}`;

export const agreementIdOf = (org: any, positionId: string) => `pk:${org.organisation.id}:${org.year}:${positionId}`;

export function partiesOf(org: any, positionId: string) {
  const position = org.positions.find((p: any) => p.id === positionId);
  const parent = org.positions.find((p: any) => p.id === position.parent);
  return { first: nipOf(org, positionId), second: parent?.official?.nip ?? nipOf(org, 'bupati') };
}

export async function agreementOf(s: FaultStack, id: string) {
  return (await s.call('GET', `/api/agreements/${enc(id)}`, { token: s.tokens.evaluator })).body;
}

export async function phaseIs(s: FaultStack, id: string, phase: string, timeoutMs = 120_000) {
  return until(`${id} in phase ${phase}`, () => agreementOf(s, id), (a) => a?.phase === phase, timeoutMs);
}

/**
 * A signature of this PK is under way: its seal is claimed (the signing activity's first step) and
 * no document is stored for it yet. Read from the record, as the signature is a local activity,
 * which Temporal's pending activities do not list.
 */
export async function signatureUnderWay(s: FaultStack, id: string): Promise<boolean> {
  const { rows } = await s.db.query(
    `SELECT (SELECT count(*) FROM signing_used_seal WHERE left(used_by, length($1) + 1) = $1 || '/')
          > (SELECT count(*) FROM documents WHERE agreement_id = $1) AS under_way`,
    [id],
  );
  return rows[0].under_way;
}

async function ok(what: string, reply: Promise<{ status: number; body: any }>) {
  const r = await reply;
  if (r.status !== 200) throw new Error(`${what} answered ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Draft (the sample's proposed draft), submit and approve: the agreement waits for signatures. */
export async function toSigning(s: FaultStack, org: any, positionId: string): Promise<void> {
  const id = agreementIdOf(org, positionId);
  const { first, second } = partiesOf(org, positionId);
  await until(`${id} open for drafting`, () => agreementOf(s, id), (a) => a?.state?.deadline?.item === 'draft');
  await ok('draft', s.call('PUT', `/api/agreements/${enc(id)}/draft`, { token: s.tokens.official(first), body: org.drafts[positionId] }));
  await ok('submit', s.call('POST', `/api/agreements/${enc(id)}/submit`, { token: s.tokens.official(first) }));
  await phaseIs(s, id, 'review');
  await ok('approve', s.call('POST', `/api/agreements/${enc(id)}/review/approve`, { token: s.tokens.official(second) }));
  await phaseIs(s, id, 'signing');
}

export function sign(s: FaultStack, org: any, positionId: string, party: 'first' | 'second') {
  const nip = partiesOf(org, positionId)[party];
  return s.call('POST', `/api/agreements/${enc(agreementIdOf(org, positionId))}/sign`, { token: s.tokens.official(nip), body: { passphrase: passphraseOf(nip) } });
}

/** Both parties sign: the agreement is in reporting (on a past year every quarter opens at once). */
export async function toReporting(s: FaultStack, org: any, positionId: string): Promise<void> {
  await toSigning(s, org, positionId);
  await ok('first signature', sign(s, org, positionId, 'first'));
  await ok('second signature', sign(s, org, positionId, 'second'));
  await phaseIs(s, agreementIdOf(org, positionId), 'reporting');
}
