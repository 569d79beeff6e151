// Each PK's timeline: who did what and when, from Temporal's history, the audit log and the
// notifications (GET …/history), with the audit hash chain checked (GET …/audit/verify). The history
// covers every run of the PK's workflow (from the archive once Temporal has dropped them): a
// continue-as-new is shown as one marked line, and the header says how many runs the year took;
// a link opens the workflow in Temporal's UI, and a button downloads the whole history export.
import { h, replace } from '../dom.js';
import { agreementPath, get } from '../api.js';
import { actorText, describeTimelineEntry, fmtDateTime } from '../format.js';
import { downloadButton, notice, section } from '../ui.js';
import { agreementHeader } from './agreement.js';

const SOURCE = { temporal: 'Proses', audit: 'Catatan audit', notification: 'Notifikasi' };
/** The code names behind a line (the update, activity or signal, the entry's kind), for whoever reads Temporal's history. */
function technical(e) {
  const d = e.data ?? {};
  const names = [e.kind, d.update, d.activity, d.signal].filter((x) => typeof x === 'string' && x);
  if (e.source === 'notification' || !names.length) return null;
  return h('details', { class: 'technical small' }, h('summary', null, 'Rincian teknis'), h('code', null, names.join(' · ')));
}

/**
 * The workflow in Temporal's UI (when Temporal answered and a UI address is configured), and the
 * whole history export (GET …/history/export, every run as Temporal JSON) as a file.
 */
function historyTools(id, history) {
  const status = h('div', { class: 'status' });
  const ui = history.temporalAvailable && /^https?:\/\//i.test(history.temporalUi ?? '')
    ? h('a', { href: history.temporalUi, target: '_blank', rel: 'noopener noreferrer', 'data-testid': 'temporal-ui' }, 'Buka di Temporal UI')
    : null;
  return h('div', null,
    h('p', { class: 'row' },
      downloadButton('Unduh riwayat lengkap (JSON)', `${agreementPath(id)}/history/export`, 'riwayat.json', status, { 'data-testid': 'history-export' }),
      ui),
    status);
}

/** `agreement`: the PK (GET /api/agreements/:id), or a promise of it, read while the history loads: its zone, and whether it has a second party. */
export async function timelineList(id, agreement) {
  const [history, chain, a] = await Promise.all([get(`${agreementPath(id)}/history`), get(`${agreementPath(id)}/audit/verify`), agreement]);
  const zone = a.utcOffsetHours;
  const reviewed = Boolean(a.secondParty);
  const runs = history.runs ?? [];
  const archived = runs.filter((r) => r.archived).length;
  const list = entryList(history, zone, reviewed);
  return h('div', null,
    historyTools(id, history),
    chain.ok
      ? notice('success', 'Catatan audit utuh: tidak ada catatan yang diubah atau dihapus.')
      : notice('error', 'Peringatan: catatan audit PK ini tidak utuh (ada catatan yang diubah atau hilang). Laporkan ke administrator Kinerja.'),
    runs.length > 1
      ? h('p', { class: 'muted small', 'data-testid': 'timeline-runs' },
        `Riwayat proses lengkap: ${runs.length} bagian berurutan (${archived} dari arsip), ditampilkan tanpa jeda.`)
      : null,
    sourceFilter(history.entries, list),
    list);
}

/**
 * A year's timeline runs to hundreds of lines, most of them Temporal's own steps: the reader picks
 * one source (the audit log alone reads as the PK's story: who did what), the count beside each.
 */
function sourceFilter(entries, list) {
  const count = (source) => entries.filter((e) => e.source === source).length;
  const select = h('select', { 'data-testid': 'timeline-filter' },
    h('option', { value: '' }, `Semua (${entries.length})`),
    Object.entries(SOURCE).map(([source, label]) => h('option', { value: source }, `${label} saja (${count(source)})`)));
  select.addEventListener('change', () => {
    for (const li of list.children) li.hidden = Boolean(select.value) && !li.classList.contains(`tl-${select.value}`);
  });
  return h('label', { class: 'field inline' }, h('span', { class: 'label' }, 'Tampilkan'), select);
}

function entryList(history, zone, reviewed) {
  return h('ol', { class: 'timeline', 'data-testid': 'timeline' }, history.entries.map((e) =>
    h('li', { class: `tl-${e.source}${e.kind === 'workflow.continued' ? ' tl-continued' : ''}`, 'data-kind': e.kind, 'data-run': e.runId ?? null },
      h('time', { datetime: e.at }, fmtDateTime(e.at, zone)),
      h('span', { class: 'badge' }, SOURCE[e.source] ?? e.source),
      h('div', { class: 'tl-text' }, h('span', null, describeTimelineEntry(e, zone, { reviewed })), technical(e)),
      e.actor ? h('span', { class: 'muted small tl-actor', 'data-testid': 'actor' }, ` oleh ${actorText(e.actor, e.actorName)}`) : null)));
}

export async function renderTimeline(main, { params }) {
  const [id] = params;
  const agreement = get(agreementPath(id));
  const [a, list] = await Promise.all([agreement, timelineList(id, agreement)]);
  replace(main, agreementHeader(a), h('p', null, h('a', { href: `#/pk/${encodeURIComponent(id)}` }, '← Kembali ke PK')), section('Linimasa', list));
}
