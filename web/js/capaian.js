// Capaian in the browser with the evaluation's own formulas: /lib/achievement.js and
// /lib/predicates.js are domain/achievement.ts and domain/predicates.ts, served by api/web.ts.
import { achievement, yearAchievement } from '/lib/achievement.js';
import { categorize } from '/lib/predicates.js';
import { fmtPercent, NOT_ASSESSED } from './format.js';

export const indicatorsOf = (content) => (content?.objectives ?? []).flatMap((o) => o.indicators.map((i) => ({ ...i, objective: o.text })));

/** indicatorId → [TW I…IV] values from the stored quarterly reports. */
export function valuesByIndicator(quarters) {
  const out = new Map();
  for (const q of quarters ?? []) {
    for (const r of q.realizations) {
      const values = out.get(r.indicatorId) ?? [null, null, null, null];
      values[q.quarter - 1] = r.value;
      out.set(r.indicatorId, values);
    }
  }
  return out;
}

const formulaRules = (rules) => ({ lowerIsBetter: rules.lowerIsBetter, cap: rules.cap });

/** The quarter's own capaian: against the quarterly target when the PK gives one, else the yearly target. */
export function quarterCapaian(indicator, quarter, value, rules) {
  const qt = indicator.quarterlyTargets?.[quarter - 1] ?? null;
  const spec = qt !== null ? { direction: indicator.direction, target: qt } : indicator;
  return achievement(spec, value, formulaRules(rules));
}

/** The year so far (what the evaluation computes): cumulative or last reported quarter. */
export const capaianToDate = (indicator, values, rules) => yearAchievement(indicator, values, formulaRules(rules), rules.quarterAggregation);

export const categoryOf = (capaian, rules) => categorize(capaian, rules.scale);

export const showAchievement = (a) => (a.status === 'assessed' ? fmtPercent(a.capaian) : NOT_ASSESSED[a.reason] ?? 'Tidak dinilai');
