// Starting a PK Perubahan from the PK page (the first party or an administrator, while the year's
// reports run): the reason and a note, a confirmation, then the PK is drafted again as a new version.
import { h } from '../dom.js';
import { agreementPath, api, readUntil } from '../api.js';
import { REVISION_REASON } from '../format.js';
import { busy, section, showProblems } from '../ui.js';
import { TEXT_LIMITS } from '/lib/limits.js';

export const REVISION_CONFIRMATION = 'Ajukan PK Perubahan? PK kembali ke penyusunan draf sebagai versi baru, lalu direviu dan ditandatangani ulang.';

export const canRevise = (me, isOwner, phase) => phase === 'reporting' && (me.role === 'admin' || (me.role === 'official' && isOwner));

export function revisionPanel(a, reload) {
  const reason = h('select', { name: 'revision-reason', 'data-path': '/reason' },
    Object.entries(REVISION_REASON).map(([value, label]) => h('option', { value }, label)));
  const note = h('textarea', { name: 'revision-note', rows: 3, maxlength: TEXT_LIMITS.note, 'data-path': '/note' });
  const status = h('div', { class: 'status' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Kirim pengajuan');
  const cancel = h('button', { type: 'button' }, 'Batal');
  const form = h('form', { class: 'revision-form', 'data-testid': 'revision-form', novalidate: true, hidden: true },
    h('label', { class: 'field' }, h('span', { class: 'label' }, 'Alasan perubahan'), reason),
    h('label', { class: 'field' }, h('span', { class: 'label' }, 'Catatan'), note),
    h('div', { class: 'actions' }, submit, cancel, status));
  const open = h('button', { type: 'button' }, 'Ajukan PK Perubahan');
  open.addEventListener('click', () => {
    form.hidden = false;
    open.hidden = true;
    reason.focus();
  });
  cancel.addEventListener('click', () => {
    form.hidden = true;
    open.hidden = false;
    showProblems(form, [], status);
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = note.value.trim();
    showProblems(form, text ? [] : [{ path: '/note', code: 'empty_name', message: '' }], status);
    if (!text || !window.confirm(REVISION_CONFIRMATION)) return;
    busy(submit, status, async () => {
      await api('POST', `${agreementPath(a.id)}/revisions`, { reason: reason.value, note: text });
      await readUntil(agreementPath(a.id), (x) => (x.state?.phase ?? x.phase) !== 'reporting');
      await reload();
    }).catch((err) => showProblems(form, err.problems ?? [], null));
  });
  const panel = section('PK Perubahan',
    h('p', null, 'Bila pejabat berganti, anggaran berubah (APBD-P) atau kebijakan/strategi berubah, PK disusun ulang sebagai versi baru.'),
    open, form);
  panel.setAttribute('data-testid', 'revision-panel');
  return panel;
}
