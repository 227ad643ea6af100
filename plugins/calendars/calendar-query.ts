import type ICAL from 'ical.js';
import { checkFilter, matchesFilter, queryHints, type CompFilter } from './calendar-filter.ts';
import { freeBusyReport } from './free-busy.ts';
import { parseCalendar } from './ical-validate.ts';
import type { ObjectStore, StoredObject } from './object-store.ts';
import type { TimeRange } from './time-range.ts';

/**
 * REPORT evaluation over stored objects: the store prefilters by component type and indexed span, the
 * candidates are parsed (cached by ETag: an ETag names exactly one byte string) and evaluated exactly.
 */

const MAX_CACHED = 5000;
const parsed = new Map<string, ICAL.Component>();

/**
 * The parse tree of a stored object. Shared between requests: callers must not modify it (the expand
 * and limit functions work on copies).
 */
export function parsedObject(o: StoredObject): ICAL.Component {
  const hit = parsed.get(o.etag);
  if (hit) {
    parsed.delete(o.etag);
    parsed.set(o.etag, hit);
    return hit;
  }
  const tree = parseCalendar(o.data.toString('utf8').replace(/^\uFEFF/, ''));
  if (parsed.size >= MAX_CACHED) parsed.delete(parsed.keys().next().value as string);
  parsed.set(o.etag, tree);
  return tree;
}

/** Empties the parse cache (benchmarks measure the cold path with it). */
export function forgetParsedObjects(): void {
  parsed.clear();
}

/** A matching object with its parse tree (for calendar-data transformations). */
export interface QueryMatch {
  object: StoredObject;
  vcalendar: ICAL.Component;
}

/** `calendar-query` on one calendar (Depth 1): the objects the filter matches, by URI. */
export async function runCalendarQuery(
  objects: ObjectStore,
  calendarId: string,
  filter: CompFilter,
  floatingZone: ICAL.Timezone,
): Promise<QueryMatch[]> {
  checkFilter(filter);
  const out: QueryMatch[] = [];
  for (const object of await objects.candidates(calendarId, queryHints(filter))) {
    const vcalendar = parsedObject(object);
    if (matchesFilter(vcalendar, filter, floatingZone)) out.push({ object, vcalendar });
  }
  return out;
}

/** `free-busy-query` on one calendar: the VFREEBUSY text for a bounded range. */
export async function runFreeBusyQuery(
  objects: ObjectStore,
  calendarId: string,
  range: TimeRange,
  floatingZone: ICAL.Timezone,
  now = Date.now(),
): Promise<string> {
  const candidates = [
    ...(await objects.candidates(calendarId, { componentType: 'VEVENT', range })),
    ...(await objects.candidates(calendarId, { componentType: 'VFREEBUSY', range })),
  ];
  return freeBusyReport(candidates.map(parsedObject), range, floatingZone, now);
}
