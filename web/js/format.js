// How values read in Bahasa Indonesia: dates in WIB with Indonesian month names, Rupiah with dot
// thousands, percentages with a decimal comma, and the names of phases and tasks.
const dateTime = new Intl.DateTimeFormat('id-ID', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Asia/Jakarta' });
const dateOnly = new Intl.DateTimeFormat('id-ID', { dateStyle: 'long', timeZone: 'Asia/Jakarta' });
const number = new Intl.NumberFormat('id-ID', { maximumFractionDigits: 2 });

export const fmtDateTime = (iso) => (iso ? `${dateTime.format(new Date(iso))} WIB` : '—');
export const fmtDate = (iso) => (iso ? dateOnly.format(new Date(iso)) : '—');
export const fmtNumber = (n) => (n === null || n === undefined || Number.isNaN(n) ? '—' : number.format(n));
export const fmtPercent = (n) => (n === null || n === undefined ? '—' : `${number.format(n)}%`);
export const fmtRupiah = (n) => (n === null || n === undefined ? '—' : `Rp ${new Intl.NumberFormat('id-ID', { maximumFractionDigits: 0 }).format(n)}`);

export const PHASE = {
  waiting_superior: 'Menunggu PK atasan',
  drafting: 'Penyusunan draf',
  review: 'Reviu atasan',
  signing: 'Penandatanganan',
  reporting: 'Pelaporan triwulan',
  evaluation: 'Evaluasi',
  closed: 'Selesai',
};

export const ROMAN = ['I', 'II', 'III', 'IV'];

export function taskLabel(task) {
  const report = /^(report|verify):Q([1-4])$/.exec(task);
  if (report) return `${report[1] === 'report' ? 'Laporkan realisasi' : 'Verifikasi realisasi'} Triwulan ${ROMAN[report[2] - 1]}`;
  return {
    draft: 'Susun draf PK',
    review: 'Reviu draf bawahan',
    'sign:first': 'Tanda tangani sebagai Pihak Pertama',
    'sign:second': 'Tanda tangani sebagai Pihak Kedua',
    sign: 'Tanda tangani PK',
    report: 'Laporkan realisasi triwulan',
    verify: 'Verifikasi realisasi bawahan',
    evaluate: 'Evaluasi PK',
    evaluation: 'Evaluasi PK',
  }[task] ?? task;
}

/** Why a PK Perubahan is started (the API's reason codes). */
export const REVISION_REASON = {
  official: 'Pergantian pejabat',
  budget: 'Perubahan anggaran (APBD-P)',
  strategy: 'Perubahan kebijakan/strategi',
};

export const PARTY = { first: 'Pihak Pertama', second: 'Pihak Kedua' };
export const QUARTER_STATUS = { not_open: 'Belum dibuka', open: 'Terbuka', reported: 'Dilaporkan', verified: 'Terverifikasi' };
export const DIRECTION = { up: 'Semakin tinggi semakin baik', down: 'Semakin rendah semakin baik' };
export const NOT_ASSESSED = { no_target: 'Tidak dinilai (tanpa target)', no_realization: 'Tidak dinilai (belum ada realisasi)' };

/** Escalation level 0 is the official; then the superior, the Asisten, the Sekda, the Kepala Daerah. */
export function escalationLabel(level) {
  if (!level) return 'Belum dieskalasi';
  return `Eskalasi tingkat ${level}`;
}

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

/** Messages of the problem codes the API sends, in Bahasa Indonesia; unknown codes keep the server's text. */
const PROBLEM = {
  no_objectives: 'PK memerlukan minimal satu sasaran dengan indikator.',
  missing_column: 'Kolom wajib tidak ada di baris judul.',
  unknown_column: 'Judul kolom tidak dikenal (periksa ejaannya).',
  duplicate_column: 'Judul kolom muncul lebih dari sekali.',
  nip_not_text: 'NIP tersimpan sebagai angka sehingga digitnya hilang; format kolom NIP sebagai teks.',
  conflicting_unit_name: 'Nama unit berbeda dengan baris lain yang memakai kode unit yang sama.',
  malformed_nip: 'NIP harus tepat 18 digit.',
  duplicate_nip: 'NIP dipakai lebih dari sekali.',
  dangling_parent: 'Atasan (parent_id) tidak ada di daftar jabatan.',
  invalid_year: 'Tahun harus antara 2000 dan 2100.',
  no_indicators: 'Setiap sasaran memerlukan minimal satu indikator.',
  duplicate_indicator_id: 'Kode indikator dipakai lebih dari sekali.',
  missing_parent_indicator: 'Pilih indikator atasan yang didukung, atau tandai sebagai tugas tambahan.',
  unknown_parent_indicator: 'Indikator atasan ini tidak ada di PK atasan.',
  empty_name: 'Tidak boleh kosong.',
  empty_id: 'Kode tidak boleh kosong.',
  invalid_range: 'Batas bawah rentang tidak boleh melebihi batas atas.',
  invalid_target: 'Target harus angka ≥ 0.',
  invalid_amount: 'Anggaran harus rupiah bulat ≥ 0.',
  invalid_weight: 'Bobot harus angka ≥ 0.',
  too_small: 'Nilai terlalu kecil (harus ≥ 0).',
  invalid_type: 'Isian tidak valid.',
  missing_body: 'Data tidak terkirim.',
  adjustment_reason_required: 'Alasan penyesuaian wajib diisi bila nilai disesuaikan.',
  adjustment_value_required: 'Isi nilai disesuaikan, atau kosongkan alasannya.',
};

export function problemMessage(p) {
  if (p.code === 'invalid_format' && /must not be empty/.test(p.message)) return PROBLEM.empty_name;
  if (p.code === 'too_small' && /whole|bulat/i.test(p.message)) return PROBLEM.invalid_amount;
  if (p.code === 'invalid_type' && /integer|whole/i.test(p.message)) return 'Harus bilangan bulat.';
  return PROBLEM[p.code] ?? p.message;
}

/** Whole-request errors by code. */
export function errorMessage(err) {
  switch (err.code) {
    case 'wrong_passphrase':
      return `Frasa sandi salah; dokumen tidak ditandatangani.${err.problem.attemptsLeft !== undefined ? ` Sisa percobaan: ${err.problem.attemptsLeft}.` : ''}`;
    case 'signing_locked':
      return `Penandatanganan dikunci karena frasa sandi salah berulang kali${err.problem.lockedUntil ? ` hingga ${fmtDateTime(err.problem.lockedUntil)}` : ''}.`;
    case 'weak_passphrase': {
      const why = {
        passphrase_too_short: 'terlalu pendek',
        passphrase_is_nip: 'sama dengan NIP Anda',
        passphrase_too_common: 'terlalu umum',
      }[err.problem.problems?.[0]?.code];
      return `Frasa sandi ${why ?? 'tidak memenuhi syarat'}; pilih frasa lain. Dokumen tidak ditandatangani.`;
    }
    case 'wrong_phase':
      return 'Tindakan ini tidak tersedia pada tahap PK saat ini.';
    case 'rate_limited':
      return `Terlalu banyak permintaan dalam waktu singkat; coba lagi${err.problem.retryAfter ? ` dalam ${err.problem.retryAfter} detik` : ' sebentar lagi'}.`;
    case 'wrong_person':
      return 'Anda bukan pihak yang berwenang melakukan tindakan ini sekarang.';
    case 'wrong_quarter':
      return 'Triwulan ini tidak sedang terbuka untuk tindakan ini.';
    case 'forbidden':
      return 'Anda tidak berhak melihat atau mengubah ini.';
    case 'not_found':
      return 'Data tidak ditemukan.';
    case 'unauthorized':
    case 'invalid_token':
    case 'token_expired':
    case 'session_expired':
      return 'Sesi Anda sudah berakhir; silakan masuk lagi.';
    case 'csrf_token_invalid':
      return 'Permintaan ditolak karena tidak membawa token sesi; muat ulang halaman lalu coba lagi.';
    case 'agreement_closed':
      return 'PK ini sudah selesai; tidak ada tindakan lagi.';
    case 'evidence_frozen':
      return 'Laporan triwulan ini sudah diverifikasi; bukti dukungnya tidak dapat diubah lagi.';
    case 'unsupported_evidence_type':
      return 'Isi berkas bukan PDF, gambar (PNG, JPEG, WebP) atau dokumen kantor; berkas tidak disimpan.';
    case 'body_too_large':
      return 'Berkas terlalu besar.';
    case 'invalid_data':
      return err.problems.length && err.problems.every((p) => p.path === '/caption' || p.path === '/url')
        ? 'Isi keterangan, dan tautan harus alamat http(s) lengkap.'
        : 'Ada isian yang perlu diperbaiki (lihat pesan di samping isian).';
    default:
      return err.status >= 500 ? 'Layanan sedang tidak tersedia; coba lagi sebentar lagi.' : `Permintaan gagal: ${err.message}`;
  }
}
