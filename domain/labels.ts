// How the domain's codes read in Bahasa Indonesia, for the page (served as /lib/labels.js: its
// badges and the rating form) and where the server writes for people (the XLSX downloads): one
// table, so a download and the page never name a phase differently. Pure (only `import type`).
import type { Expectation } from './predicates';

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
export const EXPECTATION_LABELS: Readonly<Record<Expectation, string>> = {
  di_atas: 'Di atas ekspektasi',
  sesuai: 'Sesuai ekspektasi',
  di_bawah: 'Di bawah ekspektasi',
};

/** A code's label; an unknown code (data from a newer version) is shown as it is, never dropped. */
export const labelOf = (labels: Readonly<Record<string, string>>, code: string | null | undefined): string | null =>
  code === null || code === undefined ? null : Object.hasOwn(labels, code) ? labels[code] : code;
