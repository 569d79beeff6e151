// A signed document's verification report (the QR code on the PDF leads here: #/verify/{docId}).
import { h, replace } from '../dom.js';
import { enc, get } from '../api.js';
import { fmtDateTime, PARTY } from '../format.js';
import { notice, section } from '../ui.js';

export function verificationView(v) {
  const report = v.report ?? {};
  const ok = report.ok ?? report.valid;
  return h('div', { class: 'verification', 'data-testid': 'verification', 'data-ok': String(Boolean(ok)) },
    ok ? notice('success', 'Verifikasi: semua tanda tangan sah dan dokumen tidak berubah sejak ditandatangani.')
      : notice('error', 'Verifikasi gagal: dokumen atau tanda tangan tidak sah.'),
    h('ol', { class: 'signatures' }, (report.signatures ?? []).map((sig) =>
      h('li', null,
        h('strong', null, sig.signerName ?? 'Tanpa nama'), sig.nip ? ` · NIP ${sig.nip}` : '',
        h('div', { class: 'small' }, `Penerbit sertifikat: ${sig.issuer ?? '—'}`),
        h('div', { class: 'small' }, `${sig.reason ?? ''}${sig.location ? ` · ${sig.location}` : ''}${sig.signingTime ? ` · ${fmtDateTime(sig.signingTime)}` : ''}`),
        h('div', { class: 'small' }, sig.valid ? 'Tanda tangan sah' : `Tidak sah: ${sig.invalidReason ?? ''}`, sig.coversWholeFile ? ' · mencakup seluruh berkas' : '')))),
    (report.problems ?? []).length ? h('ul', { class: 'warn' }, report.problems.map((p) => h('li', null, p))) : null);
}

export async function renderVerify(main, { params }) {
  const [docId] = params;
  const v = await get(`/api/documents/${enc(docId)}/verification`);
  replace(main,
    h('h1', null, 'Verifikasi dokumen'),
    section(`PK ${v.agreementId}`,
      h('dl', { class: 'facts' },
        h('dt', null, 'Dokumen'), h('dd', null, v.documentId),
        h('dt', null, 'Versi'), h('dd', null, String(v.version)),
        h('dt', null, 'Pihak'), h('dd', null, PARTY[v.party] ?? v.party),
        h('dt', null, 'Ditandatangani'), h('dd', null, fmtDateTime(v.signedAt)),
        h('dt', null, 'SHA-256'), h('dd', { class: 'hash' }, v.sha256)),
      verificationView(v)),
    h('p', null, h('a', { href: `#/pk/${enc(v.agreementId)}` }, 'Buka PK')));
}
