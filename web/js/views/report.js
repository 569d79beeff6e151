// The quarterly report: realization per indicator with the capaian computed as the official types
// (the quarter's own and the year so far, with the evaluation's formulas), budget spent per line,
// and the report's evidence (bukti dukung).
import { h, replace } from '../dom.js';
import { agreementPath, api, enc, get } from '../api.js';
import { errorMessage, fmtNumber, fmtPercent, fmtRupiah, ROMAN } from '../format.js';
import { busy, notice, numberField, numberProblems, numberValue, section, showProblems, table } from '../ui.js';
import { capaianToDate, categoryOf, indicatorsOf, quarterCapaian, showAchievement, valuesByIndicator } from '../capaian.js';
import { agreementHeader } from './agreement.js';
import { budgetLineKindOf } from '/lib/budget-line-kind.js';
import { evidenceForm, evidenceList, removeEvidence } from '../evidence.js';

/** The problems showProblems could not put beside a field (no path, or no field for it): errorMessage says them in the status line. */
const unplacedProblems = (form, problems) =>
  problems.filter((p) => !p.path || ![...form.querySelectorAll('.field-error')].some((el) => el.dataset.path === p.path));

export async function renderReport(main, { params }) {
  const [id, qText] = params;
  const quarter = Number(qText);
  const [a, data] = await Promise.all([get(agreementPath(id)), get(`${agreementPath(id)}/realizations`)]);
  const content = a.content?.content ?? { objectives: [], budget: [] };
  const indicators = indicatorsOf(content);
  const values = valuesByIndicator(data.quarters.filter((q) => q.quarter < quarter));
  const stored = data.quarters.find((q) => q.quarter === quarter);
  const current = new Map((stored?.realizations ?? []).map((r) => [r.indicatorId, r.value]));
  const previousSpent = data.quarters.filter((q) => q.quarter < quarter).reduce((sum, q) => sum + q.budgetSpent.reduce((x, y) => x + y, 0), 0);

  const rows = indicators.map((ind, k) => {
    const input = numberField({ 'data-path': `/realizations/${k}/value`, 'aria-label': `Realisasi ${ind.name}` }, current.get(ind.id), { onValue: () => update() });
    const own = h('td', { class: 'num', 'data-testid': 'capaian-quarter' });
    const year = h('td', { class: 'num', 'data-testid': 'capaian-year' });
    const category = h('td', { 'data-testid': 'category' });
    const update = () => {
      const v = numberValue(input);
      own.replaceChildren(showAchievement(quarterCapaian(ind, quarter, v, data.rules)));
      const seq = [...(values.get(ind.id) ?? [null, null, null, null])];
      seq[quarter - 1] = v;
      const toDate = capaianToDate(ind, seq, data.rules);
      year.replaceChildren(showAchievement(toDate.achievement));
      category.replaceChildren(categoryOf(toDate.achievement.capaian, data.rules) ?? '—');
    };
    update();
    const qt = ind.quarterlyTargets?.[quarter - 1];
    return { ind, input, row: h('tr', { 'data-indicator': ind.id },
      h('td', null, ind.name, h('div', { class: 'muted small' }, ind.unit)),
      h('td', { class: 'num' }, fmtNumber(qt ?? ind.target), qt === null || qt === undefined ? h('div', { class: 'muted small' }, 'tahunan') : null),
      h('td', null, input), own, year, category) };
  });

  const absorption = h('strong', { 'data-testid': 'absorption' });
  const pagu = content.budget.reduce((sum, b) => sum + b.amount, 0);
  const updateAbsorption = () => {
    const spent = previousSpent + budgetInputs.reduce((sum, input) => sum + (numberValue(input) || 0), 0);
    absorption.replaceChildren(pagu > 0 ? fmtPercent(Math.round((spent / pagu) * 10000) / 100) : '—');
  };
  const budgetInputs = content.budget.map((b, j) => numberField({ 'data-path': `/budgetSpent/${j}`, 'aria-label': `Realisasi anggaran ${b.program}` }, stored?.budgetSpent?.[j], { rupiah: true, onValue: updateAbsorption }));
  updateAbsorption();

  const note = h('textarea', { rows: 3, 'data-path': '/note', name: 'note', 'aria-label': 'Catatan / kendala' }, stored?.note ?? '');
  const status = h('div', { class: 'status', 'data-testid': 'report-status' });
  const send = h('button', { type: 'submit', class: 'primary' }, `Kirim laporan Triwulan ${ROMAN[quarter - 1]}`);
  const form = h('form', { class: 'report-form', novalidate: true },
    section(`Realisasi indikator Triwulan ${ROMAN[quarter - 1]}`,
      table(['Indikator', 'Target', 'Realisasi', `Capaian TW ${ROMAN[quarter - 1]}`, 'Capaian s.d. kini', 'Kategori capaian'], rows.map((r) => r.row), { 'data-testid': 'report-table' })),
    section('Realisasi anggaran',
      table([budgetLineKindOf(a.position?.level), 'Pagu', `Realisasi TW ${ROMAN[quarter - 1]} (Rp)`], content.budget.map((b, j) =>
        h('tr', null, h('td', null, b.program), h('td', { class: 'num' }, fmtRupiah(b.amount)), h('td', null, budgetInputs[j])))),
      h('p', null, 'Serapan anggaran s.d. triwulan ini: ', absorption)),
    section('Catatan / kendala', note),
    h('div', { class: 'actions' }, send), status);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    // an entry that is not a number is said beside its field; nothing is sent
    const unreadable = numberProblems(form);
    showProblems(form, unreadable, status);
    if (unreadable.length) return;
    busy(send, status, async () => {
      const body = {
        realizations: rows.map((r) => ({ indicatorId: r.ind.id, value: numberValue(r.input) })),
        budgetSpent: budgetInputs.map((input) => numberValue(input) ?? 0),
        ...(note.value.trim() ? { note: note.value.trim() } : {}),
      };
      try {
        await api('POST', `${agreementPath(id)}/realizations/${quarter}`, body);
      } catch (err) {
        if (err.problems.length) {
          showProblems(form, err.problems, null);
          err.unplaced = unplacedProblems(form, err.problems);
        }
        throw err;
      }
      location.hash = `#/pk/${enc(id)}`;
    }).catch(() => {});
  });
  // evidence changes on its own, before or after the numbers are sent, until the report is verified
  const evidence = h('div', { 'data-testid': 'evidence' });
  const drawEvidence = async () => {
    const items = (await get(`${agreementPath(id)}/realizations/${quarter}/evidence`)).items;
    const frozen = a.state?.quarters?.[quarter - 1]?.status === 'verified';
    replace(evidence,
      evidenceList(items, frozen ? {} : { onRemove: (item) => removeEvidence(id, quarter, item, drawEvidence).catch((err) => replace(evidence, notice('error', errorMessage(err)))) }),
      frozen ? h('p', { class: 'muted' }, 'Laporan sudah diverifikasi; bukti dukung tidak dapat diubah.') : evidenceForm(id, quarter, drawEvidence));
  };
  await drawEvidence();
  replace(main,
    agreementHeader(a),
    h('p', null, h('a', { href: `#/pk/${enc(id)}` }, '← Kembali ke PK')),
    a.state?.quarters?.[quarter - 1]?.returnedReason ? notice('warn', `Laporan dikembalikan: ${a.state.quarters[quarter - 1].returnedReason}`) : null,
    section(`Bukti dukung Triwulan ${ROMAN[quarter - 1]}`, evidence),
    form);
}
