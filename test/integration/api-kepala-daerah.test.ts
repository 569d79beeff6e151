// The Kepala Daerah's path through the API, with the sample organisation as it is (the Bupati has
// no NIP): a token from `kinerja token --official`, the inbox, review and countersignature of a
// Kepala OPD's PK (the certificate and the PDF name no NIP for them), their own PK carrying the
// IKU Pemda (drafts linked to the plan stay valid after they sign), and per-person admin tokens.
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Stack } from '../support/stack';
import { client, enc, SAMPLE_PATH, settled, startStackWithCycle, tokens, waitFor } from '../support/api-client';
import { withOwnOfficials } from '../support/own-officials';
import { pageTexts } from '../support/pki';
import { tokenCommand } from '../../cli/commands/token';
import { UsageError } from '../../cli/command';
import { PgSigningStore } from '../../signing';
import { mintToken as signToken } from '../support/test-tokens';

const ORG = 'kab-kdpath';
const org = JSON.parse(readFileSync(SAMPLE_PATH, 'utf8'));
org.organisation.id = ORG;
org.year = new Date().getFullYear() + 1;
withOwnOfficials(org);
// The Kepala Dinas of this file's own: a certificate is per person across the database, and the
// report's signer name comes from it, so it must be issued in this file's cycle.
org.positions.find((p: any) => p.id === 'kepala-dinkes').official.nip = '197010011994011055';
const pk = (position: string) => `pk:${ORG}:${org.year}:${position}`;
const nipOf = (positionId: string): string => org.positions.find((p: any) => p.id === positionId).official.nip;
const BUPATI_ID = `${ORG}.bupati`; // no NIP and no official.id in the sample: {organisation}.{position}
const BUPATI_NAME = org.positions.find((p: any) => p.id === 'bupati').official.name;
const BUPATI_PASSPHRASE = 'tanda-tangan-bupati-bengkayang-2025';

let stack: Stack;
let call: ReturnType<typeof client>;
let t: ReturnType<typeof tokens>;

jest.setTimeout(180_000);

beforeAll(async () => {
  expect(org.positions.find((p: any) => p.id === 'bupati').official.nip).toBeNull();
  ({ stack, call, t } = await startStackWithCycle(org, (s) => s.status === 'running'));
});
afterAll(async () => {
  await stack?.stop();
});

/** What `kinerja token ARGS` prints, through the command's own code. */
async function cliToken(...args: string[]): Promise<string> {
  const printed: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void printed.push(a.join(' ')));
  try {
    expect(await tokenCommand.run(args)).toBe(0);
  } finally {
    log.mockRestore();
  }
  return printed[0];
}

const phaseOf = (id: string, phase: string) =>
  waitFor(() => call('GET', `/api/agreements/${enc(id)}`, { token: t.evaluator }), (r) => r.body.phase === phase && r.body.awaitingPositionId !== undefined);

