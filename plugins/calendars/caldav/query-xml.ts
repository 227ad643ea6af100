/** Reading CalDAV report bodies: time ranges, the calendar-query filter tree, calendar-data options. */
import { child, elements, textOf, type XmlElement } from '#dav';
import type ICAL from 'ical.js';
import { CaldavPreconditionError } from '../caldav-errors.ts';
import type { CompFilter, ParamFilter, PropFilter } from '../calendar-filter.ts';
import type { TextMatch } from '../text-match.ts';
import type { TimeRange } from '../time-range.ts';
import { zoneFromCalendarTimezone } from '../timezones.ts';
import { CALDAV_NS } from './calendar-node.ts';
import type { CalendarDataSpec } from './context.ts';

const invalid = (message: string) => new CaldavPreconditionError('valid-filter', message);

/** A UTC date-time `YYYYMMDDTHHMMSSZ` (RFC 4791 §9.9) in epoch ms. */
export function parseUtc(value: string | undefined, what: string): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value.trim());
  if (!m) throw invalid(`${what} must be a UTC date-time like 20260101T000000Z`);
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const t = Date.UTC(y, mo - 1, d, h, mi, s);
  const back = new Date(t);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 60)
    throw invalid(`${what} is not a real date-time`);
  return t;
}

/** A `time-range` element (either bound may be missing; at least one must be there). */
export function timeRangeOf(el: XmlElement, what = 'time-range'): TimeRange {
  const start = parseUtc(el.attrs.get('start'), `${what} start`);
  const end = parseUtc(el.attrs.get('end'), `${what} end`);
  if (start === undefined && end === undefined) throw invalid(`${what} needs start or end`);
  return { start: start ?? -Infinity, end: end ?? Infinity };
}

function cal(el: XmlElement, local: string): XmlElement | undefined {
  return child(el, CALDAV_NS, local);
}

function textMatchOf(el: XmlElement | undefined): TextMatch | undefined {
  if (!el) return undefined;
  const collation = el.attrs.get('collation');
  const negate = (el.attrs.get('negate-condition') ?? 'no').toLowerCase() === 'yes';
  return { value: textOf(el), ...(collation !== undefined ? { collation } : {}), ...(negate ? { negate } : {}) };
}

function nameOf(el: XmlElement): string {
  const name = el.attrs.get('name');
  if (!name) throw invalid(`${el.local} needs a name`);
  return name;
}

function paramFilter(el: XmlElement): ParamFilter {
  const tm = textMatchOf(cal(el, 'text-match'));
  return {
    name: nameOf(el),
    ...(cal(el, 'is-not-defined') ? { isNotDefined: true } : {}),
    ...(tm ? { textMatch: tm } : {}),
  };
}

function propFilter(el: XmlElement): PropFilter {
  const tr = cal(el, 'time-range');
  const tm = textMatchOf(cal(el, 'text-match'));
  const params = elements(el).filter((e) => e.ns === CALDAV_NS && e.local === 'param-filter');
  return {
    name: nameOf(el),
    ...(cal(el, 'is-not-defined') ? { isNotDefined: true } : {}),
    ...(tr ? { timeRange: timeRangeOf(tr) } : {}),
    ...(tm ? { textMatch: tm } : {}),
    ...(params.length ? { paramFilters: params.map(paramFilter) } : {}),
  };
}

/** A `comp-filter` element as the filter tree (the tree is depth-limited by the XML parser). */
export function compFilter(el: XmlElement): CompFilter {
  const tr = cal(el, 'time-range');
  const props = elements(el).filter((e) => e.ns === CALDAV_NS && e.local === 'prop-filter');
  const comps = elements(el).filter((e) => e.ns === CALDAV_NS && e.local === 'comp-filter');
  return {
    name: nameOf(el),
    ...(cal(el, 'is-not-defined') ? { isNotDefined: true } : {}),
    ...(tr ? { timeRange: timeRangeOf(tr) } : {}),
    ...(props.length ? { propFilters: props.map(propFilter) } : {}),
    ...(comps.length ? { compFilters: comps.map(compFilter) } : {}),
  };
}

/** The filter of a calendar-query body: one comp-filter named VCALENDAR. */
export function queryFilter(body: XmlElement): CompFilter {
  const filter = cal(body, 'filter');
  const top = filter ? elements(filter).filter((e) => e.ns === CALDAV_NS && e.local === 'comp-filter') : [];
  if (top.length !== 1) throw invalid('calendar-query needs a filter with one comp-filter');
  const f = compFilter(top[0]!);
  if (f.name.toUpperCase() !== 'VCALENDAR') throw invalid('the top comp-filter must name VCALENDAR');
  return f;
}

/** The `CALDAV:timezone` of a query body (a VCALENDAR with one VTIMEZONE), or undefined. */
export function queryZone(body: XmlElement): ICAL.Timezone | undefined {
  const tz = cal(body, 'timezone');
  if (!tz) return undefined;
  const zone = zoneFromCalendarTimezone(textOf(tz));
  if (!zone)
    throw new CaldavPreconditionError('valid-calendar-timezone', 'the timezone element must hold one VTIMEZONE');
  return zone;
}

/** The calendar-data options inside a report's `<D:prop>` (expand, limit-recurrence-set, limit-freebusy-set). */
export function dataSpecOf(prop: XmlElement | undefined): CalendarDataSpec {
  const data = prop ? cal(prop, 'calendar-data') : undefined;
  if (!data) return {};
  const spec: CalendarDataSpec = {};
  const bounded = (el: XmlElement, what: string) => {
    const r = timeRangeOf(el, what);
    if (!Number.isFinite(r.start) || !Number.isFinite(r.end) || r.start >= r.end)
      throw invalid(`${what} needs a start before its end`);
    return r;
  };
  const expand = cal(data, 'expand');
  if (expand) spec.expand = bounded(expand, 'expand');
  const lrs = cal(data, 'limit-recurrence-set');
  if (lrs) spec.limitRecurrence = bounded(lrs, 'limit-recurrence-set');
  const lfs = cal(data, 'limit-freebusy-set');
  if (lfs) spec.limitFreeBusy = bounded(lfs, 'limit-freebusy-set');
  return spec;
}
