import ICAL from 'ical.js';
import { toInstant, utcTime } from './instants.ts';

/**
 * Text of components for REPORT answers: a component without some properties and with its times in UTC
 * (`expand`, RFC 4791 §9.6.5). Parse trees of stored objects are shared and never modified: the slow path works
 * on a copy, the fast path only reads them.
 */

export function cloneComponent(c: ICAL.Component): ICAL.Component {
  return new ICAL.Component(structuredClone(c.jCal));
}

export type JCal = [string, unknown[][], JCal[]];

/**
 * True when `convertToUtc` would leave a component (and its sub-components) as it is: every DATE-TIME value
 * ends in `Z` (ical.js reads those as UTC; DATE and PERIOD values are never rewritten). Read from the jCal
 * arrays, without building ical.js property and time objects.
 */
function allUtc(jcal: JCal): boolean {
  for (const p of jcal[1]) {
    if (p[2] !== 'date-time') continue;
    for (let i = 3; i < p.length; i++) {
      const v = p[i];
      if (typeof v !== 'string' || !v.endsWith('Z')) return false;
    }
  }
  return jcal[2].every(allUtc);
}

/**
 * A component's text without the properties named in `drop` and with its times in UTC: when nothing needs
 * converting, the parse tree's own arrays are stringified as they are (no copy; ical.js's stringifier only reads),
 * which is what the copy would have produced.
 */
export function utcTextWithout(c: ICAL.Component, drop: readonly string[], zone: ICAL.Timezone): string {
  const jcal = c.jCal as JCal;
  if (allUtc(jcal)) {
    const props = jcal[1].filter((p) => !drop.includes(p[0] as string));
    return ICAL.stringify.component([jcal[0], props, jcal[2]], ICAL.design.getDesignSet(jcal[0])) + '\r\n';
  }
  return convertedCopyText(c, drop, zone);
}

/** The same text from a copy of the component: properties removed, then every time converted by ical.js objects. */
export function convertedCopyText(c: ICAL.Component, drop: readonly string[], zone: ICAL.Timezone): string {
  const copy = cloneComponent(c);
  for (const name of drop) copy.removeAllProperties(name);
  convertToUtc(copy, zone);
  return copy.toString() + '\r\n';
}

const TIME_TYPES = new Set(['date-time', 'date', 'period']);

/** A DATE stays a DATE; any other time becomes the UTC DATE-TIME of its instant. */
function asUtc(t: ICAL.Time, zone: ICAL.Timezone): ICAL.Time {
  return t.isDate ? t : utcTime(toInstant(t, zone));
}

/** Rewrites every DATE-TIME with a TZID or floating to UTC, in the component and its sub-components. */
export function convertToUtc(c: ICAL.Component, zone: ICAL.Timezone): void {
  for (const p of c.getAllProperties()) {
    if (!TIME_TYPES.has(p.type)) continue;
    const vals = p.getValues() as unknown[];
    if (!vals.some((v) => v instanceof ICAL.Time && !v.isDate && v.zone !== ICAL.Timezone.utcTimezone)) continue;
    const next = vals.map((v) => (v instanceof ICAL.Time ? asUtc(v, zone) : v));
    p.removeParameter('tzid');
    if (next.length === 1) p.setValue(next[0] as ICAL.Time);
    else p.setValues(next as ICAL.Time[]);
  }
  for (const sub of c.getAllSubcomponents()) convertToUtc(sub, zone);
}

/** The VCALENDAR's own properties and no components, as ical.js writes an empty copy of it (times as written). */
export function calendarShellText(vcalendar: ICAL.Component): string {
  const jcal = vcalendar.jCal as JCal;
  return ICAL.stringify.component([jcal[0], jcal[1], []], ICAL.design.getDesignSet(jcal[0])) + '\r\n';
}

/** True when a component's UTC text does not depend on the zone floating times are read in (it has none). */
export function zoneFree(c: ICAL.Component): boolean {
  return allUtc(c.jCal as JCal);
}
