// The evaluation team's dashboard for a cycle: progress by phase and unit, overdue items by
// escalation level, capaian per unit per quarter, the predicate distribution, budget absorption
// against capaian, the cascade gaps per unit (the performance tree), each unit's staff predikats
// with closing its ratings, the list of PKs to drill into, and the Excel downloads.
import { h, replace } from '../dom.js';
import { api, enc, get } from '../api.js';
import { errorMessage, escalationLabel, fmtPercent, PHASE, positionTitle } from '../format.js';
import { busy, downloadButton, dueInfo, notice, phaseBadge, section, showProblems, table } from '../ui.js';
import { barGroups, stackedBars } from '../charts.js';
import { BLOCKER, boundText, violationText } from './rating.js';

const PHASES = Object.keys(PHASE);
const QUARTERS = ['TW I', 'TW II', 'TW III', 'TW IV'].map((name, k) => ({ name, cls: k }));

function cyclePicker(cycles, current) {
  const select = h('select', { id: 'cycle', 'aria-label': 'Siklus PK' }, cycles.map((c) => h('option', { value: c.id }, `${c.organisationName} · ${c.year}`)));
  select.value = current;
  select.addEventListener('change', () => { location.hash = `#/dasbor/${enc(select.value)}`; });
  return h('label', { class: 'field inline' }, h('span', { class: 'label' }, 'Siklus'), select);
}

// Excel files in Bahasa Indonesia for people, named as the server names them (laporan-<organisation>-<year>.xlsx);
// the API's ?format=csv stays for machines
const reportButton = (cycleId, status) => downloadButton('Unduh laporan (Excel)', `/api/cycles/${enc(cycleId)}/report?format=xlsx`,
  'laporan.xlsx', status, { 'data-testid': 'report-xlsx' });
const ratingsButton = (cycleId, status) => downloadButton('Unduh predikat pegawai (Excel)', `/api/cycles/${enc(cycleId)}/ratings?format=xlsx`,
  'predikat-pegawai.xlsx', status, { 'data-testid': 'ratings-xlsx' });

async function agreementList(cycleId, units) {
  const unit = h('select', { 'aria-label': 'Unit', 'data-testid': 'unit-filter' }, h('option', { value: '' }, 'Semua unit'), units.map((u) => h('option', { value: u.unitId ?? '' }, u.unitName)));
  const overdue = h('input', { type: 'checkbox' });
  const body = h('tbody');
  const more = h('button', { type: 'button', hidden: true }, 'Muat lagi');
  let cursor = null;
  const load = async (reset) => {
    const q = new URLSearchParams({ cycle: cycleId, limit: '50' });
    if (unit.value) q.set('unit', unit.value);
    if (overdue.checked) q.set('overdue', 'true');
    if (!reset && cursor) q.set('cursor', cursor);
    const page = await get(`/api/agreements?${q}`);
    if (reset) body.replaceChildren();
    body.append(...page.items.map((a) => h('tr', null,
      h('td', null, h('a', { href: `#/pk/${enc(a.id)}` }, positionTitle(a))),
      h('td', null, a.position?.official?.name ?? '—'),
      h('td', null, phaseBadge(a.phase)),
      h('td', null, a.dueAt ? dueInfo(a, a.utcOffsetHours) : '—'),
      h('td', { class: 'num' }, a.score === null ? '—' : fmtPercent(a.score), a.predicate ? h('div', { class: 'small' }, a.predicate) : null))));
    cursor = page.nextCursor;
    more.hidden = !cursor;
  };
  unit.addEventListener('change', () => load(true));
  overdue.addEventListener('change', () => load(true));
  more.addEventListener('click', () => load(false));
  await load(true);
  return h('div', null,
    h('div', { class: 'row filters' }, unit, h('label', { class: 'inline' }, overdue, ' Hanya yang terlambat')),
    h('div', { class: 'table-wrap' }, h('table', { 'data-testid': 'agreement-list' },
      h('thead', null, h('tr', null, ['Jabatan', 'Pejabat', 'Tahap', 'Tenggat', 'Nilai'].map((x) => h('th', { scope: 'col' }, x)))), body)),
    more);
}

