// The evaluation team's panel on a PK in evaluation: the computed score and predikat, per indicator
// its computed value and an optional adjusted value with its written reason, saved as adjustments
// (the computed values stay beside them) or saved and closed after a confirmation.
import { h, replace } from '../dom.js';
import { agreementPath, api, readUntil } from '../api.js';
import { fmtPercent } from '../format.js';
import { busy, notice, numberField, numberProblems, numberValue, section, showProblems, table } from '../ui.js';
import { indicatorsOf } from '../capaian.js';
import { MAX_ADJUSTED_PERCENT } from '/lib/limits.js';

export const CLOSE_CONFIRMATION = 'Tutup evaluasi? Setelah ditutup nilai tidak dapat diubah.';

/** Shown to the evaluation team when the PK is in evaluation and its score has been computed. */
export const canEvaluate = (me, a, phase) => me.role === 'evaluator' && phase === 'evaluation' && Boolean(a.state?.evaluation);

export function evaluationPanel(a, reload) {
  const evaluation = a.state.evaluation;
  const names = new Map(indicatorsOf(a.content?.content).map((i) => [i.id, i.name]));
  const rows = evaluation.indicators.map((score, k) => {
    const name = names.get(score.indicatorId) ?? score.indicatorId;
    const value = numberField({ name: `adjusted-${k}`, 'data-path': `/adjustments/${k}/value`, 'aria-label': `Nilai disesuaikan (%) ${name}` }, null);
    const reason = h('textarea', { rows: 2, maxlength: 2000, name: `reason-${k}`, 'data-path': `/adjustments/${k}/reason`, 'aria-label': `Alasan penyesuaian ${name}` });
    const adjusted = score.adjusted !== undefined && score.adjusted !== null;
    const tr = h('tr', { 'data-indicator': score.indicatorId },
      h('td', null, name),
      h('td', { class: 'num', 'data-testid': 'computed' }, fmtPercent(score.computed)),
      // the category is the value's in force: the adjusted one when there is one
      h('td', { class: 'num', 'data-testid': 'current' }, fmtPercent(adjusted ? score.adjusted : score.computed),
        score.category ? h('div', { class: 'small muted' }, score.category) : null,
        adjusted ? h('div', { class: 'small warn' }, `Disesuaikan: ${score.adjustmentReason ?? ''}`) : null),
      h('td', null, value),
      h('td', null, reason));
    return { indicatorId: score.indicatorId, value, reason, tr };
  });

  const status = h('div', { class: 'status', 'data-testid': 'evaluation-status' });
  const save = h('button', { type: 'button' }, 'Simpan penyesuaian');
  const close = h('button', { type: 'button', class: 'primary' }, 'Simpan dan tutup evaluasi');
  const form = h('form', { class: 'evaluation-form', 'data-testid': 'evaluation-form', novalidate: true },
    table(['Indikator', 'Nilai terhitung (%)', 'Nilai saat ini (%)', 'Nilai disesuaikan (%)', 'Alasan penyesuaian'], rows.map((r) => r.tr)),
    h('p', { class: 'muted small' }, `Kosongkan nilai disesuaikan bila nilai terhitung dipakai. Nilai disesuaikan 0 sampai ${MAX_ADJUSTED_PERCENT}% dan wajib disertai alasan.`),
    h('div', { class: 'actions' }, save, close, status));
  form.addEventListener('submit', (event) => event.preventDefault());

  /** The adjustments entered, or the problems by field (paths by row, as the inputs carry them). */
  const collect = () => {
    const adjustments = [];
    const sentRows = [];
    // an entry that is not a number is said as such (numberField), not as out of range
    const problems = numberProblems(form);
    const unreadable = new Set(problems.map((p) => p.path));
    rows.forEach((r, k) => {
      const text = r.reason.value.trim();
      const number = numberValue(r.value);
      const empty = number === null && !unreadable.has(`/adjustments/${k}/value`);
      if (empty) {
        if (text) problems.push({ path: `/adjustments/${k}/value`, code: 'adjustment_value_required', message: '' });
        return;
      }
      if (number !== null && (number < 0 || number > MAX_ADJUSTED_PERCENT)) {
        problems.push({ path: `/adjustments/${k}/value`, code: 'adjustment_out_of_range', max: MAX_ADJUSTED_PERCENT, message: '' });
      }
      if (!text) problems.push({ path: `/adjustments/${k}/reason`, code: 'adjustment_reason_required', message: '' });
      adjustments.push({ indicatorId: r.indicatorId, value: number, reason: text });
      sentRows.push(k);
    });
    return { adjustments, sentRows, problems };
  };

  // the server's paths count the adjustments sent; the page's count the rows
  const byRow = (problems, sentRows) => problems.map((p) => ({
    ...p, path: String(p.path ?? '').replace(/^\/adjustments\/(\d+)/, (_, i) => `/adjustments/${sentRows[Number(i)] ?? i}`),
  }));

  const submit = (button, closing) => {
    const { adjustments, sentRows, problems } = collect();
    showProblems(form, problems, status);
    if (problems.length) return;
    if (!closing && !adjustments.length) {
      replace(status, notice('warn', 'Belum ada nilai yang disesuaikan; isi nilai dan alasannya, atau tutup evaluasi.'));
      return;
    }
    if (closing && !window.confirm(CLOSE_CONFIRMATION)) return;
    busy(button, status, async () => {
      await api('POST', `${agreementPath(a.id)}/evaluation`, { adjustments, close: closing }).catch((err) => {
        err.names = names; // a rejection naming an indicator by its id is said with its name
        throw err;
      });
      if (closing) await readUntil(agreementPath(a.id), (x) => (x.state?.phase ?? x.phase) === 'closed');
      await reload();
    }).catch((err) => showProblems(form, byRow(err.problems ?? [], sentRows), null));
  };
  save.addEventListener('click', () => submit(save, false));
  close.addEventListener('click', () => submit(close, true));

  const panel = section('Evaluasi PK',
    h('p', { 'data-testid': 'evaluation-score' }, `Nilai PK: ${fmtPercent(evaluation.score)} · Predikat: ${evaluation.predicate ?? '—'}`),
    form);
  panel.setAttribute('data-testid', 'evaluation-panel');
  return panel;
}
