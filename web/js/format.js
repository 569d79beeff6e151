// How values read in Bahasa Indonesia: times in the PK's region's zone (WIB, WITA, WIT) with
// Indonesian month names, Rupiah with dot thousands, percentages with a decimal comma, and the names
// of phases and tasks.
import { timeZoneOf } from '/lib/time-zones.js';
import { PHASE_LABELS } from '/lib/labels.js';
import { escalationLabel } from '/lib/escalation-level.js';

const dateOnly = new Intl.DateTimeFormat('id-ID', { dateStyle: 'long', timeZone: 'Asia/Jakarta' });
const number = new Intl.NumberFormat('id-ID', { maximumFractionDigits: 2 });

const dateTimeFormats = new Map();
function dateTimeIn(timeZone) {
  if (!dateTimeFormats.has(timeZone)) dateTimeFormats.set(timeZone, new Intl.DateTimeFormat('id-ID', { dateStyle: 'medium', timeStyle: 'short', timeZone }));
  return dateTimeFormats.get(timeZone);
}

/**
 * An instant as the PK's region reads it: `utcOffsetHours` is its cycle calendar's (the API's
 * `utcOffsetHours`, a task's `cycleOf.utcOffsetHours`); without one (no PK in view), WIB.
 */
export function fmtDateTime(iso, utcOffsetHours) {
  if (!iso) return '—';
  const zone = timeZoneOf(utcOffsetHours);
  return `${dateTimeIn(zone.timeZone).format(new Date(iso))} ${zone.label}`;
}
export const fmtDate = (iso) => (iso ? dateOnly.format(new Date(iso)) : '—');
export const fmtNumber = (n) => (n === null || n === undefined || Number.isNaN(n) ? '—' : number.format(n));
export const fmtPercent = (n) => (n === null || n === undefined ? '—' : `${number.format(n)}%`);
/** A file's size with a decimal comma: "2,5 MB", "40 KB" (at least 1 KB). */
export const fmtFileSize = (n) => (n >= 1024 * 1024 ? `${fmtNumber(Math.round(n / 104857.6) / 10)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);
export const fmtRupiah = (n) => (n === null || n === undefined ? '—' : `Rp ${new Intl.NumberFormat('id-ID', { maximumFractionDigits: 0 }).format(n)}`);

/**
 * A number typed into a form field, read the Indonesian way. The page's number fields are
 * type="text" (inputmode decimal, or numeric for Rupiah): Chromium's type="number" silently read
 * "70,95" as 7095, so a PK could be signed with a target 100 times too large. One rule for every
 * view (draft, report, evaluation):
 * - empty is null; spaces, and "Rp" before a Rupiah amount, are ignored; a leading minus is kept
 *   (the server names a negative value).
 * - a comma is the decimal separator (one only); dots before it group thousands: "70,95", "1.250,5".
 * - Rupiah (`rupiah: true`, whole Rupiah): dots group thousands, "1.250" is 1250 and "1.250.000"
 *   1250000; after a comma only zeros ("1.250.000,00"); sen are refused.
 * - other values without a comma: two or more dots in groups of three group thousands
 *   ("1.250.000"); one dot is a decimal point for those used to it ("70.95", "0.125"), except a
 *   dot with exactly three digits after a non-zero whole part ("1.250"), which is 1250 to an
 *   Indonesian reader and 1.25 to others: refused as ambiguous, with both readings named.
 * - anything else (letters, "1e3", two commas, misplaced dots) is refused, never read as another number.
 * Returns { value } (a number, or null) or { error } (the Indonesian sentence shown beside the field).
 */
export function parseNumberInput(text, { rupiah = false } = {}) {
  const typed = String(text ?? '').replace(/[\s\u00a0\u202f]/g, '');
  let t = rupiah ? typed.replace(/^Rp\.?/i, '') : typed;
  if (t === '') return { value: null };
  const notNumber = rupiah ? 'Bukan angka rupiah. Tulis rupiah bulat, mis. 1.250.000.' : 'Bukan angka. Gunakan koma untuk desimal, mis. 70,95.';
  const sen = 'Anggaran ditulis dalam rupiah bulat tanpa sen; titik memisahkan ribuan, mis. 1.250.000.';
  const sign = t.startsWith('-') ? -1 : 1;
  if (/^[-+]/.test(t)) t = t.slice(1);
  if (!/^[\d.,]+$/.test(t) || !/\d/.test(t)) return { error: notNumber };
  const grouped = /^\d{1,3}(\.\d{3})+$/;
  const done = (n) => (Number.isFinite(n) ? { value: sign * n } : { error: 'Angka terlalu besar.' });
  const [whole, fraction, ...more] = t.split(',');
  if (more.length) return { error: notNumber };
  if (fraction !== undefined) {
    if (!/^\d+$/.test(fraction) || !(/^\d*$/.test(whole) || grouped.test(whole))) return { error: notNumber };
    const digits = whole.replaceAll('.', '') || '0';
    if (rupiah) return /^0+$/.test(fraction) ? done(Number(digits)) : { error: sen };
    return done(Number(`${digits}.${fraction}`));
  }
  if (/^\d+$/.test(t)) return done(Number(t));
  if (grouped.test(t)) {
    if (rupiah || t.split('.').length > 2) return done(Number(t.replaceAll('.', '')));
    if (/^0\./.test(t)) return done(Number(t));
    return { error: `Tidak jelas: ${t} bisa berarti ${t.replace('.', '')} atau ${t.replace('.', ',')}. Tulis ${t.replace('.', '')} tanpa titik, atau ${t.replace('.', ',')} dengan koma desimal.` };
  }
  if (/^\d*\.\d+$/.test(t)) return rupiah ? { error: sen } : done(Number(`0${t}`));
  return { error: notNumber };
}

/**
 * A stored number as its field shows it, for parseNumberInput to read back unchanged: a decimal
 * comma, every digit the number has (70.95 → "70,95"); Rupiah grouped with dots (1250000 → "1.250.000").
 */
export function fmtNumberInput(n, { rupiah = false } = {}) {
  if (n === null || n === undefined || n === '') return '';
  if (typeof n !== 'number' || !Number.isFinite(n)) return String(n);
  if (rupiah && Number.isInteger(n)) return new Intl.NumberFormat('id-ID', { maximumFractionDigits: 0 }).format(n);
  let text = String(n);
  if (text.includes('e')) {
    // 1.5e-7 → 0.00000015, 1e21 → 1000000000000000000000: the same number, without an exponent
    const [mantissa, exponent] = text.split('e');
    const negative = mantissa.startsWith('-');
    const [i, f = ''] = mantissa.replace('-', '').split('.');
    const digits = i + f;
    const point = i.length + Number(exponent);
    const plain = point <= 0 ? `0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length ? digits + '0'.repeat(point - digits.length) : `${digits.slice(0, point)}.${digits.slice(point)}`;
    text = (negative ? '-' : '') + plain;
  }
  return text.replace('.', ',');
}

