// The zod schema of a PK's content (objectives, indicators, targets, budget). Shared by the
// organisation import (the drafts and the plan) and by the cascade rules for a single draft.
import { z } from 'zod';
import { coded } from './schema-problems';

// Built-in regex checks rather than .refine(): several times faster on 10,000 positions. Their
// issues get the codes 'empty_name' / 'empty_id' from the field names (see schema-problems.ts).
const SOMETHING_VISIBLE = /\S/;

/** A human-readable text that must say something (names, titles, Satuan, programs). */
export const nonEmptyText = (what: string) => z.string().regex(SOMETHING_VISIBLE, `${what} must not be empty`);

export const nonEmptyId = (what: string) => z.string().regex(SOMETHING_VISIBLE, `${what} must not be empty`);

/** Targets are measured quantities: finite (zod rejects NaN/Infinity) and never negative. */
const targetValue = z.number().min(0, 'Target must be a number ≥ 0');

export const indicatorSchema = z.object({
  id: nonEmptyId('Indicator id'),
  name: nonEmptyText('Indicator name'),
  unit: nonEmptyText('Indicator unit (Satuan)'),
  direction: z.enum(['up', 'down']),
  // A missing target reads as "no target" (tidak dinilai), the same as null.
  target: targetValue.nullable().default(null),
  range: z
    .tuple([targetValue, targetValue])
    .refine(([low, high]) => low <= high, coded('invalid_range', 'Range low bound must not exceed the high bound'))
    .nullable()
    .optional(),
  weight: z.number().min(0, 'Weight (bobot) must be a number ≥ 0').nullable().optional(),
  quarterlyTargets: z
    .tuple([targetValue.nullable(), targetValue.nullable(), targetValue.nullable(), targetValue.nullable()])
    .nullable()
    .optional(),
  aggregation: z.enum(['cumulative', 'last']).optional(),
  // Plan indicators (IKU Pemda) have no parent; a missing link reads as null.
  parentIndicatorId: z.string().nullable().default(null),
  additionalTask: z.boolean().optional(),
});

export const objectiveSchema = z.object({
  id: z.string().optional(),
  text: nonEmptyText('Objective (Sasaran) text'),
  indicators: z.array(indicatorSchema),
});

export const budgetLineSchema = z.object({
  program: nonEmptyText('Program name'),
  amount: z.number().int('Budget amount must be whole Rupiah').min(0, 'Budget amount must not be negative'),
});

export const agreementContentSchema = z.object({
  objectives: z.array(objectiveSchema),
  budget: z.array(budgetLineSchema),
});

export const planSchema = z.object({ objectives: z.array(objectiveSchema) });
