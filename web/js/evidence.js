// Evidence (bukti dukung) of a quarterly report on the page: the list (files downloaded with the
// session's token, links opened without a referrer) and, for the PK's own official until the
// report is verified, a form to attach a file or a link with a caption and a button to remove one.
import { h, replace } from './dom.js';
import { agreementPath, api, postFile } from './api.js';
import { EMPTY_FILE, fmtFileSize } from './format.js';
import { busy, downloadButton, notice } from './ui.js';

/** The evidence list; `onRemove(item)` given, each item gets a remove button. */
export function evidenceList(items, { onRemove } = {}) {
  const status = h('div', { class: 'status' });
  if (!items.length) return h('p', { class: 'muted', 'data-testid': 'evidence-list' }, 'Belum ada bukti dukung.');
  return h('div', null,
    h('ul', { class: 'evidence', 'data-testid': 'evidence-list' }, items.map((item) => h('li', { 'data-evidence': item.id, 'data-kind': item.kind },
      h('strong', null, item.caption), ' — ',
      item.kind === 'file'
        ? downloadButton(`${item.fileName ?? 'berkas'} (${fmtFileSize(item.size)})`, item.href, item.fileName ?? 'bukti', status, { class: 'link' })
        : h('a', { href: item.url, target: '_blank', rel: 'noopener noreferrer' }, item.url),
      onRemove ? h('button', {
        type: 'button', class: 'link', 'data-testid': 'evidence-remove', 'aria-label': `Hapus bukti dukung "${item.caption}"`,
        onclick: () => {
          if (window.confirm(`Hapus bukti dukung "${item.caption}"? Tindakan ini tidak dapat dibatalkan.`)) onRemove(item);
        },
      }, 'Hapus') : null))),
    status);
}

/** Attach a file or a link with a caption to a quarter's report; `done()` redraws. */
export function evidenceForm(agreementId, quarter, done) {
  const base = `${agreementPath(agreementId)}/realizations/${quarter}/evidence`;
  const status = h('div', { class: 'status', 'data-testid': 'evidence-status' });
  const file = h('input', { type: 'file', name: 'evidence-file', accept: '.pdf,.png,.jpg,.jpeg,.webp,.docx,.xlsx,.pptx,.odt,.ods,.doc,.xls,.ppt' });
  const url = h('input', { type: 'url', name: 'evidence-url', placeholder: 'https://…' });
  const caption = h('input', { name: 'evidence-caption', maxlength: 500, required: true });
  const add = h('button', { type: 'submit' }, 'Lampirkan');
  const form = h('form', { class: 'evidence-form', 'data-testid': 'evidence-form' },
    h('label', { class: 'field' }, h('span', { class: 'label' }, 'Keterangan'), caption),
    h('label', { class: 'field' }, h('span', { class: 'label' }, 'Berkas (PDF, gambar, dokumen kantor; maks. 10 MB)'), file),
    h('label', { class: 'field' }, h('span', { class: 'label' }, 'atau tautan'), url),
    add, status);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = file.files?.[0];
    if (!chosen && !url.value.trim()) return replace(status, notice('error', 'Pilih berkas atau isi tautan.'));
    if (chosen?.size === 0) return replace(status, notice('error', EMPTY_FILE));
    busy(add, status, async () => {
      if (chosen) {
        const query = new URLSearchParams({ caption: caption.value.trim(), name: chosen.name });
        await postFile(`${base}?${query}`, chosen, chosen.type || 'application/octet-stream');
      } else {
        await api('POST', base, { url: url.value.trim(), caption: caption.value.trim() });
      }
      await done();
    }).catch(() => {});
  });
  return form;
}

export async function removeEvidence(agreementId, quarter, item, done) {
  await api('DELETE', `${agreementPath(agreementId)}/realizations/${quarter}/evidence/${item.id}`);
  await done();
}
