import { InputError } from '#core';
import type ICAL from 'ical.js';
import { DAY_MS } from '../civil-days.ts';
import type { Calendar } from '../calendar-store.ts';
import { parsedObject } from '../calendar-query.ts';
import { instantToWall, isFloating } from '../instants.ts';
import type { ObjectStore } from '../object-store.ts';
import { componentSets, occurrencesOf, type Occurrence } from '../occurrences.ts';
import { eventOverlaps } from '../time-range.ts';
import { utcZone, zoneFromCalendarTimezone } from '../timezones.ts';
import { CALENDAR_API_ERRORS as E } from './api-errors.ts';
import { repeatOf, zoneNameOf } from './event-ical.ts';
import type { OccurrenceView } from '../shared.ts';

export type { OccurrenceView } from '../shared.ts';

/** The longest range one request may ask for (a bit over a year, for a year of agenda). */
export const MAX_RANGE_MS = 400 * DAY_MS;
/** Occurrences per request at most; past it the answer says `truncated`. */
export const MAX_OCCURRENCES = 5000;

/** Reads `start`/`end` query parameters (ISO instants or dates). */
export function readRange(start: unknown, end: unknown): { start: number; end: number } {
  const s = typeof start === 'string' ? Date.parse(start) : NaN;
  const e = typeof end === 'string' ? Date.parse(end) : NaN;
  if (!Number.isFinite(s) || !Number.isFinite(e))
    throw new InputError('give the range as start and end dates', undefined, E.CALENDAR_INVALID_RANGE);
  if (e <= s) throw new InputError('the range ends before it starts', undefined, E.CALENDAR_INVALID_RANGE);
  if (e - s > MAX_RANGE_MS)
    throw new InputError('ask for at most 400 days at a time', undefined, E.CALENDAR_INVALID_RANGE);
  return { start: s, end: e };
}

const day = (wall: number) => new Date(wall).toISOString().slice(0, 10);

function rid(o: Occurrence): string | null {
  const t = o.recurrenceId;
  if (!t) return null;
  return t.isDate ? t.toString() : t.toString().replace(/\.\d+$/, '');
}

function view(cal: Calendar, uri: string, o: Occurrence, master: ICAL.Component | null): OccurrenceView {
  const c = o.component;
  const recurring = o.recurrenceId !== null;
  const startMs = o.startMs ?? 0;
  const endMs = o.endMs ?? startMs;
  let start: string;
  let end: string;
  if (o.isDate) {
    const startWall = o.startWall ?? 0;
    const days = Math.max(1, Math.round((endMs - startMs) / DAY_MS));
    start = day(startWall);
    end = day(startWall + days * DAY_MS);
  } else {
    start = new Date(startMs).toISOString();
    end = new Date(Math.max(endMs, startMs)).toISOString();
  }
  return {
    id: `${cal.id}/${uri}/${rid(o) ?? ''}`,
    calendarId: cal.id,
    eventId: uri,
    uid: String(c.getFirstPropertyValue('uid') ?? ''),
    recurrenceId: rid(o),
    recurring,
    title: String(c.getFirstPropertyValue('summary') ?? '') || 'Untitled',
    description: String(c.getFirstPropertyValue('description') ?? ''),
    location: String(c.getFirstPropertyValue('location') ?? ''),
    allDay: o.isDate,
    start,
    end,
    timezone: o.start && !isFloating(o.start) ? zoneNameOf(o.start) : 'UTC',
    repeat: master ? repeatOf(master) : 'none',
  };
}

/** The VEVENT occurrences of a calendar in a range, recurrences expanded (overrides and EXDATEs applied). */
export async function listOccurrences(
  objects: ObjectStore,
  cal: Calendar,
  range: { start: number; end: number },
  max = MAX_OCCURRENCES,
): Promise<{ occurrences: OccurrenceView[]; truncated: boolean }> {
  const zone = (cal.timezone && zoneFromCalendarTimezone(cal.timezone)) || utcZone;
  const out: OccurrenceView[] = [];
  for (const object of await objects.candidates(cal.id, { componentType: 'VEVENT', range })) {
    let vcal: ICAL.Component;
    try {
      vcal = parsedObject(object);
    } catch {
      continue;
    }
    for (const set of componentSets(vcal)) {
      if (set.type !== 'vevent') continue;
      for (const o of occurrencesOf(set, range, zone)) {
        if (o.startMs === null || o.startMs >= range.end + DAY_MS) continue;
        if (!eventOverlaps(o, range, zone)) continue;
        if (out.length >= max) return { occurrences: out, truncated: true };
        out.push(view(cal, object.uri, o, set.master));
      }
    }
  }
  out.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  return { occurrences: out, truncated: false };
}

/** The wall clock of an instant in a zone name (UTC when none): what a drag's instants mean in the event's zone. */
export function wallIn(ms: number, zone: ICAL.Timezone | null): number {
  return zone ? instantToWall(ms, zone) : ms;
}
