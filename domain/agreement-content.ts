// The zod schema of a PK's content (objectives, indicators, targets, budget). Shared by the
// organisation import (the drafts and the plan) and by the cascade rules for a single draft.
// Every text has a length and every number a bound (domain/limits.ts): what is accepted here goes
// into the PDF and into the cycle's sums.
import { z } from 'zod';
import { coded } from './schema-problems';
import { indicatorId } from './identifiers';
import { COUNT_LIMITS, MAX_QUANTITY, MAX_RUPIAH, MAX_WEIGHT, TEXT_LIMITS } from './limits';

// Built-in regex checks rather than .refine(): several times faster on 10,000 positions. Their
// issues get the codes 'empty_name' / 'invalid_id' from the field names (see schema-problems.ts).
const SOMETHING_VISIBLE = /\S/;

/** A human-readable text that must say something (names, titles, Satuan, programs), at most `max` characters. */
export const nonEmptyText = (what: string, max: number) =>
  z.string().regex(SOMETHING_VISIBLE, `${what} must not be empty`).max(max, `${what} must be at most ${max} characters`);

/** Targets are measured quantities: finite (zod rejects NaN/Infinity), never negative, at most 10^15. */
const targetValue = z.number().min(0, 'Target must be a number ≥ 0').max(MAX_QUANTITY, `Target must be at most ${MAX_QUANTITY}`);

export const indicatorSchema = z.object({
  id: indicatorId('Indicator id'),
  name: nonEmptyText('Indicator name', TEXT_LIMITS.indicatorName),
  unit: nonEmptyText('Indicator unit (Satuan)', TEXT_LIMITS.indicatorUnit),
  direction: z.enum(['up', 'down']),
  // A missing target reads as "no target" (tidak dinilai), the same as null.
  target: targetValue.nullable().default(null),
  range: z
    .tuple([targetValue, targetValue])
    .refine(([low, high]) => low <= high, coded('invalid_range', 'Range low bound must not exceed the high bound'))
    .nullable()
    .optional(),
  weight: z.number().min(0, 'Weight (bobot) must be a number ≥ 0').max(MAX_WEIGHT, `Weight (bobot) must be at most ${MAX_WEIGHT}`).nullable().optional(),
  quarterlyTargets: z
    .tuple([targetValue.nullable(), targetValue.nullable(), targetValue.nullable(), targetValue.nullable()])
    .nullable()
    .optional(),
  aggregation: z.enum(['cumulative', 'last']).optional(),
  // Plan indicators (IKU Pemda) have no parent; a missing link reads as null.
  parentIndicatorId: z.string().max(TEXT_LIMITS.id, `Parent indicator id must be at most ${TEXT_LIMITS.id} characters`).nullable().default(null),
  additionalTask: z.boolean().optional(),
});

export const objectiveSchema = z.object({
  id: indicatorId('Objective id').optional(),
  text: nonEmptyText('Objective (Sasaran) text', TEXT_LIMITS.objectiveText),
  indicators: z.array(indicatorSchema).max(COUNT_LIMITS.indicatorsPerObjective, `An objective has at most ${COUNT_LIMITS.indicatorsPerObjective} indicators`),
});

export const budgetLineSchema = z.object({
  program: nonEmptyText('Program name', TEXT_LIMITS.programName),
  amount: z
    .number()
    .int('Budget amount must be whole Rupiah')
    .min(0, 'Budget amount must not be negative')
    .max(MAX_RUPIAH, `Budget amount must be at most Rp ${MAX_RUPIAH}`),
});

export const agreementContentSchema = z.object({
  objectives: z.array(objectiveSchema).max(COUNT_LIMITS.objectives, `A PK has at most ${COUNT_LIMITS.objectives} objectives`),
  budget: z.array(budgetLineSchema).max(COUNT_LIMITS.budgetLines, `A PK has at most ${COUNT_LIMITS.budgetLines} budget lines`),
});

export const planSchema = z.object({ objectives: agreementContentSchema.shape.objectives });
