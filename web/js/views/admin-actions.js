// An administrator's actions on the PK page (panel "Tindakan administrator"): extend the current
// deadline (POST …/deadline), lift a party's passphrase lock (POST /api/admin/signing/:id/unlock),
// and change the official holding the PK's position (PUT /api/positions/…/official, followed at its
// status URL until the change is done). Each action reloads the page; its outcome is kept here and
// shown in the rebuilt panel.
import { h } from '../dom.js';
import { agreementPath, api, enc, get } from '../api.js';
import { fmtDateTime, PARTY, positionTitle, taskLabel } from '../format.js';
import { busy, notice, section, showProblems } from '../ui.js';
import { TEXT_LIMITS } from '/lib/limits.js';

export const OFFICIAL_CHANGE_CONFIRMATION = 'Ganti pejabat pada jabatan ini? Pejabat baru memegang PK ini; PK yang sudah ditandatangani disusun ulang '
  + 'sebagai PK Perubahan, dan sertifikat pejabat lama dicabut bila ia tidak lagi memegang jabatan lain.';

export const canAdminister = (me) => me.role === 'admin';

/** The outcome of the last action per PK and action, shown once in the panel the reload builds. */
const outcomes = new Map();
const takeOutcome = (a, action) => {
  const key = `${a.id}\n${action}`;
  const found = outcomes.get(key);
  outcomes.delete(key);
  return found ? notice(found.kind, found.text) : null;
};
const keepOutcome = (a, action, kind, text) => outcomes.set(`${a.id}\n${action}`, { kind, text });

const field = (label, input, hint) => h('label', { class: 'field' }, h('span', { class: 'label' }, label, hint ? h('span', { class: 'hint' }, hint) : null), input);
const personOf = (official) => `${official.name}${official.nip ? ` (NIP ${official.nip})` : official.id ? ` (${official.id})` : ''}`;

/** The parties of the PK as GET /api/agreements/:id names them: the position's holder, and the superior's. */
function partiesOf(a) {
  return [
    a.position?.official ? { party: 'first', positionId: a.positionId, official: a.position.official } : null,
    a.secondParty?.official ? { party: 'second', positionId: a.secondParty.positionId, official: a.secondParty.official } : null,
  ].filter(Boolean);
}

/** The end of a local day (YYYY-MM-DD) in the cycle's zone, as an ISO instant: a due date means the end of its day. */
function endOfDay(date, utcOffsetHours) {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d, 24) - utcOffsetHours * 3_600_000 - 1).toISOString();
}

function deadlineSection(a, reload) {
  const deadline = a.state?.deadline;
  const title = h('h3', null, 'Perpanjang tenggat');
  const shown = takeOutcome(a, 'deadline');
  if (!deadline) {
    return h('div', { 'data-testid': 'admin-deadline' }, title, shown,
      h('p', { class: 'muted' }, a.live ? 'Tidak ada tenggat yang sedang berjalan pada tahap ini.' : 'Status langsung PK tidak tersedia; tenggat tidak dapat diperpanjang sekarang.'));
  }
  const awaited = partiesOf(a).find((p) => p.positionId === deadline.awaiting);
  const date = h('input', { type: 'date', name: 'deadline-date', required: true, 'data-path': '/dueAt' });
  const reason = h('textarea', { name: 'deadline-reason', rows: 2, maxlength: TEXT_LIMITS.reason, required: true, 'data-path': '/reason' });
  const status = h('div', { class: 'status' });
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Perpanjang tenggat');
  const form = h('form', { 'data-testid': 'deadline-form', novalidate: true },
    field('Tenggat baru', date, 'Berlaku sampai akhir hari yang dipilih (pukul 23.59 waktu setempat).'),
    field('Alasan', reason),
    h('div', { class: 'actions' }, submit, status));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = reason.value.trim();
    const problems = [
      date.value ? null : { path: '/dueAt', code: 'empty_name', message: '' },
      text ? null : { path: '/reason', code: 'empty_name', message: '' },
    ].filter(Boolean);
    showProblems(form, problems, status);
    if (problems.length) return;
    busy(submit, status, async () => {
      const dueAt = endOfDay(date.value, a.utcOffsetHours);
      const extended = await api('POST', `${agreementPath(a.id)}/deadline`, { dueAt, reason: text });
      keepOutcome(a, 'deadline', 'success', `Tenggat "${taskLabel(extended.item)}" diperpanjang hingga ${fmtDateTime(extended.dueAt, a.utcOffsetHours)}.`);
      await reload();
    }).catch((err) => showProblems(form, err.problems ?? [], null));
  });
  return h('div', { 'data-testid': 'admin-deadline' }, title, shown,
    h('p', { 'data-testid': 'current-deadline', 'data-due': deadline.dueAt },
      `Tenggat saat ini: "${taskLabel(deadline.item)}" — ${fmtDateTime(deadline.dueAt, a.utcOffsetHours)}`,
      deadline.overdue ? h('span', { class: 'badge overdue' }, 'Terlambat') : null),
    h('p', { class: 'muted small' }, `Menunggu: ${awaited ? `${PARTY[awaited.party]}, ${personOf(awaited.official)}` : deadline.awaiting === null ? 'Tim Evaluasi' : `pemegang jabatan lain (kode ${deadline.awaiting})`}`),
    form);
}

