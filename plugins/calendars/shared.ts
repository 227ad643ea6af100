/**
 * Wire types of the calendars plugin's web API (`/api/v1/calendars`), shared by the server, the web UI and the
 * tests. Browser-safe: types and small constants only.
 */

/** How an event repeats, as the web app offers it; `custom` is a rule the app does not edit (kept as is). */
export const REPEATS = ['none', 'daily', 'weekly', 'monthly', 'yearly', 'custom'] as const;
export type Repeat = (typeof REPEATS)[number];

/** A calendar as the web app sees it. */
export interface CalendarView {
  id: string;
  name: string;
  color: string;
  /** `own` for the user's calendars; `shared` for synced copies of calendars owned on another server. */
  kind: 'own' | 'shared';
  /** The owner's address for a shared calendar. */
  owner: string | null;
  access: 'owner' | 'read' | 'read-write';
  /** The last pull's error of a shared calendar (the owner's server unreachable, …). */
  syncError: string | null;
}

/** One occurrence of an event in a range, as the web app draws it. */
export interface OccurrenceView {
  /** Unique per occurrence: calendar, object and recurrence id. */
  id: string;
  calendarId: string;
  /** The object's name in the calendar (its CalDAV resource name): edits and deletes address it. */
  eventId: string;
  uid: string;
  /** The instance's original start (`2026-05-04T09:00:00`, `…Z`, or a date) for instances of a series, else null. */
  recurrenceId: string | null;
  /** True for an instance of a series (generated or overridden). */
  recurring: boolean;
  title: string;
  description: string;
  location: string;
  allDay: boolean;
  /** All-day: `YYYY-MM-DD`; else an ISO instant. */
  start: string;
  /** All-day: the day after the last (exclusive); else an ISO instant. */
  end: string;
  /** The zone the event is written in (`UTC` also for floating times). */
  timezone: string;
  repeat: Repeat;
}

/** What an import did: how many events came in, and each one left out with the reason in plain words. */
export interface ImportSummary {
  imported: number;
  skipped: Array<{ title: string; reason: string }>;
}
