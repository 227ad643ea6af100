import { declareErrorCodes } from '#core';

/** Error codes of the calendars plugin's JSON API for the web app (`/api/v1/calendars`). */
export const CALENDAR_API_ERRORS = declareErrorCodes('calendars', {
  CALENDAR_NOT_FOUND: { status: 404, meaning: 'No calendar of yours has this id.' },
  CALENDAR_EVENT_NOT_FOUND: { status: 404, meaning: 'The calendar has no such event (or no such instance of it).' },
  CALENDAR_INVALID_EVENT: {
    status: 400,
    meaning: 'An event field is missing or not valid (times, time zone, repeat).',
  },
  CALENDAR_INVALID_PROPS: { status: 400, meaning: 'A calendar name or colour that is not valid.' },
  CALENDAR_INVALID_RANGE: { status: 400, meaning: 'A time range that is missing, reversed or longer than allowed.' },
  CALENDAR_INVALID_IMPORT: { status: 400, meaning: 'The file to import is not an iCalendar (.ics) file.' },
});
