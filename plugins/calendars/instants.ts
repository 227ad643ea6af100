import ICAL from 'ical.js';

/**
 * Local time ↔ instant conversion with RFC 5545 §3.3.5 semantics, on top of ical.js's time zone data.
 *
 * Written here because ical.js's own `toUnixTime()` resolves ambiguous local times the libical way: a time
 * in the autumn overlap gets the *second* (standard-time) offset and a time in the spring gap the *later*
 * offset, while RFC 5545 says the first occurrence and the offset before the gap respectively. Times here
 * are epoch milliseconds; "wall" values are local date-times written as if they were UTC (`Date.UTC(...)`).
 */

const DAY = 86_400_000;

interface OffsetTable {
  /** Instants (ms) at which the offset changes, ascending. */
  at: number[];
  /** Offset (ms) in effect from `at[i]` on. */
  offset: number[];
  /** Offset before the first change. */
  initial: number;
  /** Years up to which ical.js has expanded the zone's rules. */
  coveredUntil: number;
}

const tables = new WeakMap<ICAL.Timezone, OffsetTable>();

function isUtc(zone: ICAL.Timezone): boolean {
  return zone === ICAL.Timezone.utcTimezone || zone.tzid === 'UTC' || zone.tzid === 'Z' || zone.tzid === 'GMT';
}

/** True for ical.js's floating pseudo-zone (no TZID, no `Z`). */
export function isFloatingZone(zone: ICAL.Timezone | null | undefined): boolean {
  return !zone || zone === ICAL.Timezone.localTimezone || zone.tzid === 'floating';
}

function table(zone: ICAL.Timezone, year: number): OffsetTable {
  let t = tables.get(zone);
  if (t && t.coveredUntil >= year) return t;
  // ical.js expands a zone's observances lazily, up to a year; `changes` hold UTC instants of each change.
  zone._ensureCoverage(year);
  const changes = [...(zone.changes as Array<Record<string, number>>)].sort(ICAL.Timezone._compare_change_fn);
  const at: number[] = [];
  const offset: number[] = [];
  for (const c of changes) {
    const ms = Date.UTC(c.year!, c.month! - 1, c.day!, c.hour!, c.minute!, c.second!);
    const off = c.utcOffset! * 1000;
    if (at.length && at[at.length - 1] === ms) offset[offset.length - 1] = off;
    else if (!offset.length || offset[offset.length - 1] !== off) {
      at.push(ms);
      offset.push(off);
    }
  }
  const first = changes[0];
  t = { at, offset, initial: first ? first.prevUtcOffset! * 1000 : 0, coveredUntil: year };
  tables.set(zone, t);
  return t;
}

/** The zone's UTC offset (ms) in effect at an instant. */
export function offsetAt(zone: ICAL.Timezone, ms: number): number {
  if (isUtc(zone) || isFloatingZone(zone) || !zone.component) return 0;
  const year = new Date(ms).getUTCFullYear();
  const t = table(zone, Math.max(year + 1, 1971));
  let lo = 0;
  let hi = t.at.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (t.at[mid]! <= ms) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found < 0 ? t.initial : t.offset[found]!;
}

/**
 * The instant of a local wall time in a zone. In an overlap (autumn) the first occurrence; in a gap
 * (spring) the wall time read with the offset before the gap, i.e. shifted forward (RFC 5545 §3.3.5).
 */
export function wallToInstant(wall: number, zone: ICAL.Timezone): number {
  if (isUtc(zone) || isFloatingZone(zone)) return wall;
  const before = offsetAt(zone, wall - DAY);
  const after = offsetAt(zone, wall + DAY);
  if (before === after) return wall - before;
  const a = wall - before;
  const b = wall - after;
  const aValid = offsetAt(zone, a) === before;
  const bValid = offsetAt(zone, b) === after;
  if (aValid && bValid) return Math.min(a, b);
  if (aValid) return a;
  if (bValid) return b;
  return a;
}

/** The local wall time of an instant in a zone. */
export function instantToWall(ms: number, zone: ICAL.Timezone): number {
  return ms + offsetAt(zone, ms);
}

/** An ical.js time's wall clock (its fields read as UTC). DATE values are their midnight. */
export function wallOf(t: ICAL.Time): number {
  return Date.UTC(t.year, t.month - 1, t.day, t.isDate ? 0 : t.hour, t.isDate ? 0 : t.minute, t.isDate ? 0 : t.second);
}

/** True when a time has no zone of its own: a DATE, or a DATE-TIME without `Z` and without TZID. */
export function isFloating(t: ICAL.Time): boolean {
  return t.isDate || isFloatingZone(t.zone);
}

/**
 * The instant of an iCalendar DATE or DATE-TIME value. Floating values and DATEs are read in
 * `floatingZone` (the query's or calendar's time zone, RFC 4791 §9.9).
 */
export function toInstant(t: ICAL.Time, floatingZone: ICAL.Timezone): number {
  const wall = wallOf(t);
  if (isFloating(t)) return wallToInstant(wall, floatingZone);
  return wallToInstant(wall, t.zone!);
}

/** A UTC DATE-TIME value for an instant (whole seconds). */
export function utcTime(ms: number): ICAL.Time {
  const d = new Date(ms);
  return ICAL.Time.fromData(
    {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      isDate: false,
    },
    ICAL.Timezone.utcTimezone,
  );
}

/** A time with the given wall clock in `like`'s zone and value type (DATE stays DATE). */
export function timeAtWall(wall: number, like: ICAL.Time): ICAL.Time {
  const d = new Date(wall);
  return ICAL.Time.fromData(
    {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: like.isDate ? 0 : d.getUTCHours(),
      minute: like.isDate ? 0 : d.getUTCMinutes(),
      second: like.isDate ? 0 : d.getUTCSeconds(),
      isDate: like.isDate,
    },
    like.zone,
  );
}

/** `20260329T010000Z` / `20260329`: the iCalendar text of a UTC instant (or of a DATE wall day). */
export function formatUtc(ms: number): string {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  // An expanded month writes hundreds of these: digits by hand, not an ISO string and two regex passes.
  if (y >= 1000 && y <= 9999)
    return `${y}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}T${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}Z`;
  return d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

export { DAY };
