// The shared vocabulary of the engine: the domain's terms (levels, officials, positions, units, indicators, the plan) as types. Pure types, no I/O.

export type Level = 'KEPALA_DAERAH' | 'JPT_MADYA' | 'JPT_PRATAMA' | 'ADMINISTRATOR' | 'PENGAWAS' | 'PELAKSANA';

export interface Official {
  /**
   * The person's stable official id (tokens, inbox, signing key). Defaults to the NIP; an official
   * without NIP gets `{organisation}.{position}` unless one is given (domain/identity.ts).
   */
  id?: string;
  /** 18-digit NIP; null only for a Kepala Daerah (not a civil servant). */
  nip: string | null;
  name: string;
  email: string;
}

export interface Position {
  id: string;
  title: string;
  /** Unit (OPD) id; null for the Kepala Daerah. */
  unit: string | null;
  /** Direct superior's position id: the second party of this position's PK. */
  parent: string | null;
  level: Level;
  official: Official;
  /** For an Asisten: the units whose overdue items escalate to them. */
  oversees?: string[];
}

export interface Unit {
  id: string;
  name: string;
}

export type Direction = 'up' | 'down';

export interface Indicator {
  /** Stable id, unique within the organisation's cycle (e.g. "dinkes-1-2"). */
  id: string;
  name: string;
  /** Unit of measure (Satuan), e.g. "%", "orang", "dokumen". */
  unit: string;
  direction: Direction;
  /** Yearly target; null means no target ("tidak dinilai"). */
  target: number | null;
  /** Optional range target [low, high] (e.g. 80–90); when set, `target` is the high bound for display. */
  range?: [number, number] | null;
  /** Optional weight (bobot); when any indicator of a PK has one, the PK score is weighted. */
  weight?: number | null;
  /** Optional quarterly targets (Triwulan I–IV). */
  quarterlyTargets?: [number | null, number | null, number | null, number | null] | null;
  /** Additive indicators (counts, money) aggregate cumulatively; level ones (%, rates) use the last quarter. */
  aggregation?: 'cumulative' | 'last';
  /** The superior's indicator this one serves; null only when `additionalTask` is true. */
  parentIndicatorId: string | null;
  additionalTask?: boolean;
}

export interface Objective {
  /** Optional stable id (the plan's objectives carry one, e.g. "S-kesehatan"). */
  id?: string;
  text: string;
  indicators: Indicator[];
}

export interface BudgetLine {
  /** Program / Kegiatan / Sub-kegiatan name. */
  program: string;
  /** Pagu in Rupiah (integer). */
  amount: number;
}

/** The content of one PK version: what the first party drafts and both parties sign. */
export interface AgreementContent {
  objectives: Objective[];
  budget: BudgetLine[];
}

export interface Organisation {
  id: string;
  name: string;
  /** Printed on the PK ("Bengkayang, 20 Januari 2025"). */
  place: string;
}

/** The regency's own plan (IKU Pemda) that the Bupati's direct reports cascade from. */
export interface Plan {
  objectives: Objective[];
}

/** The import format of an organisation for one year (the shape of data/kabupaten-bengkayang-2025.json). */
export interface OrganisationImport {
  organisation: Organisation;
  year: number;
  units: Unit[];
  positions: Position[];
  plan?: Plan;
  drafts?: Record<string, AgreementContent>;
}

/** One quarter's report for one indicator. */
export interface IndicatorRealization {
  indicatorId: string;
  /** Value achieved in the quarter; null when not reported. */
  value: number | null;
}

export interface QuarterReport {
  quarter: 1 | 2 | 3 | 4;
  realizations: IndicatorRealization[];
  /** Budget spent in the quarter, per budget line index (Rp). */
  budgetSpent: number[];
  /** Obstacles / notes (kendala). */
  note?: string;
}

export type Quarter = 1 | 2 | 3 | 4;
