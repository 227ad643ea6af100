import ICAL from 'ical.js';
import { DAY_MS } from './civil-days.ts';
import { toInstant, wallToInstant } from './instants.ts';
import type { Occurrence } from './occurrences.ts';

/**
 * RFC 4791 §9.9 time-range tests. A range is `[start, end)` in epoch ms; a missing bound is ±Infinity
 * (the RFC allows either attribute alone). Floating and DATE values are read in `floatingZone`.
 */

/** A CALDAV:time-range, bounds in epoch ms (open side = ±Infinity). */
export interface TimeRange {
  start: number;
  end: number;
}

/** The whole time line. */
export const ALL_TIME: TimeRange = { start: -Infinity, end: Infinity };

function propTime(c: ICAL.Component, name: string, zone: ICAL.Timezone): number | null {
  const v = c.getFirstPropertyValue(name) as ICAL.Time | null;
  return v ? toInstant(v, zone) : null;
}

/** DTSTART + P1D by the local clock (for DATE values). */
function nextDay(o: Occurrence, zone: ICAL.Timezone): number {
  return wallToInstant(o.startWall! + DAY_MS, zone);
}

/** The VEVENT table of §9.9, for one occurrence. */
export function eventOverlaps(o: Occurrence, r: TimeRange, zone: ICAL.Timezone): boolean {
  if (o.startMs === null) return false;
  const s = o.startMs;
  if (o.endKind === 'end') return r.start < o.endMs! && r.end > s;
  if (o.endKind === 'duration' && o.endMs! > s) return r.start < o.endMs! && r.end > s;
  if (o.endKind === 'duration' || !o.isDate) return r.start <= s && r.end > s;
  return r.start < nextDay(o, zone) && r.end > s;
}

/** The VTODO table of §9.9, for one occurrence (COMPLETED and CREATED are the component's own). */
export function todoOverlaps(o: Occurrence, r: TimeRange, zone: ICAL.Timezone): boolean {
  const s = o.startMs;
  if (s !== null && o.endKind === 'duration') {
    const e = o.endMs!;
    return r.start <= e && (r.end > s || r.end >= e);
  }
  if (s !== null && o.endKind === 'end') {
    const due = o.endMs!;
    return (r.start < due || r.start <= s) && (r.end > s || r.end >= due);
  }
  if (s !== null) return r.start <= s && r.end > s;
  if (o.endKind === 'end') return r.start < o.endMs! && r.end >= o.endMs!;
  const completed = propTime(o.component, 'completed', zone);
  const created = propTime(o.component, 'created', zone);
  if (completed !== null && created !== null)
    return (r.start <= created || r.start <= completed) && (r.end >= created || r.end >= completed);
  if (completed !== null) return r.start <= completed && r.end >= completed;
  if (created !== null) return r.end > created;
  return true;
}

/** The VJOURNAL table of §9.9. */
export function journalOverlaps(o: Occurrence, r: TimeRange, zone: ICAL.Timezone): boolean {
  if (o.startMs === null) return false;
  if (!o.isDate) return r.start <= o.startMs && r.end > o.startMs;
  return r.start < nextDay(o, zone) && r.end > o.startMs;
}

/** A FREEBUSY property's periods as `[start, end)` instants, with its FBTYPE (default BUSY). */
export function periodsOf(p: ICAL.Property, zone: ICAL.Timezone): Array<{ start: number; end: number; type: string }> {
  const type = String(p.getParameter('fbtype') ?? 'BUSY').toUpperCase();
  return (p.getValues() as unknown[])
    .filter((v): v is ICAL.Period => v instanceof ICAL.Period)
    .map((v) => {
      const start = toInstant(v.start, zone);
      const end = v.end ? toInstant(v.end, zone) : start + (v.duration?.toSeconds() ?? 0) * 1000;
      return { start, end, type };
    });
}

/** The FREEBUSY periods of a component. */
export function freeBusyPeriods(
  c: ICAL.Component,
  zone: ICAL.Timezone,
): Array<{ start: number; end: number; type: string }> {
  return c.getAllProperties('freebusy').flatMap((p) => periodsOf(p, zone));
}

