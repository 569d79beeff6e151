import { cascadeGaps, indicatorIdsOfferedBelow, validateDraft, validateDraftContent } from '../../domain/cascade';
import type { AgreementContent, Indicator } from '../../domain/types';

const superior: Indicator[] = [
  { id: 'kadis#1', name: 'AKI', unit: 'per 100.000 KH', direction: 'down', target: 180, parentIndicatorId: 'IKU-kesehatan' },
  { id: 'kadis#2', name: 'AKB', unit: 'per 1.000 KH', direction: 'down', target: 12, parentIndicatorId: 'IKU-kesehatan' },
];
const indicator = (overrides: Partial<Indicator> = {}): Indicator => ({
  id: 'kabid#1', name: 'AKI wilayah I', unit: 'per 100.000 KH', direction: 'down', target: 180, parentIndicatorId: 'kadis#1', ...overrides,
});
const draft = (overrides: Partial<Indicator> = {}, budget = [{ program: 'Program Kesehatan', amount: 1_000_000 }]): AgreementContent => ({
  objectives: [{ text: 'Menurunnya kematian ibu', indicators: [indicator(overrides)] }],
  budget,
});
const at = 'objectives/0/indicators/0';

describe('validateDraft', () => {
  it('accepts a draft that serves the superior', () => {
    expect(validateDraft(draft(), superior).ok).toBe(true);
  });

  it('accepts an unlinked indicator marked as an additional task', () => {
    expect(validateDraft(draft({ parentIndicatorId: null, additionalTask: true }), superior).ok).toBe(true);
  });

  it.each([
    ['link to a missing superior indicator', draft({ parentIndicatorId: 'kadis#9' }), 'unknown_parent_indicator', `/${at}/parentIndicatorId`],
    ['no link, not an additional task', draft({ parentIndicatorId: null }), 'missing_parent_indicator', `/${at}/parentIndicatorId`],
    ['negative target', draft({ target: -1 }), 'invalid_target', `/${at}/target`],
    ['target as text', { ...draft(), objectives: [{ text: 'x', indicators: [{ ...indicator(), target: 'tinggi' }] }] }, 'invalid_target', `/${at}/target`],
    ['range low above high', draft({ range: [90, 80] }), 'invalid_range', `/${at}/range`],
    ['negative weight', draft({ weight: -2 }), 'invalid_weight', `/${at}/weight`],
    ['negative budget', draft({}, [{ program: 'P', amount: -1 }]), 'invalid_amount', '/budget/0/amount'],
    ['budget with sen', draft({}, [{ program: 'P', amount: 0.5 }]), 'invalid_amount', '/budget/0/amount'],
    ['empty indicator name', draft({ name: ' ' }), 'empty_name', `/${at}/name`],
    ['no objectives', { objectives: [], budget: [] }, 'no_objectives', '/objectives'],
    ['an objective without indicators', { objectives: [{ text: 'x', indicators: [] }], budget: [] }, 'no_indicators', '/objectives/0/indicators'],
    ['duplicate indicator ids', { objectives: [{ text: 'x', indicators: [indicator(), indicator()] }], budget: [] }, 'duplicate_indicator_id', '/objectives/0/indicators/1/id'],
  ])('%s → %s at %s', (_name, input, code, path) => {
    const result = validateDraft(input, superior);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems).toContainEqual(expect.objectContaining({ code, path }));
  });

  it('lists several problems at once', () => {
    const result = validateDraft(draft({ target: -1, weight: -1 }, [{ program: '', amount: -3 }]), superior);
    expect(result.ok ? [] : result.problems.map((p) => p.code).sort()).toEqual(['empty_name', 'invalid_amount', 'invalid_target', 'invalid_weight']);
  });
});

describe('cascadeGaps', () => {
  it.each([
    ['both served', [draft(), draft({ id: 'kabid2#1', parentIndicatorId: 'kadis#2' })], []],
    ['AKB served by nobody', [draft()], ['kadis#2']],
    ['an additional task serves nothing', [draft({ parentIndicatorId: 'kadis#2', additionalTask: true })], ['kadis#1', 'kadis#2']],
    ['no subordinates at all', [], ['kadis#1', 'kadis#2']],
  ])('%s', (_name, drafts, expected) => {
    expect(cascadeGaps(superior, drafts).map((i) => i.id)).toEqual(expected);
  });
});

describe('validateDraftContent (the list form the agreement workflow uses)', () => {
  it.each([
    ['valid against superior ids', draft(), ['kadis#1'], []],
    ['dangling link', draft({ parentIndicatorId: 'kadis#9' }), ['kadis#1'], ['unknown_parent_indicator']],
    ['the Kepala Daerah’s own PK: links not checked', draft({ parentIndicatorId: null }), null, []],
    ['the Kepala Daerah’s PK still needs an indicator', { objectives: [], budget: [] }, null, ['no_objectives']],
  ])('%s', (_name, input, ids, codes) => {
    expect(validateDraftContent(input, ids).map((p) => p.code)).toEqual(codes);
  });
});

describe('indicatorIdsOfferedBelow', () => {
  it("keeps the plan's IKU ids valid below the Kepala Daerah, beside their own indicators", () => {
    expect(indicatorIdsOfferedBelow(['bupati#1', 'IKU-kesehatan'], ['IKU-pendidikan', 'IKU-kesehatan'])).toEqual(['IKU-pendidikan', 'IKU-kesehatan', 'bupati#1']);
  });
  it('offers only the own indicators below any other position', () => {
    expect(indicatorIdsOfferedBelow(['kadis#1'], null)).toEqual(['kadis#1']);
  });
});
