import { officialIdOf } from '../../domain/identity';
import { SAMPLE_ORGANISATION_PATH } from '../../data/sample';
import { readFileSync } from 'fs';
import {
  childrenByParent,
  orderTopDown,
  positionDepth,
  positionDepths,
  positionsById,
  validateOrganisationImport,
} from '../../domain/organisation';
import type { Problem } from '../../domain/problem';
import type { OrganisationImport } from '../../domain/types';

const SAMPLE_PATH = SAMPLE_ORGANISATION_PATH;
const loadSample = (): OrganisationImport => JSON.parse(readFileSync(SAMPLE_PATH, 'utf8'));

/** A fresh sample with one defect applied. */
function withDefect(defect: (org: any) => void): unknown {
  const org = loadSample();
  defect(org);
  return org;
}

function problemsOf(input: unknown): Problem[] {
  const result = validateOrganisationImport(input);
  return result.ok ? [] : result.problems;
}

const indexOf = (org: OrganisationImport, id: string) => org.positions.findIndex((p) => p.id === id);
const sample = loadSample();
const kasi = indexOf(sample, 'dinkes-e3-1-e4-1');
const kabid = indexOf(sample, 'dinkes-e3-1');
const sekda = indexOf(sample, 'sekda');
const bupati = indexOf(sample, 'bupati');
const asisten1 = indexOf(sample, 'asisten-1');

describe('validateOrganisationImport: the real sample', () => {
  it('accepts kabupaten-bengkayang-2025.json and keeps its data', () => {
    const result = validateOrganisationImport(loadSample());
    if (!result.ok) throw new Error(JSON.stringify(result.problems.slice(0, 5)));
    expect(result.value.positions).toHaveLength(80);
    expect(result.value.plan?.objectives[0].id).toBe('S-pendidikan');
    // A plan indicator without a link reads as null.
    expect(result.value.plan?.objectives[0].indicators[0].parentIndicatorId).toBeNull();
    expect(result.value.drafts?.['kepala-dinkes'].objectives[0].indicators[0].parentIndicatorId).toBe('IKU-kesehatan');
  });

  it('accepts Unicode names', () => {
    expect(problemsOf(withDefect((org) => (org.positions[kasi].official.name = 'Ñoman Ṡaputra, S.Kom. 李')))).toEqual([]);
  });
});

