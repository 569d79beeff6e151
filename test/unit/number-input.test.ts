// The page's number fields read what an Indonesian official types (web/js/format.js
// parseNumberInput): a decimal comma, dots grouping thousands in Rupiah, one dot as a decimal point
// only when it cannot be a thousands dot, and a sentence for anything else — never another number.
const format = require('../../web/js/format.js') as {
  parseNumberInput(text: string, options?: { rupiah?: boolean }): { value?: number | null; error?: string };
  fmtNumberInput(n: number | null | undefined, options?: { rupiah?: boolean }): string;
};
const { parseNumberInput: parse, fmtNumberInput: show } = format;

describe('parseNumberInput: a value with decimals (targets, realizations, adjusted scores)', () => {
  test.each([
    ['70,95', 70.95], ['18,5', 18.5], ['180', 180], [' 12 ', 12], [',5', 0.5], ['0,125', 0.125],
    ['1.250,5', 1250.5], ['1.250.000', 1250000], ['1.250.000,75', 1250000.75],
    // a dot from those used to it, when it cannot be a thousands dot
    ['70.95', 70.95], ['18.5', 18.5], ['1.2345', 1.2345], ['0.250', 0.25],
    ['-5', -5], // the server names a negative value
  ])('%s is %d', (text, value) => {
    expect(parse(text)).toEqual({ value });
  });

  test('empty is no value', () => {
    expect(parse('')).toEqual({ value: null });
    expect(parse('   ')).toEqual({ value: null });
  });

  test('a lone dot before three digits is ambiguous: both readings are named', () => {
    expect(parse('1.250')).toEqual({ error: 'Tidak jelas: 1.250 bisa berarti 1250 atau 1,250. Tulis 1250 tanpa titik, atau 1,250 dengan koma desimal.' });
  });

  test.each(['abc', '12a', '1e3', '1,2,3', '1,250,000', '1.25,5', '12.', '7,', '.', ',', '1..2', 'Rp 1.000', 'Infinity', '--5'])('%s is not a number', (text) => {
    expect(parse(text)).toEqual({ error: 'Bukan angka. Gunakan koma untuk desimal, mis. 70,95.' });
  });
});

describe('parseNumberInput: a Rupiah amount (budget, budget spent)', () => {
  const rupiah = (text: string) => parse(text, { rupiah: true });
  test.each([
    ['1.250.000', 1250000], ['1.250', 1250], ['1250000', 1250000], ['Rp 1.250.000', 1250000], ['Rp1.250.000,00', 1250000], ['0', 0],
  ])('%s is %d', (text, value) => {
    expect(rupiah(text)).toEqual({ value });
  });

  test.each(['1.250,50', '1250.5', '12,5'])('%s has sen: refused', (text) => {
    expect(rupiah(text)).toEqual({ error: 'Anggaran ditulis dalam rupiah bulat tanpa sen; titik memisahkan ribuan, mis. 1.250.000.' });
  });

  test.each(['satu juta', '1.25.000', '1,250,000'])('%s is not a Rupiah amount', (text) => {
    expect(rupiah(text)).toEqual({ error: 'Bukan angka rupiah. Tulis rupiah bulat, mis. 1.250.000.' });
  });
});

describe('fmtNumberInput: a stored value shows the Indonesian way and reads back unchanged', () => {
  test.each([
    [70.95, '70,95'], [18.5, '18,5'], [180, '180'], [1250000, '1250000'], [0.1 + 0.2, '0,30000000000000004'], [1.5e-7, '0,00000015'], [1e15, '1000000000000000'],
  ])('%d shows as %s', (n, text) => {
    expect(show(n)).toBe(text);
    expect(parse(text)).toEqual({ value: n });
  });

  test.each([[1250000, '1.250.000'], [0, '0'], [1e15, '1.000.000.000.000.000']])('Rupiah %d shows as %s', (n, text) => {
    expect(show(n, { rupiah: true })).toBe(text);
    expect(parse(text, { rupiah: true })).toEqual({ value: n });
  });

  test('no value shows empty', () => {
    expect(show(null)).toBe('');
    expect(show(undefined, { rupiah: true })).toBe('');
  });
});
