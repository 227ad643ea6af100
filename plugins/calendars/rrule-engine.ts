import type ICAL from 'ical.js';
import { DAY_MS, civilFromDays, daysFromCivil, monthLength, weekNumber, weekdayOf, yearLength } from './civil-days.ts';

/**
 * RRULE expansion (RFC 5545 §3.3.10), in local wall time.
 *
 * Written here rather than taken from a library because both candidates fail a server's needs:
 * ical.js 2.2.1's iterator turns invalid dates into real ones (a yearly Feb 29 rule yields Mar 1, a
 * BYMONTHDAY=30 rule yields March days in February) and never returns for a rule that cannot match
 * (`FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30` spun for minutes); rrule.js 2.8 expands correctly but scans
 * to year 9999 for such rules (12–20 s of blocked event loop per request). This engine follows
 * python-dateutil's semantics (the de-facto reference; the tests compare it against dateutil), jumps
 * straight to the period of a requested start when no COUNT forces counting from DTSTART, and gives up
 * after a bounded amount of work without an instance, reporting that it did (`truncated`).
 */

export type Freq = 'YEARLY' | 'MONTHLY' | 'WEEKLY' | 'DAILY' | 'HOURLY' | 'MINUTELY' | 'SECONDLY';
const ORDER: Record<Freq, number> = { YEARLY: 0, MONTHLY: 1, WEEKLY: 2, DAILY: 3, HOURLY: 4, MINUTELY: 5, SECONDLY: 6 };
const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];

/** A parsed, validated RRULE. UNTIL is kept as given: the caller compares it with instants. */
export interface RecurrenceRule {
  freq: Freq;
  interval: number;
  count: number | null;
  until: ICAL.Time | null;
  /** Week start, MO=0 … SU=6. */
  wkst: number;
  byMonth: number[];
  byWeekNo: number[];
  byYearDay: number[];
  byMonthDay: number[];
  /** `n` 0 means every such weekday of the period; otherwise the n-th (negative: from the end). */
  byDay: Array<{ wd: number; n: number }>;
  byHour: number[];
  byMinute: number[];
  bySecond: number[];
  bySetPos: number[];
}

/** An RRULE that is syntactically or semantically unusable. */
export class RecurrenceRuleError extends Error {}

function ints(values: unknown, name: string, min: number, max: number, allowNegative: boolean): number[] {
  if (values === undefined) return [];
  const list = Array.isArray(values) ? values : [values];
  return list.map((v) => {
    const n = typeof v === 'number' ? v : Number(v);
    const abs = Math.abs(n);
    if (!Number.isInteger(n) || abs < min || abs > max || (!allowNegative && n < 0) || (n === 0 && min > 0))
      throw new RecurrenceRuleError(`${name} value ${String(v)} is out of range`);
    return n;
  });
}

/** Validates an ical.js RRULE value and turns it into the engine's rule. */
export function ruleFromRecur(recur: ICAL.Recur): RecurrenceRule {
  const freq = recur.freq as Freq | null;
  if (!freq || !(freq in ORDER)) throw new RecurrenceRuleError('RRULE has no valid FREQ');
  if (!Number.isInteger(recur.interval) || recur.interval < 1)
    throw new RecurrenceRuleError('RRULE INTERVAL must be ≥ 1');
  if (recur.count !== null && recur.count !== undefined && (!Number.isInteger(recur.count) || recur.count < 1))
    throw new RecurrenceRuleError('RRULE COUNT must be ≥ 1');
  if (recur.count && recur.until) throw new RecurrenceRuleError('RRULE must not have both COUNT and UNTIL');
  const parts = recur.parts as Record<string, unknown>;
  const byDay = (parts.BYDAY === undefined ? [] : ([] as unknown[]).concat(parts.BYDAY)).map((raw) => {
    const m = /^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$/.exec(String(raw));
    const n = m?.[1] ? Number(m[1]) : 0;
    if (!m || Math.abs(n) > 53) throw new RecurrenceRuleError(`BYDAY value ${String(raw)} is invalid`);
    return { wd: WEEKDAYS.indexOf(m[2]!), n };
  });
  return {
    freq,
    interval: recur.interval,
    count: recur.count ?? null,
    until: recur.until ?? null,
    wkst: ((recur.wkst ?? 2) + 5) % 7,
    byMonth: ints(parts.BYMONTH, 'BYMONTH', 1, 12, false),
    byWeekNo: ints(parts.BYWEEKNO, 'BYWEEKNO', 1, 53, true),
    byYearDay: ints(parts.BYYEARDAY, 'BYYEARDAY', 1, 366, true),
    byMonthDay: ints(parts.BYMONTHDAY, 'BYMONTHDAY', 1, 31, true),
    byDay,
    byHour: ints(parts.BYHOUR, 'BYHOUR', 0, 23, false),
    byMinute: ints(parts.BYMINUTE, 'BYMINUTE', 0, 59, false),
    bySecond: ints(parts.BYSECOND, 'BYSECOND', 0, 60, false),
    bySetPos: ints(parts.BYSETPOS, 'BYSETPOS', 1, 366, true),
  };
}

