// How the domain's codes read in Bahasa Indonesia where the server writes for people (the XLSX
// downloads). Pure (no imports), so the page could take it from /lib/ too; the page's own tables
// (web/js/format.js PHASE, web/js/views/rating.js EXPECTATION) hold the same words, and
// test/unit/page-texts.test.ts fails when the two differ.

/** A PK's phase (workflows/messages.ts PHASES), as the page's badges name it. */
export const PHASE_LABELS: Readonly<Record<string, string>> = {
  waiting_superior: 'Menunggu PK atasan',
  drafting: 'Penyusunan draf',
  review: 'Reviu atasan',
  signing: 'Penandatanganan',
  reporting: 'Pelaporan triwulan',
  evaluation: 'Evaluasi',
  closed: 'Selesai',
};

/** Hasil kerja and perilaku kerja against expectation (domain/predicates.ts Expectation). */
export const EXPECTATION_LABELS: Readonly<Record<string, string>> = {
  di_atas: 'Di atas ekspektasi',
  sesuai: 'Sesuai ekspektasi',
  di_bawah: 'Di bawah ekspektasi',
};

/** A code's label; an unknown code (data from a newer version) is shown as it is, never dropped. */
export const labelOf = (labels: Readonly<Record<string, string>>, code: string | null | undefined): string | null =>
  code === null || code === undefined ? null : Object.hasOwn(labels, code) ? labels[code] : code;
