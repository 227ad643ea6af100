import { InputError } from '#core';
import ICAL from 'ical.js';
import { CaldavPreconditionError, UidConflictError } from '../caldav-errors.ts';
import type { Calendar } from '../calendar-store.ts';
import { parseCalendar, validateCalendarObject } from '../ical-validate.ts';
import type { ObjectStore } from '../object-store.ts';
import { CALENDAR_API_ERRORS as E } from './api-errors.ts';
import type { ObjectWriter } from './object-writer.ts';
import type { ImportSummary } from '../shared.ts';

export type { ImportSummary } from '../shared.ts';

/** Components one import handles at most. */
export const MAX_IMPORT_COMPONENTS = 10_000;

const REASONS: Record<string, string> = {
  'valid-calendar-data': 'its dates or rules cannot be read',
  'valid-calendar-object-resource': 'it lacks a start or is not a single event',
  'supported-calendar-component': 'this calendar holds events only of other kinds',
  'max-resource-size': 'it is too large',
  'no-uid-conflict': 'it is already in this calendar',
};

/** A resource name for an imported UID (kept readable when it is safe, else hex of its bytes). */
function uriFor(uid: string): string {
  const safe = /^[A-Za-z0-9@._-]{1,200}$/.test(uid) && uid !== '.' && uid !== '..';
  return `${safe ? uid : Buffer.from(uid, 'utf8').toString('hex').slice(0, 200)}.ics`;
}

function splitCalendars(text: string): ICAL.Component[] {
  const roots: ICAL.Component[] = [];
  const blocks = text.match(/BEGIN:VCALENDAR[\s\S]*?END:VCALENDAR/gi) ?? [];
  for (const block of blocks) roots.push(parseCalendar(block));
  return roots;
}

/**
 * Imports an .ics file: each UID becomes one object (with the VTIMEZONEs it names), validated like a CalDAV PUT.
 * Events already in the calendar (same UID) and ones that fail validation are skipped and listed.
 */
export async function importIcs(writer: ObjectWriter, cal: Calendar, text: string): Promise<ImportSummary> {
  let roots: ICAL.Component[];
  try {
    roots = splitCalendars(text.replace(/^\uFEFF/, ''));
  } catch {
    roots = [];
  }
  if (!roots.length) throw new InputError('this is not an iCalendar (.ics) file', undefined, E.CALENDAR_INVALID_IMPORT);
  const summary: ImportSummary = { imported: 0, skipped: [] };
  const groups = new Map<string, { root: ICAL.Component; items: ICAL.Component[] }>();
  let count = 0;
  for (const root of roots)
    for (const c of root.getAllSubcomponents()) {
      if (c.name === 'vtimezone') continue;
      const title = String(c.getFirstPropertyValue('summary') ?? '') || 'Untitled';
      if (++count > MAX_IMPORT_COMPONENTS) {
        summary.skipped.push({ title, reason: `an import holds at most ${MAX_IMPORT_COMPONENTS} items` });
        continue;
      }
      const uid = String(c.getFirstPropertyValue('uid') ?? '');
      if (!uid) {
        summary.skipped.push({ title, reason: 'it has no UID' });
        continue;
      }
      const key = `${c.name}\u0000${uid}`;
      const g = groups.get(key) ?? { root, items: [] };
      g.items.push(c);
      groups.set(key, g);
    }
  for (const [key, g] of groups) {
    const uid = key.split('\u0000')[1]!;
    const master = g.items.find((c) => !c.hasProperty('recurrence-id')) ?? g.items[0]!;
    const title = String(master.getFirstPropertyValue('summary') ?? '') || 'Untitled';
    const vcal = new ICAL.Component(['vcalendar', [], []]);
    vcal.addPropertyWithValue('version', '2.0');
    vcal.addPropertyWithValue('prodid', String(g.root.getFirstPropertyValue('prodid') ?? '-//Meshwork//Import//EN'));
    const text = g.items.map((c) => c.toString()).join('\n');
    for (const tz of g.root.getAllSubcomponents('vtimezone'))
      if (
        text.includes(`TZID=${String(tz.getFirstPropertyValue('tzid'))}`) ||
        text.includes(`TZID="${String(tz.getFirstPropertyValue('tzid'))}"`)
      )
        vcal.addSubcomponent(new ICAL.Component(JSON.parse(JSON.stringify(tz.jCal)) as unknown[]));
    for (const c of g.items) vcal.addSubcomponent(new ICAL.Component(JSON.parse(JSON.stringify(c.jCal)) as unknown[]));
    try {
      const v = validateCalendarObject(vcal.toString(), { supportedComponents: cal.components });
      await writer.put(cal, uriFor(uid), v, { ifNoneMatch: '*' });
      summary.imported++;
    } catch (err) {
      if (err instanceof UidConflictError) summary.skipped.push({ title, reason: REASONS['no-uid-conflict']! });
      else if (err instanceof CaldavPreconditionError)
        summary.skipped.push({ title, reason: REASONS[err.precondition] ?? err.message });
      else if ((err as { status?: number }).status === 412)
        summary.skipped.push({ title, reason: REASONS['no-uid-conflict']! });
      else throw err;
    }
  }
  return summary;
}

/** One VCALENDAR holding every object of a calendar (VTIMEZONEs once each), for download. */
export async function exportIcs(objects: ObjectStore, cal: Calendar, name: string): Promise<string> {
  const out = new ICAL.Component(['vcalendar', [], []]);
  out.addPropertyWithValue('version', '2.0');
  out.addPropertyWithValue('prodid', '-//Meshwork//Calendar//EN');
  out.addPropertyWithValue('x-wr-calname', name);
  const zones = new Set<string>();
  const metas = await objects.list(cal.id);
  for (let i = 0; i < metas.length; i += 200) {
    for (const o of await objects.getMany(
      cal.id,
      metas.slice(i, i + 200).map((m) => m.uri),
    )) {
      let vcal: ICAL.Component;
      try {
        vcal = parseCalendar(o.data.toString('utf8').replace(/^\uFEFF/, ''));
      } catch {
        continue;
      }
      for (const c of [...vcal.getAllSubcomponents()]) {
        if (c.name === 'vtimezone') {
          const id = String(c.getFirstPropertyValue('tzid') ?? '');
          if (zones.has(id)) continue;
          zones.add(id);
        }
        out.addSubcomponent(c);
      }
    }
  }
  return out.toString();
}
