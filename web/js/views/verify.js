// A document this installation issued, verified again from its stored bytes: the QR code on a
// signed PK leads here (#/verify/{docId}?t={token}). Public, so whoever scans the code sees the
// verdict without signing in; the PK's content is not shown, only who signed it and its id and
// version. The API answers by id alone only for PKs signed before links had a token; a signed-in
// person following the PK page's link (no token) gets the report of the PDF they may open.
import { h, replace } from '../dom.js';
import { enc, get, getBlob, postFile } from '../api.js';
import { fmtDateTime, PARTY, SIGNATURE_PROBLEM } from '../format.js';
import { notice, section } from '../ui.js';
import { issuedTitle, publicReport, TECHNICAL, VERDICT } from '../verification-report.js';

/** A signature's verdict in Bahasa Indonesia, from its stable codes (the English problems go under "Rincian teknis"). */
function signatureStatus(sig) {
  if (sig.valid) return 'Tanda tangan sah';
  const codes = sig.codes ?? [];
  return codes.length ? `Tidak sah: ${codes.map((c) => SIGNATURE_PROBLEM[c] ?? 'masalah lain (lihat rincian teknis)').join(', ')}` : 'Tidak sah (lihat rincian teknis)';
}

/** The server's own wording, for whoever needs it (a help desk, an auditor). */
const technical = (title, lines) => (lines.length ? h('details', { class: 'small' }, h('summary', null, title), h('ul', null, lines.map((p) => h('li', null, p)))) : null);

/** The report stored at signing time (the signing page shows it right after a signature), its times in the PK's zone. */
export function verificationView(v, utcOffsetHours) {
  const report = v.report ?? {};
  const ok = report.ok ?? report.valid;
  const verdict = report.verdict && report.verdict !== 'valid' ? VERDICT[report.verdict] : null;
  return h('div', { class: 'verification', 'data-testid': 'verification', 'data-ok': String(Boolean(ok)) },
    ok ? notice('success', 'Verifikasi: semua tanda tangan sah dan dokumen tidak berubah sejak ditandatangani.')
      : notice('error', `Verifikasi gagal: ${verdict ?? 'dokumen atau tanda tangan tidak sah.'}`),
    h('ol', { class: 'signatures' }, (report.signatures ?? []).map((sig) =>
      h('li', null,
        h('strong', null, sig.signerName ?? 'Tanpa nama'), sig.nip ? ` · NIP ${sig.nip}` : '',
        h('div', { class: 'small' }, `Penerbit sertifikat: ${sig.issuer ?? '—'}`),
        h('div', { class: 'small' }, `${sig.reason ?? ''}${sig.location ? ` · ${sig.location}` : ''}${sig.signingTime ? ` · ${fmtDateTime(sig.signingTime, utcOffsetHours)}` : ''}`),
        h('div', { class: 'small', 'data-testid': 'signature-status' }, signatureStatus(sig), sig.coversWholeFile ? ' · mencakup seluruh berkas' : ''),
        technical(TECHNICAL.signature, sig.valid ? [] : (sig.problems?.length ? sig.problems : [sig.invalidReason].filter(Boolean)))))),
    technical(TECHNICAL.document, report.problems ?? []));
}

export async function renderVerify(main, { params, query, me }) {
  const [docId] = params;
  const token = query?.get('t');
  const v = await get(`/api/verify/documents/${enc(docId)}${token ? `?t=${enc(token)}` : ''}`).catch(async (err) => {
    if (!(me && !token && err.status === 404)) throw err;
    return postFile('/api/verify', await getBlob(`/api/documents/${enc(docId)}`), 'application/pdf');
  });
  replace(main,
    h('h1', null, 'Verifikasi dokumen'),
    section(v.issued ? `${issuedTitle(v.issued)} · versi ${v.issued.version} · ${PARTY[v.issued.party] ?? v.issued.party}` : `Dokumen ${docId}`,
      publicReport(v)),
    h('p', null,
      h('a', { href: '#/verifikasi' }, 'Periksa berkas PDF yang Anda terima'),
      me && v.issued ? [' · ', h('a', { href: `#/pk/${enc(v.issued.agreementId)}` }, 'Buka PK')] : null));
}
