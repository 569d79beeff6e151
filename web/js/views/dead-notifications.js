// Notifications that could not be delivered after every attempt (administrators, #/notifikasi-gagal):
// what, to whom and about which PK, with "Kirim ulang" per row, which puts it back in the delivery
// queue (POST /api/admin/notifications/:key/retry); the row then says it is queued again.
import { h, replace } from '../dom.js';
import { api, enc, get } from '../api.js';
import { escalationLabel, fmtDateTime, fmtNumber, taskLabel } from '../format.js';
import { busy, notice, section, table } from '../ui.js';

/** Reminders and escalations; any other kind the API may add is a notification all the same (never its code). */
const kindOf = (n) => (n.kind === 'reminder' ? 'Pengingat' : n.kind === 'escalation' ? escalationLabel(n.level) : 'Notifikasi');

function row(n) {
  const state = h('td', { 'data-testid': 'delivery-status' }, h('span', { class: 'badge overdue' }, 'Gagal terkirim'));
  const status = h('div', { class: 'status' });
  const retry = h('button', { type: 'button' }, 'Kirim ulang');
  const tr = h('tr', { 'data-key': n.key, 'data-status': 'dead' },
    h('td', null, fmtDateTime(n.createdAt, n.utcOffsetHours)),
    h('td', null, h('a', { href: `#/pk/${enc(n.agreementId)}` }, taskLabel(n.item)), h('div', { class: 'small muted' }, n.agreementId)),
    h('td', null, kindOf(n)),
    h('td', null, n.recipientEmail ?? '—', n.recipientPositionId ? h('div', { class: 'small muted' }, n.recipientPositionId) : null),
    h('td', null, n.subject),
    h('td', { class: 'num' }, fmtNumber(n.attempts),
      n.lastError ? h('details', { class: 'small' }, h('summary', null, 'Rincian teknis (pesan server, bahasa Inggris)'), h('div', { class: 'muted', lang: 'en' }, n.lastError)) : null),
    state,
    h('td', null, retry, status));
  retry.addEventListener('click', () => busy(retry, status, async () => {
    await api('POST', `/api/admin/notifications/${enc(n.key)}/retry`);
    tr.dataset.status = 'pending';
    replace(state, h('span', { class: 'badge ok', title: 'Percobaan pengiriman dimulai dari awal.' }, 'Masuk antrean lagi'));
    status.replaceChildren();
    retry.remove();
  }).catch(() => {}));
  return tr;
}

export async function renderDeadNotifications(main) {
  const dead = await get('/api/admin/notifications/dead?limit=500');
  replace(main,
    h('h1', null, 'Notifikasi gagal terkirim'),
    section('Daftar notifikasi',
      h('p', { class: 'muted' }, 'Pengingat dan eskalasi yang tidak terkirim (e-mail atau webhook) setelah semua percobaan. ',
        '"Kirim ulang" memasukkannya lagi ke antrean pengiriman; periksa dahulu penyebabnya pada rincian teknis.'),
      dead.items.length
        ? table(['Dibuat', 'PK', 'Jenis', 'Penerima', 'Perihal', 'Percobaan', 'Status', ''], dead.items.map(row), { 'data-testid': 'dead-notifications' })
        : notice('info', 'Tidak ada notifikasi yang gagal terkirim.')));
}
