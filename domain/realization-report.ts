// A quarter's report checked against the PK it reports on: one value (or null, not measured yet)
// for each indicator of the signed version, no other indicator and none twice, and one spent
// amount per budget line. Without this a report naming no indicator of the PK, or one twice, was
// stored, verified and scored (the last duplicate won), and could no longer be corrected.
import type { AgreementContent } from './types';
import { problem, type Problem } from './problem';

export interface ReportedQuarter {
  realizations: ReadonlyArray<{ indicatorId: string }>;
  budgetSpent: ReadonlyArray<number>;
}

export function reportProblems(content: AgreementContent, report: ReportedQuarter): Problem[] {
  const problems: Problem[] = [];
  const indicatorIds = content.objectives.flatMap((o) => o.indicators.map((i) => i.id));
  const known = new Set(indicatorIds);
  const seen = new Set<string>();
  report.realizations.forEach(({ indicatorId }, k) => {
    if (!known.has(indicatorId)) {
      problems.push(problem(['realizations', k, 'indicatorId'], 'unknown_indicator', `Indicator "${indicatorId}" is not in this PK`));
    } else if (seen.has(indicatorId)) {
      problems.push(problem(['realizations', k, 'indicatorId'], 'duplicate_indicator', `Indicator "${indicatorId}" is reported more than once`));
    }
    seen.add(indicatorId);
  });
  for (const id of indicatorIds) {
    if (!seen.has(id)) problems.push(problem(['realizations'], 'missing_indicator', `Indicator "${id}" has no value; send null for one not measured yet`));
  }
  if (report.budgetSpent.length !== content.budget.length) {
    problems.push(problem(['budgetSpent'], 'budget_lines_mismatch',
      `budgetSpent has ${report.budgetSpent.length} amounts; this PK has ${content.budget.length} budget lines, one amount each`));
  }
  return problems;
}
