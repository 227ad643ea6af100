import ICAL from 'ical.js';
import { tzlib_get_ical_block, tzlib_get_timezones } from 'timezones-ical-library';

/**
 * IANA time zone definitions for TZIDs that arrive without a VTIMEZONE (RFC 5545 requires one, many
 * clients and hand-written files omit it; ical.js would silently treat such times as floating).
 *
 * Data: `timezones-ical-library` (maintained, Apache-2.0, follows each IANA tzdata release) ships one
 * VTIMEZONE per zone and alias with today's rules from 1970 on — what Thunderbird, Google and Apple put
 * in the VTIMEZONEs they send. Limitation: instants before a zone's last rule change (e.g. US dates before
 * 2007) follow today's rules. A VTIMEZONE inside the object always wins over this table.
 */

let names: Set<string> | null = null;
const cache = new Map<string, ICAL.Timezone | null>();

function knownNames(): Set<string> {
  names ??= new Set(tzlib_get_timezones() as string[]);
  return names;
}

/** The IANA name a TZID stands for: itself, or the tail of a prefixed id such as `/mozilla.org/20050126_1/Europe/Berlin`. */
function ianaName(tzid: string): string | null {
  const known = knownNames();
  if (known.has(tzid)) return tzid;
  const parts = tzid.split('/').filter(Boolean);
  for (let take = Math.min(3, parts.length - 1); take >= 1; take--) {
    const tail = parts.slice(-take).join('/');
    if (known.has(tail)) return tail;
  }
  return null;
}

/** The time zone for an IANA name (or alias, or prefixed id), or null when none is known. */
export function ianaZone(tzid: string): ICAL.Timezone | null {
  const hit = cache.get(tzid);
  if (hit !== undefined) return hit;
  let zone: ICAL.Timezone | null = null;
  const name = ianaName(tzid);
  if (name) {
    const block = tzlib_get_ical_block(name);
    const text = Array.isArray(block) ? block[0] : '';
    if (text) {
      const component = new ICAL.Component(ICAL.parse(text) as unknown[]);
      zone = new ICAL.Timezone({ component, tzid });
    }
  }
  if (cache.size < 2000) cache.set(tzid, zone);
  return zone;
}

/** Zones registered under names that are not exact IANA names, at most (each client-chosen spelling is one). */
const MAX_REGISTERED = 3000;

const tzidParam = /;TZID=("[^"]*"|[^;:\r\n]*)/gi;

/**
 * Makes every IANA zone that `text` names in a TZID parameter resolvable by ical.js (its TimezoneService
 * is consulted only when the VCALENDAR has no VTIMEZONE of that id). Call before `ICAL.parse`.
 */
export function registerReferencedZones(text: string): void {
  if (!/TZID=/i.test(text)) return;
  const unfolded = text.replace(/\r?\n[ \t]/g, '');
  for (const m of unfolded.matchAll(tzidParam)) {
    const raw = m[1] ?? '';
    const tzid = raw.startsWith('"') ? raw.slice(1, -1) : raw;
    if (!tzid || ICAL.TimezoneService.has(tzid)) continue;
    // Exact IANA names are a bounded set; other spellings (prefixed ids) are clients' inventions: cap them.
    if (!knownNames().has(tzid) && ICAL.TimezoneService.count > MAX_REGISTERED) continue;
    const zone = ianaZone(tzid);
    if (zone) ICAL.TimezoneService.register(zone, tzid);
  }
}

/**
 * The zone a `calendar-timezone` property or a query's `CALDAV:timezone` element names: a VCALENDAR text
 * holding one VTIMEZONE (RFC 4791 §5.2.2), or a bare IANA id (RFC 7809 `calendar-timezone-id`).
 * Returns null when the value is neither.
 */
export function zoneFromCalendarTimezone(value: string): ICAL.Timezone | null {
  // One zone object per text: results computed per zone are memoised on it (see occurrences.ts).
  const hit = calendarZones.get(value);
  if (hit !== undefined) return hit;
  const zone = readCalendarTimezone(value);
  if (calendarZones.size >= 500) calendarZones.delete(calendarZones.keys().next().value as string);
  calendarZones.set(value, zone);
  return zone;
}

const calendarZones = new Map<string, ICAL.Timezone | null>();

function readCalendarTimezone(value: string): ICAL.Timezone | null {
  const trimmed = value.trim();
  if (!/^BEGIN:VCALENDAR/i.test(trimmed)) return ianaZone(trimmed);
  try {
    const root = new ICAL.Component(ICAL.parse(trimmed) as unknown[]);
    const vtz = root.getFirstSubcomponent('vtimezone');
    if (!vtz) return null;
    const tzid = String(vtz.getFirstPropertyValue('tzid') ?? '');
    if (!tzid) return null;
    // A zone with no observances would map every instant to offset 0: prefer the IANA rules of that id.
    const hasRules = vtz.getAllSubcomponents().some((c) => c.name === 'standard' || c.name === 'daylight');
    if (!hasRules) return ianaZone(tzid);
    return new ICAL.Timezone({ component: vtz, tzid });
  } catch {
    return null;
  }
}

/** UTC, the zone floating times are evaluated in when neither the query nor the calendar names one. */
export const utcZone: ICAL.Timezone = ICAL.Timezone.utcTimezone;