/**
 * The cascade gaps per unit, and a row for those outside every unit (the IKU Pemda's and the
 * Kepala Daerah's PK): the rows add up to the count the dashboard shows.
 */
function gapTable(tree) {
  if (!tree.gaps.total) return h('p', { class: 'muted' }, 'Tidak ada celah.');
  const row = (name, agreements, gaps, attrs = {}) => h('tr', attrs, h('td', null, name), h('td', { class: 'num' }, String(agreements)), h('td', { class: 'num' }, String(gaps)));
  const outside = tree.gaps.total - tree.units.reduce((sum, u) => sum + u.gaps, 0);
  return table(['Unit', 'PK', 'Celah'], [
    ...tree.units.filter((u) => u.gaps > 0).map((u) => row(u.unitName, u.agreements, u.gaps)),
    outside > 0 ? row('IKU Pemda dan Kepala Daerah', tree.top.length, outside, { 'data-testid': 'gaps-outside-units' }) : null,
  ], { 'data-testid': 'gap-table' });
}

/** An own property of a parsed JSON object, never one inherited from Object.prototype. */
const own = (object, key) => (Object.hasOwn(object, key) ? object[key] : undefined);

export async function renderDashboard(main, { params }) {
  const cycles = (await get('/api/cycles')).items;
  if (!cycles.length) return replace(main, h('h1', null, 'Dasbor'), notice('info', 'Belum ada siklus PK.'));
  const cycleId = params[0] ?? cycles[0].id;
  const [status, report, achievement, tree, ratings] = await Promise.all([
    get(`/api/cycles/${enc(cycleId)}`),
    get(`/api/cycles/${enc(cycleId)}/report`),
    get(`/api/cycles/${enc(cycleId)}/achievement`),
    get(`/api/cycles/${enc(cycleId)}/tree`),
    get(`/api/cycles/${enc(cycleId)}/ratings`),
  ]);
  const unitName = new Map(report.units.map((u) => [u.unitId ?? '-', u.unitName]));
  const nameOf = (id) => unitName.get(id) ?? id;

  const levels = [...new Set(status.overdue.map((o) => o.level))].sort((a, b) => a - b);
  const overdueTotal = status.overdue.reduce((sum, o) => sum + o.n, 0);
  const overdueUnits = [...new Set(status.overdue.map((o) => o.unit))];
  const overdueTable = overdueUnits.length
    ? table(['Unit', ...levels.map((level) => escalationLabel(level))], overdueUnits.map((u) => h('tr', null, h('td', null, nameOf(u)),
        levels.map((l) => h('td', { class: 'num' }, String(status.overdue.find((o) => o.unit === u && o.level === l)?.n ?? 0))))), { 'data-testid': 'overdue-table' })
    : h('p', { class: 'muted' }, 'Tidak ada yang terlambat.');

  // Labels are data: counted in a Map, read with own() (a label like "constructor" is just a label).
  const closedPredicates = new Map();
  for (const u of report.units) for (const [p, n] of Object.entries(u.predicates)) closedPredicates.set(p, (closedPredicates.get(p) ?? 0) + n);
  const bands = achievement.scale.bands.map((b) => b.label);
  const statusLine = h('div', { class: 'status' });
  const ratingsStatus = h('div', { class: 'status' });

  replace(main,
    h('div', { class: 'dash-head' }, h('h1', null, `Dasbor ${status.organisationName} — Tahun ${status.year}`), cyclePicker(cycles, cycleId), reportButton(cycleId, statusLine)),
    statusLine,
    h('div', { class: 'stats' },
      h('div', { class: 'stat' }, h('span', { class: 'stat-n', 'data-testid': 'stat-total' }, String(status.agreements)), 'PK'),
      h('div', { class: 'stat' }, h('span', { class: 'stat-n' }, String(status.phases.reporting + status.phases.evaluation + status.phases.closed)), 'sudah ditandatangani'),
      h('div', { class: 'stat' }, h('span', { class: 'stat-n warn', 'data-testid': 'stat-overdue' }, String(overdueTotal)), 'terlambat'),
      h('div', { class: 'stat' }, h('span', { class: 'stat-n warn', 'data-testid': 'stat-gaps' }, String(tree.gaps.total)),
        h('a', { href: `#/pohon/${enc(cycleId)}`, 'data-testid': 'tree-link' }, 'celah pohon kinerja'))),
    h('div', { class: 'grid' },
      section('Kemajuan per tahap',
        barGroups({ title: 'Jumlah PK per tahap', groups: PHASES.map((p) => ({ label: PHASE[p], values: [own(status.phases, p) ?? 0] })), series: [{ name: 'PK' }], testid: 'chart-phases' })),
      section('Keterlambatan per tingkat eskalasi',
        barGroups({ title: 'PK terlambat per tingkat eskalasi', groups: levels.map((l) => ({ label: escalationLabel(l), values: [status.overdue.filter((o) => o.level === l).reduce((s, o) => s + o.n, 0)] })), series: [{ name: 'PK', cls: 'late' }], testid: 'chart-overdue' }),
        overdueTable)),
    section('Celah pohon kinerja per unit', gapTable(tree), h('a', { href: `#/pohon/${enc(cycleId)}` }, 'Buka pohon kinerja')),
    section('Kemajuan per unit',
      stackedBars({ title: 'Tahap PK per unit', rows: Object.entries(status.units).map(([u, phases]) => ({ label: nameOf(u), parts: PHASES.map((p) => own(phases, p) ?? 0) })), keys: PHASES.map((p, k) => ({ name: PHASE[p], cls: `p${k}` })), testid: 'chart-units' })),
    section('Capaian per unit per triwulan',
      barGroups({ title: 'Rata-rata capaian PK (%) s.d. tiap triwulan', groups: achievement.units.filter((u) => u.reporting > 0 || u.evaluated > 0).map((u) => ({ label: u.unitName, values: u.quarters })), series: QUARTERS, max: 100, format: fmtPercent, testid: 'chart-achievement' }),
      h('p', { class: 'muted small', 'data-testid': 'achievement-note' }, 'TW I–III: capaian terhitung dari laporan triwulan. TW IV: nilai evaluasi bagi PK yang sudah dievaluasi (termasuk penyesuaian tim evaluasi), sama dengan laporan dan daftar PK.')),
    h('div', { class: 'grid' },
      section('Kategori capaian dan predikat PK',
        barGroups({ title: 'PK per kategori capaian s.d. kini', groups: bands.map((b) => ({ label: b, values: [own(achievement.categories, b) ?? 0] })), series: [{ name: 'PK' }], testid: 'chart-categories' }),
        closedPredicates.size
          ? barGroups({ title: 'Predikat akhir PK yang sudah dievaluasi', groups: [...closedPredicates].map(([p, n]) => ({ label: p, values: [n] })), series: [{ name: 'PK', cls: 2 }], testid: 'chart-predicates' })
          : h('p', { class: 'muted' }, 'Belum ada PK yang selesai dievaluasi.')),
      section('Serapan anggaran dan capaian',
        barGroups({ title: 'Serapan anggaran (%) dan capaian (%) per unit', groups: achievement.units.filter((u) => u.budget > 0).map((u) => ({ label: u.unitName, values: [u.absorption, u.achievement] })), series: [{ name: 'Serapan anggaran', cls: 'budget' }, { name: 'Capaian', cls: 1 }], max: 100, format: fmtPercent, testid: 'chart-absorption' }),
        h('p', { class: 'muted small', 'data-testid': 'absorption-note' }, 'Pagu dan realisasi unit diambil dari PK kepala unit (Program); Kegiatan dan Sub-kegiatan di bawahnya adalah rinciannya dan tidak dijumlahkan lagi.'))),
    section('Sebaran predikat pegawai per unit', ratingsTable(cycleId, ratings.units), h('p', null, ratingsButton(cycleId, ratingsStatus)), ratingsStatus),
    section('Daftar PK', await agreementList(cycleId, report.units)));
}

