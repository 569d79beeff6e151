// Each PK's timeline: who did what and when, from Temporal's history, the audit log and the
// notifications (GET …/history), with the audit hash chain checked (GET …/audit/verify). The history
// covers every run of the PK's workflow (from the archive once Temporal has dropped them): a
// continue-as-new is shown as one marked line, and the header says how many runs the year took.
import { h, replace } from '../dom.js';
import { agreementPath, get } from '../api.js';
import { fmtDateTime, PARTY, ROMAN } from '../format.js';
import { notice, section } from '../ui.js';
import { agreementHeader } from './agreement.js';

const SOURCE = { temporal: 'Proses', audit: 'Catatan audit', notification: 'Notifikasi' };
const hash = (d) => (d?.sha256 ? ` (SHA-256 ${String(d.sha256).slice(0, 16)}…)` : '');
const tw = (d) => `Triwulan ${ROMAN[(d?.quarter ?? 1) - 1]}`;

/** What happened, in Bahasa Indonesia; entries we do not know keep the server's summary. */
function describe(e) {
  const d = e.data ?? {};
  switch (e.kind) {
    case 'draft.saved': return `Draf disimpan, versi ${d.version ?? ''}`;
    case 'draft.submitted': return 'Draf diajukan untuk reviu';
    case 'draft.approved': return 'Draf disetujui Pihak Kedua';
    case 'draft.returned': return `Draf dikembalikan: ${d.reason ?? ''}`;
    case 'document.signed': return `Ditandatangani ${PARTY[d.party] ?? d.party}${hash(d)}`;
    case 'agreement.signed': return `PK ditandatangani kedua pihak${hash(d)}`;
    case 'realization.reported': return `Realisasi ${tw(d)} dilaporkan`;
    case 'realization.verified': return `Realisasi ${tw(d)} diverifikasi`;
    case 'realization.returned': return `Realisasi ${tw(d)} dikembalikan: ${d.reason ?? ''}`;
    case 'evidence.added': return `Bukti dukung ${tw(d)} dilampirkan: ${d.caption ?? ''}${d.kind === 'link' ? ` (${d.url})` : hash(d)}`;
    case 'evidence.removed': return `Bukti dukung ${tw(d)} dihapus: ${d.caption ?? ''}`;
    case 'deadline.extended': return `Tenggat ${d.item} diperpanjang hingga ${fmtDateTime(d.dueAt)}: ${d.reason ?? ''}`;
    case 'deadline.escalated': return `${d.item} terlambat: dieskalasi ke tingkat ${d.level}`;
    case 'deadline.overdue': return `${d.item} terlambat: tidak ada atasan untuk eskalasi`;
    case 'revision.started': return `PK Perubahan dimulai (${d.reason}): ${d.note ?? ''}`;
    case 'official.changed': return `Pergantian pejabat: ${d.name ?? ''} (${d.nip ?? d.officialId ?? ''})`;
    case 'workflow.started': return 'Proses PK dimulai';
    case 'workflow.completed': return 'Proses PK selesai';
    case 'workflow.continued': return 'Riwayat proses dilanjutkan ke bagian berikutnya (status dibawa)';
    case 'workflow.run_started': return 'Bagian berikutnya riwayat proses dimulai';
    case 'workflow.terminated': return 'Proses PK dihentikan oleh operator';
    case 'update.accepted': return `Tindakan ${d.update} diterima`;
    case 'update.completed': return `Tindakan ${d.update} selesai`;
    case 'update.failed': return `Tindakan ${d.update} gagal`;
    case 'activity.completed': return `Langkah ${d.activity} selesai`;
    case 'activity.failed': return `Langkah ${d.activity} gagal`;
    case 'timer.started': return 'Pengatur waktu tenggat dipasang';
    case 'timer.fired': return 'Tenggat/pengingat tercapai';
    case 'signal': return `Pemberitahuan ${d.signal} diterima`;
    case 'task': return `Tugas dikirim: ${e.summary}`;
    case 'reminder': return `Pengingat: ${e.summary}`;
    default:
      if (e.kind.startsWith('escalation.level')) return `Eskalasi tingkat ${e.kind.slice('escalation.level'.length)}: ${e.summary}`;
      return e.summary;
  }
}

export async function timelineList(id) {
  const [history, chain] = await Promise.all([get(`${agreementPath(id)}/history`), get(`${agreementPath(id)}/audit/verify`)]);
  const runs = history.runs ?? [];
  const archived = runs.filter((r) => r.archived).length;
  return h('div', null,
    chain.ok ? notice('success', 'Rantai hash catatan audit utuh.') : notice('error', 'Rantai hash catatan audit rusak!'),
    runs.length > 1
      ? h('p', { class: 'muted small', 'data-testid': 'timeline-runs' },
        `Riwayat proses lengkap: ${runs.length} bagian berurutan (${archived} dari arsip), ditampilkan tanpa jeda.`)
      : null,
    h('ol', { class: 'timeline', 'data-testid': 'timeline' }, history.entries.map((e) =>
      h('li', { class: `tl-${e.source}${e.kind === 'workflow.continued' ? ' tl-continued' : ''}`, 'data-kind': e.kind, 'data-run': e.runId ?? null },
        h('time', { datetime: e.at }, fmtDateTime(e.at)),
        h('span', { class: 'badge' }, SOURCE[e.source] ?? e.source),
        h('span', null, describe(e)),
        e.actor ? h('span', { class: 'muted small' }, ` oleh ${e.actor}`) : null))));
}

export async function renderTimeline(main, { params }) {
  const [id] = params;
  const [a, list] = await Promise.all([get(agreementPath(id)), timelineList(id)]);
  replace(main, agreementHeader(a), h('p', null, h('a', { href: `#/pk/${encodeURIComponent(id)}` }, '← Kembali ke PK')), section('Linimasa', list));
}
