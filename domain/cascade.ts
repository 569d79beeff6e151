// Cascading rules (the domain's cascading): a subordinate's draft serves the superior's indicators,
// and a superior indicator no subordinate serves is a gap for the evaluation team.
import { agreementContentSchema } from './agreement-content';
import { problem, type Problem, type Validated } from './problem';
import { problemsFromZodIssues } from './schema-problems';
import type { AgreementContent, Indicator } from './types';

/**
 * Validates a draft PK against the indicators of the superior it serves (for the Bupati's direct
 * reports: the regency plan). Lists every problem: the content's shape (numeric targets ≥ 0,
 * range low ≤ high, weights ≥ 0, whole non-negative Rupiah), at least one objective and an
 * indicator in each, indicator ids unique, and each indicator linked to a superior indicator
 * unless marked as an additional task. `null` superior indicators: the Kepala Daerah's own PK,
 * which serves nobody, so links are not checked.
 */
export function validateDraft(
  input: unknown,
  superiorIndicators: ReadonlyArray<Pick<Indicator, 'id'>> | null,
): Validated<AgreementContent> {
  const parsed = agreementContentSchema.safeParse(input);
  if (!parsed.success) return { ok: false, problems: problemsFromZodIssues(parsed.error.issues) };
  const content: AgreementContent = parsed.data;
  const problems: Problem[] = [];
  if (content.objectives.length === 0) {
    problems.push(problem(['objectives'], 'no_objectives', 'A PK needs at least one objective (Sasaran) with an indicator'));
  }
  const servable = superiorIndicators === null ? null : new Set(superiorIndicators.map((indicator) => indicator.id));
  const seenIds = new Set<string>();
  content.objectives.forEach((objective, i) => {
    if (objective.indicators.length === 0) {
      problems.push(problem(['objectives', i, 'indicators'], 'no_indicators', 'Each objective needs at least one indicator'));
    }
    objective.indicators.forEach((indicator, j) => {
      const at = ['objectives', i, 'indicators', j];
      if (seenIds.has(indicator.id)) {
        problems.push(problem([...at, 'id'], 'duplicate_indicator_id', `Indicator id "${indicator.id}" is used more than once`));
      }
      seenIds.add(indicator.id);
      if (indicator.additionalTask === true || servable === null) return;
      if (indicator.parentIndicatorId === null) {
        problems.push(
          problem([...at, 'parentIndicatorId'], 'missing_parent_indicator', 'Indicator must serve a superior indicator unless it is an additional task'),
        );
      } else if (!servable.has(indicator.parentIndicatorId)) {
        problems.push(
          problem([...at, 'parentIndicatorId'], 'unknown_parent_indicator', `Parent indicator "${indicator.parentIndicatorId}" is not among the superior's indicators`),
        );
      }
    });
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: content };
}

/** The same checks for callers that only want the list (empty = valid), given the superior's indicator ids. */
export function validateDraftContent(input: unknown, superiorIndicatorIds: ReadonlyArray<string> | null): Problem[] {
  const result = validateDraft(input, superiorIndicatorIds === null ? null : superiorIndicatorIds.map((id) => ({ id })));
  return result.ok ? [] : result.problems;
}

/** All indicators of a PK's content, in order. */
export function indicatorsOf(content: Pick<AgreementContent, 'objectives'>): Indicator[] {
  return content.objectives.flatMap((objective) => objective.indicators);
}

/** The superior's indicators that no subordinate draft serves (additional tasks serve nothing). */
export function cascadeGaps<T extends Pick<Indicator, 'id'>>(
  superiorIndicators: ReadonlyArray<T>,
  subordinateDrafts: ReadonlyArray<Pick<AgreementContent, 'objectives'>>,
): T[] {
  const served = new Set<string>();
  for (const draft of subordinateDrafts) {
    for (const indicator of indicatorsOf(draft)) {
      if (indicator.parentIndicatorId !== null && indicator.additionalTask !== true) served.add(indicator.parentIndicatorId);
    }
  }
  return superiorIndicators.filter((indicator) => !served.has(indicator.id));
}

/**
 * The indicator ids a signed PK offers its direct subordinates to link to. The Kepala Daerah's PK
 * carries the IKU Pemda: below it the plan's ids stay valid (drafts made against the plan before the
 * Kepala Daerah signed keep their links) beside the Kepala Daerah's own indicator ids.
 */
export function indicatorIdsOfferedBelow(
  ownIndicatorIds: ReadonlyArray<string>,
  planIndicatorIds: ReadonlyArray<string> | null,
): string[] {
  return [...new Set([...(planIndicatorIds ?? []), ...ownIndicatorIds])];
}
