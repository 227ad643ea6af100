import ICAL from 'ical.js';
import { CaldavPreconditionError } from './caldav-errors.ts';
import { indexObject, type ObjectIndex } from './ical-index.ts';
import { toInstant } from './instants.ts';
import { componentSets } from './occurrences.ts';
import { ruleFromRecur } from './rrule-engine.ts';
import { registerReferencedZones, utcZone } from './timezones.ts';

/**
 * Checks a calendar object resource for PUT (RFC 4791 §4.1 and the §5.3.2.1 preconditions) and indexes
 * it. The bytes are never rewritten: what passes is stored exactly as the client sent it.
 */

/** Component types a calendar collection can hold (its supported-calendar-component-set ⊆ these). */
export const CALENDAR_COMPONENTS = ['VEVENT', 'VTODO', 'VJOURNAL', 'VFREEBUSY'] as const;

/** Default `max-resource-size`: 1 MiB per object (sabre/Nextcloud have none; Google caps near 1 MB). */
export const DEFAULT_MAX_RESOURCE_SIZE = 1024 * 1024;

export interface ValidateOptions {
  /** Upper-case component names the calendar accepts (its supported-calendar-component-set). */
  supportedComponents: readonly string[];
  /** Largest accepted object in bytes. */
  maxResourceSize?: number;
  /**
   * `client` (default) enforces RFC 5545's rules for what a client may store; `mirror` is for objects copied
   * from another server's calendar (federation), where refusing the owner's data would lose it: only
   * parseability, the UID rules and indexability are required.
   */
  mode?: 'client' | 'mirror';
}

/** A calendar object that passed validation, with its parse tree and index fields. */
export interface ValidatedObject {
  /** The bytes as received, to be stored verbatim. */
  bytes: Buffer;
  text: string;
  vcalendar: ICAL.Component;
  index: ObjectIndex;
}

const decoder = new TextDecoder('utf-8', { fatal: true });

function fail(condition: 'valid-calendar-data' | 'valid-calendar-object-resource', message: string): never {
  throw new CaldavPreconditionError(condition, message);
}

/** Parses iCalendar text into its VCALENDAR (IANA zones registered for TZIDs without VTIMEZONE). */
export function parseCalendar(text: string): ICAL.Component {
  registerReferencedZones(text);
  const jcal = ICAL.parse(text) as unknown[];
  // One root gives one jCal component; several roots give an array of them.
  if (Array.isArray(jcal[0])) fail('valid-calendar-data', 'more than one top-level component');
  return new ICAL.Component(jcal);
}

function checkComponent(c: ICAL.Component, mode: 'client' | 'mirror'): void {
  const has = (n: string) => c.hasProperty(n);
  // Reading every value makes ical.js decode it: malformed dates and rules surface here, not in a later query.
  for (const p of c.getAllProperties()) p.getValues();
  for (const p of c.getAllProperties('rrule')) ruleFromRecur(p.getFirstValue() as ICAL.Recur);
  if (mode === 'mirror') return;
  const dtstart = c.getFirstPropertyValue('dtstart') as ICAL.Time | null;
  if (c.name === 'vevent' && !dtstart) fail('valid-calendar-object-resource', 'VEVENT needs DTSTART');
  if (has('dtend') && has('duration')) fail('valid-calendar-object-resource', 'DTEND and DURATION are exclusive');
  if (has('due') && has('duration')) fail('valid-calendar-object-resource', 'DUE and DURATION are exclusive');
  if (c.name === 'vtodo' && has('duration') && !dtstart)
    fail('valid-calendar-object-resource', 'a VTODO with DURATION needs DTSTART');
  if ((has('rrule') || has('rdate')) && !dtstart)
    fail('valid-calendar-object-resource', 'a recurring component needs DTSTART');
  for (const endName of ['dtend', 'due']) {
    const end = c.getFirstPropertyValue(endName) as ICAL.Time | null;
    if (!end || !dtstart) continue;
    if (end.isDate !== dtstart.isDate)
      fail('valid-calendar-data', `${endName.toUpperCase()} and DTSTART must both be dates or both date-times`);
    if (toInstant(end, utcZone) < toInstant(dtstart, utcZone))
      fail('valid-calendar-data', `${endName.toUpperCase()} is before DTSTART`);
  }
}

