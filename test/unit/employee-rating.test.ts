import { BERAKHLAK, overallPerilaku, proposeHasilKerja, type ValueRating } from '../../domain/employee-rating';
import { parseRules } from '../../domain/rules';

const values = (atas: number, bawah: number) =>
  Object.fromEntries(BERAKHLAK.map((v, i) => [v, { expectation: i < atas ? 'di_atas' : i >= 7 - bawah ? 'di_bawah' : 'sesuai', note: '' } as ValueRating])) as any;

test('hasil kerja is proposed from the capaian by the mapping; no capaian, no proposal', () => {
  expect([null, 50, 75.99, 76, 100, 100.01].map((c) => proposeHasilKerja(c))).toEqual([null, 'di_bawah', 'di_bawah', 'sesuai', 'sesuai', 'di_atas']);
  expect(proposeHasilKerja(90, { diAtasAbove: 85, sesuaiAtLeast: 60 })).toBe('di_atas');
});

test('overall perilaku: 4 of 7 below is below; 4 above with none below is above; else sesuai', () => {
  expect(overallPerilaku(values(0, 4))).toBe('di_bawah');
  expect(overallPerilaku(values(0, 3))).toBe('sesuai');
  expect(overallPerilaku(values(4, 0))).toBe('di_atas');
  expect(overallPerilaku(values(6, 1))).toBe('sesuai');
  expect(overallPerilaku(values(3, 0))).toBe('sesuai');
});

test('rules stored before the mapping existed read with its default; a reversed mapping is a problem', () => {
  const old = parseRules({ cap: 110 });
  expect(old.ok && old.value.hasilKerjaFromCapaian).toEqual({ diAtasAbove: 100, sesuaiAtLeast: 76 });
  const bad = parseRules({ hasilKerjaFromCapaian: { diAtasAbove: 50, sesuaiAtLeast: 80 } });
  expect(bad.ok ? [] : bad.problems.map((p) => p.path)).toEqual(['/hasilKerjaFromCapaian/sesuaiAtLeast']);
});
