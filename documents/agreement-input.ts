import { budgetLineKindOf, type BudgetLineKind } from '../domain/budget-line-kind';
import type { AgreementContent } from '../domain/types';

/** One signing party as printed on the PK. */
export interface PartyInput {
  name: string;
  /** Position title (jabatan), e.g. "Kepala Dinas Kesehatan". */
  title: string;
  /** 18-digit NIP; null for a Kepala Daerah (not a civil servant). */
  nip: string | null;
}

/** Everything a PK's PDF shows; the same input always renders the same bytes. */
export interface AgreementPdfInput {
  /** e.g. "Pemerintah Kabupaten Bengkayang". */
  organisation: string;
  /** The unit (OPD) name; null for the Kepala Daerah's own PK. */
  unitName: string | null;
  year: number;
  /** Printed before the date: "Bengkayang, 20 Januari 2025". */
  place: string;
  /** ISO calendar date of the agreement, "2025-01-20". */
  date: string;
  firstParty: PartyInput;
  /** Null for the Kepala Daerah's statement, signed alone. */
  secondParty: PartyInput | null;
  content: AgreementContent;
  /**
   * A PK Perubahan (a version after the first): titled so, to be told apart from the PK it amends.
   * Absent for a first version, whose input (its document id and bytes) stays as it was.
   */
  revision?: true;
  /**
   * What the budget lines are (annex table 2): Kegiatan for an eselon III, Sub-kegiatan lower down.
   * Absent for Program (a Kepala OPD's or the Kepala Daerah's PK), whose input stays as it was.
   */
  budgetLineKind?: Exclude<BudgetLineKind, 'Program'>;
}

/** Annex table 2's name for the budget lines. */
export const budgetLinesOf = (input: Pick<AgreementPdfInput, 'budgetLineKind'>): BudgetLineKind => input.budgetLineKind ?? 'Program';

/** The input's `budgetLineKind` for the first party's level (nothing for Program). */
export function budgetLinesFor(level: string | null | undefined): Pick<AgreementPdfInput, 'budgetLineKind'> {
  const kind = budgetLineKindOf(level);
  return kind === 'Program' ? {} : { budgetLineKind: kind };
}

/** "PERJANJIAN KINERJA" or, for a revised PK, "PERJANJIAN KINERJA PERUBAHAN". */
export const documentKind = (input: Pick<AgreementPdfInput, 'revision'>): string =>
  input.revision ? 'Perjanjian Kinerja Perubahan' : 'Perjanjian Kinerja';

export type Party = 'first' | 'second';

/** Names of the signature fields the renderer places in the signature block. */
export const SIGNATURE_FIELD_NAMES: Record<Party, string> = {
  first: 'PihakPertama',
  second: 'PihakKedua',
};