function unlockSection(a, reload) {
  const parties = partiesOf(a);
  const awaiting = a.state?.deadline?.awaiting ?? a.awaitingPositionId;
  const signing = (a.state?.phase ?? a.phase) === 'signing';
  const awaited = signing ? parties.find((p) => p.positionId === awaiting) : undefined;
  // the API tells an administrator whose signing is locked, and until when
  const locked = parties.find((p) => p.official.signingLockedUntil);
  const chosenFirst = locked ?? awaited;
  const who = h('select', { name: 'unlock-official' },
    parties.map((p) => h('option', { value: p.party, selected: p === chosenFirst }, `${PARTY[p.party]}: ${personOf(p.official)}`)));
  const locks = h('ul', { class: 'signing-locks', 'data-testid': 'signing-locks' }, parties.map((p) =>
    h('li', { 'data-party': p.party, 'data-locked': p.official.signingLockedUntil ? 'true' : 'false' },
      `${PARTY[p.party]}: ${personOf(p.official)} — `,
      p.official.signingLockedUntil
        ? h('span', { class: 'badge overdue' }, `terkunci hingga ${fmtDateTime(p.official.signingLockedUntil, a.utcOffsetHours)}`)
        : 'tidak terkunci')));
  const status = h('div', { class: 'status' });
  const submit = h('button', { type: 'submit' }, 'Buka kunci penandatanganan');
  const form = h('form', { 'data-testid': 'unlock-form', novalidate: true },
    field('Pejabat', who),
    h('div', { class: 'actions' }, submit, status));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const chosen = parties.find((p) => p.party === who.value);
    if (!chosen) return;
    busy(submit, status, async () => {
      await api('POST', `/api/admin/signing/${enc(chosen.official.id ?? chosen.official.nip)}/unlock`);
      keepOutcome(a, 'unlock', 'success', `Kunci penandatanganan ${personOf(chosen.official)} dibuka; ia dapat menandatangani lagi dengan frasa sandinya.`);
      await reload();
    }).catch(() => {});
  });
  return h('div', { 'data-testid': 'admin-unlock' },
    h('h3', null, 'Buka kunci penandatanganan'),
    takeOutcome(a, 'unlock'),
    h('p', { class: 'muted small' }, 'Frasa sandi yang salah berulang kali mengunci penandatanganan pejabat untuk sementara. ',
      awaited ? `PK ini menunggu tanda tangan ${PARTY[awaited.party]}: ${personOf(awaited.official)}.` : ''),
    parties.length ? locks : null,
    parties.length ? form : h('p', { class: 'muted' }, 'Pejabat PK ini tidak diketahui.'));
}

