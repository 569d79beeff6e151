// Each PK's timeline: who did what and when, from Temporal's history, the audit log and the
// notifications (GET …/history), with the audit hash chain checked (GET …/audit/verify). The history
// covers every run of the PK's workflow (from the archive once Temporal has dropped them): a
// continue-as-new is shown as one marked line, and the header says how many runs the year took.
import { h, replace } from '../dom.js';
import { agreementPath, get } from '../api.js';
import { fmtDateTime, fmtNumber, PARTY, REVISION_REASON, ROMAN, taskLabel } from '../format.js';
import { notice, section } from '../ui.js';
import { agreementHeader } from './agreement.js';

const SOURCE = { temporal: 'Proses', audit: 'Catatan audit', notification: 'Notifikasi' };
const hash = (d) => (d?.sha256 ? ` (SHA-256 ${String(d.sha256).slice(0, 16)}…)` : '');
const tw = (d) => `Triwulan ${ROMAN[(d?.quarter ?? 1) - 1]}`;
/** A deadline item (draft, sign:first, report:Q1…) as the inbox names the task. */
const item = (d) => `"${taskLabel(String(d?.item ?? ''))}"`;
const score = (n) => (n === null || n === undefined ? 'belum dapat dinilai' : fmtNumber(n));

/** The workflow's updates (workflows/messages.ts), its activities and its signals, as a reader calls them. */
const UPDATE = {
  saveDraft: 'Simpan draf',
  submitDraft: 'Ajukan draf',
  approveDraft: 'Setujui draf',
  returnDraft: 'Kembalikan draf',
  sign: 'Tanda tangan',
  reportRealization: 'Laporkan realisasi',
  verifyRealization: 'Verifikasi realisasi',
  returnRealization: 'Kembalikan laporan realisasi',
  evaluate: 'Evaluasi',
  startRevision: 'Mulai PK Perubahan',
  extendDeadline: 'Perpanjang tenggat',
};
const ACTIVITY = {
  recordTransition: 'Pencatatan perubahan status',
  recordTransitions: 'Pencatatan perubahan status',
  releaseSubordinates: 'Pemberitahuan ke PK bawahan',
  signAgreement: 'Pembuatan tanda tangan elektronik',
  computeEvaluation: 'Penghitungan nilai evaluasi',
  loadSchedule: 'Pembacaan jadwal',
  loadStartContext: 'Pembacaan data awal PK',
  notify: 'Pencatatan pengingat/eskalasi',
};
const SIGNAL = { superiorSigned: 'PK atasan sudah ditandatangani', calendarChanged: 'Kalender siklus diubah' };
const update = (d) => (UPDATE[d.update] ? `Tindakan "${UPDATE[d.update]}"` : 'Tindakan');
const activity = (d) => ACTIVITY[d.activity] ?? 'Langkah proses';

