/**
 * Proleptic Gregorian calendar arithmetic on day numbers (days since 1970-01-01), for the recurrence
 * engine. Weekdays are numbered as RFC 5545 lists them from Monday: MO=0 … SU=6.
 */

export const DAY_MS = 86_400_000;

/** Day number of a civil date (H. Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const mp = (m + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Civil date `[year, month 1-12, day]` of a day number. */
export function civilFromDays(z: number): [number, number, number] {
  const zz = z + 719468;
  const era = Math.floor(zz / 146097);
  const doe = zz - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

export function isLeapYear(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

export function monthLength(y: number, m: number): number {
  if (m === 2) return isLeapYear(y) ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

export function yearLength(y: number): number {
  return isLeapYear(y) ? 366 : 365;
}

/** Weekday of a day number, MO=0 … SU=6 (1970-01-01 was a Thursday). */
export function weekdayOf(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/** First day of week 1 of a year: the first week (starting on `wkst`) holding at least 4 days of the year. */
export function firstWeekStart(year: number, wkst: number): number {
  const jan1 = daysFromCivil(year, 1, 1);
  const back = (weekdayOf(jan1) - wkst + 7) % 7;
  const start = jan1 - back;
  return 7 - back >= 4 ? start : start + 7;
}

/**
 * RFC 5545 week number of a day for BYWEEKNO: the week-numbering year it belongs to may be the
 * previous or next calendar year. Returns the week (1-53) and how many weeks that year has.
 */
export function weekNumber(day: number, wkst: number): { week: number; weeks: number } {
  let [year] = civilFromDays(day);
  let start = firstWeekStart(year, wkst);
  if (day < start) {
    year -= 1;
    start = firstWeekStart(year, wkst);
  } else {
    const next = firstWeekStart(year + 1, wkst);
    if (day >= next) {
      year += 1;
      start = next;
    }
  }
  const weeks = (firstWeekStart(year + 1, wkst) - start) / 7;
  return { week: Math.floor((day - start) / 7) + 1, weeks };
}
