/**
 * Every user's default calendar ("Personal", events and tasks): made by the server the first time the user's
 * calendars are listed (a CalDAV client or the web app), once ever (`calendars_provisioned`; the toolkit's
 * DefaultCollection), so a default the user deleted stays deleted.
 */
import { DefaultCollection } from '#dav';
import { newCalendarRow } from './calendar-store.ts';
import type { CalendarsDb } from './tables.ts';

/** The default calendar's URI, name and colour (the web app's first palette colour). */
export const DEFAULT_CALENDAR = {
  uri: 'personal',
  displayName: 'Personal',
  color: '#2563cc',
  components: ['VEVENT', 'VTODO'],
} as const;

/** Makes a user's default calendar exactly once. */
export function defaultCalendar(db: CalendarsDb): DefaultCollection {
  const { uri, displayName, color, components } = DEFAULT_CALENDAR;
  return new DefaultCollection(db, {
    marks: 'calendars_provisioned',
    collections: 'calendars_calendars',
    ownerColumn: 'owner_id',
    own: ['source', 'local'],
    row: (ownerId) => newCalendarRow({ ownerId, uri, props: { displayName, color }, components: [...components] }),
  });
}