/** Per unit: its predicate (its head's PK), its staff's predikats against the bounds it sets, whether it can close, and closing it. */
function ratingsTable(cycleId, units) {
  const rated = units.filter((u) => u.rated > 0 || u.unitPredicate);
  if (!rated.length) return h('p', { class: 'muted' }, 'Belum ada pegawai yang dinilai.');
  return table(['Unit', 'Predikat unit', 'Dinilai', 'Sebaran', 'Batas', 'Status', 'Tindakan'], rated.map((u) => {
    const state = h('td', { 'data-testid': 'unit-status' }, unitStatus(u));
    return h('tr', { 'data-unit': u.unitId },
      h('td', null, u.unitName), h('td', null, u.unitPredicate ?? '—'), h('td', { class: 'num' }, `${u.rated}/${u.staff}`),
      h('td', null, Object.entries(u.counts).map(([p, n]) => `${p}: ${n}`).join(', ') || '—'),
      h('td', null, u.bounds.map(boundText).join('; ') || '—'),
      state,
      h('td', null, u.closed ? '—' : closeControl(cycleId, u, state)));
  }), { 'data-testid': 'ratings-table' });
}

function unitStatus(u) {
  if (u.closed) return u.closed.exceptionReason ? `Ditutup dengan pengecualian: ${u.closed.exceptionReason}` : 'Ditutup';
  if (u.violations.length) return u.violations.map((v) => violationText(u.unitPredicate, v)).join(' ');
  return u.blockers.length ? 'Belum dapat ditutup' : 'Dapat ditutup';
}

