// The rest of the year through the API, on a past year so every quarter is open at once: both
// parties sign (passphrases sealed by the API), the documents can be fetched and verified, four
// quarters are reported and verified, and the evaluation team closes the PK with its predicate.
// Meanwhile an eselon III of the unit drafts his PK (Kegiatan breaking the Kepala Dinas's Programs
// down): the unit's pagu stays the Kepala Dinas's. After the team's adjustment, the dashboard, the
// report and the PK agree on the unit's score.
import type { Stack } from '../support/stack';
import { client, enc, nipOf, sampleOrganisation, tokens, waitFor, startStackWithCycle } from '../support/api-client';
import { downloadXlsx } from '../support/xlsx-download';

const ORG = 'kab-signflow';
const org = sampleOrganisation(ORG, new Date().getFullYear() - 1);
const cycleId = `cycle:${ORG}:${org.year}`;
const dinkes = `pk:${ORG}:${org.year}:kepala-dinkes`;
const dinkesE3 = `pk:${ORG}:${org.year}:dinkes-e3-1`;
let stack: Stack;
let call: ReturnType<typeof client>;
let t: ReturnType<typeof tokens>;
let owner: string;
let superior: string;

jest.setTimeout(120_000);

beforeAll(async () => {
  ({ stack, call, t } = await startStackWithCycle(org, (s) => s.status === 'running'));
  owner = t.official(nipOf(org, 'kepala-dinkes'));
  superior = t.official(nipOf(org, 'bupati'));
});
afterAll(async () => {
  await stack?.stop();
});

const phaseIs = (phase: string) => waitFor(() => call('GET', `/api/agreements/${enc(dinkes)}`, { token: t.evaluator }), (r) => r.body.phase === phase, 60_000);