test('the Kepala Daerah without NIP signs in, reviews and countersigns a Kepala OPD PK; no NIP is invented', async () => {
  const dinkes = pk('kepala-dinkes');
  // the administrator finds the Bupati's official id on the agreement
  const bupatiPk = await call('GET', `/api/agreements/${enc(pk('bupati'))}`, { token: t.admin });
  expect(bupatiPk.body.position.official).toEqual({ id: BUPATI_ID, nip: null, name: BUPATI_NAME, signingLockedUntil: null });
  const byOfficial = await call('GET', `/api/agreements?official=${enc(BUPATI_ID)}`, { token: t.admin });
  expect(byOfficial.body.items.map((a: any) => a.id)).toEqual([pk('bupati')]);

  const bupati = await cliToken('--official', BUPATI_ID, '--ttl', '1h');
  const owner = await cliToken('--nip', nipOf('kepala-dinkes')); // ASN tokens by NIP keep working
  const me = await call('GET', '/api/me', { token: bupati });
  expect(me.status).toBe(200);
  expect(me.body).toMatchObject({ role: 'official', id: BUPATI_ID, nip: null });
  expect(me.body.positions).toEqual([{ cycleId: `cycle:${ORG}:${org.year}`, positionId: 'bupati', title: 'Bupati Bengkayang', unitId: null }]);

  await waitFor(() => call('GET', `/api/agreements/${enc(dinkes)}`, { token: owner }), (r) => r.body.state?.deadline?.item === 'draft');
  expect((await call('PUT', `/api/agreements/${enc(dinkes)}/draft`, { token: owner, body: org.drafts['kepala-dinkes'] })).status).toBe(200);
  expect((await call('POST', `/api/agreements/${enc(dinkes)}/submit`, { token: owner })).status).toBe(200);
  await phaseOf(dinkes, 'review');

  const inbox = await waitFor(() => call('GET', '/api/me/tasks', { token: bupati }), (r) => r.body.items.some((i: any) => i.agreementId === dinkes));
  expect(inbox.body.items.find((i: any) => i.agreementId === dinkes)).toMatchObject({ task: 'review', asPositionId: 'bupati' });
  const approved = await call('POST', `/api/agreements/${enc(dinkes)}/review/approve`, { token: bupati });
  expect(approved.status).toBe(200);
  await phaseOf(dinkes, 'signing');

  const first = await call('POST', `/api/agreements/${enc(dinkes)}/sign`, { token: owner, body: { passphrase: `frasa-rahasia-${nipOf('kepala-dinkes')}` } });
  expect(first.status).toBe(200);
  await waitFor(() => call('GET', '/api/me/tasks', { token: bupati }), (r) => r.body.items.some((i: any) => i.agreementId === dinkes && i.task === 'sign:second'));
  const second = await call('POST', `/api/agreements/${enc(dinkes)}/sign`, { token: bupati, body: { passphrase: BUPATI_PASSPHRASE } });
  expect(second.status).toBe(200);
  expect(second.body).toMatchObject({ party: 'second', signerId: BUPATI_ID, signerNip: null });
  await phaseOf(dinkes, 'reporting');

  // the certificate the Bupati enrolled names them, with no NIP serial
  const credential = await new PgSigningStore(stack.db).getCredential(BUPATI_ID);
  const subject = new X509Certificate(credential!.certificatePem).subject;
  expect(subject).toContain(`CN=${BUPATI_NAME}`);
  expect(subject).not.toMatch(/serialNumber/i);

  // the countersigned PDF verifies; its Bupati signature carries no NIP; every NIP printed is the Kepala Dinas'
  const docs = await call('GET', `/api/agreements/${enc(dinkes)}/documents`, { token: bupati });
  const countersigned = docs.body.items.find((d: any) => d.party === 'second');
  expect(countersigned).toMatchObject({ signerId: BUPATI_ID, signerNip: null });
  // the PK's own read names the signers the same way (its state kept the id under signerNip)
  const read = await call('GET', `/api/agreements/${enc(dinkes)}`, { token: bupati });
  expect(read.body.state.versions[0].signatures.map((s: any) => [s.party, s.signerId, s.signerNip])).toEqual([
    ['first', nipOf('kepala-dinkes'), nipOf('kepala-dinkes')],
    ['second', BUPATI_ID, null],
  ]);
  const verification = await call('GET', `/api/documents/${enc(countersigned.id)}/verification`, { token: bupati });
  expect(verification.body.report.ok).toBe(true);
  expect(verification.body.report.signatures.map((s: any) => [s.signerName, s.nip, s.valid])).toEqual([
    [org.positions.find((p: any) => p.id === 'kepala-dinkes').official.name, nipOf('kepala-dinkes'), true],
    [BUPATI_NAME, null, true],
  ]);
  const pdf = Buffer.from(await (await fetch(`${stack.baseUrl}${countersigned.href}`, { headers: { authorization: `Bearer ${bupati}` } })).arrayBuffer());
  const text = pageTexts(pdf, 'raw').join('\n');
  expect(text).toContain(BUPATI_NAME);
  const printedNips = [...text.matchAll(/NIP\.?\s*:?\s*(\S+)/g)].map((m) => m[1]);
  expect(printedNips.length).toBeGreaterThan(0);
  expect(new Set(printedNips)).toEqual(new Set([nipOf('kepala-dinkes')]));
});

