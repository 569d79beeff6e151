// What the domain allows for each free text and each number, in one place. Text limits fit the PK's
// PDF (an indicator name of 500 characters wraps to a dozen lines of its annex cell); numbers are
// bounded so that sums over a cycle stay exact in PostgreSQL and in a JavaScript number.

/** Longest free text per field, in characters (UTF-16 code units, as zod and the page count them). */
export const TEXT_LIMITS = {
  id: 64,
  organisationName: 200,
  place: 100,
  unitName: 200,
  positionTitle: 200,
  officialName: 200,
  email: 254,
  objectiveText: 500,
  indicatorName: 500,
  /** Satuan, e.g. "%", "orang", "dokumen". */
  indicatorUnit: 50,
  programName: 300,
  /** Reasons (return, revision, extension, adjustment) and notes (kendala, change of official). */
  reason: 2000,
  note: 2000,
} as const;

/** Largest amount of Rupiah anywhere (pagu, budget spent): 10^15, a thousand trillion. */
export const MAX_RUPIAH = 1e15;
/** Largest target or realization of an indicator: indicators may count Rupiah too. */
export const MAX_QUANTITY = 1e15;
/** Largest weight (bobot) of an indicator: weights are relative, usually percents. */
export const MAX_WEIGHT = 1000;

/** Largest capaian or score the evaluation team may set by adjustment, in percent. */
export const MAX_ADJUSTED_PERCENT = 1000;

/** How many items a PK's content may hold: far above any real PK, low enough for one PDF. */
export const COUNT_LIMITS = {
  objectives: 100,
  indicatorsPerObjective: 100,
  budgetLines: 500,
} as const;

/** The most tasks one inbox answer holds (`GET /api/me/tasks`, api/routes/me.ts); the page's *Tampilkan semua* asks for as many. */
export const INBOX_TASKS_AT_MOST = 200;
