// A PK's content read-only: the annex tables (Sasaran, Indikator, Target, Satuan; Program or
// Kegiatan or Sub-kegiatan, Anggaran).
import { h } from './dom.js';
import { fmtNumber, fmtRupiah } from './format.js';
import { table } from './ui.js';
import { budgetLineKindOf } from '/lib/budget-line-kind.js';

function targetText(i) {
  if (i.range) return `${fmtNumber(i.range[0])}–${fmtNumber(i.range[1])}`;
  return i.target === null || i.target === undefined ? 'Tanpa target' : fmtNumber(i.target);
}

/**
 * `parentIndicators`: the names of the superior indicators served, by id (GET /api/agreements/:id);
 * `level`: the first party's, which names the budget lines as the PDF does.
 */
export function contentView(content, parentIndicators = {}, level = null) {
  if (!content) return h('p', { class: 'muted' }, 'Belum ada isi PK.');
  let n = 0;
  const rows = content.objectives.flatMap((o) => o.indicators.map((i, k) =>
    h('tr', null,
      h('td', null, String(++n)),
      h('td', null, k === 0 ? o.text : ''),
      h('td', null, i.name, i.additionalTask ? h('span', { class: 'badge' }, 'Tugas tambahan') : null,
        i.parentIndicatorId ? h('div', { class: 'muted small', 'data-testid': 'serves' }, `Mendukung: ${parentIndicators[i.parentIndicatorId] ?? i.parentIndicatorId}`) : null),
      h('td', { class: 'num' }, targetText(i), i.direction === 'down' ? h('span', { class: 'muted small', title: 'Semakin rendah semakin baik' }, ' ↓') : null),
      h('td', null, i.unit),
      h('td', { class: 'num' }, i.weight === null || i.weight === undefined ? '—' : fmtNumber(i.weight)))));
  const total = content.budget.reduce((sum, b) => sum + b.amount, 0);
  const budgetRows = [
    ...content.budget.map((b, k) => h('tr', null, h('td', null, String(k + 1)), h('td', null, b.program), h('td', { class: 'num' }, fmtRupiah(b.amount)))),
    h('tr', { class: 'total' }, h('td', null, ''), h('td', null, 'TOTAL'), h('td', { class: 'num' }, fmtRupiah(total))),
  ];
  return h('div', { class: 'content-view' },
    table(['No', 'Sasaran', 'Indikator Kinerja', 'Target', 'Satuan', 'Bobot'], rows, { 'data-testid': 'indicators' }),
    table(['No', budgetLineKindOf(level), 'Anggaran (Rp)'], budgetRows, { 'data-testid': 'budget' }));
}