test("the Kepala Daerah's PK carries the IKU Pemda: a draft linked to the plan stays valid after they sign", async () => {
  const own = pk('bupati');
  const pupr = pk('kepala-pupr');
  const bupati = await cliToken('--official', BUPATI_ID);
  const kadis = await cliToken('--official', nipOf('kepala-pupr')); // an 18-digit official id is the NIP
  await waitFor(() => call('GET', `/api/agreements/${enc(pupr)}`, { token: kadis }), (r) => r.body.state?.deadline?.item === 'draft');

  // the Bupati's own statement: one indicator keeps the plan's id, one is their own, mapped to an IKU
  const statement = {
    objectives: [{
      id: 'S-kesehatan', text: 'Meningkatnya derajat kesehatan masyarakat',
      indicators: [
        { id: 'IKU-kesehatan', name: 'Usia Harapan Hidup', unit: 'tahun', direction: 'up', target: 70.9, parentIndicatorId: null },
        { id: 'bupati#jalan', name: 'Persentase jalan kabupaten mantap', unit: '%', direction: 'up', target: 75, parentIndicatorId: 'IKU-infrastruktur' },
      ],
    }],
    budget: [{ program: 'Program Penunjang Urusan Pemerintahan Daerah', amount: 1_000_000_000 }],
  };
  const inbox = await waitFor(() => call('GET', '/api/me/tasks', { token: bupati }), (r) => r.body.items.some((i: any) => i.agreementId === own));
  expect(inbox.body.items.find((i: any) => i.agreementId === own)?.task).toBe('draft');
  expect((await call('PUT', `/api/agreements/${enc(own)}/draft`, { token: bupati, body: statement })).status).toBe(200);
  expect((await call('POST', `/api/agreements/${enc(own)}/submit`, { token: bupati })).status).toBe(200);
  await phaseOf(own, 'signing');
  const signed = await call('POST', `/api/agreements/${enc(own)}/sign`, { token: bupati, body: { passphrase: BUPATI_PASSPHRASE } });
  expect(signed.status).toBe(200);
  await phaseOf(own, 'reporting');
  // the timeline names the Kepala Daerah, never by the technical id
  const history = await call('GET', `/api/agreements/${enc(own)}/history`, { token: t.evaluator });
  const byBupati = history.body.entries.filter((e: any) => e.actor === `official:${BUPATI_ID}`);
  expect(byBupati.map((e: any) => e.kind)).toEqual(expect.arrayContaining(['draft.saved', 'draft.submitted', 'document.signed']));
  expect([...new Set(byBupati.map((e: any) => e.actorName))]).toEqual([BUPATI_NAME]);

  // once the signature has reached the Kepala Dinas, both the plan's IKU and the Bupati's own indicators are offered
  const allowed = await waitFor(
    () => call('GET', `/api/agreements/${enc(pupr)}/parent-indicators`, { token: kadis }),
    (r) => r.body.items?.some((i: any) => i.id === 'bupati#jalan'),
  );
  const planIds = org.plan.objectives.flatMap((o: any) => o.indicators.map((i: any) => i.id));
  expect(allowed.body.items.map((i: any) => i.id)).toEqual([...planIds, 'bupati#jalan']);
  // each says where it comes from: the IKU the statement keeps is the plan's, the Bupati's own the superior's
  const sourceOf = Object.fromEntries(allowed.body.items.map((i: any) => [i.id, i.source]));
  expect([sourceOf['IKU-kesehatan'], sourceOf['IKU-infrastruktur'], sourceOf['bupati#jalan']]).toEqual(['plan', 'plan', 'superior']);
  expect(allowed.body.items.find((i: any) => i.id === 'bupati#jalan')).toEqual({
    id: 'bupati#jalan', name: 'Persentase jalan kabupaten mantap', unit: '%', direction: 'up', target: 75,
    objective: 'Meningkatnya derajat kesehatan masyarakat', objectiveId: 'S-kesehatan', source: 'superior',
  });

  const linkedToPlan = org.drafts['kepala-pupr'];
  expect(linkedToPlan.objectives[0].indicators[0].parentIndicatorId).toBe('IKU-infrastruktur');
  const saved = await call('PUT', `/api/agreements/${enc(pupr)}/draft`, { token: kadis, body: linkedToPlan });
  expect([saved.status, saved.body.code]).toEqual([200, undefined]);
  expect((await call('POST', `/api/agreements/${enc(pupr)}/submit`, { token: kadis })).status).toBe(200);
  await phaseOf(pupr, 'review');

  // a link to neither is still refused
  const dlh = pk('kepala-dlh');
  const stray = structuredClone(org.drafts['kepala-dlh']);
  stray.objectives[0].indicators[0].parentIndicatorId = 'IKU-hantu';
  const refused = await call('PUT', `/api/agreements/${enc(dlh)}/draft`, { token: await cliToken('--nip', nipOf('kepala-dlh')), body: stray });
  expect(refused.status).toBe(422);
  expect(refused.body.problems).toContainEqual(expect.objectContaining({ code: 'unknown_parent_indicator', path: '/objectives/0/indicators/0/parentIndicatorId' }));
});