/** A PK's phase in words: the same table the Excel downloads use (domain/labels.ts). */
export const PHASE = PHASE_LABELS;

export const ROMAN = ['I', 'II', 'III', 'IV'];

// Each task in two forms: what to do (the inbox's link) and what is not done yet ("Belum …", the
// escalations). Quarterly items ("report:Q1") name their quarter.
const TASK_TEXT = {
  draft: ['Susun draf PK', 'menyusun draf PK'],
  review: ['Reviu draf bawahan', 'mereviu draf bawahan'],
  'sign:first': ['Tanda tangani sebagai Pihak Pertama', 'menandatangani sebagai Pihak Pertama'],
  'sign:second': ['Tanda tangani sebagai Pihak Kedua', 'menandatangani sebagai Pihak Kedua'],
  sign: ['Tanda tangani PK', 'menandatangani PK'],
  report: ['Laporkan realisasi triwulan', 'melaporkan realisasi triwulan'],
  verify: ['Verifikasi realisasi bawahan', 'memverifikasi realisasi bawahan'],
  evaluate: ['Evaluasi PK', 'menyelesaikan evaluasi PK'],
  evaluation: ['Evaluasi PK', 'menyelesaikan evaluasi PK'],
};
const QUARTER_TASK_TEXT = { report: ['Laporkan realisasi', 'melaporkan realisasi'], verify: ['Verifikasi realisasi', 'memverifikasi realisasi'] };

function taskText(task, form) {
  const quarterly = /^(report|verify):Q([1-4])$/.exec(task);
  if (quarterly) return `${QUARTER_TASK_TEXT[quarterly[1]][form]} Triwulan ${ROMAN[quarterly[2] - 1]}`;
  return TASK_TEXT[task]?.[form] ?? task;
}

export const taskLabel = (task) => taskText(task, 0);
/** A task as what someone has not done yet ("Belum menyusun draf PK"). */
export const taskPending = (task) => taskText(task, 1);
/**
 * An inbox item's task as a deadline item: a report or verification with its `quarter` (GET
 * /api/me/tasks) is "report:Q1", so it reads "Laporkan realisasi Triwulan I"; any other as it is.
 */
export const inboxTaskItem = (item) => (item.quarter && QUARTER_TASK_TEXT[item.task] ? `${item.task}:Q${item.quarter}` : item.task);

/**
 * Who did it, from the history's actor key (`role:id`, or `system`) and, for an official, the name
 * the timeline gives: the name with the NIP when there is one (the Kepala Daerah's id is technical:
 * never shown when the name is known); the role in words, a NIP said to be one.
 */
export function actorText(actor, name) {
  if (actor === 'system') return 'sistem';
  const [role, ...rest] = String(actor).split(':');
  const id = rest.join(':');
  const isNip = /^\d{18}$/.test(id);
  if (role === 'official' && name) return isNip ? `${name} (NIP ${id})` : name;
  if (role === 'official') return isNip ? `pejabat NIP ${id}` : `pejabat ${id}`;
  if (role === 'evaluator') return `Tim Evaluasi (${id})`;
  if (role === 'admin') return `administrator (${id})`;
  return String(actor);
}

/** Why a PK Perubahan is started (the API's reason codes). */
export const REVISION_REASON = {
  official: 'Pergantian pejabat',
  budget: 'Perubahan anggaran (APBD-P)',
  strategy: 'Perubahan kebijakan/strategi',
};

/**
 * A signature's problem codes (signing/verify.ts SignatureProblemCode) as the public verification
 * report words them (web/js/verification-report.js and the stored report of views/verify.js).
 */
