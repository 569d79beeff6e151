// Request bodies of the write endpoints. Shapes only: whether an action is allowed now, and the
// domain rules of a draft, are the workflow's to decide.
import { PERSON_ID_PATTERN } from '../domain/identity';
import { z } from 'zod';
import { agreementContentSchema } from '../domain/agreement-content';
import { LEVELS, organisationImportSchema } from '../domain/organisation';
import { rulesOverridesSchema } from '../domain/rules';
import { MAX_ADJUSTED_PERCENT, MAX_QUANTITY, MAX_RUPIAH, TEXT_LIMITS } from '../domain/limits';

const text = (what: string, max: number = TEXT_LIMITS.reason) =>
  z.string().trim().min(1, `${what} must not be empty`).max(max, `${what} must be at most ${max} characters`);
const isoDateTime = z.string().refine((s) => /^\d{4}-\d{2}-\d{2}T/.test(s) && Number.isFinite(Date.parse(s)), 'must be an ISO 8601 date-time');
/** A realization: finite (zod rejects NaN and Infinity), ≥ 0 and at most 10^15, like a target. */
const quantity = z.number().min(0, 'must be a number ≥ 0').max(MAX_QUANTITY, `must be at most ${MAX_QUANTITY}`);
/** Rupiah spent in a quarter on one budget line. */
const rupiah = z.number().min(0, 'must be a number ≥ 0').max(MAX_RUPIAH, `must be at most Rp ${MAX_RUPIAH}`);

export const draftBody = agreementContentSchema;

export const returnBody = z.strictObject({ reason: text('reason') });

export const signBody = z.strictObject({ passphrase: z.string().min(1, 'passphrase must not be empty').max(1024) });

export const reportBody = z.strictObject({
  realizations: z.array(z.strictObject({ indicatorId: text('indicatorId', TEXT_LIMITS.id), value: quantity.nullable() })).max(500),
  budgetSpent: z.array(rupiah).max(500),
  note: z.string().max(TEXT_LIMITS.note, `note must be at most ${TEXT_LIMITS.note} characters`).optional(),
});

export const evaluationBody = z.strictObject({
  adjustments: z
    .array(z.strictObject({ indicatorId: z.string().min(1).max(TEXT_LIMITS.id).nullable(), value: z.number().min(0).max(MAX_ADJUSTED_PERCENT), reason: text('reason') }))
    .max(500)
    .default([]),
  close: z.boolean().default(false),
});

export const revisionBody = z.strictObject({ reason: z.enum(['official', 'budget', 'strategy']), note: text('note', TEXT_LIMITS.note) });

export const deadlineBody = z.strictObject({ dueAt: isoDateTime, reason: text('reason') });

export const officialBody = z.strictObject({
  /** Null only for the Kepala Daerah, who then needs an `id`. */
  nip: z.string().regex(/^\d{18}$/, 'NIP must be exactly 18 digits').nullable(),
  /** The official id; the NIP when there is one (domain/identity.ts). */
  id: z.string().regex(PERSON_ID_PATTERN, 'Official id: letters, digits and . _ - @ (at most 128)').optional(),
  name: text('name', TEXT_LIMITS.officialName),
  email: z.email('must be an e-mail address').max(TEXT_LIMITS.email),
  note: z.string().trim().max(TEXT_LIMITS.note, `note must be at most ${TEXT_LIMITS.note} characters`).optional(),
});

/** Days in each month; February's 29 is kept (it exists in leap years). */
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
// a day past the month's end would roll over silently (02-31 is 3 March in domain/schedule.ts)
const mmdd = z
  .string()
  .regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be MM-DD')
  .refine((v) => Number(v.slice(3)) <= MONTH_DAYS[Number(v.slice(0, 2)) - 1], 'must be a day of the month (MM-DD)');
const days = z.number().int().min(0).max(366);
const ITEM = /^(draft|review|sign|evaluation|(quarter|report|verify):Q[1-4])$/;

/** A partial calendar: what is given replaces the stored value; signBy, ladder and overrides merge key by key. */
export const calendarBody = z.strictObject({
  utcOffsetHours: z.number().int().min(-12).max(14).optional(),
  signBy: z.partialRecord(z.enum(LEVELS), mmdd).optional(),
  draftDaysBeforeSign: days.optional(),
  reviewDaysBeforeSign: days.optional(),
  reportDaysAfterQuarter: days.optional(),
  verifyDaysAfterReport: days.optional(),
  evaluationBy: mmdd.optional(),
  revisionDays: z.strictObject({ draft: days.optional(), review: days.optional(), sign: days.optional() }).optional(),
  ladder: z
    .strictObject({
      // fractions of a day are allowed (a test or drill calendar with steps minutes or seconds apart)
      reminderDaysBefore: z.array(z.number().min(0).max(366)).max(10).optional(),
      escalationEveryDays: z.number().min(1 / 86_400, 'at least one second').max(90).optional(),
      maxLevels: z.number().int().min(0).max(10).optional(),
    })
    .optional(),
  overrides: z
    .record(z.string().regex(ITEM, 'item must be draft, review, sign, quarter:Q1…Q4 (the day a quarter ends), report:Q1…Q4, verify:Q1…Q4 or evaluation'), isoDateTime.nullable())
    .optional(),
});
export type CalendarPatch = z.infer<typeof calendarBody>;

/** A rules change: the fields given replace the stored ones (a given `scale` replaces the whole scale). */
export const rulesBody = rulesOverridesSchema;

/**
 * What `POST /api/cycles` takes, for the OpenAPI document: the organisation bare (the shape of the
 * sample data) or wrapped as `import`, with an optional calendar and optional rules beside it. The
 * handler validates it with the organisation's own validator, which lists every problem at once.
 */
export const cycleImportDocumentedBody = z.union([
  organisationImportSchema.extend({ calendar: calendarBody.optional(), rules: rulesOverridesSchema.optional() }),
  z.strictObject({ import: organisationImportSchema, calendar: calendarBody.optional(), rules: rulesOverridesSchema.optional() }),
]);
