// The whole sample organisation (80 positions) through a year on the time-skipping server: drafted
// and signed top down (a subordinate opens only when its superior's PK is signed), four quarters
// reported and verified, evaluated and closed, every PK with the score its realizations give.
import { waitFor } from '../support/api-client';
import { inferAggregation } from '../../domain/achievement';
import { orderTopDown, positionDepths } from '../../domain/organisation';
import type { AgreementContent } from '../../domain/types';
import { evaluateUpdate } from '../../workflows/messages';
import { agreementDriver, evaluator, pkId, sampleOrganisation, startLifecycle, startTestCycle, type Lifecycle } from '../support/time-skipping';

jest.setTimeout(600_000);
const YEAR = new Date().getFullYear() + 1;
const org = sampleOrganisation('kab-setahun', YEAR);
// The Bupati's statement carries the regency's plan (IKU Pemda) as its content.
const statement: AgreementContent = { objectives: org.plan!.objectives, budget: [] };
const contentOf = (id: string) => (id === 'bupati' ? statement : org.drafts![id]);
// One PK exercises every formula case: weights, lower-is-better, a range target, "tidak dinilai".
const WEIGHTED = 'dinkes-e3-3';
const weighted: AgreementContent = {
  objectives: [{
    text: 'Meningkatnya mutu pelayanan kesehatan dasar',
    indicators: [
      { id: 'w-a', name: 'Cakupan imunisasi dasar lengkap', unit: '%', direction: 'up', target: 100, weight: 2, parentIndicatorId: 'kepala-dinkes#1' },
      { id: 'w-b', name: 'Angka kematian bayi', unit: 'per 1.000 KH', direction: 'down', target: 10, weight: 1, parentIndicatorId: 'kepala-dinkes#2' },
      { id: 'w-c', name: 'Persentase puskesmas terakreditasi', unit: '%', direction: 'up', target: 90, range: [80, 90], weight: 1, parentIndicatorId: 'kepala-dinkes#3' },
      { id: 'w-d', name: 'Indeks kepuasan masyarakat', unit: '%', direction: 'up', target: 50, weight: 1, parentIndicatorId: 'kepala-dinkes#1' },
    ],
  }],
  budget: [{ program: 'Program Pemenuhan Upaya Kesehatan', amount: 400_000_000 }],
};
org.drafts![WEIGHTED] = weighted;
const WEIGHTED_VALUES: Record<string, number | null> = { 'w-a': 90, 'w-b': 12, 'w-c': 85, 'w-d': null };

let l: Lifecycle;
let d: ReturnType<typeof agreementDriver>;
beforeAll(async () => {
  l = await startLifecycle();
  await startTestCycle(l, org);
  d = agreementDriver(l, org);
});
afterAll(async () => l?.stop());

/** Dinas Kesehatan reaches 70% of its targets; everyone else exactly 100%. */
const performance = (positionId: string) => (org.positions.find((p) => p.id === positionId)!.unit === 'dinkes' ? 0.7 : 1);
function quarterValue(positionId: string, indicator: { id: string; target: number | null; unit?: string; direction?: string }): number | null {
  if (positionId === WEIGHTED) return WEIGHTED_VALUES[indicator.id];
  if (indicator.target === null) return null;
  const p = performance(positionId);
  // a lower-is-better indicator at 70% performance sits 30% above its target
  const yearly = indicator.direction === 'down' ? indicator.target * (2 - p) : indicator.target * p;
  // additive indicators are reported per quarter (a quarter of the year), level indicators as the level
  return inferAggregation(indicator.unit ?? '') === 'cumulative' ? yearly / 4 : yearly;
}

async function inBatches<T>(items: T[], size: number, fn: (item: T) => Promise<unknown>) {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

test('80 PKs: signed top down, four quarters, evaluated and closed with their expected scores', async () => {
  const depths = positionDepths(org.positions);
  const ordered = orderTopDown(org.positions);
  const maxDepth = Math.max(...depths.values());
  for (let depth = 0; depth <= maxDepth; depth++) {
    const level = ordered.filter((p) => depths.get(p.id) === depth);
    if (depth >= 2) {
      // not yet released: the superior has not signed... until it has
      for (const p of level) expect((await d.state(p.id)).superiorSigned).toBe(true);
    }
    await inBatches(level, 8, (p) => d.signOff(p.id, contentOf(p.id)));
  }
  const indicatorsOf = (id: string) => contentOf(id).objectives.flatMap((o) => o.indicators);
  for (const q of [1, 2, 3, 4] as const) {
    await d.advanceTo(d.afterQuarter(q));
    await inBatches(ordered, 8, (p) => d.reportQuarter(p.id, q, (i) => quarterValue(p.id, { ...i, ...indicatorsOf(p.id).find((x) => x.id === i.id) }), contentOf(p.id)));
  }
  await inBatches(ordered, 8, async (p) => {
    await d.until(p.id, (s) => s.phase === 'evaluation' && s.evaluation !== null);
    await d.update(p.id, 'evaluate and close', (pk) => pk.executeUpdate(evaluateUpdate, { args: [{ actor: evaluator, adjustments: [], close: true }] }));
    await d.until(p.id, (s) => s.phase === 'closed');
  });

  // the read model is written with each workflow's last transition, moments after its state says closed
  const { rows } = await waitFor(
    () => l.db.query(
      `SELECT a.position_id, a.phase, a.score::float AS score, a.predicate, e.result FROM agreements a JOIN evaluations e ON e.agreement_id = a.id
        WHERE a.cycle_id = $1`,
      [`cycle:${org.organisation.id}:${YEAR}`],
    ),
    (r) => r.rows.length === 80 && r.rows.every((x) => x.phase === 'closed'),
  );
  expect(rows).toHaveLength(80);
  for (const r of rows) {
    expect(r.phase).toBe('closed');
    if (r.position_id === WEIGHTED) {
      // (90×2 + 80×1 + 100×1) / 4 = 90; "tidak dinilai" is left out, never counted as 0
      expect(r.score).toBeCloseTo(90, 6);
      expect(r.predicate).toBe('Baik');
      const d = Object.fromEntries(r.result.indicators.map((i: any) => [i.indicatorId, i.capaian]));
      expect(d).toEqual({ 'w-a': 90, 'w-b': 80, 'w-c': 100, 'w-d': null });
    } else if (performance(r.position_id) === 0.7) {
      expect([r.position_id, r.score, r.predicate]).toEqual([r.position_id, expect.closeTo(70, 6), 'Cukup']);
    } else {
      expect([r.position_id, r.score, r.predicate]).toEqual([r.position_id, expect.closeTo(100, 6), 'Sangat Baik']);
    }
  }
  const signed = await l.db.query(`SELECT count(*)::int AS n FROM documents WHERE agreement_id LIKE $1`, [`pk:${org.organisation.id}:%`]);
  expect(signed.rows[0].n).toBe(79 * 2 + 1); // the Bupati's statement is signed alone
  expect(pkId(org, 'bupati')).toBe(`pk:kab-setahun:${YEAR}:bupati`);
});
