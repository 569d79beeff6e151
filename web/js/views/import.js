// The administrator starts a cycle from a spreadsheet (CSV or XLSX, one row per position): the
// templates to download, the organisation's id, name, place and year, and every problem of a
// rejected file in a table by sheet, row and column, so it can be fixed in the spreadsheet.
import { h, replace } from '../dom.js';
import { enc, postFile } from '../api.js';
import { EMPTY_FILE, problemMessage } from '../format.js';
import { busy, downloadButton, notice, section, table } from '../ui.js';

const TYPES = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

const templateButton = (ext, status) => downloadButton(`Unduh templat ${ext.toUpperCase()}`, `/api/templates/organisation.${ext}`,
  `organisasi.${ext}`, status, { class: 'secondary', 'data-testid': `template-${ext}` });

/** "positions, baris 5, kolom G (nip)" or "parameter tahun". */
const PARAMETER = { organisation: 'kode organisasi', name: 'nama organisasi', place: 'tempat', year: 'tahun' };
function problemRows(problems) {
  return problems.map((p) => {
    const l = p.location ?? {};
    const sheet = l.parameter ? 'Isian formulir' : (l.sheet ?? '—');
    const row = l.parameter ? PARAMETER[l.parameter] ?? l.parameter : l.row ?? '—';
    const column = l.column ? `${l.column}${l.header ? ` (${l.header})` : ''}` : '—';
    return h('tr', { 'data-code': p.code }, h('td', null, sheet), h('td', { class: 'num' }, String(row)), h('td', null, column), h('td', null, problemMessage(p)));
  });
}

export async function renderImport(main) {
  const status = h('div', { class: 'status', 'data-testid': 'import-status' });
  const field = (label, input) => h('label', { class: 'field' }, h('span', { class: 'label' }, label), input);
  const file = h('input', { type: 'file', name: 'file', accept: '.csv,.xlsx', required: true, 'data-testid': 'import-file' });
  const organisation = h('input', { name: 'organisation', required: true, placeholder: 'kab-bengkayang' });
  const name = h('input', { name: 'name', required: true, placeholder: 'Pemerintah Kabupaten Bengkayang' });
  const place = h('input', { name: 'place', required: true, placeholder: 'Bengkayang' });
  const year = h('input', { name: 'year', required: true, inputmode: 'numeric', value: String(new Date().getFullYear() + 1) });
  const submit = h('button', { type: 'submit' }, 'Impor dan mulai siklus');
  const form = h('form', { 'data-testid': 'import-form' },
    field('Berkas (CSV atau XLSX)', file), field('Kode organisasi', organisation), field('Nama organisasi', name),
    field('Tempat penandatanganan', place), field('Tahun', year), submit);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = file.files?.[0];
    const ext = chosen?.name.split('.').pop()?.toLowerCase();
    if (!chosen || !TYPES[ext]) return replace(status, notice('error', 'Pilih berkas .csv atau .xlsx.'));
    if (chosen.size === 0) return replace(status, notice('error', EMPTY_FILE));
    busy(submit, status, async () => {
      const query = new URLSearchParams({ organisation: organisation.value.trim(), name: name.value.trim(), place: place.value.trim(), year: year.value.trim() });
      try {
        const started = await postFile(`/api/cycles?${query}`, chosen, TYPES[ext]);
        replace(status, notice('info', `${started.created ? 'Siklus dimulai' : 'Siklus ini sudah ada'}: ${started.positions} jabatan. `,
          h('a', { href: `#/dasbor/${enc(started.cycleId)}` }, 'Buka dasbor')));
      } catch (err) {
        if (err.status !== 422) throw err;
        replace(status, notice('error', `Berkas ditolak; tidak ada yang disimpan. ${err.problems.length} masalah:`),
          table(['Lembar', 'Baris', 'Kolom', 'Masalah'], problemRows(err.problems), { 'data-testid': 'import-problems' }));
      }
    }).catch(() => {});
  });
  replace(main,
    h('h1', null, 'Impor organisasi'),
    section('Templat',
      h('p', null, 'Satu baris per jabatan. Judul kolom (urutan bebas): kode_jabatan (unik), nama_jabatan, kode_unit dan nama_unit ',
        '(kosong untuk Kepala Daerah), kode_jabatan_atasan (atasan langsung, Pihak Kedua PK-nya), tingkat (KEPALA_DAERAH, JPT_MADYA, ',
        'JPT_PRATAMA, ADMINISTRATOR, PENGAWAS atau PELAKSANA), nip (18 digit; kosong hanya untuk Kepala Daerah), nama_pejabat, email; ',
        'opsional id_pejabat dan membawahi_unit (kode unit yang diawasi seorang Asisten, dipisah titik koma). Format kolom NIP sebagai teks.'),
      h('p', null, 'Berkas XLSX boleh memuat lembar "iku_pemda" berisi IKU Pemda, satu baris per indikator: kode_sasaran, sasaran, ',
        'kode_indikator, indikator, satuan, arah (naik: makin tinggi makin baik; turun: makin rendah makin baik), target. ',
        'Judul kolom dan nama lembar berbahasa Inggris dari berkas versi lama juga diterima.'),
      h('div', { class: 'row' }, templateButton('xlsx', status), templateButton('csv', status))),
    section('Unggah berkas', form),
    status);
}