// Each row: a defect, the problem code, and the JSON Pointer it must be reported at.
const defects: Array<[string, (org: any) => void, string, string]> = [
  ['dangling parent', (org) => (org.positions[kasi].parent = 'nobody'), 'dangling_parent', `/positions/${kasi}/parent`],
  ['duplicate position id', (org) => (org.positions[kasi].id = 'dinkes-e3-1'), 'duplicate_id', `/positions/${kasi}/id`],
  ['duplicate unit id', (org) => org.units.push({ id: 'dinkes', name: 'Dinkes lagi' }), 'duplicate_id', '/units/11/id'],
  ['duplicate NIP', (org) => (org.positions[kasi].official.nip = org.positions[kabid].official.nip), 'duplicate_nip', `/positions/${kasi}/official/nip`],
  ['NIP of 17 digits', (org) => (org.positions[kasi].official.nip = '19800510200309106'), 'malformed_nip', `/positions/${kasi}/official/nip`],
  ['NIP with a letter', (org) => (org.positions[kasi].official.nip = '19800510200309106X'), 'malformed_nip', `/positions/${kasi}/official/nip`],
  ['NIP as a number', (org) => (org.positions[kasi].official.nip = 198005102003091066), 'malformed_nip', `/positions/${kasi}/official/nip`],
  ['null NIP below the Kepala Daerah', (org) => (org.positions[kasi].official.nip = null), 'missing_nip', `/positions/${kasi}/official/nip`],
  ['empty official name', (org) => (org.positions[kasi].official.name = '   '), 'empty_name', `/positions/${kasi}/official/name`],
  ['empty title', (org) => (org.positions[kasi].title = ''), 'empty_name', `/positions/${kasi}/title`],
  ['empty unit name', (org) => (org.units[2].name = ''), 'empty_name', '/units/2/name'],
  ['unknown unit', (org) => (org.positions[kasi].unit = 'dinas-hantu'), 'unknown_unit', `/positions/${kasi}/unit`],
  ['unknown overseen unit', (org) => org.positions[asisten1].oversees.push('dinas-hantu'), 'unknown_unit', `/positions/${asisten1}/oversees/4`],
  ['no root', (org) => (org.positions[bupati].parent = 'sekda'), 'missing_root', '/positions'],
  ['two roots', (org) => (org.positions[sekda].parent = null), 'multiple_roots', `/positions/${sekda}/parent`],
  ['level not in the list', (org) => (org.positions[kasi].level = 'ESELON_IV'), 'invalid_value', `/positions/${kasi}/level`],
  ['title of the wrong type', (org) => (org.positions[kasi].title = 42), 'invalid_type', `/positions/${kasi}/title`],
  ['draft for an unknown position', (org) => (org.drafts['ghost'] = org.drafts['sekda']), 'unknown_position', '/drafts/ghost'],
  ['negative target', (org) => (org.drafts['dinkes-e3-1'].objectives[0].indicators[0].target = -1), 'invalid_target', '/drafts/dinkes-e3-1/objectives/0/indicators/0/target'],
  ['non-numeric target', (org) => (org.drafts['dinkes-e3-1'].objectives[0].indicators[0].target = '180'), 'invalid_target', '/drafts/dinkes-e3-1/objectives/0/indicators/0/target'],
  ['range upside down', (org) => (org.drafts['dinkes-e3-1'].objectives[0].indicators[0].range = [90, 80]), 'invalid_range', '/drafts/dinkes-e3-1/objectives/0/indicators/0/range'],
  ['negative budget amount', (org) => (org.drafts['dinkes-e3-1'].budget[0].amount = -5), 'invalid_amount', '/drafts/dinkes-e3-1/budget/0/amount'],
  ['fractional budget amount', (org) => (org.drafts['dinkes-e3-1'].budget[0].amount = 10.5), 'invalid_amount', '/drafts/dinkes-e3-1/budget/0/amount'],
  ['parent indicator not in the superior draft', (org) => (org.drafts['dinkes-e3-1-e4-1'].objectives[0].indicators[0].parentIndicatorId = 'kepala-dinkes#2'), 'unknown_parent_indicator', '/drafts/dinkes-e3-1-e4-1/objectives/0/indicators/0/parentIndicatorId'],
  ['parent indicator not in the plan', (org) => (org.drafts['kepala-dinkes'].objectives[0].indicators[0].parentIndicatorId = 'IKU-hantu'), 'unknown_parent_indicator', '/drafts/kepala-dinkes/objectives/0/indicators/0/parentIndicatorId'],
  ['no parent indicator, not an additional task', (org) => (org.drafts['dinkes-e3-1'].objectives[0].indicators[0].parentIndicatorId = null), 'missing_parent_indicator', '/drafts/dinkes-e3-1/objectives/0/indicators/0/parentIndicatorId'],
  ['duplicate indicator id', (org) => (org.drafts['dinkes-e3-2'].objectives[0].indicators[0].id = 'dinkes-e3-1#1'), 'duplicate_indicator_id', '/drafts/dinkes-e3-2/objectives/0/indicators/0/id'],
  ['official id that is not the NIP of an ASN', (org) => (org.positions[kasi].official.id = 'someone'), 'official_id_not_nip', `/positions/${kasi}/official/id`],
  ['official id of 18 digits without NIP', (org) => (org.positions[bupati].official.id = '196807201991052001'), 'official_id_is_nip', `/positions/${bupati}/official/id`],
  ['official id outside the alphabet', (org) => (org.positions[bupati].official.id = 'bupati bengkayang'), 'malformed_official_id', `/positions/${bupati}/official/id`],
  ['JSON Pointer escapes "/" in a draft key', (org) => (org.drafts['a/b~c'] = org.drafts['sekda']), 'unknown_position', '/drafts/a~1b~0c'],
];

describe('validateOrganisationImport: each defect is reported where it is', () => {
  it.each(defects)('%s → %s at %s', (_name, defect, code, path) => {
    const problems = problemsOf(withDefect(defect));
    expect(problems).toContainEqual(expect.objectContaining({ code, path }));
    for (const found of problems) expect(found.message.length).toBeGreaterThan(0);
  });

  it('gives the Kepala Daerah without NIP an official id of their own, given or {organisation}.{position}', () => {
    const org = withDefect(() => {}) as any;
    expect(officialIdOf(org.positions[bupati].official, org.organisation.id, 'bupati')).toBe(`${org.organisation.id}.bupati`);
    expect(officialIdOf(org.positions[sekda].official, org.organisation.id, 'sekda')).toBe(org.positions[sekda].official.nip);
    const named = withDefect((o) => (o.positions[bupati].official.id = 'hendra.lestari'));
    expect(validateOrganisationImport(named).ok).toBe(true);
  });

  it('accepts a shared NIP (an acting official, Plt.) only when allowed', () => {
    const org = withDefect((o) => (o.positions[kasi].official.nip = o.positions[kabid].official.nip));
    expect(validateOrganisationImport(org, { allowSharedNip: true }).ok).toBe(true);
    expect(validateOrganisationImport(org).ok).toBe(false);
  });

  it('accepts an indicator without a parent when it is an additional task', () => {
    const org = withDefect((o) => {
      const indicator = o.drafts['dinkes-e3-1'].objectives[0].indicators[0];
      indicator.parentIndicatorId = null;
      indicator.additionalTask = true;
    });
    expect(problemsOf(org)).toEqual([]);
  });

  it('reports each position on a cycle, and only those', () => {
    // dinkes-e3-1 → kepala-dinkes → dinkes-e3-1-e4-1 → dinkes-e3-1: three positions on the cycle.
    const problems = problemsOf(withDefect((org) => (org.positions[indexOf(org, 'kepala-dinkes')].parent = 'dinkes-e3-1-e4-1')));
    const onCycle = problems.filter((p) => p.code === 'cycle').map((p) => p.path).sort();
    expect(onCycle).toEqual(
      [`/positions/${indexOf(sample, 'kepala-dinkes')}/parent`, `/positions/${kabid}/parent`, `/positions/${kasi}/parent`].sort(),
    );
  });

  it('reports a position that is its own parent as a cycle', () => {
    const problems = problemsOf(withDefect((org) => (org.positions[kasi].parent = 'dinkes-e3-1-e4-1')));
    expect(problems).toEqual([expect.objectContaining({ code: 'cycle', path: `/positions/${kasi}/parent` })]);
  });

  it('lists several problems at once, schema and semantic together', () => {
    const problems = problemsOf(
      withDefect((org) => {
        org.positions[kasi].official.nip = '123';
        org.positions[kabid].parent = 'nobody';
        org.positions[sekda].title = 7;
        org.units[3].name = '';
        org.drafts['pupr-e3-1'].budget[0].amount = -1;
        org.drafts['ghost'] = { objectives: [], budget: [] };
      }),
    );
    expect(problems.map((p) => `${p.code} ${p.path}`).sort()).toEqual(
      [
        `malformed_nip /positions/${kasi}/official/nip`,
        `dangling_parent /positions/${kabid}/parent`,
        `invalid_type /positions/${sekda}/title`,
        'empty_name /units/3/name',
        'invalid_amount /drafts/pupr-e3-1/budget/0/amount',
        'unknown_position /drafts/ghost',
      ].sort(),
    );
  });

  it.each([
    ['not an object', 42, ''],
    ['positions missing', { organisation: { id: 'x', name: 'X', place: 'X' }, year: 2025, units: [] }, '/positions'],
  ])('rejects input that is %s', (_name, input, path) => {
    expect(problemsOf(input)).toContainEqual(expect.objectContaining({ code: 'invalid_type', path }));
  });
});

