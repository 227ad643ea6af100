import { saveBlob, type ApiClient } from '#web-sdk';
import type { CalendarView, ImportSummary, OccurrenceView } from '../shared.ts';

export type { ImportSummary } from '../shared.ts';
/** A calendar as the API lists it (own, or a synced copy of one shared from another server). */
export type CalendarInfo = CalendarView;
/** One occurrence in a range (instances of a series carry their `recurrenceId`). */
export type OccurrenceInfo = OccurrenceView;

/** The fields the event dialog and drags send. */
export interface EventInput {
  title?: string;
  description?: string;
  location?: string;
  allDay?: boolean;
  start?: string;
  end?: string;
  timezone?: string;
  repeat?: string;
  scope?: 'all' | 'instance';
  recurrenceId?: string | null;
}

const enc = encodeURIComponent;

/** Typed calls of `/api/v1/calendars`. */
export class CalendarApi {
  constructor(private readonly api: ApiClient) {}

  async list(): Promise<CalendarInfo[]> {
    return (await this.api.request<{ calendars: CalendarInfo[] }>('GET', '/calendars/')).calendars;
  }
  create(name: string, color: string): Promise<CalendarInfo> {
    return this.api.request('POST', '/calendars/', { name, color });
  }
  update(id: string, change: { name?: string; color?: string }): Promise<CalendarInfo> {
    return this.api.request('PATCH', `/calendars/${enc(id)}`, change);
  }
  remove(id: string): Promise<null> {
    return this.api.request('DELETE', `/calendars/${enc(id)}`);
  }
  async occurrences(id: string, start: Date, end: Date): Promise<OccurrenceInfo[]> {
    const q = `start=${enc(start.toISOString())}&end=${enc(end.toISOString())}`;
    const r = await this.api.request<{ occurrences: OccurrenceInfo[] }>(
      'GET',
      `/calendars/${enc(id)}/occurrences?${q}`,
    );
    return r.occurrences;
  }
  createEvent(calendarId: string, input: EventInput): Promise<{ eventId: string }> {
    return this.api.request('POST', `/calendars/${enc(calendarId)}/events`, input);
  }
  updateEvent(calendarId: string, eventId: string, input: EventInput): Promise<null> {
    return this.api.request('PATCH', `/calendars/${enc(calendarId)}/events/${enc(eventId)}`, input);
  }
  deleteEvent(
    calendarId: string,
    eventId: string,
    scope: 'all' | 'instance',
    recurrenceId: string | null,
  ): Promise<null> {
    const q = `scope=${scope}${recurrenceId ? `&recurrenceId=${enc(recurrenceId)}` : ''}`;
    return this.api.request('DELETE', `/calendars/${enc(calendarId)}/events/${enc(eventId)}?${q}`);
  }

  /** Sends an .ics file's text; the answer lists what was skipped and why. */
  async importFile(calendarId: string, file: File): Promise<ImportSummary> {
    const res = await fetch(`/api/v1/calendars/${enc(calendarId)}/import`, {
      method: 'POST',
      headers: { ...this.api.authHeaders(), 'content-type': 'text/calendar', accept: 'application/json' },
      body: await file.text(),
    });
    const body = (await res.json().catch(() => null)) as (ImportSummary & { message?: string }) | null;
    if (!res.ok)
      throw new Error(
        body?.message ? `${body.message[0]!.toUpperCase()}${body.message.slice(1)}.` : 'The import failed.',
      );
    return body!;
  }

  /** Downloads the calendar as one .ics file. */
  async download(calendar: CalendarInfo): Promise<void> {
    const res = await fetch(`/api/v1/calendars/${enc(calendar.id)}/export`, { headers: this.api.authHeaders() });
    if (!res.ok) throw new Error('The calendar could not be downloaded. Try again.');
    saveBlob(await res.blob(), `${calendar.name.replace(/[\\/:*?"<>|]+/g, ' ').trim() || 'calendar'}.ics`);
  }
}
