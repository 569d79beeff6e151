// Indonesian formatting for printed documents. Pure functions, no locale data from the runtime
// (Intl output differs between Node/ICU builds, and the PDF must be byte-for-byte reproducible).

import { timeZoneOf } from './time-zones';

export const INDONESIAN_MONTHS = [
  'Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni',
  'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember',
] as const;

/** Groups the digits of a non-negative integer string with dots: "1250000" → "1.250.000". */
function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}

/** Whole Rupiah with dot thousands: 1250000000 → "Rp 1.250.000.000"; negatives as "-Rp 5.000". */
export function formatRupiah(amount: number): string {
  if (!Number.isFinite(amount)) throw new RangeError(`Not a finite amount: ${amount}`);
  const rounded = Math.round(amount);
  const sign = rounded < 0 ? '-' : '';
  return `${sign}Rp ${groupThousands(String(Math.abs(rounded)))}`;
}

/** A number in Indonesian notation: dot thousands, comma decimals (12500.5 → "12.500,5"). */
export function formatNumberId(value: number, maxFractionDigits = 2): string {
  if (!Number.isFinite(value)) throw new RangeError(`Not a finite number: ${value}`);
  const sign = value < 0 ? '-' : '';
  const fixed = Math.abs(value).toFixed(maxFractionDigits);
  const [whole, fraction = ''] = fixed.split('.');
  const trimmed = fraction.replace(/0+$/, '');
  return sign + groupThousands(whole) + (trimmed ? `,${trimmed}` : '');
}

/**
 * A calendar date in Indonesian: "20 Januari 2025". Accepts an ISO date ("2025-01-20") or a Date;
 * a Date is read in UTC so the printed day never depends on the server's time zone.
 */
export function formatIndonesianDate(date: string | Date): string {
  const { year, month, day } = calendarDate(date);
  return `${day} ${INDONESIAN_MONTHS[month - 1]} ${year}`;
}

/**
 * An instant as a region's local date and time: "10 Januari 2026 pukul 23.59 WIB" (UTC+8: WITA,
 * UTC+9: WIT). Due dates are the end of a local day, so the time tells which day's end.
 */
export function formatIndonesianDateTime(instant: string | Date, utcOffsetHours: number): string {
  const local = new Date(new Date(instant).getTime() + utcOffsetHours * 3_600_000);
  const time = `${String(local.getUTCHours()).padStart(2, '0')}.${String(local.getUTCMinutes()).padStart(2, '0')}`;
  return `${formatIndonesianDate(local)} pukul ${time} ${timeZoneOf(utcOffsetHours).label}`;
}

/** "Bengkayang, 20 Januari 2025". */
export function formatPlaceAndDate(place: string, date: string | Date): string {
  return `${place}, ${formatIndonesianDate(date)}`;
}

export function calendarDate(date: string | Date): { year: number; month: number; day: number } {
  if (typeof date === 'string') {
    const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
    if (!match) throw new RangeError(`Not an ISO date: ${date}`);
    const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const check = new Date(Date.UTC(year, month - 1, day));
    if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
      throw new RangeError(`Not a calendar date: ${date}`);
    }
    return { year, month, day };
  }
  if (Number.isNaN(date.getTime())) throw new RangeError('Invalid Date');
  return { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() };
}
