// The public verification report in Bahasa Indonesia: the verdict (from its stable code), whether
// this installation issued the file, and per signature the signer, time, certificate chain,
// timestamp, revocation status, coverage and PAdES level (only for what is valid). Used by the upload page and by the
// page the QR code on a PK leads to.
import { h } from './dom.js';
import { fmtDateTime, PARTY, SIGNATURE_PROBLEM } from './format.js';
import { notice } from './ui.js';

export const VERDICT = {
  valid: 'Dokumen sah: semua tanda tangan elektronik valid dan dokumen tidak berubah sejak ditandatangani.',
  unreadable: 'Berkas ini bukan PDF yang dapat dibaca.',
  not_signed: 'Dokumen ini tidak memiliki tanda tangan elektronik.',
  document_modified: 'Dokumen telah diubah setelah ditandatangani: isi yang ditandatangani tidak lagi sama.',
  signature_invalid: 'Tanda tangan elektronik tidak valid.',
  unsigned_changes: 'Ada perubahan yang ditambahkan setelah tanda tangan terakhir tanpa ditandatangani.',
  untrusted_certificate: 'Sertifikat penanda tangan tidak diterbitkan oleh otoritas sertifikat yang dipercaya sistem ini.',
  certificate_revoked: 'Sertifikat penanda tangan sudah dicabut sebelum dokumen ditandatangani.',
  certificate_expired: 'Sertifikat tidak berlaku pada saat penandatanganan.',
  timestamp_invalid: 'Penanda waktu (timestamp) tanda tangan tidak valid.',
  malformed_signature: 'Struktur tanda tangan elektronik tidak sesuai standar.',
};

/** The verifier's own English sentences are kept for help desks and auditors, and labelled as such. */
export const TECHNICAL = {
  signature: 'Rincian teknis (bahasa Inggris, untuk petugas layanan)',
  document: 'Rincian teknis dokumen (bahasa Inggris, untuk petugas layanan)',
};

export const LEVEL = {
  'B-B': 'PAdES-BASELINE-B (tanda tangan dasar, tanpa penanda waktu)',
  'B-T': 'PAdES-BASELINE-T (dengan penanda waktu tepercaya)',
  'B-LT': 'PAdES-BASELINE-LT (dengan data validasi jangka panjang)',
  'B-LTA': 'PAdES-BASELINE-LTA (dengan penanda waktu arsip)',
};

/** The level shown for a signature, or a document, that is not valid: none is claimed. */
export const NO_LEVEL = '—';

const REASON = {
  keyCompromise: 'kunci bocor',
  affiliationChanged: 'pergantian pejabat',
  superseded: 'diganti sertifikat baru',
  cessationOfOperation: 'tidak lagi menjabat',
};

function revocationText(r, zone) {
  if (!r || r.status === 'unknown') return 'Tidak diketahui (tidak ada data pencabutan sertifikat)';
  if (r.status === 'good') return 'Tidak dicabut (menurut daftar pencabutan di dokumen)';
  return `Dicabut${r.revokedAt ? ` pada ${fmtDateTime(r.revokedAt, zone)}` : ''}${r.reason ? ` (alasan: ${REASON[r.reason] ?? r.reason})` : ''}`;
}

