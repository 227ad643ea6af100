import ICAL from 'ical.js';
import { CaldavPreconditionError } from './caldav-errors.ts';
import { DAY_MS } from './civil-days.ts';
import { utcTime } from './instants.ts';
import { componentSets, occurrencesOf } from './occurrences.ts';
import { eventOverlaps, freeBusyPeriods, type TimeRange } from './time-range.ts';

/**
 * `free-busy-query` (RFC 4791 §7.10): one VFREEBUSY for a range, from the VEVENTs of a calendar (every
 * occurrence of recurring ones) and the FREEBUSY periods of its VFREEBUSY components. Transparent events
 * (TRANSP:TRANSPARENT) and cancelled ones do not count; tentative ones are BUSY-TENTATIVE. Periods are
 * clipped to the range, merged per type and written in UTC.
 */

export type BusyType = 'BUSY' | 'BUSY-TENTATIVE' | 'BUSY-UNAVAILABLE';
export interface BusyPeriod {
  start: number;
  end: number;
  type: BusyType;
}

const TYPES: BusyType[] = ['BUSY', 'BUSY-UNAVAILABLE', 'BUSY-TENTATIVE'];

/** Occurrences one report may look at before it is refused (an hourly endless rule over a century). */
export const MAX_FREEBUSY_OCCURRENCES = 100_000;

/** Busy periods of one calendar object within the range (unmerged). */
export function busyPeriods(
  vcalendar: ICAL.Component,
  range: TimeRange,
  floatingZone: ICAL.Timezone,
  budget = { left: MAX_FREEBUSY_OCCURRENCES },
): BusyPeriod[] {
  const out: BusyPeriod[] = [];
  const clip = (start: number, end: number, type: BusyType) => {
    const s = Math.max(start, range.start);
    const e = Math.min(end, range.end);
    if (e > s) out.push({ start: s, end: e, type });
  };
  for (const set of componentSets(vcalendar)) {
    if (set.type === 'vfreebusy') {
      for (const c of [set.master, ...set.overrides])
        if (c)
          for (const p of freeBusyPeriods(c, floatingZone))
            if ((TYPES as string[]).includes(p.type)) clip(p.start, p.end, p.type as BusyType);
      continue;
    }
    if (set.type !== 'vevent') continue;
    for (const o of occurrencesOf(set, range, floatingZone)) {
      if (--budget.left < 0)
        throw new CaldavPreconditionError('max-instances', 'the range holds too many occurrences for one report');
      if (o.startMs === null) continue;
      if (o.startMs >= range.end + DAY_MS) continue; // overrides come first, in any order
      if (!eventOverlaps(o, range, floatingZone)) continue;
      const c = o.component;
      if (String(c.getFirstPropertyValue('transp') ?? '').toUpperCase() === 'TRANSPARENT') continue;
      const status = String(c.getFirstPropertyValue('status') ?? '').toUpperCase();
      if (status === 'CANCELLED') continue;
      const end = o.endMs ?? (o.isDate ? o.startMs + DAY_MS : o.startMs);
      clip(o.startMs, end, status === 'TENTATIVE' ? 'BUSY-TENTATIVE' : 'BUSY');
    }
  }
  return out;
}

/** Sorts and merges overlapping or touching periods of the same type. */
export function mergePeriods(periods: BusyPeriod[]): BusyPeriod[] {
  const merged: BusyPeriod[] = [];
  for (const type of TYPES) {
    const list = periods.filter((p) => p.type === type).sort((a, b) => a.start - b.start);
    for (const p of list) {
      const last = merged[merged.length - 1];
      if (last && last.type === type && p.start <= last.end) last.end = Math.max(last.end, p.end);
      else merged.push({ ...p });
    }
  }
  return merged.sort((a, b) => a.start - b.start || TYPES.indexOf(a.type) - TYPES.indexOf(b.type));
}

/** The VCALENDAR text answering a free-busy-query over the given objects. The range must be bounded. */
export function freeBusyReport(
  objects: Iterable<ICAL.Component>,
  range: TimeRange,
  floatingZone: ICAL.Timezone,
  now = Date.now(),
): string {
  const all: BusyPeriod[] = [];
  const budget = { left: MAX_FREEBUSY_OCCURRENCES };
  for (const o of objects) all.push(...busyPeriods(o, range, floatingZone, budget));
  const cal = new ICAL.Component('vcalendar');
  cal.addPropertyWithValue('version', '2.0');
  cal.addPropertyWithValue('prodid', '-//Meshwork//Calendars//EN');
  cal.addPropertyWithValue('calscale', 'GREGORIAN');
  const fb = new ICAL.Component('vfreebusy');
  fb.addPropertyWithValue('dtstamp', utcTime(now));
  fb.addPropertyWithValue('dtstart', utcTime(range.start));
  fb.addPropertyWithValue('dtend', utcTime(range.end));
  for (const p of mergePeriods(all)) {
    const prop = new ICAL.Property('freebusy', fb);
    prop.setValue(ICAL.Period.fromData({ start: utcTime(p.start), end: utcTime(p.end) }));
    if (p.type !== 'BUSY') prop.setParameter('fbtype', p.type);
    fb.addProperty(prop);
  }
  cal.addSubcomponent(fb);
  return cal.toString() + '\r\n';
}
