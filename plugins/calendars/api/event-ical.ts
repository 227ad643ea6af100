import { randomUUID } from 'node:crypto';
import ICAL from 'ical.js';
import { DAY_MS } from '../civil-days.ts';
import { isFloating, toInstant, wallOf } from '../instants.ts';
import { utcZone } from '../timezones.ts';
import { zoneOf, type EventFields, type Repeat } from './event-input.ts';

/** Building and changing VEVENTs for the web app; the result is validated and stored like any CalDAV PUT. */

const PRODID = '-//Meshwork//Calendar//EN';

/** A time value of an event field: a DATE for all-day, else a DATE-TIME in the zone (UTC: with `Z`). */
export function timeValue(wall: number, allDay: boolean, timezone: string): ICAL.Time {
  const d = new Date(wall);
  const zone = allDay ? undefined : (zoneOf(timezone) ?? ICAL.Timezone.utcTimezone);
  const t = ICAL.Time.fromData(
    {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: allDay ? 0 : d.getUTCHours(),
      minute: allDay ? 0 : d.getUTCMinutes(),
      second: allDay ? 0 : d.getUTCSeconds(),
      isDate: allDay,
    },
    zone,
  );
  return t;
}

/** Sets a date/time property (replacing it), with its TZID for a zoned time. */
export function setTime(c: ICAL.Component, name: string, t: ICAL.Time): void {
  c.removeAllProperties(name);
  const p = new ICAL.Property(name, c);
  p.setValue(t);
  if (!t.isDate && t.zone && t.zone.tzid !== 'UTC' && t.zone !== ICAL.Timezone.utcTimezone)
    p.setParameter('tzid', t.zone.tzid);
  c.addProperty(p);
}

function setText(c: ICAL.Component, name: string, value: string): void {
  c.removeAllProperties(name);
  if (value) c.addPropertyWithValue(name, value);
}

/** The repeat choice a master's rule corresponds to (`custom` for anything beyond one FREQ). */
export function repeatOf(c: ICAL.Component): Repeat {
  const rules = c.getAllProperties('rrule');
  if (!rules.length) return c.hasProperty('rdate') ? 'custom' : 'none';
  if (rules.length > 1) return 'custom';
  const r = rules[0]!.getFirstValue() as ICAL.Recur;
  const simple = (r.interval ?? 1) === 1 && !r.count && !r.until && !Object.keys(r.parts ?? {}).length;
  const freq = String(r.freq).toLowerCase();
  return simple && ['daily', 'weekly', 'monthly', 'yearly'].includes(freq) ? (freq as Repeat) : 'custom';
}

/** The zone name of a time (`UTC` for UTC and floating times). */
export function zoneNameOf(t: ICAL.Time | null): string {
  if (!t || isFloating(t) || !t.zone || t.zone.tzid === 'UTC' || t.zone === ICAL.Timezone.utcTimezone) return 'UTC';
  return t.zone.tzid;
}

/** The editable fields of a VEVENT (a master or an override), as the web app shows them. */
export function fieldsOf(c: ICAL.Component): EventFields {
  const start = (c.getFirstPropertyValue('dtstart') as ICAL.Time | null) ?? ICAL.Time.now();
  const end = c.getFirstPropertyValue('dtend') as ICAL.Time | null;
  const duration = c.getFirstPropertyValue('duration') as ICAL.Duration | null;
  const startWall = wallOf(start);
  let endWall: number;
  if (end) endWall = start.isDate ? wallOf(end) : startWall + (toInstant(end, utcZone) - toInstant(start, utcZone));
  else if (duration) endWall = startWall + duration.toSeconds() * 1000;
  else endWall = start.isDate ? startWall + DAY_MS : startWall;
  return {
    summary: String(c.getFirstPropertyValue('summary') ?? ''),
    description: String(c.getFirstPropertyValue('description') ?? ''),
    location: String(c.getFirstPropertyValue('location') ?? ''),
    allDay: start.isDate,
    startWall,
    endWall: Math.max(endWall, startWall),
    timezone: zoneNameOf(start),
    repeat: c.hasProperty('recurrence-id') ? 'none' : repeatOf(c),
  };
}

function stamp(c: ICAL.Component): void {
  const now = ICAL.Time.now();
  now.zone = ICAL.Timezone.utcTimezone;
  c.removeAllProperties('dtstamp');
  c.addPropertyWithValue('dtstamp', ICAL.Time.fromJSDate(new Date(), true));
  c.removeAllProperties('last-modified');
  c.addPropertyWithValue('last-modified', ICAL.Time.fromJSDate(new Date(), true));
  const seq = Number(c.getFirstPropertyValue('sequence') ?? 0);
  c.removeAllProperties('sequence');
  c.addPropertyWithValue('sequence', Number.isFinite(seq) ? seq + 1 : 1);
}