test('tokens live at most 30 days, and an administrator acts under their own name', async () => {
  await expect(tokenCommand.run(['--role', 'admin', '--user', 'sri.wahyuni@bengkayang.example', '--ttl', '36500d'])).rejects.toThrow(/30-day maximum/);
  await expect(tokenCommand.run(['--role', 'admin'])).rejects.toThrow(UsageError);
  await expect(tokenCommand.run(['--role', 'evaluator', '--user', 'evaluator'])).rejects.toThrow(/a role, not a person/);
  const secret = stack.config.KINERJA_SECRET;
  const forever = await call('GET', '/api/me', { token: signToken({ sub: 'sri.wahyuni', role: 'admin' }, secret, 36_500 * 86_400) });
  expect([forever.status, forever.body.code]).toEqual([401, 'invalid_token']);
  const shared = await call('GET', '/api/me', { token: signToken({ sub: 'admin', role: 'admin' }, secret, 600) });
  expect([shared.status, shared.body.code]).toEqual([401, 'invalid_token']);

  const admin = await cliToken('--role', 'admin', '--user', 'sri.wahyuni@bengkayang.example', '--ttl', '30d');
  expect((await call('GET', '/api/me', { token: admin })).body).toMatchObject({ role: 'admin', id: 'sri.wahyuni@bengkayang.example' });

  // a Kepala Daerah cannot be replaced without an official id; an ASN position is changed under the admin's name
  const noId = await call('PUT', `/api/positions/${enc(`cycle:${ORG}:${org.year}`)}/bupati/official`, { token: admin, body: { nip: null, name: 'Bupati Baru', email: 'baru@bengkayang.example' } });
  expect([noId.status, noId.body.problems?.[0]?.code]).toEqual([422, 'missing_official_id']);
  const changed = await settled(call, admin, await call('PUT', `/api/positions/${enc(`cycle:${ORG}:${org.year}`)}/dlh-e3-1/official`, {
    token: admin, body: { nip: '199001012015031001', name: 'Rina Marlina, S.T.', email: 'rina@bengkayang.example' },
  }));
  expect(changed.status).toBe(200);
  expect(changed.body.official).toEqual({ id: '199001012015031001', nip: '199001012015031001', name: 'Rina Marlina, S.T.', email: 'rina@bengkayang.example' });
  const history = await call('GET', `/api/agreements/${enc(pk('dlh-e3-1'))}/history`, { token: t.evaluator });
  const row = history.body.entries.find((e: any) => e.source === 'audit' && e.kind === 'official.changed');
  expect(row.actor).toBe('admin:sri.wahyuni@bengkayang.example');

  // a new Bupati takes office under an official id of their own; the position, its tasks and its PK follow them
  const cycle = `cycle:${ORG}:${org.year}`;
  const taken = await call('PUT', `/api/positions/${enc(cycle)}/sekda/official`, { token: admin, body: { nip: null, id: BUPATI_ID, name: 'X', email: 'x@bengkayang.example' } });
  // only the Kepala Daerah may have no NIP: said as missing, not as malformed
  expect([taken.status, taken.body.problems?.[0]?.code, taken.body.problems?.[0]?.path]).toEqual([422, 'missing_nip', '/nip']);
  const elected = await settled(call, admin, await call('PUT', `/api/positions/${enc(cycle)}/bupati/official`, {
    token: admin, body: { nip: null, id: 'agus.pratama', name: 'Agus Pratama', email: 'agus@bengkayang.example', note: 'Pelantikan Bupati hasil Pilkada' },
  }));
  expect(elected.status).toBe(200);
  expect(elected.body).toMatchObject({ official: { id: 'agus.pratama', nip: null }, changed: true });
  const newBupati = await cliToken('--official', 'agus.pratama');
  expect((await call('GET', '/api/me', { token: newBupati })).body.positions.map((p: any) => p.positionId)).toEqual(['bupati']);
  expect((await call('GET', '/api/me', { token: await cliToken('--official', BUPATI_ID) })).body.positions).toEqual([]);
  const bupatiHistory = await call('GET', `/api/agreements/${enc(pk('bupati'))}/history`, { token: t.evaluator });
  const handover = bupatiHistory.body.entries.find((e: any) => e.source === 'audit' && e.kind === 'official.changed');
  expect(handover).toMatchObject({ actor: 'admin:sri.wahyuni@bengkayang.example' });
  expect(handover.summary).toContain('Agus Pratama (agus.pratama)');
});