/** The VFREEBUSY table of §9.9. */
export function freeBusyOverlaps(c: ICAL.Component, r: TimeRange, zone: ICAL.Timezone): boolean {
  const s = propTime(c, 'dtstart', zone);
  const e = propTime(c, 'dtend', zone);
  if (s !== null && e !== null) return r.start <= e && r.end > s;
  const periods = freeBusyPeriods(c, zone);
  return periods.some((p) => r.start < p.end && r.end > p.start);
}

/**
 * The trigger instants of a VALARM for the occurrence it belongs to: TRIGGER relative to the start (or,
 * with RELATED=END, to the end) or absolute, then REPEAT more times every DURATION (RFC 5545 §3.6.6).
 */
export function alarmTriggers(alarm: ICAL.Component, parent: Occurrence, zone: ICAL.Timezone): number[] {
  const prop = alarm.getFirstProperty('trigger');
  if (!prop) return [];
  const value = prop.getFirstValue() as ICAL.Duration | ICAL.Time;
  let first: number | null;
  if (value instanceof ICAL.Time) first = toInstant(value, zone);
  else {
    const related = String(prop.getParameter('related') ?? 'START').toUpperCase();
    const anchor = related === 'END' ? (parent.endMs ?? parent.startMs) : parent.startMs;
    first = anchor === null ? null : anchor + value.toSeconds() * 1000;
  }
  if (first === null) return [];
  const out = [first];
  const repeat = Number(alarm.getFirstPropertyValue('repeat') ?? 0);
  const every = alarm.getFirstPropertyValue('duration') as ICAL.Duration | null;
  if (every && Number.isInteger(repeat) && repeat > 0) {
    const step = every.toSeconds() * 1000;
    for (let i = 1; i <= Math.min(repeat, 1000); i++) out.push(first + i * step);
  }
  return out;
}

/** The VALARM rule of §9.9: some trigger lies in `[start, end)`. */
export function alarmOverlaps(alarm: ICAL.Component, parent: Occurrence, r: TimeRange, zone: ICAL.Timezone): boolean {
  return alarmTriggers(alarm, parent, zone).some((t) => r.start <= t && r.end > t);
}

/** How far before or after its occurrence's start an alarm of this component may fire (for widening windows). */
export function alarmReach(component: ICAL.Component): number {
  let reach = 0;
  for (const alarm of component.getAllSubcomponents('valarm')) {
    const trig = alarm.getFirstPropertyValue('trigger');
    if (trig instanceof ICAL.Duration) reach = Math.max(reach, Math.abs(trig.toSeconds() * 1000));
    const repeat = Number(alarm.getFirstPropertyValue('repeat') ?? 0);
    const every = alarm.getFirstPropertyValue('duration') as ICAL.Duration | null;
    if (every && repeat > 0) reach += Math.abs(every.toSeconds() * 1000) * Math.min(repeat, 1000);
  }
  return reach;
}

/** §9.9 for a component occurrence of any type. */
export function occurrenceOverlaps(o: Occurrence, r: TimeRange, zone: ICAL.Timezone): boolean {
  switch (o.component.name) {
    case 'vevent':
      return eventOverlaps(o, r, zone);
    case 'vtodo':
      return todoOverlaps(o, r, zone);
    case 'vjournal':
      return journalOverlaps(o, r, zone);
    case 'vfreebusy':
      return freeBusyOverlaps(o.component, r, zone);
    default:
      return false;
  }
}

/** A time-range in a prop-filter: the DATE or DATE-TIME value lies in `[start, end)` (§9.9, properties). */
export function propertyInRange(p: ICAL.Property, r: TimeRange, zone: ICAL.Timezone): boolean {
  return (p.getValues() as unknown[]).some((v) => {
    if (v instanceof ICAL.Time) {
      const t = toInstant(v, zone);
      return r.start <= t && r.end > t;
    }
    if (v instanceof ICAL.Period) {
      const s = toInstant(v.start, zone);
      return r.start <= s && r.end > s;
    }
    return false;
  });
}
