// Signing: the PDF about to be signed shown in the page, the personal passphrase, then the signed
// result and its verification report. A wrong passphrase or a lock (423) is shown and signs nothing.
import { h, replace } from '../dom.js';
import { agreementPath, api, enc, get, getBlob } from '../api.js';
import { errorMessage, fmtDateTime, PARTY } from '../format.js';
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
  const passphrase = h('input', { type: 'password', id: 'passphrase', name: 'passphrase', autocomplete: 'current-password', required: true });
  const button = h('button', { type: 'submit', class: 'primary' }, 'Tanda tangani');
  const form = h('form', { class: 'sign-form' },
    h('p', null, `Anda menandatangani sebagai ${PARTY[party]}. Frasa sandi tidak disimpan.`),
    h('label', { for: 'passphrase' }, 'Frasa sandi tanda tangan elektronik'), passphrase, button, status);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!passphrase.value) return replace(status, notice('error', 'Frasa sandi wajib diisi.'));
    busy(button, status, async () => {
      const signature = await api('POST', `${agreementPath(id)}/sign`, { passphrase: passphrase.value });
      passphrase.value = '';
      form.remove();
      const report = await get(`/api/documents/${enc(signature.documentId)}/verification`);
      replace(result,
        notice('success', `PK ditandatangani sebagai ${PARTY[signature.party]} pada ${fmtDateTime(signature.signedAt)}.`),
        h('dl', { class: 'facts' },
          h('dt', null, 'Dokumen'), h('dd', null, signature.documentId),
          h('dt', null, 'SHA-256'), h('dd', { class: 'hash' }, signature.sha256),
          h('dt', null, 'Penanda tangan'), h('dd', null, signature.signerNip ? `NIP ${signature.signerNip}` : signature.signerId)),
        verificationView(report),
        h('p', null, h('a', { href: `#/pk/${enc(id)}`, class: 'button' }, 'Kembali ke PK')));
    }).catch((err) => {
      passphrase.value = '';
      if (err.code === 'wrong_passphrase' || err.code === 'signing_locked') passphrase.focus();
      replace(status, notice('error', errorMessage(err)));
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
