// The year-end rating of an official by their pejabat penilai (PermenPANRB 6/2022): hasil kerja
// (proposed from the PK's capaian, the rater decides) and perilaku kerja over the seven BerAKHLAK
// core values; the predikat follows from the two by the matrix in predicates.ts.
import { employeePredikat, type EmployeePredikat, type Expectation } from './predicates';

export const EXPECTATIONS: readonly Expectation[] = ['di_atas', 'sesuai', 'di_bawah'];

/** The seven BerAKHLAK core values, in their published order. */
export const BERAKHLAK = [
  'berorientasi_pelayanan', 'akuntabel', 'kompeten', 'harmonis', 'loyal', 'adaptif', 'kolaboratif',
] as const;
export type CoreValue = (typeof BERAKHLAK)[number];

/** How a capaian becomes a proposed hasil kerja: "> diAtasAbove" is di atas, "≥ sesuaiAtLeast" sesuai, below that di bawah. */
export interface HasilKerjaMapping {
  diAtasAbove: number;
  sesuaiAtLeast: number;
}

/** Over target is above expectation; the "Baik" band's floor (76) on the default scale is the expectation. */
export const DEFAULT_HASIL_KERJA_MAPPING: HasilKerjaMapping = { diAtasAbove: 100, sesuaiAtLeast: 76 };

/** The proposal for a PK's capaian; null when the PK has no capaian (nothing assessed). */
export function proposeHasilKerja(capaian: number | null, mapping: HasilKerjaMapping = DEFAULT_HASIL_KERJA_MAPPING): Expectation | null {
  if (capaian === null) return null;
  if (capaian > mapping.diAtasAbove) return 'di_atas';
  return capaian >= mapping.sesuaiAtLeast ? 'sesuai' : 'di_bawah';
}

export interface ValueRating {
  expectation: Expectation;
  note: string;
}

/**
 * The overall perilaku from the seven values. Di bawah when at least 4 of 7 (a majority) are di
 * bawah; di atas when at least 4 of 7 are di atas and none is di bawah (one value below
 * expectation keeps behaviour from being above it); otherwise sesuai.
 */
export function overallPerilaku(values: Readonly<Record<CoreValue, ValueRating>>): Expectation {
  const count = (e: Expectation) => BERAKHLAK.filter((v) => values[v].expectation === e).length;
  if (count('di_bawah') >= 4) return 'di_bawah';
  if (count('di_atas') >= 4 && count('di_bawah') === 0) return 'di_atas';
  return 'sesuai';
}

export interface EmployeeRatingResult {
  hasilKerja: Expectation;
  perilaku: Expectation;
  predikat: EmployeePredikat;
}

export function rateEmployee(hasilKerja: Expectation, values: Readonly<Record<CoreValue, ValueRating>>): EmployeeRatingResult {
  const perilaku = overallPerilaku(values);
  return { hasilKerja, perilaku, predikat: employeePredikat(hasilKerja, perilaku) };
}
