// The year-end rating of an official by their pejabat penilai: hasil kerja (proposed from the PK's
// capaian), perilaku kerja over the seven BerAKHLAK values with a note each, the predikat that
// follows, and the unit's distribution against its bounds (why it cannot close yet).
import { h, replace } from '../dom.js';
import { agreementPath, api, get } from '../api.js';
import { fmtPercent } from '../format.js';
import { busy, notice, section, showProblems, table } from '../ui.js';
import { agreementHeader } from './agreement.js';
import { EXPECTATION_LABELS } from '/lib/labels.js';

/** Hasil kerja and perilaku against expectation: the Excel downloads' words too (domain/labels.ts). */
export const EXPECTATION = EXPECTATION_LABELS;
const CORE_VALUE = {
  berorientasi_pelayanan: 'Berorientasi Pelayanan', akuntabel: 'Akuntabel', kompeten: 'Kompeten', harmonis: 'Harmonis',
  loyal: 'Loyal', adaptif: 'Adaptif', kolaboratif: 'Kolaboratif',
};
/** Why a unit cannot close, by the close's problem code. */
export const BLOCKER = {
  ratings_closed: 'Penilaian unit ini sudah ditutup.',
  unit_not_evaluated: 'PK kepala unit belum dievaluasi, sehingga predikat unit belum ada.',
  ratings_incomplete: 'Belum semua pegawai unit dinilai.',
  distribution_violated: 'Sebaran predikat pegawai melanggar batas predikat unit.',
};
const share = (x) => fmtPercent(Math.round(x * 1000) / 10);

/** Why a bound is broken, in Bahasa Indonesia, from the violation's data (not its English message). */
export function violationText(unitPredicate, v) {
  const which = v.predikats.join('/');
  if (v.kind === 'above_max') return `Unit berpredikat "${unitPredicate}" paling banyak ${share(v.limit)} pegawai ${which}; saat ini ${share(v.actual)}.`;
  if (v.kind === 'below_min') return `Unit berpredikat "${unitPredicate}" paling sedikit ${share(v.limit)} pegawai ${which}; saat ini ${share(v.actual)}.`;
  return `Unit berpredikat "${unitPredicate}" harus memiliki paling sedikit ${v.limit} pegawai ${which}; saat ini ${v.actual}.`;
}

export function boundText(b) {
  const which = b.predikats.join('/');
  return [b.max !== undefined ? `${which} paling banyak ${share(b.max)}` : null, b.min !== undefined ? `${which} paling sedikit ${share(b.min)}` : null,
    b.minCount !== undefined ? `${which} paling sedikit ${b.minCount} orang` : null].filter(Boolean).join('; ');
}

/** A unit's staff predikats against its bounds, and why it cannot close (or that it is closed). */
export function unitPanel(unit) {
  const why = unit.closed
    ? notice(unit.closed.exceptionReason ? 'warn' : 'success', unit.closed.exceptionReason ? `Ditutup dengan pengecualian: ${unit.closed.exceptionReason}` : 'Penilaian unit sudah ditutup.')
    : unit.blockers.length
      ? notice('warn', h('strong', null, 'Unit belum dapat ditutup:'), h('ul', null,
          unit.blockers.filter((b) => b.code !== 'distribution_violated').map((b) => h('li', null, BLOCKER[b.code] ?? b.code)),
          unit.violations.map((v) => h('li', { 'data-testid': 'violation' }, violationText(unit.unitPredicate, v)))))
      : notice('success', 'Sebaran sesuai batas; unit dapat ditutup oleh tim evaluasi.');
  return h('div', { 'data-testid': 'unit-distribution' },
    h('p', null, `Predikat unit (dari PK kepala unit): `, h('strong', null, unit.unitPredicate ?? 'belum ada')),
    unit.bounds.length ? h('p', null, 'Batas sebaran: ', unit.bounds.map(boundText).join('; ')) : null,
    table(['Jabatan', 'Pegawai', 'Predikat'], unit.staff.map((s) => h('tr', null, h('td', null, s.title), h('td', null, s.officialName), h('td', null, s.predikat ?? '—')))),
    why);
}

