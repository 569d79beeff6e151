// Starting a cycle: validate the organisation (every problem at once, with JSON paths), store it in
// one transaction, then start the cycle workflow with only the cycle id (an organisation of 10,000
// positions is far over Temporal's payload limit). The same body twice finds the same cycle.
import { officialIdOf } from '../domain/identity';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { Pool } from 'pg';
import type { Client } from '@temporalio/client';
import { validateOrganisationImport, positionDepths } from '../domain/organisation';
import { escalationChain, escalationTree } from '../domain/escalation';
import { mergeCalendar, type CycleCalendar } from '../domain/schedule';
import { DEFAULT_RULES, parseRules, problemsUnder, type Rules } from '../domain/rules';
import type { OrganisationImport } from '../domain/types';
import { organisationFromTables, type LocatedProblem, type OrganisationFields, type Sheet } from '../domain/organisation-table';
import { canonicalJson, sha256Hex } from '../activities/hash';
import { cycleId as cycleIdOf } from '../workflows/ids';
import { cycleWorkflow } from '../workflows/cycle';
import { HttpProblem, invalid } from './problem';

export interface StartCycleResult {
  cycleId: string;
  created: boolean;
  positions: number;
}

export async function startCycle(
  deps: { db: Pool; temporal: Client; taskQueue: string },
  body: unknown,
  calendarOverrides?: Partial<CycleCalendar>,
  /** The body's `rules` (every field optional; what is left out keeps DOMAIN.md's default). */
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
  deps: { db: Pool; temporal: Client; taskQueue: string },
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
  deps: { db: Pool; temporal: Client; taskQueue: string },
  org: OrganisationImport,
  calendarOverrides: Partial<CycleCalendar> | undefined,
  rules: Rules,
): Promise<StartCycleResult> {
  const id = cycleIdOf(org.organisation.id, org.year);
  const sourceHash = sha256Hex(canonicalJson({ org, calendarOverrides: calendarOverrides ?? {}, ...rulesInHash(rules) }));
  const created = await storeCycle(deps.db, id, org, sourceHash, calendarOverrides ?? {}, rules);
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

async function storeCycle(db: Pool, id: string, org: OrganisationImport, sourceHash: string, calendar: Partial<CycleCalendar>, rules: Rules): Promise<boolean> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [id]);
    const existing = await client.query('SELECT source_hash FROM cycles WHERE id = $1', [id]);
    if (existing.rows.length > 0) {
      await client.query('ROLLBACK');
      if (existing.rows[0].source_hash !== sourceHash) {
        throw new HttpProblem(409, 'cycle_exists', `A different ${org.year} cycle of ${org.organisation.id} was already started; change it with a revision, a calendar or rules change, not a new import.`, { cycleId: id });
      }
      return false;
    }
    const o = org.organisation;
    await client.query(
      `INSERT INTO organisations (id, name, place) VALUES ($1,$2,$3)
       ON CONFLICT (id) DO UPDATE SET name = $2, place = $3, updated_at = now()`,
      [o.id, o.name, o.place],
    );
    await client.query(
      `INSERT INTO cycles (id, organisation_id, year, source_hash, calendar, rules, plan, position_count) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
      [id, o.id, org.year, sourceHash, JSON.stringify(mergeCalendar(calendar)), JSON.stringify(rules), JSON.stringify(org.plan ?? { objectives: [] }), org.positions.length],
    );
    await client.query(
      `INSERT INTO units (cycle_id, id, name) SELECT $1, * FROM unnest($2::text[], $3::text[])`,
      [id, org.units.map((u) => u.id), org.units.map((u) => u.name)],
    );
    const depths = positionDepths(org.positions);
    const tree = escalationTree(org.positions);
    const ps = org.positions;
    await client.query(
      `INSERT INTO positions (cycle_id, id, title, unit_id, parent_id, level, depth, nip, official_name, email, oversees, escalation_chain, draft, official_id)
       SELECT $1, t.id, t.title, t.unit_id, t.parent_id, t.level, t.depth, t.nip, t.official_name, t.email,
              ARRAY(SELECT jsonb_array_elements_text(t.oversees)), ARRAY(SELECT jsonb_array_elements_text(t.chain)), t.draft, t.official_id
         FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::text[], $9::text[], $10::text[], $11::jsonb[], $12::jsonb[], $13::jsonb[], $14::text[])
           AS t(id, title, unit_id, parent_id, level, depth, nip, official_name, email, oversees, chain, draft, official_id)`,
      [
        id,
        ps.map((p) => p.id), ps.map((p) => p.title), ps.map((p) => p.unit), ps.map((p) => p.parent), ps.map((p) => p.level),
        ps.map((p) => depths.get(p.id) ?? 0), ps.map((p) => p.official.nip), ps.map((p) => p.official.name), ps.map((p) => p.official.email),
        ps.map((p) => JSON.stringify(p.oversees ?? [])), ps.map((p) => JSON.stringify(escalationChain(p.id, tree))),
        ps.map((p) => (org.drafts?.[p.id] ? JSON.stringify(org.drafts[p.id]) : null)),
        ps.map((p) => officialIdOf(p.official, o.id, p.id)),
      ],
    );
    await client.query('COMMIT');
    return true;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
