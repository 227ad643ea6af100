import ICAL from 'ical.js';
import { CaldavPreconditionError } from './caldav-errors.ts';
import { DAY_MS } from './civil-days.ts';
import { timeAtWall, toInstant, utcTime, wallOf } from './instants.ts';
import { componentSets, occurrencesOf, ownOccurrence, RECURRING_TYPES, type Occurrence } from './occurrences.ts';
import { freeBusyOverlaps, occurrenceOverlaps, periodsOf, type TimeRange } from './time-range.ts';

/**
 * The `calendar-data` transformations of a REPORT (RFC 4791 §9.6.5–9.6.7). They produce new text for the
 * response only; the stored object is never changed.
 */

/** Instances one object may expand to in one response before the request is refused. */
export const DEFAULT_MAX_INSTANCES = 10_000;

const RECURRENCE_PROPS = ['rrule', 'rdate', 'exdate', 'exrule'];

function cloneComponent(c: ICAL.Component): ICAL.Component {
  return new ICAL.Component(structuredClone(c.toJSON()) as unknown[]);
}

function emptyCalendarLike(vcalendar: ICAL.Component): ICAL.Component {
  const out = cloneComponent(vcalendar);
  out.removeAllSubcomponents();
  return out;
}

/** A DATE stays a DATE; any other time becomes the UTC DATE-TIME of its instant. */
function asUtc(t: ICAL.Time, zone: ICAL.Timezone): ICAL.Time {
  return t.isDate ? t : utcTime(toInstant(t, zone));
}

function setTime(c: ICAL.Component, name: string, t: ICAL.Time): void {
  const p = c.getFirstProperty(name) ?? c.addPropertyWithValue(name, t);
  p.removeParameter('tzid');
  p.setValue(t);
}

/** Rewrites every DATE-TIME with a TZID or floating to UTC, in the component and its sub-components. */
function convertToUtc(c: ICAL.Component, zone: ICAL.Timezone): void {
  for (const p of c.getAllProperties()) {
    const vals = p.getValues() as unknown[];
    if (!vals.some((v) => v instanceof ICAL.Time && !v.isDate && v.zone !== ICAL.Timezone.utcTimezone)) continue;
    const next = vals.map((v) => (v instanceof ICAL.Time ? asUtc(v, zone) : v));
    p.removeParameter('tzid');
    if (next.length === 1) p.setValue(next[0] as ICAL.Time);
    else p.setValues(next as ICAL.Time[]);
  }
  for (const sub of c.getAllSubcomponents()) convertToUtc(sub, zone);
}

/** One occurrence as its own component: RECURRENCE-ID set, recurrence rules removed, times in UTC. */
function instanceComponent(o: Occurrence, master: ICAL.Component | null, zone: ICAL.Timezone): ICAL.Component {
  const c = cloneComponent(o.component);
  for (const name of RECURRENCE_PROPS) c.removeAllProperties(name);
  if (o.recurrenceId) setTime(c, 'recurrence-id', asUtc(o.recurrenceId, zone));
  if (o.component === master && o.recurrenceId && o.start) {
    // An instance generated from the master: move its start (and explicit end) to the instance.
    setTime(c, 'dtstart', asUtc(o.start, zone));
    const endName = c.name === 'vtodo' ? 'due' : 'dtend';
    const masterEnd = master.getFirstPropertyValue(endName) as ICAL.Time | null;
    const masterStart = master.getFirstPropertyValue('dtstart') as ICAL.Time | null;
    if (masterEnd && masterStart && o.endMs !== null) {
      const end = o.start.isDate
        ? timeAtWall(wallOf(o.start) + Math.round((wallOf(masterEnd) - wallOf(masterStart)) / DAY_MS) * DAY_MS, o.start)
        : utcTime(o.endMs);
      setTime(c, endName, end);
    }
  }
  convertToUtc(c, zone);
  return c;
}

/**
 * `<C:expand start end>`: every instance overlapping the range as its own component with RECURRENCE-ID,
 * without RRULE/RDATE/EXDATE, times in UTC (DATE values stay dates), no VTIMEZONE. Components that do not
 * overlap are left out; VCALENDAR properties are kept. Throws `max-instances` past `maxInstances`.
 */
export function expandCalendar(
  vcalendar: ICAL.Component,
  range: TimeRange,
  floatingZone: ICAL.Timezone,
  maxInstances = DEFAULT_MAX_INSTANCES,
): string {
  const out = emptyCalendarLike(vcalendar);
  const picked: Array<{ at: number; c: ICAL.Component }> = [];
  for (const set of componentSets(vcalendar)) {
    if (set.type === 'vfreebusy') {
      for (const c of [set.master, ...set.overrides])
        if (c && freeBusyOverlaps(c, range, floatingZone)) {
          const copy = cloneComponent(c);
          convertToUtc(copy, floatingZone);
          picked.push({ at: toInstantOr(c, floatingZone), c: copy });
        }
      continue;
    }
    if (!RECURRING_TYPES.has(set.type)) continue;
    for (const o of occurrencesOf(set, { start: range.start, end: range.end }, floatingZone)) {
      if (o.startMs !== null && o.startMs >= range.end + DAY_MS) break;
      if (!occurrenceOverlaps(o, range, floatingZone)) continue;
      picked.push({ at: o.startMs ?? -Infinity, c: instanceComponent(o, set.master, floatingZone) });
      if (picked.length > maxInstances)
        throw new CaldavPreconditionError('max-instances', `expansion yields more than ${maxInstances} instances`);
    }
  }
  picked.sort((a, b) => a.at - b.at);
  for (const p of picked) out.addSubcomponent(p.c);
  return out.toString() + '\r\n';
}

function toInstantOr(c: ICAL.Component, zone: ICAL.Timezone): number {
  const v = c.getFirstPropertyValue('dtstart') as ICAL.Time | null;
  return v ? toInstant(v, zone) : -Infinity;
}

/**
 * `<C:limit-recurrence-set>`: the object as stored, but only the overridden instances whose RECURRENCE-ID
 * or own time overlaps the range. Masters and non-recurring components are kept whole.
 */
export function limitRecurrenceSet(vcalendar: ICAL.Component, range: TimeRange, floatingZone: ICAL.Timezone): string {
  const out = cloneComponent(vcalendar);
  for (const c of [...out.getAllSubcomponents()]) {
    if (!RECURRING_TYPES.has(c.name) || !c.hasProperty('recurrence-id')) continue;
    const rid = toInstant(c.getFirstPropertyValue('recurrence-id') as ICAL.Time, floatingZone);
    const keep =
      (range.start <= rid && range.end > rid) ||
      occurrenceOverlaps(ownOccurrence(c, floatingZone), range, floatingZone);
    if (!keep) out.removeSubcomponent(c);
  }
  return out.toString() + '\r\n';
}

/** `<C:limit-freebusy-set>`: VFREEBUSY components keep only FREEBUSY periods overlapping the range. */
export function limitFreeBusySet(vcalendar: ICAL.Component, range: TimeRange, floatingZone: ICAL.Timezone): string {
  const out = cloneComponent(vcalendar);
  for (const c of out.getAllSubcomponents('vfreebusy')) {
    for (const p of [...c.getAllProperties('freebusy')]) {
      const periods = periodsOf(p, floatingZone);
      if (!periods.some((x) => range.start < x.end && range.end > x.start)) c.removeProperty(p);
    }
  }
  return out.toString() + '\r\n';
}
