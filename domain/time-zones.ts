// Indonesia's three time zones by their offset from UTC, as the cycle calendar records a region's
// zone (utcOffsetHours): the IANA zone the page formats with and the name a reader knows. Shared
// with the page (served as /lib/time-zones.js), so it must stay pure: no imports but types.

export interface TimeZoneOf {
  /** IANA zone name, for Intl.DateTimeFormat's timeZone. */
  timeZone: string;
  /** What follows the time: "23.59 WITA". */
  label: string;
}

/** The zone a PK is read in when nothing says which: the calendar's default (domain/schedule.ts), Jakarta's. */
export const DEFAULT_UTC_OFFSET_HOURS = 7;

const INDONESIAN_ZONES: Readonly<Record<number, TimeZoneOf>> = {
  7: { timeZone: 'Asia/Jakarta', label: 'WIB' },
  8: { timeZone: 'Asia/Makassar', label: 'WITA' },
  9: { timeZone: 'Asia/Jayapura', label: 'WIT' },
};

/**
 * The zone of a UTC offset in whole hours (none: WIB). An offset outside Indonesia (the calendar
 * allows -12 to 14) is named as such ("UTC+10") and read in the fixed-offset IANA zone, whose sign
 * is inverted.
 */
export function timeZoneOf(utcOffsetHours?: number | null): TimeZoneOf {
  const hours = utcOffsetHours ?? DEFAULT_UTC_OFFSET_HOURS;
  const known = INDONESIAN_ZONES[hours];
  if (known) return known;
  const ahead = hours >= 0;
  return { timeZone: `Etc/GMT${ahead ? '-' : '+'}${Math.abs(hours)}`, label: `UTC${ahead ? '+' : '-'}${Math.abs(hours)}` };
}