export async function renderRating(main, { params, isCurrent }) {
  const [id] = params;
  const draw = async () => {
    const [a, r] = await Promise.all([get(agreementPath(id)), get(`${agreementPath(id)}/rating`)]);
    if (!isCurrent()) return;
    const current = r.rating;
    const hasil = h('select', { name: 'hasilKerja', 'data-path': '/hasilKerja', 'aria-label': 'Hasil kerja' },
      Object.entries(EXPECTATION).map(([k, label]) => h('option', { value: k }, label)));
    hasil.value = current?.hasilKerja ?? r.proposal ?? 'sesuai';
    const values = r.coreValues.map((v) => {
      const select = h('select', { name: v, 'data-path': `/perilaku/${v}/expectation`, 'aria-label': CORE_VALUE[v] },
        Object.entries(EXPECTATION).map(([k, label]) => h('option', { value: k }, label)));
      select.value = current?.perilakuValues?.[v]?.expectation ?? 'sesuai';
      const note = h('input', { type: 'text', name: `${v}-note`, 'data-path': `/perilaku/${v}/note`, 'aria-label': `Catatan ${CORE_VALUE[v]}`, value: current?.perilakuValues?.[v]?.note ?? '' });
      return { v, select, note, row: h('tr', null, h('td', null, CORE_VALUE[v]), h('td', null, select), h('td', null, note)) };
    });
    const status = h('div', { class: 'status', 'data-testid': 'rating-status' });
    const save = h('button', { type: 'submit', class: 'primary' }, 'Simpan penilaian');
    const canRate = r.callerIsRater && r.rateable && !r.unit?.closed;
    const form = h('form', { class: 'rating-form', novalidate: true },
      h('p', null, 'Capaian PK: ', h('strong', null, r.capaian === null ? '—' : fmtPercent(r.capaian)),
        ' · usulan hasil kerja: ', h('strong', { 'data-testid': 'proposal' }, r.proposal ? EXPECTATION[r.proposal] : '—')),
      h('label', { class: 'field' }, h('span', { class: 'label' }, 'Hasil kerja'), hasil),
      table(['Nilai dasar BerAKHLAK', 'Perilaku kerja', 'Catatan'], values.map((x) => x.row)),
      canRate ? h('div', { class: 'actions' }, save) : null, status);
    if (!canRate) for (const el of form.querySelectorAll('select, input')) el.disabled = true;
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      busy(save, status, async () => {
        const body = { hasilKerja: hasil.value, perilaku: Object.fromEntries(values.map((x) => [x.v, { expectation: x.select.value, note: x.note.value.trim() }])) };
        await api('PUT', `${agreementPath(id)}/rating`, body);
        await draw();
      }).catch((err) => showProblems(form, err.problems ?? [], null));
    });
    replace(main,
      agreementHeader(a),
      !r.rateable ? notice('info', 'Penilaian dilakukan setelah PK masuk tahap evaluasi.') : null,
      r.rateable && !r.callerIsRater ? notice('info', 'Hanya pejabat penilai (atasan langsung) yang menilai pegawai ini.') : null,
      current ? h('div', { class: 'stats' },
        h('div', { class: 'stat' }, h('span', { class: 'stat-n' }, EXPECTATION[current.hasilKerja]), 'hasil kerja'),
        h('div', { class: 'stat' }, h('span', { class: 'stat-n' }, EXPECTATION[current.perilaku]), 'perilaku kerja'),
        h('div', { class: 'stat' }, h('span', { class: 'stat-n', 'data-testid': 'predikat' }, current.predikat), 'predikat')) : null,
      section('Penilaian kinerja pegawai', form,
        h('p', { class: 'muted small' }, 'Perilaku kerja: di atas ekspektasi bila paling sedikit 4 dari 7 nilai di atas dan tidak ada yang di bawah; di bawah bila paling sedikit 4 dari 7 di bawah; selain itu sesuai.')),
      r.unit ? section(`Sebaran predikat ${r.unit.unitName}`, unitPanel(r.unit)) : null,
      h('p', null, h('a', { href: `#/pk/${encodeURIComponent(id)}` }, 'Kembali ke PK')));
  };
  await draw();
}