/** Writes the fields into a VEVENT; `master` also sets or clears its rule (a `custom` rule is kept). */
export function applyFields(c: ICAL.Component, f: EventFields, master: boolean): void {
  setText(c, 'summary', f.summary);
  setText(c, 'description', f.description);
  setText(c, 'location', f.location);
  setTime(c, 'dtstart', timeValue(f.startWall, f.allDay, f.timezone));
  c.removeAllProperties('duration');
  setTime(c, 'dtend', timeValue(f.endWall, f.allDay, f.timezone));
  if (master && f.repeat !== 'custom') {
    c.removeAllProperties('rrule');
    c.removeAllProperties('rdate');
    if (f.repeat !== 'none') {
      c.addPropertyWithValue('rrule', ICAL.Recur.fromString(`FREQ=${f.repeat.toUpperCase()}`));
    } else c.removeAllProperties('exdate');
  }
  stamp(c);
}

/** Adds the VTIMEZONEs the VCALENDAR's events name (IANA data) and drops the ones nothing names. */
export function syncTimezones(vcal: ICAL.Component): void {
  const used = new Set<string>();
  for (const c of vcal.getAllSubcomponents())
    for (const p of c.getAllProperties()) {
      const tzid = p.getParameter('tzid');
      if (typeof tzid === 'string') used.add(tzid);
    }
  const have = new Set<string>();
  for (const tz of vcal.getAllSubcomponents('vtimezone')) {
    const id = String(tz.getFirstPropertyValue('tzid') ?? '');
    if (!used.has(id)) vcal.removeSubcomponent(tz);
    else have.add(id);
  }
  for (const id of used) {
    if (have.has(id)) continue;
    const zone = zoneOf(id);
    if (zone) vcal.addSubcomponent(new ICAL.Component(JSON.parse(JSON.stringify(zone.component.jCal)) as unknown[]));
  }
}

/** A new one-event VCALENDAR with a fresh UID. */
export function newEventCalendar(f: EventFields): { vcal: ICAL.Component; uid: string } {
  const vcal = new ICAL.Component(['vcalendar', [], []]);
  vcal.addPropertyWithValue('version', '2.0');
  vcal.addPropertyWithValue('prodid', PRODID);
  const ev = new ICAL.Component('vevent');
  const uid = randomUUID();
  ev.addPropertyWithValue('uid', uid);
  ev.addPropertyWithValue('created', ICAL.Time.fromJSDate(new Date(), true));
  applyFields(ev, f, true);
  vcal.addSubcomponent(ev);
  syncTimezones(vcal);
  return { vcal, uid };
}

/** The VEVENTs of an object: its master and overrides. */
export function eventsOf(vcal: ICAL.Component): { master: ICAL.Component | null; overrides: ICAL.Component[] } {
  const all = vcal.getAllSubcomponents('vevent');
  return {
    master: all.find((c) => !c.hasProperty('recurrence-id')) ?? null,
    overrides: all.filter((c) => c.hasProperty('recurrence-id')),
  };
}

/**
 * The time a recurrence id names, read like the master's DTSTART (same zone and value type): the web app sends the
 * `recurrenceId` the occurrence list gave it (`2026-05-04T09:00:00`, `2026-05-04T07:00:00Z`, `2026-05-04`).
 */
export function recurrenceTime(id: string, like: ICAL.Time | null): ICAL.Time | null {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}Z?)?$/.test(id)) return null;
  try {
    const t = ICAL.Time.fromString(id, null);
    if (!id.endsWith('Z') && !t.isDate && like && !isFloating(like)) t.zone = like.zone!;
    return t;
  } catch {
    return null;
  }
}

/** The override of an object for an instance, if any. */
export function findOverride(overrides: ICAL.Component[], rid: ICAL.Time): ICAL.Component | null {
  const at = toInstant(rid, utcZone);
  return (
    overrides.find((o) => toInstant(o.getFirstPropertyValue('recurrence-id') as ICAL.Time, utcZone) === at) ?? null
  );
}

/** A new override of one instance, copying the master's properties except its rules. */
export function makeOverride(master: ICAL.Component, rid: ICAL.Time): ICAL.Component {
  const o = new ICAL.Component(JSON.parse(JSON.stringify(master.jCal)) as unknown[]);
  for (const name of ['rrule', 'rdate', 'exdate', 'exrule', 'recurrence-id']) o.removeAllProperties(name);
  setTime(o, 'recurrence-id', rid);
  return o;
}

/** Leaves one instance out of a series: EXDATE with the instance's value (and zone). */
export function addExdate(master: ICAL.Component, rid: ICAL.Time): void {
  setTimeAdd(master, 'exdate', rid);
}

function setTimeAdd(c: ICAL.Component, name: string, t: ICAL.Time): void {
  const p = new ICAL.Property(name, c);
  p.setValue(t);
  if (!t.isDate && t.zone && t.zone.tzid !== 'UTC' && t.zone !== ICAL.Timezone.utcTimezone)
    p.setParameter('tzid', t.zone.tzid);
  c.addProperty(p);
}
