import { formatIndonesianDate, formatIndonesianDateTime, formatNumberId, formatPlaceAndDate, formatRupiah } from '../../domain/format';

describe('formatRupiah', () => {
  test.each([
    [1250000000, 'Rp 1.250.000.000'],
    [0, 'Rp 0'],
    [999, 'Rp 999'],
    [1000, 'Rp 1.000'],
    [7204394000, 'Rp 7.204.394.000'],
    [-5000, '-Rp 5.000'],
    [1500.6, 'Rp 1.501'],
  ])('%p → %p', (amount, expected) => expect(formatRupiah(amount)).toBe(expected));

  test('rejects non-finite amounts', () => expect(() => formatRupiah(Number.NaN)).toThrow(RangeError));
});

describe('formatIndonesianDate', () => {
  test.each([
    ['2025-01-20', '20 Januari 2025'],
    ['2023-02-13', '13 Februari 2023'],
    ['2024-05-01', '1 Mei 2024'],
    ['2024-08-17', '17 Agustus 2024'],
    ['2024-12-31', '31 Desember 2024'],
  ])('%p → %p', (iso, expected) => expect(formatIndonesianDate(iso)).toBe(expected));

  test('reads a Date in UTC', () => expect(formatIndonesianDate(new Date('2025-03-09T23:30:00Z'))).toBe('9 Maret 2025'));
  test('rejects impossible dates', () => expect(() => formatIndonesianDate('2025-02-30')).toThrow(RangeError));
  test('place and date', () => expect(formatPlaceAndDate('Bengkayang', '2025-01-20')).toBe('Bengkayang, 20 Januari 2025'));
});

describe('formatIndonesianDateTime', () => {
  test.each([
    ['2026-01-10T16:59:59.999Z', 7, '10 Januari 2026 pukul 23.59 WIB'],
    ['2026-01-10T15:59:59.999Z', 8, '10 Januari 2026 pukul 23.59 WITA'],
    ['2026-01-10T14:59:59.999Z', 9, '10 Januari 2026 pukul 23.59 WIT'],
    ['2026-01-10T18:30:00Z', 7, '11 Januari 2026 pukul 01.30 WIB'],
    ['2026-01-10T18:30:00Z', 5.5, '11 Januari 2026 pukul 00.00 UTC+5.5'],
  ])('%p at UTC%p → %p', (iso, offset, expected) => expect(formatIndonesianDateTime(iso, offset)).toBe(expected));
});

describe('formatNumberId', () => {
  test.each([
    [99.65, '99,65'],
    [85, '85'],
    [12500.5, '12.500,5'],
    [0.25, '0,25'],
    [1000000, '1.000.000'],
  ])('%p → %p', (value, expected) => expect(formatNumberId(value)).toBe(expected));
});
