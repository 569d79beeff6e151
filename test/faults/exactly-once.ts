// After a fault in the middle of a cycle's start: every agreement exists exactly once, one workflow
// execution per position in Temporal and one row per position in PostgreSQL, no stray ids.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { repoRoot, until, type FaultStack } from './harness';

/** A generated organisation of `positions` positions (data/make-organisation.mjs), for a year ahead. */
export function generatedOrganisation(id: string, positions: number, seed = 7) {
  const tool = resolve(repoRoot, 'data', 'make-organisation.mjs');
  const year = new Date().getFullYear() + 1;
  const org = JSON.parse(execFileSync(process.execPath, [tool, '--positions', String(positions), '--year', String(year), '--seed', String(seed)], { maxBuffer: 64 << 20 }).toString());
  org.organisation.id = id;
  return org as { organisation: { id: string }; year: number; positions: Array<{ id: string }> };
}

export async function agreementRows(stack: FaultStack, cycleId: string): Promise<number> {
  return Number((await stack.db.query('SELECT count(*)::int AS n FROM agreements WHERE cycle_id = $1', [cycleId])).rows[0].n);
}

/** Checks every agreement of `org` is stored and started exactly once; returns a line for the report. */
export async function expectEveryAgreementOnce(stack: FaultStack, org: { organisation: { id: string }; year: number; positions: Array<{ id: string }> }): Promise<string> {
  const cycleId = `cycle:${org.organisation.id}:${org.year}`;
  const positionIds = org.positions.map((p) => p.id);
  const rows = (await stack.db.query('SELECT id, position_id FROM agreements WHERE cycle_id = $1', [cycleId])).rows;
  const rowIds: string[] = rows.map((r) => r.id);
  expect(new Set(rowIds).size).toBe(rows.length);
  expect(rows.map((r) => r.position_id).sort()).toEqual([...positionIds].sort());

  // Temporal: one execution per agreement id (a second run of the same id would be a duplicate)
  const query = `WorkflowType = 'agreementV2' AND KinerjaOrg = '${org.organisation.id}'`;
  await until('visibility to list every agreement', () => stack.client.workflow.count(query), (c) => c.count >= positionIds.length, 180_000, 1000);
  const executions = new Map<string, number>();
  for await (const wf of stack.client.workflow.list({ query })) executions.set(wf.workflowId, (executions.get(wf.workflowId) ?? 0) + 1);
  const duplicates = [...executions].filter(([, n]) => n > 1);
  const expectedIds = positionIds.map((p) => `pk:${org.organisation.id}:${org.year}:${p}`).sort();
  const line = `checked ${rows.length} agreement rows and ${executions.size} workflow ids (${[...executions.values()].reduce((a, b) => a + b, 0)} executions): duplicates ${duplicates.length}, missing ${expectedIds.filter((id) => !executions.has(id)).length}`;
  expect(duplicates).toEqual([]);
  expect([...executions.keys()].sort()).toEqual(expectedIds);
  expect(rowIds.sort()).toEqual(expectedIds);
  return line;
}
