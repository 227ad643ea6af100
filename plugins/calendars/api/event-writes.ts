import { InputError, NotFoundError } from '#core';
import type ICAL from 'ical.js';
import { StorePreconditionFailed } from '../caldav-errors.ts';
import type { Calendar } from '../calendar-store.ts';
import { parseCalendar, validateCalendarObject } from '../ical-validate.ts';
import { wallOf } from '../instants.ts';
import type { ObjectStore, StoredObject } from '../object-store.ts';
import { CALENDAR_API_ERRORS as E } from './api-errors.ts';
import type { ObjectWriter } from './object-writer.ts';
import { readEventInput } from './event-input.ts';
import {
  addExdate,
  applyFields,
  eventsOf,
  fieldsOf,
  findOverride,
  makeOverride,
  newEventCalendar,
  recurrenceTime,
  syncTimezones,
} from './event-ical.ts';

/** Which part of a series an edit or delete is for. */
export type Scope = 'all' | 'instance';

function notFound(): never {
  throw new NotFoundError('no such event', E.CALENDAR_EVENT_NOT_FOUND);
}

/** Reads `scope` and `recurrenceId` of an edit or delete. */
export function readScope(scope: unknown, recurrenceId: unknown): { scope: Scope; recurrenceId: string | null } {
  if (scope !== undefined && scope !== 'all' && scope !== 'instance')
    throw new InputError('scope is "all" or "instance"', undefined, E.CALENDAR_INVALID_EVENT);
  if (recurrenceId !== undefined && recurrenceId !== null && typeof recurrenceId !== 'string')
    throw new InputError('recurrenceId must be text', undefined, E.CALENDAR_INVALID_EVENT);
  const rid = (recurrenceId as string | null | undefined) || null;
  if (scope === 'instance' && !rid)
    throw new InputError('changing one instance needs its recurrenceId', undefined, E.CALENDAR_INVALID_EVENT);
  return { scope: (scope as Scope | undefined) ?? (rid ? 'instance' : 'all'), recurrenceId: rid };
}

/** An event name the API accepts: one path segment (what the store and CalDAV accept as a resource name). */
function checkEventId(id: string): void {
  // eslint-disable-next-line no-control-regex
  if (!id || id.length > 300 || id === '.' || id === '..' || /[/\\\u0000-\u001f\u007f]/.test(id)) notFound();
}

/** Creates, edits and deletes events of a calendar as iCalendar objects (validated like a CalDAV PUT). */
export class EventWrites {
  constructor(
    private readonly objects: ObjectStore,
    private readonly writer: ObjectWriter,
  ) {}

  private async store(cal: Calendar, uri: string, vcal: ICAL.Component, etag: string | null): Promise<string> {
    const v = validateCalendarObject(vcal.toString(), { supportedComponents: cal.components });
    try {
      const r = await this.writer.put(cal, uri, v, etag ? { ifMatch: etag } : { ifNoneMatch: '*' });
      return r.etag;
    } catch (err) {
      if (err instanceof StorePreconditionFailed)
        throw new InputError(
          'the event changed meanwhile (in another window or app); look at it again and repeat your change',
          undefined,
          E.CALENDAR_INVALID_EVENT,
        );
      throw err;
    }
  }

  private async load(cal: Calendar, uri: string): Promise<{ object: StoredObject; vcal: ICAL.Component }> {
    checkEventId(uri);
    const object = await this.objects.get(cal.id, uri);
    if (!object) notFound();
    let vcal: ICAL.Component;
    try {
      vcal = parseCalendar(object.data.toString('utf8').replace(/^\uFEFF/, ''));
    } catch {
      notFound();
    }
    if (!vcal.getFirstSubcomponent('vevent')) notFound();
    return { object, vcal };
  }

  async create(cal: Calendar, body: unknown): Promise<{ eventId: string }> {
    const fields = readEventInput(body, null);
    const { vcal, uid } = newEventCalendar(fields);
    const uri = `${uid}.ics`;
    await this.store(cal, uri, vcal, null);
    return { eventId: uri };
  }

  /** Edits a whole event (a series' master), or one instance of a series (an override with RECURRENCE-ID). */
  async update(cal: Calendar, uri: string, body: Record<string, unknown>): Promise<void> {
    const { scope, recurrenceId } = readScope(body.scope, body.recurrenceId);
    const { object, vcal } = await this.load(cal, uri);
    const { master, overrides } = eventsOf(vcal);
    const masterStart = (master?.getFirstPropertyValue('dtstart') as ICAL.Time | null) ?? null;
    const rid = recurrenceId ? recurrenceTime(recurrenceId, masterStart) : null;
    if (recurrenceId && !rid) notFound();
    if (scope === 'instance' && rid) {
      let target = findOverride(overrides, rid);
      if (!target) {
        if (!master) notFound();
        target = makeOverride(master, rid);
        // The override starts where the instance did: times the request leaves out stay the instance's.
        const base = fieldsOf(master);
        const startWall = wallOf(rid);
        applyFields(
          target,
          { ...base, repeat: 'none', startWall, endWall: startWall + base.endWall - base.startWall },
          false,
        );
        vcal.addSubcomponent(target);
      }
      applyFields(target, { ...readEventInput(body, fieldsOf(target)), repeat: 'none' }, false);
    } else {
      const target = master ?? (overrides.length === 1 ? overrides[0]! : null);
      if (!target) notFound();
      const current = fieldsOf(target);
      if (rid && master && (body.start !== undefined || body.end !== undefined)) {
        // Times sent for one instance move the whole series by the same amount (like a drag in other apps).
        const instanceStart = wallOf(rid);
        const edited = readEventInput(body, {
          ...current,
          startWall: instanceStart,
          endWall: instanceStart + (current.endWall - current.startWall),
        });
        const delta = edited.startWall - instanceStart;
        const moved = {
          ...edited,
          startWall: current.startWall + delta,
          endWall: current.startWall + delta + (edited.endWall - edited.startWall),
        };
        applyFields(target, moved, target === master);
      } else applyFields(target, readEventInput(body, current), target === master);
    }
    syncTimezones(vcal);
    await this.store(cal, uri, vcal, object.etag);
  }

  /** Deletes a whole event, or one instance of a series (an EXDATE; its override, if any, goes). */
  async delete(cal: Calendar, uri: string, scopeIn: unknown, recurrenceId: unknown): Promise<void> {
    const { scope, recurrenceId: ridText } = readScope(scopeIn, recurrenceId);
    const { object, vcal } = await this.load(cal, uri);
    if (scope === 'all') {
      await this.writer.delete(cal, uri, { ifMatch: object.etag }).catch((err) => {
        if (err instanceof StorePreconditionFailed) notFound();
        throw err;
      });
      return;
    }
    const { master, overrides } = eventsOf(vcal);
    const masterStart = (master?.getFirstPropertyValue('dtstart') as ICAL.Time | null) ?? null;
    const rid = recurrenceTime(ridText!, masterStart);
    if (!rid) notFound();
    const override = findOverride(overrides, rid);
    if (override) vcal.removeSubcomponent(override);
    if (master) addExdate(master, rid);
    else if (!override) notFound();
    if (!vcal.getFirstSubcomponent('vevent')) {
      await this.writer.delete(cal, uri, { ifMatch: object.etag });
      return;
    }
    await this.store(cal, uri, vcal, object.etag);
  }
}
