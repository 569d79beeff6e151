// Gaps in the performance tree: which superior indicators no subordinate serves, as the tree stands.
import { treeGaps, type TreePosition } from '../../domain/performance-tree';

const plan = { objectives: [{ id: 'S1', text: 'Sasaran', indicators: [
  { id: 'IKU-1', name: 'a', unit: '%', direction: 'up' as const, target: 1, parentIndicatorId: null },
  { id: 'IKU-2', name: 'b', unit: '%', direction: 'up' as const, target: 1, parentIndicatorId: null },
  { id: 'IKU-3', name: 'c', unit: '%', direction: 'up' as const, target: 1, parentIndicatorId: null },
] }] };
const link = (id: string, parentIndicatorId: string | null, additionalTask = false) => ({ id, parentIndicatorId, additionalTask });

test('a superior indicator nobody below serves is a gap; additional tasks serve nothing; leaves have no gaps', () => {
  const positions: TreePosition[] = [
    { positionId: 'bupati', parentId: null, indicators: [link('IKU-1', null), link('B-2', 'IKU-2')] },
    { positionId: 'kadis', parentId: 'bupati', indicators: [link('K-1', 'IKU-1'), link('K-2', 'B-2'), link('K-3', null, true)] },
    { positionId: 'sek', parentId: 'kadis', indicators: [link('S-1', 'K-1'), link('S-2', 'K-3')] },
    { positionId: 'kabid', parentId: 'kadis', indicators: null }, // nothing saved yet: serves nothing
    { positionId: 'staf', parentId: 'sek', indicators: [link('T-1', 'S-1')] },
  ];
  const gaps = treeGaps(plan, positions);
  // IKU-1 is carried by the Kepala Daerah, IKU-2 mapped by B-2; IKU-3 by nobody
  expect(gaps.plan).toEqual(['IKU-3']);
  expect(Object.fromEntries(gaps.byPosition)).toEqual({
    kadis: ['K-2'], // K-1 and K-3 are served by sek; kabid has saved nothing
    sek: ['S-2'], // staf serves S-1 only
  });
});

test('a position without content has no gaps of its own, and the plan counts the Kepala Daerah\'s direct reports', () => {
  const gaps = treeGaps(plan, [
    { positionId: 'bupati', parentId: null, indicators: null },
    { positionId: 'kadis', parentId: 'bupati', indicators: [link('K-1', 'IKU-1'), link('K-2', 'IKU-2'), link('K-3', 'IKU-3')] },
  ]);
  expect(gaps.plan).toEqual([]);
  expect(gaps.byPosition.size).toBe(0);
});
