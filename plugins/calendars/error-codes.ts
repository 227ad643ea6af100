import { declareErrorCodes } from '#core';

/** The calendars plugin's own error codes (rendered into docs/errors.md with the core's). */
export const CALENDAR_ERRORS = declareErrorCodes('calendars', {
  CALENDAR_INVALID_URI: { status: 400, meaning: 'A calendar name that cannot be a single path segment.' },
  CALENDAR_INVALID_COMPONENTS: { status: 400, meaning: 'A component set other than VEVENT, VTODO and VJOURNAL.' },
  CALENDAR_GONE: { status: 409, meaning: 'The calendar was deleted while the request ran.' },
  CALENDAR_EXISTS: { status: 409, meaning: 'The owner already has a calendar at this name (or for this share).' },
  CALENDAR_PRECONDITION_FAILED: { status: 412, meaning: 'An If-Match or If-None-Match condition did not hold.' },
  CALENDAR_INVALID_SYNC_TOKEN: { status: 403, meaning: 'A sync token this calendar never issued (valid-sync-token).' },
  CALDAV_SUPPORTED_CALENDAR_DATA: { status: 403, meaning: 'CalDAV: the body is not text/calendar 2.0.' },
  CALDAV_VALID_CALENDAR_DATA: { status: 403, meaning: 'CalDAV: the body is not valid iCalendar.' },
  CALDAV_VALID_CALENDAR_OBJECT_RESOURCE: {
    status: 403,
    meaning: 'CalDAV: not one calendar object (several UIDs, a METHOD, or no component).',
  },
  CALDAV_SUPPORTED_CALENDAR_COMPONENT: {
    status: 403,
    meaning: 'CalDAV: a component type this calendar does not hold.',
  },
  CALDAV_NO_UID_CONFLICT: { status: 403, meaning: 'CalDAV: another object of the calendar has this UID.' },
  CALDAV_MAX_RESOURCE_SIZE: { status: 403, meaning: 'CalDAV: the object is larger than the server accepts.' },
  CALDAV_MAX_INSTANCES: { status: 403, meaning: 'CalDAV: the recurrence expands to more instances than allowed.' },
  CALDAV_VALID_FILTER: { status: 403, meaning: 'CalDAV: the query filter is not valid.' },
  CALDAV_SUPPORTED_FILTER: { status: 403, meaning: 'CalDAV: the query uses a filter this server does not support.' },
  CALDAV_SUPPORTED_COLLATION: { status: 403, meaning: 'CalDAV: a text-match collation this server does not know.' },
  CALDAV_VALID_CALENDAR_TIMEZONE: { status: 403, meaning: 'CalDAV: the time zone is not one valid VTIMEZONE.' },
});