/** Reads a change's status URL until it is done; null when it is still running after the tries. */
async function followChange(statusUrl, { tries = 120, delayMs = 1000 } = {}) {
  for (let k = 0; k < tries; k++) {
    const status = await get(statusUrl);
    if (status.state !== 'running') return status.result;
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
  return null;
}

function changeOutcomeText(result) {
  if (!result.changed) return `${personOf(result.official)} sudah memegang jabatan ini; tidak ada yang berubah.`;
  return [
    `Pejabat diganti: ${personOf(result.official)}.`,
    result.revision ? `PK Perubahan versi ${result.revision.version} dimulai; pejabat baru menyusun dan menandatanganinya ulang.` : null,
    result.revokedCertificate ? 'Sertifikat pejabat lama dicabut.' : null,
  ].filter(Boolean).join(' ');
}

function officialSection(a, reload) {
  const current = a.position?.official;
  const withoutNip = a.position?.level === 'KEPALA_DAERAH';
  const nip = h('input', { name: 'official-nip', inputmode: 'numeric', maxlength: 18, autocomplete: 'off', 'data-path': '/nip' });
  const id = withoutNip ? h('input', { name: 'official-id', maxlength: 128, autocomplete: 'off', 'data-path': '/id' }) : null;
  const name = h('input', { name: 'official-name', maxlength: TEXT_LIMITS.officialName, autocomplete: 'off', 'data-path': '/name' });
  const email = h('input', { type: 'email', name: 'official-email', maxlength: TEXT_LIMITS.email, autocomplete: 'off', 'data-path': '/email' });
  const note = h('textarea', { name: 'official-note', rows: 2, maxlength: TEXT_LIMITS.note, 'data-path': '/note' });
  const status = h('div', { class: 'status' });
  const submit = h('button', { type: 'submit', class: 'danger' }, 'Ganti pejabat');
  const form = h('form', { 'data-testid': 'official-form', novalidate: true },
    field('NIP pejabat baru', nip, withoutNip ? 'Kosongkan bila pejabat bukan ASN, lalu isi ID pejabat.' : '18 digit.'),
    id ? field('ID pejabat', id, 'Wajib bila tanpa NIP; bila ber-NIP, kosongkan.') : null,
    field('Nama lengkap', name),
    field('E-mail', email),
    field('Catatan PK Perubahan (opsional)', note, 'Bila PK sudah ditandatangani, catatan ini menyertai PK Perubahan.'),
    h('div', { class: 'actions' }, submit, status));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const body = { nip: nip.value.trim() || null, name: name.value.trim(), email: email.value.trim() };
    if (id?.value.trim()) body.id = id.value.trim();
    if (note.value.trim()) body.note = note.value.trim();
    const problems = [
      body.nip === null && !withoutNip ? { path: '/nip', code: 'missing_nip', message: '' } : null,
      body.nip !== null && !/^\d{18}$/.test(body.nip) ? { path: '/nip', code: 'malformed_nip', message: '' } : null,
      withoutNip && body.nip === null && !body.id ? { path: '/id', code: 'missing_official_id', message: '' } : null,
      body.name ? null : { path: '/name', code: 'empty_name', message: '' },
      body.email ? null : { path: '/email', code: 'empty_name', message: '' },
    ].filter(Boolean);
    showProblems(form, problems, status);
    if (problems.length || !window.confirm(OFFICIAL_CHANGE_CONFIRMATION)) return;
    busy(submit, status, async () => {
      const answer = await api('PUT', `/api/positions/${enc(a.cycleId)}/${enc(a.positionId)}/official`, body);
      // 200: the change's outcome; 202: under way, followed at its status URL
      const result = answer?.state === 'running' && answer.statusUrl ? await followChange(answer.statusUrl) : answer;
      if (result) keepOutcome(a, 'official', 'success', changeOutcomeText(result));
      else keepOutcome(a, 'official', 'info', 'Penggantian pejabat masih diproses; muat ulang halaman ini sebentar lagi untuk melihat hasilnya.');
      await reload();
    }).catch((err) => showProblems(form, err.problems ?? [], null));
  });
  return h('div', { 'data-testid': 'admin-official' },
    h('h3', null, 'Ganti pejabat'),
    takeOutcome(a, 'official'),
    h('p', { 'data-testid': 'current-official' }, `Pejabat saat ini (${PARTY.first}, ${positionTitle(a)}): ${current ? personOf(current) : '—'}`),
    form);
}

export function adminActionsPanel(a, reload) {
  const panel = section('Tindakan administrator',
    deadlineSection(a, reload),
    unlockSection(a, reload),
    officialSection(a, reload));
  panel.setAttribute('data-testid', 'admin-actions');
  return panel;
}