describe('validateOrganisationImport at scale', () => {
  /** The sample with staff (pelaksana) under its heads of section, up to `total` positions, each NIP its own. */
  function scaled(total: number): OrganisationImport {
    const org: OrganisationImport = structuredClone(sample);
    const sections = org.positions.filter((p) => p.level === 'PENGAWAS');
    for (let i = 0; org.positions.length < total; i++) {
      const parent = sections[i % sections.length];
      org.positions.push({
        id: `staf-${i}`,
        title: `Pelaksana ${i}`,
        unit: parent.unit,
        parent: parent.id,
        level: 'PELAKSANA',
        official: { nip: `1990${String(i).padStart(6, '0')}20150100`, name: `Pegawai ${i}`, email: `pegawai${i}@bengkayang.example` },
      } as OrganisationImport['positions'][number]);
    }
    return org;
  }

  // How fast is the benchmarks' business (npm run bench); here: 10,000 positions validate, and a
  // defect among them is still found by its path.
  it('accepts an organisation of 10,000 positions and still finds one defect among them', () => {
    const big = scaled(10_000);
    expect(big.positions).toHaveLength(10_000);
    expect(validateOrganisationImport(big).ok).toBe(true);
    big.positions[9_000].official.nip = big.positions[8_000].official.nip;
    expect(problemsOf(big)).toContainEqual(expect.objectContaining({ code: 'duplicate_nip', path: '/positions/9000/official/nip' }));
  });
});

describe('tree helpers', () => {
  const positions = sample.positions;

  it('orders positions top down, every superior before its subordinates', () => {
    const ordered = orderTopDown(positions);
    expect(ordered).toHaveLength(positions.length);
    expect(ordered[0].id).toBe('bupati');
    const seen = new Set<string>();
    for (const position of ordered) {
      if (position.parent !== null) expect(seen.has(position.parent)).toBe(true);
      seen.add(position.id);
    }
    const depths = positionDepths(positions);
    const depthSequence = ordered.map((p) => depths.get(p.id)!);
    expect(depthSequence).toEqual([...depthSequence].sort((a, b) => a - b));
  });

  it.each([
    ['bupati', 0],
    ['sekda', 1],
    ['kepala-dinkes', 1],
    ['asisten-1', 2],
    ['dinkes-e3-1', 2],
    ['dinkes-e3-1-e4-1', 3],
  ])('depth of %s is %d', (id, depth) => {
    expect(positionDepths(positions).get(id)).toBe(depth);
    expect(positionDepth(id, positionsById(positions))).toBe(depth);
  });

  it('positionDepth is undefined for an unknown position or a cycle', () => {
    const looped = positions.map((p) => (p.id === 'bupati' ? { ...p, parent: 'dinkes-e3-1' } : p));
    expect(positionDepth('ghost', positionsById(positions))).toBeUndefined();
    expect(positionDepth('dinkes-e3-1', positionsById(looped))).toBeUndefined();
  });

  it('groups direct subordinates by parent', () => {
    expect(childrenByParent(positions).get('dinkes-e3-1')?.map((p) => p.id)).toEqual(['dinkes-e3-1-e4-1']);
    expect(childrenByParent(positions).get('sekda')?.map((p) => p.id)).toEqual(['asisten-1', 'asisten-2', 'asisten-3']);
  });
});
