import type ICAL from 'ical.js';
import { checkFilter, matchesFilter, queryHints, type CompFilter } from './calendar-filter.ts';
import { prepareExpansion } from './expand.ts';
import { freeBusyReport } from './free-busy.ts';
import { parseCalendar } from './ical-validate.ts';
import type { ObjectStore, StoredObject } from './object-store.ts';
import type { TimeRange } from './time-range.ts';
import { ZoneMemo } from './zone-memo.ts';

/**
 * REPORT evaluation over stored objects: the store prefilters by component type and indexed span, the
 * candidates are parsed (cached by ETag: an ETag names exactly one byte string) and evaluated exactly.
 */

const MAX_CACHED = 5000;
/** Source bytes of the cached trees, at most (a tree takes several times its text in memory). */
const MAX_CACHED_BYTES = 16 * 1024 * 1024;
const parsed = new Map<string, { tree: ICAL.Component; size: number }>();
let cachedBytes = 0;

/**
 * The parse tree of a stored object. Shared between requests: callers must not modify it (the expand
 * and limit functions work on copies).
 */
export function parsedObject(o: StoredObject): ICAL.Component {
  const hit = parsed.get(o.etag);
  if (hit) {
    parsed.delete(o.etag);
    parsed.set(o.etag, hit);
    return hit.tree;
  }
  const tree = parseCalendar(o.data.toString('utf8').replace(/^\uFEFF/, ''));
  keep(o.etag, tree, o.data.length);
  return tree;
}

/**
 * Keeps the parse tree a PUT's validation made of exactly the bytes it stored (ETag `etag`), so that the first
 * query after a write does not parse them again, and writes ahead the zone-independent texts of its expansion
 * (`prepareExpansion`). The tree must not be changed afterwards (validation only reads it).
 */
export function rememberParsedObject(etag: string, tree: ICAL.Component, size: number): void {
  if (parsed.has(etag) || !keep(etag, tree, size)) return;
  prepareExpansion(tree);
}

/** Caches a tree unless it is too big to; false when it is not kept. */
function keep(etag: string, tree: ICAL.Component, size: number): boolean {
  if (size > MAX_CACHED_BYTES / 8) return false;
  while (parsed.size && (parsed.size >= MAX_CACHED || cachedBytes + size > MAX_CACHED_BYTES)) {
    const [oldest, entry] = parsed.entries().next().value as [string, { size: number }];
    parsed.delete(oldest);
    cachedBytes -= entry.size;
  }
  parsed.set(etag, { tree, size });
  cachedBytes += size;
  return true;
}

/** Empties the parse cache (benchmarks measure the cold path with it). */
export function forgetParsedObjects(): void {
  parsed.clear();
  cachedBytes = 0;
}

/**
 * Filter verdicts per parse tree, zone and filter: a filter's answer depends on nothing else (no clock), and
 * clients repeat the same view's query (a month, a week) on every refresh.
 */
const verdicts = new ZoneMemo<Map<string, boolean>>();
const MAX_VERDICTS = 8;

/** A filter as a memo key (infinite range ends kept apart from absent ones). */
function filterKey(filter: CompFilter): string {
  return JSON.stringify(filter, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
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
  const key = filterKey(filter);
  const out: QueryMatch[] = [];
  for (const object of await objects.candidates(calendarId, queryHints(filter))) {
    const vcalendar = parsedObject(object);
    const byFilter = verdicts.get(vcalendar, floatingZone, () => new Map());
    let match = byFilter.get(key);
    if (match === undefined) {
      match = matchesFilter(vcalendar, filter, floatingZone);
      if (byFilter.size >= MAX_VERDICTS) byFilter.clear();
      byFilter.set(key, match);
    }
    if (match) out.push({ object, vcalendar });
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
