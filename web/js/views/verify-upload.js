// Public: anyone who received a signed PK uploads it and reads the verdict. The file goes to
// POST /api/verify and is not stored.
import { h, replace } from '../dom.js';
import { postFile } from '../api.js';
import { errorMessage } from '../format.js';
import { notice } from '../ui.js';
import { publicReport } from '../verification-report.js';

export async function renderVerifyUpload(main) {
  const result = h('div', { 'data-testid': 'verify-result', 'aria-live': 'polite' });
  const input = h('input', { type: 'file', id: 'pdf', name: 'pdf', accept: 'application/pdf,.pdf', required: true });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Periksa dokumen');
  const form = h('form', { class: 'card', 'data-testid': 'verify-upload' },
    h('h1', null, 'Verifikasi dokumen elektronik'),
    h('p', null, 'Unggah Perjanjian Kinerja (PDF) yang Anda terima untuk memeriksa tanda tangan elektroniknya. Berkas tidak disimpan.'),
    h('label', { for: 'pdf' }, 'Berkas PDF'),
    input,
    button);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const file = input.files?.[0];
    if (!file) return replace(result, notice('error', 'Pilih berkas PDF terlebih dahulu.'));
    button.disabled = true;
    replace(result, h('p', { class: 'muted' }, 'Memeriksa…'));
    try {
      replace(result, publicReport(await postFile('/api/verify', file, 'application/pdf')));
    } catch (err) {
      replace(result, notice('error', errorMessage(err)));
    } finally {
      button.disabled = false;
    }
  });
  replace(main, form, result);
}
