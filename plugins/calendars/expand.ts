import type ICAL from 'ical.js';
import { CaldavPreconditionError } from './caldav-errors.ts';
import { DAY_MS } from './civil-days.ts';
import { calendarShellText, cloneComponent, convertToUtc, utcTextWithout, zoneFree } from './component-text.ts';
import { formatUtc, toInstant, wallOf } from './instants.ts';
import { componentSets, occurrencesOf, ownOccurrence, RECURRING_TYPES, type Occurrence } from './occurrences.ts';
import { utcZone } from './timezones.ts';
import { ZoneMemo } from './zone-memo.ts';
import { freeBusyOverlaps, occurrenceOverlaps, periodsOf, type TimeRange } from './time-range.ts';

/**
 * The `calendar-data` transformations of a REPORT (RFC 4791 §9.6.5–9.6.7). They produce new text for the
 * response only; the stored object is never changed.
 */

/** Instances one object may expand to in one response before the request is refused. */
export const DEFAULT_MAX_INSTANCES = 10_000;

const RECURRENCE_PROPS = ['rrule', 'rdate', 'exdate', 'exrule'];

const ownTexts = new ZoneMemo<string>();

/**
 * An override or single component for an expanded response: recurrence rules removed, times in UTC.
 * Memoised per parse tree and zone (stored trees are cached and never modified).
 */
function ownComponentText(o: Occurrence, zone: ICAL.Timezone): string {
  const key = zoneFree(o.component) ? utcZone : zone;
  return ownTexts.get(o.component, key, () => writeOwn(o, key));
}

function writeOwn(o: Occurrence, zone: ICAL.Timezone): string {
  return utcTextWithout(o.component, RECURRENCE_PROPS, zone);
}

function dateText(wall: number): string {
  return formatUtc(wall).slice(0, 8);
}

/**
 * Instances generated from a master, written from one template: the master without its recurrence and
 * time properties, times in UTC, stringified once; each instance adds its DTSTART, end and RECURRENCE-ID.
 */
class InstanceWriter {
  private readonly head: string;
  private readonly body: string;
  private readonly endName: string;
  private readonly endDays: number | null;
  private readonly hasEnd: boolean;

  constructor(master: ICAL.Component, zone: ICAL.Timezone) {
    this.endName = master.name === 'vtodo' ? 'due' : 'dtend';
    const start = master.getFirstPropertyValue('dtstart') as ICAL.Time | null;
    const end = master.getFirstPropertyValue(this.endName) as ICAL.Time | null;
    this.hasEnd = !!end;
    this.endDays = start && end && start.isDate ? Math.round((wallOf(end) - wallOf(start)) / DAY_MS) : null;
    const text = utcTextWithout(master, [...RECURRENCE_PROPS, 'dtstart', this.endName, 'recurrence-id'], zone);
    const cut = text.indexOf('\r\n') + 2;
    this.head = text.slice(0, cut);
    this.body = text.slice(cut);
  }

  write(o: Occurrence): string {
    const END = this.endName.toUpperCase();
    let times: string;
    if (o.isDate) {
      const day = dateText(o.startWall!);
      times = `DTSTART;VALUE=DATE:${day}\r\nRECURRENCE-ID;VALUE=DATE:${day}\r\n`;
      if (this.hasEnd && this.endDays !== null)
        times += `${END};VALUE=DATE:${dateText(o.startWall! + this.endDays * DAY_MS)}\r\n`;
    } else {
      const at = formatUtc(o.startMs!);
      times = `DTSTART:${at}\r\nRECURRENCE-ID:${at}\r\n`;
      if (this.hasEnd && o.endMs !== null) times += `${END}:${formatUtc(o.endMs)}\r\n`;
    }
    return this.head + times + this.body;
  }
}

const writers = new ZoneMemo<InstanceWriter>();

/** One template per master and zone (stored parse trees are cached and never modified). */
function writerFor(master: ICAL.Component, zone: ICAL.Timezone): InstanceWriter {
  const key = zoneFree(master) ? utcZone : zone;
  return writers.get(master, key, () => new InstanceWriter(master, key));
}

/**
 * Writes ahead the texts an expansion of a stored object's tree would write, when they do not depend on the query's
 * zone (every time in UTC or a DATE): a few µs per PUT, so that the first expanded report after the writes does not
 * write them for every candidate. Components with zoned or floating times are left to the first report.
 */
export function prepareExpansion(vcalendar: ICAL.Component): void {
  for (const set of componentSets(vcalendar)) {
    if (!RECURRING_TYPES.has(set.type)) continue;
    for (const c of set.master ? [set.master, ...set.overrides] : set.overrides) {
      if (!zoneFree(c)) continue;
      const recurring = c === set.master && (c.hasProperty('rrule') || c.hasProperty('rdate'));
      if (recurring) writerFor(c, utcZone);
      else ownComponentText(ownOccurrence(c, utcZone), utcZone);
    }
  }
  shellOf(vcalendar);
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
  const picked: Array<{ at: number; text: string }> = [];
  for (const set of componentSets(vcalendar)) {
    if (set.type === 'vfreebusy') {
      for (const c of [set.master, ...set.overrides])
        if (c && freeBusyOverlaps(c, range, floatingZone)) {
          const copy = cloneComponent(c);
          convertToUtc(copy, floatingZone);
          picked.push({ at: toInstantOr(c, floatingZone), text: copy.toString() + '\r\n' });
        }
      continue;
    }
    if (!RECURRING_TYPES.has(set.type)) continue;
    const master = set.master;
    const recurring = !!master && (master.hasProperty('rrule') || master.hasProperty('rdate'));
    for (const o of occurrencesOf(set, { start: range.start, end: range.end }, floatingZone)) {
      if (o.startMs !== null && o.startMs >= range.end + DAY_MS) continue; // overrides come first, in any order
      if (!occurrenceOverlaps(o, range, floatingZone)) continue;
      let text: string;
      if (recurring && o.component === master && o.startMs !== null) text = writerFor(master, floatingZone).write(o);
      else text = ownComponentText(o, floatingZone);
      picked.push({ at: o.startMs ?? -Infinity, text });
      if (picked.length > maxInstances)
        throw new CaldavPreconditionError('max-instances', `expansion yields more than ${maxInstances} instances`);
    }
  }
  picked.sort((a, b) => a.at - b.at);
  const shell = shellOf(vcalendar);
  const close = shell.lastIndexOf('END:VCALENDAR');
  return shell.slice(0, close) + picked.map((p) => p.text).join('') + shell.slice(close);
}

const shells = new WeakMap<ICAL.Component, string>();

/** The VCALENDAR with its properties and no components, as text (per parse tree: they are never modified). */
function shellOf(vcalendar: ICAL.Component): string {
  let shell = shells.get(vcalendar);
  if (shell === undefined) {
    shell = calendarShellText(vcalendar);
    shells.set(vcalendar, shell);
  }
  return shell;
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