/**
 * Validates a PUT body. Throws {@link CaldavPreconditionError} with the RFC 4791 condition that failed:
 * `max-resource-size`, `valid-calendar-data` (not UTF-8 iCalendar, or values that do not parse),
 * `valid-calendar-object-resource` (METHOD, several UIDs or component types, missing UID/DTSTART),
 * `supported-calendar-component` (a type the calendar does not hold).
 */
export function validateCalendarObject(body: Buffer | string, opts: ValidateOptions): ValidatedObject {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const mode = opts.mode ?? 'client';
  const max = opts.maxResourceSize ?? DEFAULT_MAX_RESOURCE_SIZE;
  if (bytes.length > max) throw new CaldavPreconditionError('max-resource-size', `object is larger than ${max} bytes`);
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    fail('valid-calendar-data', 'calendar data is not valid UTF-8');
  }
  const body0 = text.replace(/^\uFEFF/, '');
  if (!/^\s*BEGIN:VCALENDAR\r?\n/i.test(body0))
    fail('valid-calendar-data', 'calendar data must start with BEGIN:VCALENDAR');
  let vcalendar: ICAL.Component;
  try {
    vcalendar = parseCalendar(body0);
  } catch (err) {
    if (err instanceof CaldavPreconditionError) throw err;
    fail('valid-calendar-data', `calendar data does not parse: ${(err as Error).message}`);
  }
  if (vcalendar.name !== 'vcalendar') fail('valid-calendar-data', 'the top-level component must be VCALENDAR');
  if (vcalendar.hasProperty('method'))
    fail('valid-calendar-object-resource', 'a stored calendar object must not have METHOD (RFC 4791 §4.1)');
  const version = vcalendar.getFirstPropertyValue('version');
  if (version !== null && version !== undefined && String(version) !== '2.0')
    throw new CaldavPreconditionError('supported-calendar-data', 'only iCalendar version 2.0 is supported');

  const components = vcalendar.getAllSubcomponents().filter((c) => c.name !== 'vtimezone');
  if (!components.length) fail('valid-calendar-object-resource', 'no VEVENT, VTODO, VJOURNAL or VFREEBUSY');
  const types = new Set(components.map((c) => c.name.toUpperCase()));
  if (types.size > 1) fail('valid-calendar-object-resource', 'one object holds one component type');
  const type = [...types][0]!;
  if (!(CALENDAR_COMPONENTS as readonly string[]).includes(type) || !opts.supportedComponents.includes(type))
    throw new CaldavPreconditionError('supported-calendar-component', `this calendar does not hold ${type}`);
  const uids = new Set(components.map((c) => String(c.getFirstPropertyValue('uid') ?? '')));
  if (uids.has('')) fail('valid-calendar-object-resource', 'every component needs a UID');
  if (uids.size > 1) fail('valid-calendar-object-resource', 'all components of an object share one UID');

  let index: ObjectIndex;
  try {
    for (const c of components) checkComponent(c, mode);
    const [set] = componentSets(vcalendar);
    if (set && mode === 'client') {
      if (components.filter((c) => !c.hasProperty('recurrence-id')).length > 1)
        fail('valid-calendar-object-resource', 'only one component may lack RECURRENCE-ID');
      const ids = set.overrides.map((o) => toInstant(o.getFirstPropertyValue('recurrence-id') as ICAL.Time, utcZone));
      if (new Set(ids).size !== ids.length) fail('valid-calendar-object-resource', 'a RECURRENCE-ID is used twice');
    }
    index = indexObject(vcalendar);
  } catch (err) {
    if (err instanceof CaldavPreconditionError) throw err;
    fail('valid-calendar-data', `calendar data is not usable: ${(err as Error).message}`);
  }
  return { bytes, text: body0, vcalendar, index };
}