/**
 * "Tutup penilaian unit": closes within the bounds; when the API answers distribution_violated it
 * names the broken bounds and asks for the written exception (the API's exceptionReason), then closes.
 */
function closeControl(cycleId, u, state) {
  const path = `/api/cycles/${enc(cycleId)}/units/${enc(u.unitId)}/ratings/close`;
  const status = h('div', { class: 'status', 'data-testid': 'close-status' });
  const button = h('button', { type: 'button', 'data-testid': 'close-unit', 'aria-label': `Tutup penilaian unit ${u.unitName}` }, 'Tutup penilaian unit');
  const control = h('div', { class: 'close-unit' }, button, status);
  const closed = (unit) => {
    replace(state, unitStatus(unit));
    replace(control, notice('success', 'Penilaian unit ditutup.'));
  };
  button.addEventListener('click', () => busy(button, status, async () => {
    try {
      closed(await api('POST', path, {}));
    } catch (err) {
      if (err.code !== 'distribution_violated') {
        replace(status, notice('error', BLOCKER[err.code] ?? errorMessage(err)));
        return;
      }
      button.hidden = true;
      replace(status, notice('warn', h('strong', null, 'Sebaran predikat melanggar batas:'),
        h('ul', null, (err.problem.violations ?? []).map((v) => h('li', { 'data-testid': 'close-violation' }, violationText(err.problem.unitPredicate, v))))),
      exceptionForm(path, closed));
    }
  }).catch(() => {}));
  return control;
}

function exceptionForm(path, closed) {
  const reason = h('textarea', { name: 'exceptionReason', rows: 3, required: true, 'data-path': '/exceptionReason' });
  const status = h('div', { class: 'status' });
  const button = h('button', { type: 'submit', class: 'danger' }, 'Tutup dengan pengecualian');
  const form = h('form', { class: 'reason-form', novalidate: true }, h('label', { class: 'field' }, h('span', { class: 'label' }, 'Alasan pengecualian'), reason), button, status);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!reason.value.trim()) return showProblems(form, [{ path: '/exceptionReason', code: 'empty_reason', message: 'Tuliskan alasan pengecualian.' }], null);
    busy(button, status, async () => closed(await api('POST', path, { exceptionReason: reason.value.trim() })))
      .catch((err) => showProblems(form, err.problems ?? [], null));
  });
  return form;
}