test('sign, report four quarters, verify, evaluate and close', async () => {
  const content = org.drafts['kepala-dinkes'];
  await waitFor(() => call('GET', `/api/agreements/${enc(dinkes)}`, { token: owner }), (r) => r.body.state?.deadline?.item === 'draft');
  expect((await call('PUT', `/api/agreements/${enc(dinkes)}/draft`, { token: owner, body: content })).status).toBe(200);
  expect((await call('POST', `/api/agreements/${enc(dinkes)}/submit`, { token: owner })).status).toBe(200);
  await phaseIs('review');
  expect((await call('POST', `/api/agreements/${enc(dinkes)}/review/approve`, { token: superior })).status).toBe(200);
  await phaseIs('signing');

  // the second party cannot sign first
  const early = await call('POST', `/api/agreements/${enc(dinkes)}/sign`, { token: superior, body: { passphrase: 'rahasia-bupati' } });
  expect([early.status, early.body.code]).toEqual([403, 'wrong_person']);
  const first = await call('POST', `/api/agreements/${enc(dinkes)}/sign`, { token: owner, body: { passphrase: `frasa-rahasia-${nipOf(org, 'kepala-dinkes')}` } });
  expect(first.status).toBe(200);
  expect(first.body).toMatchObject({ party: 'first', signerNip: nipOf(org, 'kepala-dinkes') });
  expect(first.body.sha256).toMatch(/^[0-9a-f]{64}$/);
  const second = await call('POST', `/api/agreements/${enc(dinkes)}/sign`, { token: superior, body: { passphrase: `frasa-rahasia-${nipOf(org, 'bupati')}` } });
  expect(second.status).toBe(200);
  await phaseIs('reporting');

  // the eselon III below drafts his Kegiatan (a breakdown of the Programs above): saved, not signed
  const e3Owner = t.official(nipOf(org, 'dinkes-e3-1'));
  await waitFor(() => call('GET', `/api/agreements/${enc(dinkesE3)}`, { token: e3Owner }), (r) => r.body.state?.deadline?.item === 'draft');
  expect(org.drafts['dinkes-e3-1'].budget.length).toBeGreaterThan(0);
  expect((await call('PUT', `/api/agreements/${enc(dinkesE3)}/draft`, { token: e3Owner, body: org.drafts['dinkes-e3-1'] })).status).toBe(200);

  // the passphrase never reached Temporal history in clear
  const history = await stack.client.workflow.getHandle(dinkes).fetchHistory();
  expect(JSON.stringify(history)).not.toContain(`frasa-rahasia-${nipOf(org, 'kepala-dinkes')}`);

  const docs = await call('GET', `/api/agreements/${enc(dinkes)}/documents`, { token: owner });
  expect(docs.body.items.map((d: any) => d.party)).toEqual(['first', 'second']);
  const pdf = await fetch(`${stack.baseUrl}${docs.body.items[1].href}`, { headers: { authorization: `Bearer ${owner}` } });
  expect(pdf.headers.get('content-type')).toBe('application/pdf');
  const bytes = Buffer.from(await pdf.arrayBuffer());
  expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
  expect(pdf.headers.get('x-content-sha256')).toBe(docs.body.items[1].sha256);
  const verification = await call('GET', docs.body.items[1].verification, { token: t.evaluator });
  expect(verification.status).toBe(200);
  expect(verification.body.report).toBeTruthy();
  const unrelated = await call('GET', docs.body.items[1].href, { token: t.official(nipOf(org, 'kepala-pupr')) });
  expect(unrelated.status).toBe(403);

  const indicators = content.objectives.flatMap((o: any) => o.indicators);
  const budgetSpent = content.budget.map((b: any) => Math.round(b.amount / 5));
  for (const quarter of [1, 2, 3, 4]) {
    await waitFor(() => call('GET', `/api/agreements/${enc(dinkes)}`, { token: owner }), (r) => r.body.state?.quarters?.[quarter - 1]?.status === 'open');
    const realizations = indicators.map((i: any) => ({ indicatorId: i.id, value: i.target }));
    const reported = await call('POST', `/api/agreements/${enc(dinkes)}/realizations/${quarter}`, { token: owner, body: { realizations, budgetSpent } });
    expect(reported.status).toBe(200);
    if (quarter === 1) {
      // returned once with a reason, then reported again
      expect((await call('POST', `/api/agreements/${enc(dinkes)}/realizations/1/return`, { token: superior, body: { reason: 'Lampirkan bukti' } })).status).toBe(200);
      // the official's inbox says the report came back, and why
      const inbox = await waitFor(() => call('GET', '/api/me/tasks', { token: owner }), (r) => r.body.items.some((i: any) => i.agreementId === dinkes && i.returned));
      expect(inbox.body.items.find((i: any) => i.agreementId === dinkes)).toMatchObject({ task: 'report', quarter: 1, returned: { reason: 'Lampirkan bukti' } });
      const again = await call('POST', `/api/agreements/${enc(dinkes)}/realizations/1`, { token: owner, body: { realizations, budgetSpent } });
      expect(again.status).toBe(200);
      const wrongQuarter = await call('POST', `/api/agreements/${enc(dinkes)}/realizations/1`, { token: owner, body: { realizations, budgetSpent } });
      expect([wrongQuarter.status, wrongQuarter.body.code]).toEqual([409, 'wrong_quarter']);
    }
    expect((await call('POST', `/api/agreements/${enc(dinkes)}/realizations/${quarter}/verify`, { token: superior })).status).toBe(200);
  }
  await phaseIs('evaluation');
  const inbox = await call('GET', '/api/me/tasks', { token: t.evaluator });
  expect(inbox.body.items.find((i: any) => i.agreementId === dinkes)?.task).toBe('evaluate');
  // every PK in evaluation is the team's inbox: the oldest due first, up to ?limit, with the total
  const oldest = await call('GET', '/api/me/tasks?limit=1', { token: t.evaluator });
  expect(oldest.body.items.map((i: any) => i.agreementId)).toEqual([inbox.body.items[0].agreementId]);
  expect(oldest.body.total).toBe(inbox.body.total);
  expect(inbox.body.total).toBeGreaterThanOrEqual(inbox.body.items.length);
  const byOfficial = await call('POST', `/api/agreements/${enc(dinkes)}/evaluation`, { token: owner, body: { adjustments: [], close: true } });
  expect(byOfficial.status).toBe(403);
  // an adjustment the stored PK refuses (no such indicator): 422 with the problem, nothing stored
  const unknown = await call('POST', `/api/agreements/${enc(dinkes)}/evaluation`, {
    token: t.evaluator, body: { adjustments: [{ indicatorId: 'no-such-indicator', value: 50, reason: 'Salah ketik' }], close: true },
  });
  expect([unknown.status, unknown.body.code, unknown.body.problems?.[0]?.code]).toEqual([422, 'invalid_data', 'unknown_indicator']);
  const afterRefusal = await call('GET', `/api/agreements/${enc(dinkes)}/history`, { token: t.evaluator });
  expect(afterRefusal.body.entries.filter((e: any) => /^evaluation\.(adjusted|closed)$/.test(e.kind))).toEqual([]);
  expect((await call('GET', `/api/agreements/${enc(dinkes)}`, { token: t.evaluator })).body.phase).toBe('evaluation');
  const evaluated = await call('POST', `/api/agreements/${enc(dinkes)}/evaluation`, {
    token: t.evaluator, body: { adjustments: [{ indicatorId: indicators[0].id, value: 95, reason: 'Data BPS terbaru' }], close: true },
  });
  expect(evaluated.status).toBe(200);
  expect(evaluated.body.predicate).toBeTruthy();
  const closed = await phaseIs('closed');
  expect(closed.body.score).not.toBeNull();

  // By hand: the unit's pagu is the Kepala Dinas's Programs only (the eselon III's Kegiatan break
  // them down), its realisasi the four quarters he reported; the PK's score is the average of the
  // indicators, each at 100 (realisasi = target) but the adjusted one at 95.
  const pagu = content.budget.reduce((sum: number, b: any) => sum + b.amount, 0);
  const spent = 4 * budgetSpent.reduce((sum: number, amount: number) => sum + amount, 0);
  const score = (95 + 100 * (indicators.length - 1)) / indicators.length;
  expect(closed.body.score).toBeCloseTo(score, 6);
  const report = await call('GET', `/api/cycles/${enc(cycleId)}/report`, { token: t.admin });
  const unit = report.body.units.find((u: any) => u.unitId === 'dinkes');
  expect(unit).toMatchObject({ scored: 1, budget: pagu, spent, absorption: Math.round((spent / pagu) * 10000) / 100 });
  expect(unit.averageScore).toBeCloseTo(score, 2);
  const csv = String((await call('GET', `/api/cycles/${enc(cycleId)}/report?format=csv`, { token: t.admin })).body).trim().split('\r\n');
  const columns = csv[0].split(',');
  const dinkesRow = csv.find((line) => line.startsWith('dinkes,'))!.split(',');
  const csvCell = (name: string) => dinkesRow[columns.indexOf(name)];
  expect([csvCell('budget_rp'), csvCell('spent_rp')]).toEqual([String(pagu), String(spent)]);
  const xlsx = await downloadXlsx(stack.baseUrl, `/api/cycles/${enc(cycleId)}/report?format=xlsx`, t.evaluator);
  expect(['Pagu (Rp)', 'Realisasi anggaran (Rp)'].map((h) => xlsx.cell('Kode unit', 'dinkes', h).value)).toEqual([pagu, spent]);
  // the dashboard: the same pagu and serapan, and the unit's capaian (to date, and s.d. TW IV) is
  // the evaluation's score after the adjustment, as the report and the PK say, not the computed 100
  const dashboard = await call('GET', `/api/cycles/${enc(cycleId)}/achievement`, { token: t.evaluator });
  const dinkesUnit = dashboard.body.units.find((u: any) => u.unitId === 'dinkes');
  expect(dinkesUnit).toMatchObject({ agreements: org.positions.filter((p: any) => p.unit === 'dinkes').length, reporting: 1, evaluated: 1, budget: pagu, spent });
  expect(dinkesUnit.absorption).toBeCloseTo((spent / pagu) * 100, 6);
  expect(dinkesUnit.achievement).toBeCloseTo(score, 4);
  expect(dinkesUnit.quarters[3]).toBeCloseTo(score, 4);
  expect(dinkesUnit.quarters.slice(0, 3)).toEqual([100, 100, 100]);
  // a unit whose head has drafted nothing has no pagu yet: empty, not Rp 0 and not a lower level's sum
  const noBudget = { budget: null, spent: null, absorption: null };
  expect(report.body.units.find((u: any) => u.unitId === 'pupr')).toMatchObject(noBudget);
  expect(dashboard.body.units.find((u: any) => u.unitId === 'pupr')).toMatchObject(noBudget);
  const puprRow = csv.find((line) => line.startsWith('pupr,'))!.split(',');
  expect(['budget_rp', 'spent_rp', 'absorption_percent'].map((name) => puprRow[columns.indexOf(name)])).toEqual(['', '', '']);
  const chain = await call('GET', `/api/agreements/${enc(dinkes)}/audit/verify`, { token: t.evaluator });
  expect(chain.body.ok).toBe(true);
  const timeline = await call('GET', `/api/agreements/${enc(dinkes)}/history`, { token: t.evaluator });
  expect(timeline.body.entries.some((e: any) => e.kind === 'document.signed' && /SHA-256/.test(e.summary))).toBe(true);
});