/** Options of one expansion. */
export interface ExpandOptions {
  /** Start scanning at the period holding this wall time (ignored with COUNT, which counts from DTSTART). */
  fromWall?: number;
  /** Days/periods examined without finding an instance before giving up. Default 50,000 (≈ 137 years of days). */
  maxIdle?: number;
}

/** Set when an expansion stopped because it found nothing for too long (or passed year 9999). */
export interface ExpandState {
  truncated: boolean;
}

const sortNum = (a: number, b: number) => a - b;

/**
 * The rule's instances as wall times (ms, local clock read as UTC), ascending, from DTSTART on. DTSTART
 * itself is yielded only if the rule produces it (the recurrence set adds it anyway).
 */
export function* expandRule(
  rule: RecurrenceRule,
  dtstartWall: number,
  isDate: boolean,
  opts: ExpandOptions = {},
  state: ExpandState = { truncated: false },
): Generator<number> {
  const d0 = Math.floor(dtstartWall / DAY_MS);
  const sod0 = Math.round((dtstartWall - d0 * DAY_MS) / 1000);
  const [y0, m0, dd0] = civilFromDays(d0);
  const fo = ORDER[rule.freq];
  if (isDate && fo > ORDER.DAILY) throw new RecurrenceRuleError('an all-day event cannot recur more often than daily');

  // Defaults taken from DTSTART (RFC 5545 §3.3.10, as dateutil applies them), made explicit so that every
  // period can be computed on its own: that is what lets the expansion start at any period.
  let { byMonth, byMonthDay, byDay } = rule;
  if (!rule.byWeekNo.length && !rule.byYearDay.length && !byMonthDay.length && !byDay.length) {
    if (rule.freq === 'YEARLY') {
      if (!byMonth.length) byMonth = [m0];
      byMonthDay = [dd0];
    } else if (rule.freq === 'MONTHLY') byMonthDay = [dd0];
    else if (rule.freq === 'WEEKLY') byDay = [{ wd: weekdayOf(d0), n: 0 }];
  }
  const pick = (given: number[], deflt: number, coarser: boolean) =>
    isDate ? [0] : given.length ? [...new Set(given)].sort(sortNum) : coarser ? [deflt] : null;
  const hours = pick(rule.byHour, Math.floor(sod0 / 3600), fo < ORDER.HOURLY);
  const minutes = pick(rule.byMinute, Math.floor(sod0 / 60) % 60, fo < ORDER.MINUTELY);
  const seconds = pick(rule.bySecond, sod0 % 60, fo < ORDER.SECONDLY);
  const nthInMonth = rule.freq === 'MONTHLY' || (rule.freq === 'YEARLY' && byMonth.length > 0);
  const nthApplies = rule.freq === 'MONTHLY' || rule.freq === 'YEARLY';

  const dayOk = (day: number): boolean => {
    const [y, m, d] = civilFromDays(day);
    if (byMonth.length && !byMonth.includes(m)) return false;
    if (rule.byWeekNo.length) {
      const { week, weeks } = weekNumber(day, rule.wkst);
      if (!rule.byWeekNo.some((n) => n === week || n === week - weeks - 1)) return false;
    }
    if (rule.byYearDay.length) {
      const doy = day - daysFromCivil(y, 1, 1) + 1;
      const yl = yearLength(y);
      if (!rule.byYearDay.some((n) => n === doy || n === doy - yl - 1)) return false;
    }
    if (byMonthDay.length) {
      const ml = monthLength(y, m);
      if (!byMonthDay.some((n) => n === d || n === d - ml - 1)) return false;
    }
    if (byDay.length) {
      const wd = weekdayOf(day);
      const ok = byDay.some((b) => {
        if (b.wd !== wd) return false;
        if (b.n === 0 || !nthApplies) return true;
        const [pos, len] = nthInMonth ? [d, monthLength(y, m)] : [day - daysFromCivil(y, 1, 1) + 1, yearLength(y)];
        return b.n > 0 ? Math.floor((pos - 1) / 7) + 1 === b.n : Math.floor((len - pos) / 7) + 1 === -b.n;
      });
      if (!ok) return false;
    }
    return true;
  };

  // Seconds-of-day for day-based frequencies.
  const dayTimes: number[] = [];
  if (fo <= ORDER.DAILY)
    for (const h of hours!) for (const mi of minutes!) for (const s of seconds!) dayTimes.push(h * 3600 + mi * 60 + s);
  dayTimes.sort(sortNum);

  const ws0 = d0 - ((weekdayOf(d0) - rule.wkst + 7) % 7);
  const mi0 = y0 * 12 + (m0 - 1);
  const unitSec = fo === ORDER.HOURLY ? 3600 : fo === ORDER.MINUTELY ? 60 : 1;
  const u0 = Math.floor(dtstartWall / 1000 / unitSec);

  let p = 0;
  const from = opts.fromWall;
  if (rule.count === null && from !== undefined && from > dtstartWall) {
    const fd = Math.floor(from / DAY_MS);
    const [fy, fm] = civilFromDays(fd);
    const k =
      rule.freq === 'YEARLY'
        ? (fy - y0) / rule.interval
        : rule.freq === 'MONTHLY'
          ? (fy * 12 + fm - 1 - mi0) / rule.interval
          : rule.freq === 'WEEKLY'
            ? (fd - ws0) / (7 * rule.interval)
            : rule.freq === 'DAILY'
              ? (fd - d0) / rule.interval
              : (Math.floor(from / 1000 / unitSec) - u0) / rule.interval;
    p = Math.max(0, Math.floor(k));
  }

  const maxIdle = opts.maxIdle ?? 50_000;
  let idle = 0;
  let left = rule.count ?? Infinity;
  const candidates: number[] = [];
  for (; ; p++) {
    if (idle > maxIdle) {
      state.truncated = true;
      return;
    }
    candidates.length = 0;
    let firstDay: number;
    if (fo <= ORDER.DAILY) {
      let days: number[];
      if (rule.freq === 'YEARLY') {
        const year = y0 + p * rule.interval;
        firstDay = daysFromCivil(year, 1, 1);
        days = [];
        const months = byMonth.length ? [...byMonth].sort(sortNum) : [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
        for (const m of months) {
          const start = daysFromCivil(year, m, 1);
          for (let i = 0; i < monthLength(year, m); i++) days.push(start + i);
        }
      } else if (rule.freq === 'MONTHLY') {
        const mi = mi0 + p * rule.interval;
        const year = Math.floor(mi / 12);
        const month = (mi % 12) + 1;
        firstDay = daysFromCivil(year, month, 1);
        days = Array.from({ length: monthLength(year, month) }, (_, i) => firstDay + i);
      } else if (rule.freq === 'WEEKLY') {
        firstDay = ws0 + p * 7 * rule.interval;
        days = [0, 1, 2, 3, 4, 5, 6].map((i) => firstDay + i);
      } else {
        firstDay = d0 + p * rule.interval;
        days = [firstDay];
      }
      idle += days.length;
      for (const day of days) if (dayOk(day)) for (const t of dayTimes) candidates.push(day * DAY_MS + t * 1000);
    } else {
      const unit = u0 + p * rule.interval;
      const sec = unit * unitSec;
      firstDay = Math.floor(sec / 86400);
      const sod = sec - firstDay * 86400;
      const h = Math.floor(sod / 3600);
      const mi = Math.floor(sod / 60) % 60;
      const s = sod % 60;
      idle++;
      // Skip to the next day, hour or minute at once when this one cannot match.
      let skipTo: number | null = null;
      if (!dayOk(firstDay)) skipTo = (firstDay + 1) * 86400;
      else if (hours && !hours.includes(h)) skipTo = firstDay * 86400 + (h + 1) * 3600;
      else if (fo >= ORDER.MINUTELY && minutes && !minutes.includes(mi))
        skipTo = firstDay * 86400 + h * 3600 + (mi + 1) * 60;
      if (skipTo !== null) {
        const target = Math.ceil(skipTo / unitSec);
        p += Math.ceil((target - unit) / rule.interval) - 1;
      } else {
        const base = firstDay * 86400 + h * 3600;
        if (fo === ORDER.HOURLY)
          for (const m2 of minutes!) for (const s2 of seconds!) candidates.push(base + m2 * 60 + s2);
        else if (fo === ORDER.MINUTELY) for (const s2 of seconds!) candidates.push(base + mi * 60 + s2);
        else if (!seconds || seconds.includes(s)) candidates.push(base + mi * 60 + s);
        for (let i = 0; i < candidates.length; i++) candidates[i]! *= 1000;
      }
    }
    if (civilFromDays(firstDay)[0] > 9999) {
      state.truncated = true;
      return;
    }
    let chosen = candidates;
    if (rule.bySetPos.length && candidates.length) {
      chosen = [];
      for (const pos of rule.bySetPos) {
        const v = candidates[pos > 0 ? pos - 1 : candidates.length + pos];
        if (v !== undefined && !chosen.includes(v)) chosen.push(v);
      }
      chosen.sort(sortNum);
    }
    for (const wall of chosen) {
      if (wall < dtstartWall) continue;
      idle = 0;
      yield wall;
      if (--left <= 0) return;
    }
  }
}