export const SIGNATURE_PROBLEM = {
  document_modified: 'isi dokumen berubah',
  signature_invalid: 'tanda tangan tidak valid',
  untrusted_certificate: 'sertifikat tidak dipercaya',
  certificate_expired: 'sertifikat tidak berlaku saat penandatanganan',
  certificate_revoked: 'sertifikat dicabut',
  timestamp_invalid: 'penanda waktu tidak valid',
  malformed_signature: 'struktur tanda tangan tidak sesuai',
};

/** The same reasons inside a sentence (the timeline's "PK Perubahan dimulai (…)"). */
export const REVISION_REASON_IN_TEXT = { official: 'pergantian pejabat', budget: 'perubahan anggaran', strategy: 'perubahan kebijakan' };

export const PARTY = { first: 'Pihak Pertama', second: 'Pihak Kedua' };

/** A PK's position by its title; without one (a fallback), said as such with its code. */
export const positionTitle = (a) => a.position?.title ?? `Jabatan tanpa nama (kode ${a.positionId})`;
export const QUARTER_STATUS = { not_open: 'Belum dibuka', open: 'Terbuka', reported: 'Dilaporkan', verified: 'Terverifikasi' };
export const DIRECTION = { up: 'Semakin tinggi semakin baik', down: 'Semakin rendah semakin baik' };
export const NOT_ASSESSED = { no_target: 'Tidak dinilai (tanpa target)', no_realization: 'Tidak dinilai (belum ada realisasi)' };

/** Escalation levels in words, as the mails say them (domain/escalation-level.ts). */
export { escalationLabel };

/** How late an item is, in its two largest units: "3 hari 4 jam", "12 detik". */
export function fmtLateness(seconds) {
  const units = [['hari', 86400], ['jam', 3600], ['menit', 60], ['detik', 1]];
  let rest = Math.max(0, Math.floor(seconds));
  const parts = [];
  for (const [name, size] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n > 0 || parts.length > 0) parts.push(n > 0 ? `${n} ${name}` : null);
    if (parts.length === 2) break;
  }
  const shown = parts.filter(Boolean);
  return shown.length ? shown.join(' ') : 'kurang dari 1 detik';
}

// The timeline's lines (web/js/views/timeline.js).
const shaOf = (d) => (d?.sha256 ? ` (SHA-256 ${String(d.sha256).slice(0, 16)}…)` : '');
const quarterOf = (d) => `Triwulan ${ROMAN[(d?.quarter ?? 1) - 1]}`;
/** A deadline item (draft, sign:first, report:Q1…) as the inbox names the task. */
const itemOf = (d) => `"${taskLabel(String(d?.item ?? ''))}"`;
const scoreOf = (n) => (n === null || n === undefined ? 'belum dapat dinilai' : fmtPercent(n));

