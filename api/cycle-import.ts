// Starting a cycle: validate the organisation (every problem at once, with JSON paths), store it in
// one transaction (db/cycles.ts), then start the cycle workflow with only the cycle id (an organisation of 10,000
// positions is far over Temporal's payload limit). The same body twice finds the same cycle.
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Pool } from 'pg';
import type { Client } from '@temporalio/client';
import { validateOrganisationImport } from '../domain/organisation';
import type { CycleCalendar } from '../domain/schedule';
import { DEFAULT_RULES, parseRules, problemsUnder, type Rules } from '../domain/rules';
import type { OrganisationImport } from '../domain/types';
import { organisationFromTables, type LocatedProblem, type OrganisationFields, type Sheet } from '../domain/organisation-table';
import { canonicalJson, sha256Hex } from '../security/hash';
import { storeCycle } from '../db/cycles';
import { cycleWorkflow } from '../workflows/cycle';
import { cycleId as cycleIdOf } from '../workflows/ids';
import { HttpProblem, invalid } from './problem';

/** `actorId`: who imports (principalKey), for the import's audit row. */
export interface ImportDeps {
  db: Pool;
  temporal: Client;
  taskQueue: string;
  actorId: string;
}

export interface StartCycleResult {
  cycleId: string;
  created: boolean;
  positions: number;
}

export async function startCycle(
  deps: ImportDeps,
  body: unknown,
  calendarOverrides?: Partial<CycleCalendar>,
  /** The body's `rules` (every field optional; what is left out keeps the default of domain/rules.ts). */
  rulesInput?: unknown,
): Promise<StartCycleResult> {
  const validated = validateOrganisationImport(body);
  const rules = parseRules(rulesInput ?? {});
  const problems = [...(validated.ok ? [] : validated.problems), ...(rules.ok ? [] : problemsUnder('/rules', rules.problems))];
  if (!validated.ok || !rules.ok) throw invalid(problems, 'The organisation has problems; nothing was stored.');
  return startValidatedCycle(deps, validated.value, calendarOverrides, rules.value);
}

/**
 * A cycle from spreadsheet tables (CSV, or an XLSX workbook's positions and plan sheets) and the
 * organisation's id, name, place and year from the query. The same validator as the JSON import;
 * every problem, the tables' own and the validator's, located at its sheet, row and column.
 */
export async function startCycleFromTables(
  deps: ImportDeps,
  fields: OrganisationFields,
  positions: Sheet,
  plan?: Sheet,
): Promise<StartCycleResult> {
  const tables = organisationFromTables(fields, positions, plan);
  const validated = validateOrganisationImport(tables.input);
  const problems: LocatedProblem[] = [
    ...tables.problems,
    ...(validated.ok ? [] : validated.problems.map((p) => {
      const location = tables.locate(p.path);
      return location ? { ...p, location } : p;
    })),
  ];
  if (problems.length > 0 || !validated.ok) throw invalid(problems, 'The spreadsheet has problems; nothing was stored.');
  return startValidatedCycle(deps, validated.value, undefined, DEFAULT_RULES);
}

async function startValidatedCycle(
  deps: ImportDeps,
  org: OrganisationImport,
  calendarOverrides: Partial<CycleCalendar> | undefined,
  rules: Rules,
): Promise<StartCycleResult> {
  const id = cycleIdOf(org.organisation.id, org.year);
  const sourceHash = sha256Hex(canonicalJson({ org, calendarOverrides: calendarOverrides ?? {}, ...rulesInHash(rules) }));
  const stored = await storeCycle(deps.db, id, org, sourceHash, calendarOverrides ?? {}, rules, deps.actorId);
  if (stored === 'different') {
    throw new HttpProblem(409, 'cycle_exists', `A different ${org.year} cycle of ${org.organisation.id} was already started; change it with a revision, a calendar or rules change, not a new import.`, { cycleId: id });
  }
  const created = stored === 'created';
  try {
    await deps.temporal.workflow.start(cycleWorkflow, {
      workflowId: id,
      taskQueue: deps.taskQueue,
      args: [{ cycleId: id, organisationId: org.organisation.id, year: org.year, positionCount: org.positions.length }],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err; // finished before: the same cycle
  }
  return { cycleId: id, created, positions: org.positions.length };
}

/**
 * The complete rules are stored, so a later change of a default in code does not change a running
 * cycle's scores. They count in the source hash only when they differ from the defaults: a body
 * without rules and one that spells out the defaults are the same cycle, and cycles posted before
 * rules were accepted keep their hash.
 */
function rulesInHash(rules: Rules): { rules?: Rules } {
  return canonicalJson(rules) === canonicalJson(DEFAULT_RULES) ? {} : { rules };
}