function signatureItem(sig, index, zone) {
  return h('li', { class: 'signature', 'data-testid': 'signature', 'data-valid': String(sig.valid) },
    h('h3', null, `Tanda tangan ${index + 1}: ${sig.signerName ?? 'tanpa nama'}`),
    h('dl', { class: 'facts' },
      sig.nip ? [h('dt', null, 'NIP'), h('dd', null, sig.nip)] : null,
      h('dt', null, 'Status'), h('dd', { 'data-testid': 'signature-status' }, sig.valid ? 'Sah' : `Tidak sah: ${sig.codes.map((c) => SIGNATURE_PROBLEM[c] ?? c).join(', ')}`),
      h('dt', null, 'Waktu penandatanganan'), h('dd', null, fmtDateTime(sig.signingTime, zone)),
      h('dt', null, 'Penanda waktu'), h('dd', null, sig.timestamp
        ? `${fmtDateTime(sig.timestamp.time, zone)} oleh ${sig.timestamp.authorityName ?? sig.timestamp.authority}${sig.timestamp.valid ? '' : ' (tidak valid)'}`
        : 'Tidak ada (waktu dinyatakan oleh penanda tangan)'),
      h('dt', null, 'Status pencabutan'), h('dd', { 'data-testid': 'revocation' }, revocationText(sig.revocation, zone),
        sig.revocation?.status === 'revoked' && sig.valid ? ' — setelah penandatanganan, sehingga tanda tangan tetap sah' : ''),
      h('dt', null, 'Cakupan'), h('dd', null, sig.coversWholeFile ? 'Mencakup seluruh berkas' : 'Mencakup revisi dokumen saat ditandatangani'),
      // a conformance level means nothing for a signature that does not verify
      h('dt', null, 'Tingkat'), h('dd', { 'data-testid': 'signature-level' }, sig.valid && sig.level ? LEVEL[sig.level] ?? sig.level : NO_LEVEL),
      sig.reason ? [h('dt', null, 'Alasan'), h('dd', null, `${sig.reason}${sig.location ? ` · ${sig.location}` : ''}`)] : null),
    h('details', null,
      h('summary', null, `Rantai sertifikat (${sig.certificates.length})${sig.trusted ? ' — sampai otoritas sertifikat tepercaya' : ' — tidak sampai otoritas tepercaya'}`),
      // names as people read them (the common name); the full distinguished name under it, for checking
      h('ol', { class: 'chain' }, sig.certificates.map((c) => h('li', null,
        h('div', { 'data-testid': 'certificate-name' }, c.subjectName ?? c.subject),
        h('div', { class: 'small' }, `Diterbitkan oleh ${c.issuerName ?? c.issuer} · nomor seri ${c.serialNumber} · berlaku ${fmtDateTime(c.validFrom, zone)} s.d. ${fmtDateTime(c.validTo, zone)}`),
        h('div', { class: 'small muted', 'data-testid': 'certificate-dn' }, `Nama lengkap (DN): ${c.subject}`),
        h('div', { class: 'hash' }, `SHA-256 ${c.sha256}`))))),
    sig.problems.length ? h('details', null, h('summary', null, TECHNICAL.signature), h('ul', null, sig.problems.map((p) => h('li', null, p)))) : null);
}

/** What an issued document is, in words: "Perjanjian Kinerja Kepala Dinas Kesehatan Tahun 2026". */
// A version after the first is a PK Perubahan, titled so on its PDF (db/agreement-pdf-source.ts)
export const issuedTitle = (issued) =>
  `Perjanjian Kinerja${issued.version > 1 ? ' Perubahan' : ''} ${issued.agreementOf.title} Tahun ${issued.agreementOf.year}`;

/**
 * The report returned by POST /api/verify and GET /api/verify/documents/:id. Its times are in the
 * zone of the PK's region when the document is one this system issued; a file it did not issue has
 * no PK, and its times are in WIB.
 */
export function publicReport(v) {
  const zone = v.issued?.agreementOf?.utcOffsetHours;
  return h('div', { class: 'verification', 'data-testid': 'verification', 'data-verdict': v.verdict, 'data-ok': String(v.ok) },
    notice(v.ok ? 'success' : 'error', h('strong', { 'data-testid': 'verdict' }, VERDICT[v.verdict] ?? v.verdict)),
    h('dl', { class: 'facts' },
      h('dt', null, 'Diterbitkan sistem ini'),
      h('dd', { 'data-testid': 'issued' }, v.issued
        ? `Ya: ${issuedTitle(v.issued)} (${v.issued.agreementOf.organisation}), versi ${v.issued.version}, ditandatangani ${PARTY[v.issued.party] ?? v.issued.party} pada ${fmtDateTime(v.issued.signedAt, zone)}`
        : 'Tidak: berkas ini tidak sama persis dengan dokumen yang diterbitkan sistem ini'),
      v.level ? [h('dt', null, 'Tingkat PAdES'), h('dd', { 'data-testid': 'level' }, v.ok ? LEVEL[v.level] ?? v.level : NO_LEVEL)] : null,
      v.validationData ? [h('dt', null, 'Data validasi'), h('dd', null, `${v.validationData.certificates} sertifikat dan ${v.validationData.crls} daftar pencabutan (CRL) tersimpan di dokumen`)] : null,
      (v.documentTimestamps ?? []).map((ts) => [h('dt', null, 'Penanda waktu dokumen'),
        h('dd', null, `${fmtDateTime(ts.time, zone)} oleh ${ts.authorityName ?? ts.authority ?? '—'}${ts.valid ? '' : ' (tidak valid)'}`)]),
      h('dt', null, 'SHA-256 berkas'), h('dd', { class: 'hash' }, v.sha256)),
    v.signatures.length ? h('ol', { class: 'signatures' }, v.signatures.map((sig, index) => signatureItem(sig, index, zone))) : null,
    v.problems.length ? h('details', null, h('summary', null, TECHNICAL.document), h('ul', null, v.problems.map((p) => h('li', null, p)))) : null);
}
