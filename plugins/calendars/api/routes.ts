import express, { type Request, type Router } from 'express';
import type { ChangeAnnouncer } from '#core';
import type { DefaultCollection } from '#dav';
import type { CalendarStore } from '../calendar-store.ts';
import type { ObjectStore } from '../object-store.ts';
import { CalendarAccess } from './calendar-access.ts';
import { EventWrites } from './event-writes.ts';
import { exportIcs, importIcs } from './ics-transfer.ts';
import { ObjectWriter } from './object-writer.ts';
import type { CalendarFederation } from '../federation/federation.ts';
import { listOccurrences, readRange } from './occurrence-list.ts';

/** The socket event the `/calendars` namespace sends a user when one of their calendars changed. */
export const CALENDAR_CHANGED = 'calendar:changed';

const uid = (req: Request) => (req.user as { id: string }).id;
const param = (req: Request, name: string) => String(req.params[name] ?? '');
const body = (req: Request) => (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;

/** A file name for a download: the calendar's name without characters file systems refuse. */
function fileName(name: string): string {
  // eslint-disable-next-line no-control-regex
  const clean = name.replace(/[\u0000-\u001f\u007f"\\/:*?<>|]+/g, ' ').trim() || 'calendar';
  return `${clean.slice(0, 80)}.ics`;
}

/**
 * The JSON API of the Calendar page under `/api/v1/calendars` (authenticated by the core): calendars, occurrences
 * in a range, event writes (whole series or one instance), import and download. Every write is announced live.
 */
export function mountCalendarApi(
  api: Router,
  deps: {
    calendars: CalendarStore;
    objects: ObjectStore;
    federation: Pick<CalendarFederation, 'putThrough' | 'deleteThrough'> | null;
    changes: ChangeAnnouncer;
    defaults: Pick<DefaultCollection, 'ensure'>;
  },
): void {
  const access = new CalendarAccess(deps.calendars, deps.defaults);
  const writer = new ObjectWriter(deps.objects, deps.federation);
  const events = new EventWrites(deps.objects, writer);
  // Object writes announce themselves (ObjectStore's onChange); calendar changes are announced here.
  const changed = (req: Request, calendarId: string | null) => deps.changes.toOwner(uid(req), calendarId);

  api.get('/', async (req, res) => {
    res.json({ calendars: await access.list(uid(req)) });
  });
  api.post('/', async (req, res) => {
    const view = await access.create(uid(req), body(req));
    changed(req, view.id);
    res.status(201).json(view);
  });
  api.patch('/:id', async (req, res) => {
    const view = await access.update(uid(req), param(req, 'id'), body(req));
    changed(req, view.id);
    res.json(view);
  });
  api.delete('/:id', async (req, res) => {
    await access.delete(uid(req), param(req, 'id'));
    changed(req, param(req, 'id'));
    res.status(204).end();
  });

  api.get('/:id/occurrences', async (req, res) => {
    const cal = await access.get(uid(req), param(req, 'id'));
    res.json(await listOccurrences(deps.objects, cal, readRange(req.query.start, req.query.end)));
  });
  api.post('/:id/events', async (req, res) => {
    const cal = await access.writable(uid(req), param(req, 'id'));
    const made = await events.create(cal, body(req));
    res.status(201).json(made);
  });
  api.patch('/:id/events/:eventId', async (req, res) => {
    const cal = await access.writable(uid(req), param(req, 'id'));
    await events.update(cal, param(req, 'eventId'), body(req));
    res.status(204).end();
  });
  api.delete('/:id/events/:eventId', async (req, res) => {
    const cal = await access.writable(uid(req), param(req, 'id'));
    await events.delete(cal, param(req, 'eventId'), req.query.scope, req.query.recurrenceId);
    res.status(204).end();
  });

  api.post(
    '/:id/import',
    express.text({ type: ['text/calendar', 'text/plain', 'application/octet-stream'], limit: '10mb' }),
    async (req, res) => {
      const cal = await access.writable(uid(req), param(req, 'id'));
      const text =
        typeof req.body === 'string' ? req.body : typeof body(req).ics === 'string' ? String(body(req).ics) : '';
      const summary = await importIcs(writer, cal, text);
      res.json(summary);
    },
  );
  api.get('/:id/export', async (req, res) => {
    const cal = await access.get(uid(req), param(req, 'id'));
    const name = cal.displayName?.trim() || cal.uri;
    const text = await exportIcs(deps.objects, cal, name);
    res
      .type('text/calendar; charset=utf-8')
      .set(
        'content-disposition',
        `attachment; filename="${fileName(name)}"; filename*=UTF-8''${encodeURIComponent(fileName(name))}`,
      )
      .send(text);
  });
}
