// Signing: the PDF about to be signed shown in the page, the personal passphrase, then the signed
// result and its verification report. A wrong passphrase or a lock (423) is shown and signs nothing.
import { h, replace } from '../dom.js';
import { agreementPath, api, enc, get, getBlob } from '../api.js';
import { errorMessage, fmtDateTime, fmtNumber, PARTY } from '../format.js';
import { busy, notice, section } from '../ui.js';
import { agreementHeader, awaitingOf, myPositions, phaseOf } from './agreement.js';
import { verificationView } from './verify.js';

async function pdfFrame(path, title) {
  const blob = await getBlob(path);
  const url = URL.createObjectURL(blob);
  const frame = h('iframe', { src: url, title, class: 'pdf', 'data-testid': 'pdf-preview', 'data-bytes': blob.size, 'data-type': blob.type });
  const open = h('a', { href: url, target: '_blank', rel: 'noopener', class: 'button' }, 'Buka PDF di tab baru');
  return h('div', { class: 'pdf-wrap' }, frame, h('p', null, open));
}

/** The lockout rule in force, from GET /api/me (SIGNING_MAX_FAILURES, SIGNING_LOCK_MINUTES). */
export function lockoutRule(signing) {
  const failures = signing?.maxFailures ?? 5;
  const minutes = signing?.lockMinutes ?? 15;
  const times = failures === 1 ? 'Satu kali' : `${fmtNumber(failures)} kali`;
  return `${times} salah memasukkan frasa sandi mengunci penandatanganan selama ${fmtNumber(minutes)} menit.`;
}

export async function renderSign(main, { params, me }) {
  const [id] = params;
  const a = await get(agreementPath(id));
  const mine = myPositions(me, a.cycleId);
  const awaiting = awaitingOf(a);
  const awaitingMe = phaseOf(a) === 'signing' && awaiting !== null && mine.includes(awaiting);
  const party = awaiting === a.positionId ? 'first' : 'second';
  const preview = h('div', null, h('p', { class: 'muted' }, 'Memuat pratinjau PDF…'));
  const result = h('div', { 'data-testid': 'sign-result' });
  const status = h('div', { class: 'status', 'data-testid': 'sign-status' });
  // Enrolment: an official without a signing key yet creates it with this first signature, under the
  // passphrase chosen here; the page says so, asks for it twice and states the rules the API enforces.
  const enrolling = me.signing && !me.signing.enrolled;
  const minLength = me.signing?.minPassphraseLength ?? 10;
  const passphrase = h('input', { type: 'password', id: 'passphrase', name: 'passphrase', autocomplete: enrolling ? 'new-password' : 'current-password', required: true, ...(enrolling ? { minlength: String(minLength) } : {}) });
  const confirm = enrolling ? h('input', { type: 'password', id: 'passphrase-confirm', name: 'passphrase-confirm', autocomplete: 'new-password', required: true }) : null;
  const button = h('button', { type: 'submit', class: 'primary' }, enrolling ? 'Daftarkan kunci dan tanda tangani' : 'Tanda tangani');
  const form = h('form', { class: 'sign-form' },
    enrolling
      ? h('div', { 'data-testid': 'enrolment' },
          h('h3', null, 'Langkah pertama: pendaftaran kunci tanda tangan'),
          h('p', null, 'Anda belum memiliki sertifikat tanda tangan elektronik. Tanda tangan ini sekaligus membuat kunci pribadi dan sertifikat Anda, '
            + 'yang dikunci dengan frasa sandi yang Anda pilih sekarang. Frasa sandi ini dipakai untuk setiap tanda tangan berikutnya dan tidak dapat dipulihkan: simpan baik-baik.'),
          h('ul', null,
            h('li', null, `Paling sedikit ${minLength} karakter; kalimat pendek yang hanya Anda ketahui lebih baik daripada satu kata.`),
            h('li', null, 'Bukan NIP Anda, dan bukan frasa yang umum (misalnya 1234567890 atau indonesia123).'),
            h('li', { 'data-testid': 'lockout-rule' }, lockoutRule(me.signing))))
      : null,
    h('p', null, `Anda menandatangani sebagai ${PARTY[party]}. Frasa sandi tidak disimpan.`),
    h('label', { for: 'passphrase' }, enrolling ? 'Frasa sandi baru' : 'Frasa sandi tanda tangan elektronik'), passphrase,
    confirm ? h('label', { for: 'passphrase-confirm' }, 'Ulangi frasa sandi baru') : null, confirm,
    button, status);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!passphrase.value) return replace(status, notice('error', 'Frasa sandi wajib diisi.'));
    if (confirm && confirm.value !== passphrase.value) return replace(status, notice('error', 'Kedua frasa sandi tidak sama.'));
    busy(button, status, async () => {
      const signature = await api('POST', `${agreementPath(id)}/sign`, { passphrase: passphrase.value });
      passphrase.value = '';
      if (confirm) confirm.value = '';
      form.remove();
      const report = await get(`/api/documents/${enc(signature.documentId)}/verification`);
      replace(result,
        notice('success', `PK ditandatangani sebagai ${PARTY[signature.party]} pada ${fmtDateTime(signature.signedAt, a.utcOffsetHours)}.`),
        h('dl', { class: 'facts' },
          h('dt', null, 'Dokumen'), h('dd', null, signature.documentId),
          h('dt', null, 'SHA-256'), h('dd', { class: 'hash' }, signature.sha256),
          h('dt', null, 'Penanda tangan'), h('dd', null, signature.signerNip ? `NIP ${signature.signerNip}` : signature.signerId)),
        verificationView(report, a.utcOffsetHours),
        h('p', null, h('a', { href: `#/pk/${enc(id)}`, class: 'button' }, 'Kembali ke PK')));
    }).catch((err) => {
      passphrase.value = '';
      if (confirm) confirm.value = '';
      if (err.code === 'wrong_passphrase' || err.code === 'weak_passphrase' || err.code === 'signing_locked') passphrase.focus();
      replace(status, notice('error', errorMessage(err, a.utcOffsetHours)));
    });
  });
  replace(main,
    agreementHeader(a),
    h('p', null, h('a', { href: `#/pk/${enc(id)}` }, '← Kembali ke PK')),
    awaitingMe ? null : notice('warn', 'PK ini tidak sedang menunggu tanda tangan Anda.'),
    section('Pratinjau dokumen', preview),
    awaitingMe ? section('Tanda tangan', form, result) : null);
  try {
    replace(preview, await pdfFrame(`${agreementPath(id)}/preview.pdf`, 'Pratinjau PDF PK'));
  } catch (err) {
    replace(preview, notice('error', errorMessage(err)));
  }
}