/** What happened, in Bahasa Indonesia. The server's summary is English, except the notifications' (their subject). */
function describe(e) {
  const d = e.data ?? {};
  switch (e.kind) {
    case 'drafting.opened': return 'Penyusunan draf dibuka';
    case 'draft.saved': return `Draf disimpan${d.version !== undefined ? `, versi ${d.version}` : ''}`;
    case 'draft.submitted': return 'Draf diajukan untuk reviu';
    case 'draft.approved': return 'Draf disetujui Pihak Kedua';
    case 'draft.returned': return `Draf dikembalikan: ${d.reason ?? ''}`;
    case 'document.signed': return `Ditandatangani ${PARTY[d.party] ?? 'salah satu pihak'}${hash(d)}`;
    case 'agreement.signed': return `PK ditandatangani kedua pihak${hash(d)}`;
    case 'signing.wrong_passphrase': return `Frasa sandi salah${PARTY[d.party] ? ` saat tanda tangan ${PARTY[d.party]}` : ''} (sisa ${d.attemptsLeft ?? 0} percobaan)`;
    case 'signing.locked': return `Penandatanganan dikunci hingga ${fmtDateTime(d.lockedUntil)}`;
    case 'signing.unlocked': return 'Kunci penandatanganan dibuka administrator';
    case 'realization.opened': return `${tw(d)} dibuka untuk pelaporan`;
    case 'realization.reported': return `Realisasi ${tw(d)} dilaporkan`;
    case 'realization.verified': return `Realisasi ${tw(d)} diverifikasi`;
    case 'realization.returned': return `Realisasi ${tw(d)} dikembalikan: ${d.reason ?? ''}`;
    case 'evidence.added': return `Bukti dukung ${tw(d)} dilampirkan: ${d.caption ?? ''}${d.kind === 'link' ? ` (${d.url})` : hash(d)}`;
    case 'evidence.removed': return `Bukti dukung ${tw(d)} dihapus: ${d.caption ?? ''}`;
    case 'evaluation.computed': return `Nilai PK dihitung: ${score(d.score)}${d.predicate ? `, predikat ${d.predicate}` : ''}`;
    case 'evaluation.adjusted': return `Nilai disesuaikan tim evaluasi${d.adjustments?.length ? ` (${d.adjustments.length} penyesuaian)` : ''}`;
    case 'evaluation.closed': return 'Evaluasi PK ditutup';
    case 'rating.saved': return `Penilaian pegawai disimpan${d.predikat ? `: predikat ${d.predikat}` : ''}`;
    case 'unit.ratings_closed': return 'Penilaian unit ditutup';
    case 'deadline.extended': return `Tenggat ${item(d)} diperpanjang hingga ${fmtDateTime(d.dueAt)}: ${d.reason ?? ''}`;
    case 'deadline.escalated': return `${item(d)} terlambat: dieskalasi ke tingkat ${d.level}`;
    case 'deadline.overdue': return `${item(d)} terlambat: tidak ada atasan untuk eskalasi`;
    case 'revision.started': return `PK Perubahan dimulai (${REVISION_REASON[d.reason] ?? 'alasan lain'})${d.note ? `: ${d.note}` : ''}`;
    case 'official.changed': return `Pergantian pejabat: ${d.name ?? ''} (${d.nip ?? d.officialId ?? ''})`;
    case 'notification.requeued': return `Notifikasi ${item(d)} dikirim ulang`;
    case 'calendar.changed': return `Kalender siklus diubah${d.calendarVersion ? ` (versi ${d.calendarVersion})` : ''}`;
    case 'cycle.rules_changed': return 'Aturan penilaian siklus diubah';
    case 'cycle.imported': return 'Data organisasi siklus diimpor';
    case 'workflow.started': return 'Proses PK dimulai';
    case 'workflow.completed': return 'Proses PK selesai';
    case 'workflow.continued': return 'Riwayat proses dilanjutkan ke bagian berikutnya (status dibawa)';
    case 'workflow.run_started': return 'Bagian berikutnya riwayat proses dimulai';
    case 'workflow.terminated': return 'Proses PK dihentikan oleh operator';
    case 'update.accepted': return `${update(d)} diterima`;
    case 'update.completed': return `${update(d)} selesai`;
    case 'update.failed': return `${update(d)} ditolak atau gagal; tidak ada yang berubah`;
    case 'activity.completed': return `${activity(d)} selesai`;
    case 'activity.failed': return `${activity(d)} gagal (akan dicoba lagi)`;
    case 'timer.started': return 'Pengatur waktu tenggat dipasang';
    case 'timer.fired': return 'Tenggat/pengingat tercapai';
    case 'signal': return `Pemberitahuan diterima${SIGNAL[d.signal] ? `: ${SIGNAL[d.signal]}` : ''}`;
    case 'task': return `Tugas dikirim: ${e.summary}`;
    // a notification's subject already starts with "Pengingat: " / "Eskalasi tingkat n: "
    case 'reminder': return e.summary?.startsWith('Pengingat') ? e.summary : `Pengingat: ${e.summary}`;
    default:
      if (e.kind.startsWith('escalation.level')) {
        const prefix = `Eskalasi tingkat ${e.kind.slice('escalation.level'.length)}`;
        return e.summary?.startsWith('Eskalasi tingkat') ? e.summary : `${prefix}: ${e.summary}`;
      }
      return e.source === 'notification' ? e.summary : 'Peristiwa lain tercatat';
  }
}

/** The code names behind a line (the update, activity or signal, the entry's kind), for whoever reads Temporal's history. */
function technical(e) {
  const d = e.data ?? {};
  const names = [e.kind, d.update, d.activity, d.signal].filter((x) => typeof x === 'string' && x);
  if (e.source === 'notification' || !names.length) return null;
  return h('details', { class: 'technical small' }, h('summary', null, 'Rincian teknis'), h('code', null, names.join(' · ')));
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
        h('div', { class: 'tl-text' }, h('span', null, describe(e)), technical(e)),
        e.actor ? h('span', { class: 'muted small' }, ` oleh ${e.actor}`) : null))));
}

export async function renderTimeline(main, { params }) {
  const [id] = params;
  const [a, list] = await Promise.all([get(agreementPath(id)), timelineList(id)]);
  replace(main, agreementHeader(a), h('p', null, h('a', { href: `#/pk/${encodeURIComponent(id)}` }, '← Kembali ke PK')), section('Linimasa', list));
}