/** The workflow's updates (workflows/messages.ts), its activities and its signals, as a reader calls them. */
const TIMELINE_UPDATE = {
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
const TIMELINE_ACTIVITY = {
  recordTransition: 'Pencatatan perubahan status',
  recordTransitions: 'Pencatatan perubahan status',
  releaseSubordinates: 'Pemberitahuan ke PK bawahan',
  signAgreement: 'Pembuatan tanda tangan elektronik',
  computeEvaluation: 'Penghitungan nilai evaluasi',
  loadSchedule: 'Pembacaan jadwal',
  loadStartContext: 'Pembacaan data awal PK',
  notify: 'Pencatatan pengingat/eskalasi',
};
const TIMELINE_SIGNAL = { superiorSigned: 'PK atasan sudah ditandatangani', calendarChanged: 'Kalender siklus diubah' };
const updateOf = (d) => (TIMELINE_UPDATE[d.update] ? `Tindakan "${TIMELINE_UPDATE[d.update]}"` : 'Tindakan');
const activityOf = (d) => TIMELINE_ACTIVITY[d.activity] ?? 'Langkah proses';

/**
 * A timeline entry (GET …/history) in Bahasa Indonesia: what happened. The server's summary is
 * English, except the notifications' (their subject, already Indonesian); code names (updates,
 * activities, signals) are put in words, the view keeps them under "Rincian teknis".
 * `reviewed`: false for a PK with no second party (the Kepala Daerah's), whose draft goes
 * straight to signing.
 */
export function describeTimelineEntry(e, utcOffsetHours, { reviewed = true } = {}) {
  const d = e.data ?? {};
  switch (e.kind) {
    case 'drafting.opened': return 'Penyusunan draf dibuka';
    case 'draft.saved': return `Draf disimpan${d.version !== undefined ? `, versi ${d.version}` : ''}`;
    case 'draft.submitted': return reviewed ? 'Draf diajukan untuk reviu' : 'Draf difinalkan untuk penandatanganan';
    case 'draft.approved': return 'Draf disetujui Pihak Kedua';
    case 'draft.returned': return `Draf dikembalikan: ${d.reason ?? ''}`;
    case 'document.signed': return `Ditandatangani ${PARTY[d.party] ?? 'salah satu pihak'}${shaOf(d)}`;
    case 'agreement.signed': return `PK ditandatangani kedua pihak${shaOf(d)}`;
    case 'signing.wrong_passphrase': return `Frasa sandi salah${PARTY[d.party] ? ` saat tanda tangan ${PARTY[d.party]}` : ''} (sisa ${d.attemptsLeft ?? 0} percobaan)`;
    case 'signing.locked': return `Penandatanganan dikunci hingga ${fmtDateTime(d.lockedUntil, utcOffsetHours)}`;
    case 'signing.unlocked': return 'Kunci penandatanganan dibuka administrator';
    case 'realization.opened': return `${quarterOf(d)} dibuka untuk pelaporan`;
    case 'realization.reported': return `Realisasi ${quarterOf(d)} dilaporkan`;
    case 'realization.verified': return `Realisasi ${quarterOf(d)} diverifikasi`;
    case 'realization.returned': return `Realisasi ${quarterOf(d)} dikembalikan: ${d.reason ?? ''}`;
    case 'evidence.added': return `Bukti dukung ${quarterOf(d)} dilampirkan: ${d.caption ?? ''}${d.kind === 'link' ? ` (${d.url})` : shaOf(d)}`;
    case 'evidence.removed': return `Bukti dukung ${quarterOf(d)} dihapus: ${d.caption ?? ''}`;
    case 'evaluation.computed': return `Nilai PK dihitung: ${scoreOf(d.score)}${d.predicate ? `, predikat ${d.predicate}` : ''}`;
    case 'evaluation.adjusted': return `Nilai disesuaikan tim evaluasi${d.adjustments?.length ? ` (${d.adjustments.length} penyesuaian)` : ''}`;
    case 'evaluation.closed': return 'Evaluasi PK ditutup';
    case 'rating.saved': return `Penilaian pegawai disimpan${d.predikat ? `: predikat ${d.predikat}` : ''}`;
    case 'unit.ratings_closed': return 'Penilaian unit ditutup';
    case 'deadline.extended': return `Tenggat ${itemOf(d)} diperpanjang hingga ${fmtDateTime(d.dueAt, utcOffsetHours)}: ${d.reason ?? ''}`;
    case 'deadline.escalated': return `${itemOf(d)} terlambat: dieskalasi ke tingkat ${d.level}`;
    case 'deadline.overdue': return `${itemOf(d)} terlambat: tidak ada atasan untuk eskalasi`;
    case 'revision.started': return `PK Perubahan dimulai (${REVISION_REASON_IN_TEXT[d.reason] ?? 'alasan lain'})${d.note ? `: ${d.note}` : ''}`;
    case 'official.changed': return `Pergantian pejabat: ${d.name ?? ''} (${d.nip ?? d.officialId ?? ''})`;
    case 'notification.requeued': return `Notifikasi ${itemOf(d)} dikirim ulang`;
    case 'calendar.changed': return `Kalender siklus diubah${d.calendarVersion ? ` (versi ${d.calendarVersion})` : ''}`;
    case 'cycle.rules_changed': return 'Aturan penilaian siklus diubah';
    case 'cycle.imported': return 'Data organisasi siklus diimpor';
    case 'workflow.started': return 'Proses PK dimulai';
    case 'workflow.completed': return 'Proses PK selesai';
    case 'workflow.continued': return 'Riwayat proses dilanjutkan ke bagian berikutnya (status dibawa)';
    case 'workflow.run_started': return 'Bagian berikutnya riwayat proses dimulai';
    case 'workflow.terminated': return 'Proses PK dihentikan oleh operator';
    case 'update.accepted': return `${updateOf(d)} diterima`;
    case 'update.completed': return `${updateOf(d)} selesai`;
    case 'update.failed': return `${updateOf(d)} ditolak atau gagal; tidak ada yang berubah`;
    case 'activity.completed': return `${activityOf(d)} selesai`;
    case 'activity.failed': return `${activityOf(d)} gagal`;
    case 'timer.started': return 'Pengatur waktu tenggat dipasang';
    case 'timer.fired': return 'Tenggat/pengingat tercapai';
    case 'signal': return `Pemberitahuan diterima${TIMELINE_SIGNAL[d.signal] ? `: ${TIMELINE_SIGNAL[d.signal]}` : ''}`;
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

/**
 * Per-field problem codes the API sends (domain/, api/: `problem(…)`, `coded(…)`, zod's issue codes
 * and schema-problems.ts's own), in Bahasa Indonesia. The server's `message` is English and is never
 * shown: a code without a text here gets a generic Indonesian sentence naming the code
 * (test/unit/page-texts.test.ts fails when the API gains a code with no text).
 */
const PROBLEM = {
  no_objectives: 'PK memerlukan minimal satu sasaran dengan indikator.',
  missing_column: 'Kolom wajib tidak ada di baris judul.',
  unknown_column: 'Judul kolom tidak dikenal (periksa ejaannya).',
  duplicate_column: 'Judul kolom muncul lebih dari sekali.',
  nip_not_text: 'NIP tersimpan sebagai angka sehingga digitnya hilang; format kolom NIP sebagai teks.',
  conflicting_unit_name: 'Nama unit berbeda dengan baris lain yang memakai kode unit yang sama.',
  malformed_nip: 'NIP harus tepat 18 digit.',
  missing_nip: 'NIP wajib diisi; hanya Kepala Daerah yang boleh tanpa NIP.',
  duplicate_nip: 'NIP dipakai lebih dari sekali.',
  dangling_parent: 'Jabatan atasan (kode_jabatan_atasan) tidak ada di daftar jabatan.',
  cycle: 'Rantai atasan jabatan ini berputar kembali ke dirinya sendiri.',
  invalid_year: 'Tahun harus antara 2000 dan 2100.',
  no_indicators: 'Setiap sasaran memerlukan minimal satu indikator.',
  duplicate_indicator_id: 'Kode indikator dipakai lebih dari sekali.',
  missing_parent_indicator: 'Pilih indikator atasan yang didukung, atau tandai sebagai tugas tambahan.',
  unknown_parent_indicator: 'Indikator atasan ini tidak ada di PK atasan.',
  unknown_indicator: 'Indikator ini tidak ada di PK ini.',
  duplicate_indicator: 'Indikator ini dilaporkan lebih dari sekali.',
  missing_indicator: 'Setiap indikator PK harus dilaporkan (kosongkan nilainya bila belum terukur).',
  budget_lines_mismatch: 'Realisasi anggaran harus diisi satu per baris anggaran PK.',
  empty_name: 'Tidak boleh kosong.',
  empty_id: 'Kode tidak boleh kosong.',
  empty_reason: 'Tuliskan alasan pengecualian.', // the page's own check (web/js/views/dashboard.js, the ratings' exception)
  missing_reason: 'Alasan wajib diisi.',
  invalid_range: 'Batas bawah rentang tidak boleh melebihi batas atas.',
  invalid_target: 'Target harus angka ≥ 0.',
  invalid_amount: 'Anggaran harus rupiah bulat ≥ 0.',
  invalid_weight: 'Bobot harus angka ≥ 0.',
  too_small: 'Nilai terlalu kecil (harus ≥ 0).',
  too_big: 'Nilai terlalu besar.',
  too_long: 'Teks terlalu panjang.',
  too_many: 'Jumlah butir terlalu banyak.',
  invalid_type: 'Isian tidak valid.',
  invalid_format: 'Format isian tidak valid.',
  invalid_value: 'Nilai tidak valid.',
  invalid_union: 'Isian tidak sesuai dengan bentuk yang diterima.',
  invalid_key: 'Nama isian tidak valid.',
  invalid_element: 'Salah satu butir tidak valid.',
  not_multiple_of: 'Nilai harus kelipatan yang ditentukan.',
  unrecognized_keys: 'Isian tidak dikenal; hapus isian ini.',
  custom: 'Isian tidak valid.',
  invalid_id: 'Kode hanya boleh huruf, angka, titik, garis bawah atau tanda hubung, diawali huruf atau angka.',
  invalid_data: 'Data tidak valid; periksa isian lalu coba lagi.',
  missing_body: 'Data tidak terkirim.',
  adjustment_reason_required: 'Alasan penyesuaian wajib diisi bila nilai disesuaikan.',
  adjustment_value_required: 'Isi nilai disesuaikan, atau kosongkan alasannya.',
  unknown_unit: 'Unit ini tidak ada di daftar unit.',
  missing_unit: 'Hanya Kepala Daerah yang boleh tidak berada di unit mana pun.',
  missing_root: 'Harus ada tepat satu jabatan tanpa atasan (Kepala Daerah); belum ada.',
  multiple_roots: 'Hanya satu jabatan (Kepala Daerah) yang boleh tanpa atasan.',
  duplicate_id: 'Kode dipakai lebih dari sekali.',
  unknown_position: 'Jabatan ini tidak ada di daftar jabatan.',
  malformed_official_id: 'ID pejabat hanya boleh huruf, angka dan . _ - @ (maks. 128 karakter), diawali dan diakhiri huruf atau angka.',
  duplicate_official_id: 'ID pejabat ini sudah dipakai jabatan lain.',
  missing_official_id: 'Pejabat tanpa NIP memerlukan ID pejabat.',
  official_id_not_nip: 'ID pejabat ASN adalah NIP-nya; kosongkan ID atau isi dengan NIP.',
  official_id_is_nip: 'Pejabat tanpa NIP memerlukan ID yang bukan 18 digit angka.',
  invalid_caption: 'Keterangan wajib diisi (maks. 500 karakter).',
  invalid_url: 'Tautan harus alamat http(s) lengkap (maks. 2000 karakter).',
  invalid_file_name: 'Nama berkas paling banyak 255 karakter.',
  invalid_band_bound: 'Setiap rentang predikat memerlukan tepat satu batas bawah (≥ atau >).',
  duplicate_band_label: 'Nama predikat dipakai oleh dua rentang.',
  duplicate_band_bound: 'Dua rentang predikat dimulai dari nilai yang sama.',
  passphrase_too_short: 'Frasa sandi terlalu pendek.',
  passphrase_is_nip: 'Frasa sandi tidak boleh sama dengan NIP Anda.',
  passphrase_too_common: 'Frasa sandi terlalu umum; pilih frasa yang hanya Anda ketahui.',
};

const limit = (n) => fmtNumber(Number(n));

/** The lists a problem's JSON pointer can step into, as the forms number their items. */
const PATH_LIST = {
  objectives: (i) => `sasaran ${i + 1}`,
  indicators: (i) => `indikator ${i + 1}`,
  budget: (i) => `baris anggaran ${i + 1}`, // a Program, Kegiatan or Sub-kegiatan by the PK's level
  realizations: (i) => `realisasi indikator ${i + 1}`,
  budgetSpent: (i) => `realisasi anggaran ${i + 1}`,
  adjustments: (i) => `penyesuaian ${i + 1}`,
  quarterlyTargets: (i) => `target triwulan ${ROMAN[i] ?? i + 1}`,
  range: (i) => (i === 0 ? 'batas bawah rentang' : 'batas atas rentang'),
};
/** A field said alone (a path with no list in it). */
const PATH_FIELD = {
  reason: 'alasan', note: 'catatan', caption: 'keterangan', url: 'tautan', nip: 'NIP', id: 'ID pejabat', name: 'nama', email: 'e-mail',
  dueAt: 'tenggat baru', hasilKerja: 'hasil kerja', exceptionReason: 'alasan pengecualian',
};

/**
 * Where a problem is, from its JSON pointer, as the form numbers things: "/objectives/0/indicators/2/parentIndicatorId"
 * is "Sasaran 1, indikator 3" (the problem's text says what is wrong there); no path, or one the
 * page has no words for, is the PK as a whole.
 */
export function describePath(path) {
  const parts = String(path ?? '').split('/').slice(1);
  const said = [];
  for (let k = 0; k < parts.length; k += 1) {
    const list = PATH_LIST[parts[k]];
    const index = Number(parts[k + 1]);
    if (list && Number.isInteger(index) && parts[k + 1] !== '') {
      said.push(list(index));
      k += 1;
    }
  }
  const text = said.length ? said.join(', ') : parts.length === 1 ? PATH_FIELD[parts[0]] : undefined;
  return text ? text[0].toUpperCase() + text.slice(1) : 'PK';
}

/**
 * The English sentences the workflow's InvalidData rejections and the database's constraint
 * problems carry (no field path, code invalid_data), in Bahasa Indonesia.
 */
const DETAIL = [
  [/contains a NUL character or a broken UTF-16 surrogate/, () => 'Teks memuat karakter yang tidak dapat disimpan; ketik ulang tanpa menempel dari dokumen lain.'],
  [/^an adjusted value must be a number from 0 to ([\d.e+]+)/i, (m) => `Nilai penyesuaian harus angka 0 sampai ${limit(m[1])}.`],
  [/^an adjusted value must be a number/i, () => 'Nilai penyesuaian harus angka ≥ 0.'],
  // the rejection names the indicator by its id: the view's names (err.names) say it as the page does
  [/^adjusting (.+) needs a written reason/, (m, names) => (names?.get(m[1])
    ? `Penyesuaian indikator "${names.get(m[1])}" memerlukan alasan tertulis.`
    : `Penyesuaian salah satu indikator (kode ${m[1]}) memerlukan alasan tertulis.`)],
  [/^an adjustment needs a written reason/i, () => 'Penyesuaian memerlukan alasan tertulis.'],
  [/^reason must be official, budget or strategy/, () => 'Pilih alasan PK Perubahan: pergantian pejabat, perubahan anggaran, atau perubahan kebijakan.'],
  [/^a revision needs a note/, () => 'PK Perubahan memerlukan catatan.'],
  [/^dueAt must be an ISO date-time/, () => 'Tenggat baru harus berupa tanggal dan jam yang valid.'],
  [/^an extension needs a reason/, () => 'Perpanjangan tenggat memerlukan alasan.'],
  [/^save a draft before submitting it/, () => 'Simpan draf terlebih dahulu sebelum mengajukannya.'],
  [/^a reason is required to return a draft/, () => 'Alasan pengembalian draf wajib diisi.'],
  [/^a reason is required to return a report/, () => 'Alasan pengembalian laporan wajib diisi.'],
  [/^quarter must be 1, 2, 3 or 4/, () => 'Triwulan harus I, II, III, atau IV.'],
  [/^each realization value must be a number from 0 to ([\d.e+]+)/, (m) => `Setiap realisasi harus angka 0 sampai ${limit(m[1])}, atau dikosongkan.`],
  [/^budget spent must be numbers from 0 to ([\d.e+]+)/, (m) => `Realisasi anggaran harus angka rupiah 0 sampai ${limit(m[1])}.`],
  [/^the draft has problems/, () => 'Draf masih memuat isian yang perlu diperbaiki.'],
  [/sealed passphrase was already used/, () => 'Frasa sandi ini sudah dipakai untuk permintaan lain; masukkan frasa sandi lagi.'],
  [/refers to something that does not exist/, () => 'Data merujuk ke sesuatu yang tidak ada; tidak ada yang berubah.'],
  [/breaks a rule of the records/, () => 'Ada nilai yang melanggar aturan data; tidak ada yang berubah.'],
];

/** `names`: the indicators' names by id (a Map), when the view has them. */
function detailText(message, names) {
  for (const [pattern, text] of DETAIL) {
    const m = pattern.exec(String(message ?? ''));
    if (m) return text(m, names);
  }
  return null;
}

export function problemMessage(p) {
  const message = String(p.message ?? '');
  if (p.code === 'invalid_format' && /must not be empty/.test(message)) return PROBLEM.empty_name;
  if (p.code === 'too_small' && /whole|bulat/i.test(message)) return PROBLEM.invalid_amount;
  if (p.code === 'invalid_type' && /integer|whole/i.test(message)) return 'Harus bilangan bulat.';
  if (p.code === 'invalid_data' || p.code === 'invalid_value') {
    const known = detailText(message);
    if (known) return known;
  }
  // a spreadsheet's missing column is named by its header in the template
  if (p.code === 'missing_column' && p.location?.header) return `Kolom wajib "${p.location.header}" tidak ada di baris judul.`;
  // the evaluation panel's own range check carries its bound
  // the page's own number fields (ui.js numberField) carry their sentence
  if (p.code === 'unreadable_number') return p.text;
  if (p.code === 'adjustment_out_of_range') return `Nilai disesuaikan harus angka 0 sampai ${fmtNumber(p.max)}.`;
  const most = /<=\s*(\d+)/.exec(message);
  if (p.code === 'too_long' && most) return `Teks terlalu panjang (maks. ${limit(most[1])} karakter).`;
  if (p.code === 'too_many' && most) return `Jumlah butir terlalu banyak (maks. ${limit(most[1])}).`;
  return Object.hasOwn(PROBLEM, p.code) ? PROBLEM[p.code] : `Isian tidak valid (kode: ${p.code}).`;
}

/**
 * Whole-request problem codes the API sends (api/: HttpProblem and sendProblem, the workflow
 * rejections of api/workflow-errors.ts, the database's constraint problems, the background changes
 * and the ratings' blockers), in Bahasa Indonesia. The ones that need the problem's data are in
 * errorMessage's switch.
 */
const ERROR = {
  wrong_phase: 'Tindakan ini tidak tersedia pada tahap PK saat ini.',
  wrong_person: 'Anda bukan pihak yang berwenang melakukan tindakan ini sekarang.',
  wrong_quarter: 'Triwulan ini tidak sedang terbuka untuk tindakan ini.',
  deadline_not_later: 'Tenggat baru harus lebih lambat dari tenggat saat ini; perpanjangan tidak dapat memajukan tenggat.',
  forbidden: 'Anda tidak berhak melihat atau mengubah ini.',
  not_found: 'Data tidak ditemukan.',
  unauthorized: 'Sesi Anda sudah berakhir; silakan masuk lagi.',
  invalid_token: 'Sesi Anda sudah berakhir; silakan masuk lagi.',
  token_expired: 'Sesi Anda sudah berakhir; silakan masuk lagi.',
  session_expired: 'Sesi Anda sudah berakhir; silakan masuk lagi.',
  not_signed_in: 'Sesi Anda sudah berakhir; silakan masuk lagi.',
  token_revoked: 'Token akses Anda sudah dicabut; minta token baru kepada administrator Kinerja.',
  csrf_token_invalid: 'Permintaan ditolak karena tidak membawa token sesi; muat ulang halaman lalu coba lagi.',
  agreement_closed: 'PK ini sudah selesai; tidak ada tindakan lagi.',
  evidence_frozen: 'Laporan triwulan ini sudah diverifikasi; bukti dukungnya tidak dapat diubah lagi.',
  unsupported_evidence_type: 'Isi berkas bukan PDF, gambar (PNG, JPEG, WebP) atau dokumen kantor; berkas tidak disimpan.',
  body_too_large: 'Berkas terlalu besar.',
  unknown_signer: 'Sertifikat elektronik Anda belum terdaftar; hubungi administrator Kinerja.',
  action_failed: 'Tindakan tidak dapat diselesaikan; tidak ada yang berubah. Coba lagi.',
  change_failed: 'Perubahan tidak selesai diproses; periksa hasilnya lalu ulangi bila perlu.',
  conflict: 'Data bertabrakan dengan data yang sudah tersimpan; muat ulang halaman.',
  invalid_text: 'Teks memuat karakter yang tidak dapat disimpan; ketik ulang tanpa menempel dari dokumen lain.',
  not_rater: 'Hanya pejabat penilai yang dapat menilai PK ini.',
  not_rateable: 'Kepala Daerah tidak dinilai di sistem ini.',
  not_in_unit: 'Anda hanya dapat melihat sebaran penilaian unit Anda sendiri.',
  // the ratings' blockers: the same texts as web/js/views/rating.js BLOCKER
  ratings_closed: 'Penilaian unit ini sudah ditutup.',
  unit_not_evaluated: 'PK kepala unit belum dievaluasi, sehingga predikat unit belum ada.',
  ratings_incomplete: 'Belum semua pegawai unit dinilai.',
  distribution_violated: 'Sebaran predikat pegawai melanggar batas predikat unit.',
  cycle_exists: 'Siklus tahun ini untuk organisasi ini sudah dimulai; perubahan dilakukan lewat PK Perubahan atau perubahan kalender.',
  rules_frozen: 'Aturan penilaian tidak dapat diubah lagi: evaluasi sudah dihitung dengan aturan ini.',
  invalid_rules: 'Aturan penilaian siklus yang tersimpan tidak valid; hubungi administrator Kinerja.',
  official_id_in_use: 'Pejabat ini sudah memegang jabatan lain di siklus ini.',
  nip_in_use: 'Pemilik NIP ini sudah memegang jabatan lain di siklus ini.',
  not_dead: 'Notifikasi ini tidak sedang gagal terkirim; tidak perlu dikirim ulang.',
  malformed_spreadsheet: 'Berkas tidak dapat dibaca sebagai CSV/XLSX.',
  spreadsheet_too_large: 'Berkas terlalu besar; pecah atau kirim sebagai CSV.',
  invalid_query: 'Isian formulir tidak valid.',
  invalid_parameter: 'Alamat atau isian memuat karakter yang tidak dapat diproses.',
  invalid_cursor: 'Daftar sudah berubah; muat ulang halaman dari awal.',
  empty_body: 'Berkas kosong.',
  empty_file: 'Berkas kosong.', // also the page's own check before an upload (EMPTY_FILE)
  unsupported_media_type: 'Jenis berkas tidak didukung.',
  unsupported_encoding: 'Pengodean data tidak didukung; muat ulang halaman lalu coba lagi.',
  malformed_body_encoding: 'Data terkirim rusak dan tidak dapat dibaca; coba lagi.',
  malformed_json: 'Data terkirim tidak dapat dibaca; muat ulang halaman lalu coba lagi.',
  too_deeply_nested: 'Data yang dikirim terlalu bertingkat untuk diproses.',
  invalid_idempotency_key: 'Permintaan tidak valid; muat ulang halaman lalu coba lagi.',
  idempotency_key_reused: 'Permintaan ini bertabrakan dengan permintaan lain yang sudah dikirim; muat ulang halaman lalu coba lagi.',
  idempotency_in_progress: 'Permintaan yang sama masih diproses; tunggu sebentar lalu muat ulang halaman.',
  workflow_starting: 'PK ini sedang disiapkan; coba lagi beberapa detik lagi.',
  render_timeout: 'Pratinjau terlalu lama dibuat; coba lagi sebentar lagi.',
  unavailable: 'Layanan sedang tidak tersedia; coba lagi sebentar lagi.',
  internal: 'Permintaan tidak dapat diselesaikan; tidak ada yang berubah. Coba lagi sebentar lagi.',
};

/**
 * An invalid_data answer (`err.names`, the indicators' names by id, lets a rejection that names an
 * indicator by its id say its name): problems placed beside their fields are pointed to; those that could not
 * be (no field path, as the workflow's rejections have, or a path the form has no field for) are
 * said here. A view that placed the problems may set `err.unplaced` to the ones it could not place;
 * otherwise the problems without a path are taken as unplaced.
 */
function invalidDataMessage(err) {
  const problems = err.problems ?? [];
  if (!problems.length) return detailText(err.message, err.names) ?? 'Data tidak valid; tidak ada yang berubah. Periksa isian lalu coba lagi.';
  if (problems.every((p) => p.path === '/caption' || p.path === '/url')) return 'Isi keterangan, dan tautan harus alamat http(s) lengkap.';
  const unplaced = Array.isArray(err.unplaced) ? err.unplaced : problems.filter((p) => !p.path);
  const texts = [...new Set(unplaced.map(problemMessage))].join(' ');
  if (unplaced.length === problems.length) return texts;
  const beside = 'Ada isian yang perlu diperbaiki (lihat pesan di samping isian).';
  return texts ? `${beside} ${texts}` : beside;
}

/** An answer without a problem document, by its HTTP status (the same sentences as ERROR's). */
const HTTP_STATUS_TEXT = {
  401: ERROR.unauthorized,
  403: ERROR.forbidden,
  404: ERROR.not_found,
  413: ERROR.body_too_large,
  429: 'Terlalu banyak permintaan dalam waktu singkat; coba lagi sebentar lagi.',
};

/**
 * Whole-request errors by code; never the server's English detail. `utcOffsetHours`: the zone of
 * the PK the error is about, for the times it names (WIB without one).
 */
export function errorMessage(err, utcOffsetHours) {
  const problem = err.problem ?? {};
  switch (err.code) {
    case 'wrong_passphrase':
      // the attempt that sets the lock: nothing is left, and signing waits until lockedUntil
      if (problem.attemptsLeft === 0 && problem.lockedUntil) return `Frasa sandi salah. Penandatanganan dikunci hingga ${fmtDateTime(problem.lockedUntil, utcOffsetHours)}.`;
      return `Frasa sandi salah; dokumen tidak ditandatangani.${problem.attemptsLeft !== undefined && problem.attemptsLeft !== null ? ` Sisa percobaan: ${problem.attemptsLeft}.` : ''}`;
    case 'signing_locked':
      return `Penandatanganan dikunci karena frasa sandi salah berulang kali${problem.lockedUntil ? ` hingga ${fmtDateTime(problem.lockedUntil, utcOffsetHours)}` : ''}. `
        + 'Hubungi administrator Kinerja bila perlu dibuka lebih cepat.';
    case 'weak_passphrase': {
      const why = {
        passphrase_too_short: 'terlalu pendek',
        passphrase_is_nip: 'sama dengan NIP Anda',
        passphrase_too_common: 'terlalu umum',
      }[problem.problems?.[0]?.code];
      return `Frasa sandi ${why ?? 'tidak memenuhi syarat'}; pilih frasa lain. Dokumen tidak ditandatangani.`;
    }
    case 'rate_limited':
      return `Terlalu banyak permintaan dalam waktu singkat; coba lagi${problem.retryAfter ? ` dalam ${problem.retryAfter} detik` : ' sebentar lagi'}.`;
    case 'invalid_data':
      return invalidDataMessage(err);
    case 'http_error':
      // no problem document: a proxy's or a server's own answer (a 413 from a body limit, a 404, a 502)
      return HTTP_STATUS_TEXT[err.status] ?? (err.status >= 500 ? 'Layanan sedang tidak tersedia; coba lagi sebentar lagi.'
        : `Permintaan tidak dapat diproses (status ${err.status}); coba lagi atau hubungi administrator Kinerja.`);
    default:
      if (Object.hasOwn(ERROR, err.code)) return ERROR[err.code];
      return err.status >= 500 ? 'Layanan sedang tidak tersedia; coba lagi sebentar lagi.' : `Permintaan tidak dapat diproses (kode: ${err.code}).`;
  }
}

/** An empty file chosen for an upload, as the API's empty_file says it. */
export const EMPTY_FILE = ERROR.empty_file;
