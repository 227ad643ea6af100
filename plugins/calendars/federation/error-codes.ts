import { declareErrorCodes } from '#core';

/** Error codes of calendar federation (the calendars plugin's, declared beside its own). */
export const FEDERATION_ERRORS = declareErrorCodes('calendars', {
  CALENDAR_READ_ONLY: {
    status: 403,
    meaning: 'The calendar is shared with you read-only: the change was not made (DAV:need-privileges).',
  },
  CALENDAR_OWNER_UNREACHABLE: {
    status: 503,
    meaning: "The calendar's owner server cannot be reached: the change was not made; the copy stays readable.",
  },
  CALENDAR_OWNER_REFUSED: {
    status: 502,
    meaning: "The calendar's owner server refused the change for a reason it did not explain.",
  },
  CALENDAR_SHARE_REVOKED: { status: 404, meaning: 'The owner ended the share of this calendar; the copy was removed.' },
  CALENDAR_NOT_A_COPY: { status: 404, meaning: 'No calendar shared with you from another server has this id.' },
});
