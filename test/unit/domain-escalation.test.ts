import { SAMPLE_ORGANISATION_PATH } from '../../data/sample';
import { readFileSync } from 'fs';
import { escalationChain, escalationTree } from '../../domain/escalation';
import type { OrganisationImport, Position } from '../../domain/types';

const org: OrganisationImport = JSON.parse(readFileSync(SAMPLE_ORGANISATION_PATH, 'utf8'));
const tree = escalationTree(org.positions);

describe('escalation chain on the sample organisation', () => {
  it.each([
    ['Kepala Seksi in dinkes: Kabid → Kadis → Asisten I → Sekda → Bupati (one level at a time: the head of the Dinas hears before the Asisten)', 'dinkes-e3-1-e4-1', ['dinkes-e3-1', 'kepala-dinkes', 'asisten-1', 'sekda', 'bupati']],
    ['Kepala Bidang in pupr: Kadis → Asisten II → Sekda → Bupati', 'pupr-e3-2', ['kepala-pupr', 'asisten-2', 'sekda', 'bupati']],
    ['Kepala Dinas: the Bupati comes last, after Asisten and Sekda', 'kepala-dinkes', ['asisten-1', 'sekda', 'bupati']],
    ['Kepala Inspektorat: Asisten III', 'kepala-inspektorat', ['asisten-3', 'sekda', 'bupati']],
    ['an Asisten: Sekda → Bupati (no overseer for setda)', 'asisten-1', ['sekda', 'bupati']],
    ['the Sekda: the Bupati only', 'sekda', ['bupati']],
    ['the Bupati: nobody', 'bupati', []],
    ['an unknown position: nobody', 'ghost', []],
  ])('%s', (_name, positionId, expected) => {
    expect(escalationChain(positionId, tree)).toEqual(expected);
    expect(escalationChain(positionId, org.positions)).toEqual(expected);
  });

  it('reads the chain from the data, not from ids', () => {
    const official = { nip: '198001012005011001', name: 'X', email: 'x@example' };
    const positions: Position[] = [
      { id: 'walikota', title: 'Walikota', unit: null, parent: null, level: 'KEPALA_DAERAH', official: { ...official, nip: null } },
      { id: 'sekretaris', title: 'Sekretaris Daerah', unit: 'sek', parent: 'walikota', level: 'JPT_MADYA', official },
      { id: 'kadis', title: 'Kepala Dinas', unit: 'dinas', parent: 'walikota', level: 'JPT_PRATAMA', official },
      { id: 'staf', title: 'Analis', unit: 'dinas', parent: 'kadis', level: 'PELAKSANA', official },
    ];
    // No Asisten in this city: that level is skipped.
    expect(escalationChain('staf', positions)).toEqual(['kadis', 'sekretaris', 'walikota']);
  });
});
