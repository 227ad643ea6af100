import { ics, vevent } from './ics.ts';

/**
 * Recurring events across time zones and DST changes, each with its instance starts worked out by hand
 * (UTC, or dates for all-day events). `reference: false` marks cases the Python reference gets wrong
 * (noted at each).
 */
export interface RecurrenceFixture {
  name: string;
  ics: string;
  start: string;
  end: string;
  expected: string[];
  reference?: boolean;
}

const NEW_YORK = [
  'BEGIN:VTIMEZONE',
  'TZID:America/New_York',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:-0500',
  'TZOFFSETTO:-0400',
  'TZNAME:EDT',
  'DTSTART:19700308T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:-0400',
  'TZOFFSETTO:-0500',
  'TZNAME:EST',
  'DTSTART:19701101T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

const BERLIN = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Berlin',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

export const recurrenceFixtures: RecurrenceFixture[] = [
  {
    name: 'a weekly Berlin meeting keeps 09:00 local across the March DST change (TZID without VTIMEZONE)',
    ics: ics(
      ...vevent(
        'UID:berlin-weekly',
        'DTSTART;TZID=Europe/Berlin:20260316T090000',
        'DTEND;TZID=Europe/Berlin:20260316T100000',
        'RRULE:FREQ=WEEKLY;COUNT=4',
      ),
    ),
    start: '2026-03-01T00:00:00Z',
    end: '2026-05-01T00:00:00Z',
    expected: ['20260316T080000Z', '20260323T080000Z', '20260330T070000Z', '20260406T070000Z'],
  },
  {
    name: 'a New York BYDAY=TU,TH rule crosses the November change and stops at a UTC UNTIL',
    ics: ics(
      ...NEW_YORK,
      ...vevent(
        'UID:ny-tuth',
        'DTSTART;TZID=America/New_York:20261027T183000',
        'DTEND;TZID=America/New_York:20261027T193000',
        'RRULE:FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20261106T000000Z',
      ),
    ),
    start: '2026-10-01T00:00:00Z',
    end: '2026-12-01T00:00:00Z',
    expected: ['20261027T223000Z', '20261029T223000Z', '20261103T233000Z', '20261105T233000Z'],
  },
  {
    name: 'a Feb 29 birthday (all-day, yearly) occurs only in leap years',
    ics: ics(...vevent('UID:leap', 'DTSTART;VALUE=DATE:20240229', 'DTEND;VALUE=DATE:20240301', 'RRULE:FREQ=YEARLY')),
    start: '2024-01-01T00:00:00Z',
    end: '2033-01-01T00:00:00Z',
    expected: ['20240229', '20280229', '20320229'],
  },
  {
    name: 'a daily Berlin series with EXDATEs, an RDATE and a moved instance across the October change',
    ics: ics(
      ...BERLIN,
      ...vevent(
        'UID:berlin-daily',
        'DTSTART;TZID=Europe/Berlin:20261020T100000',
        'DTEND;TZID=Europe/Berlin:20261020T110000',
        'RRULE:FREQ=DAILY;COUNT=10',
        'EXDATE;TZID=Europe/Berlin:20261022T100000,20261026T100000',
        'RDATE;TZID=Europe/Berlin:20261031T150000',
      ),
      ...vevent(
        'UID:berlin-daily',
        'RECURRENCE-ID;TZID=Europe/Berlin:20261024T100000',
        'DTSTART;TZID=Europe/Berlin:20261024T160000',
        'DTEND;TZID=Europe/Berlin:20261024T170000',
        'SUMMARY:moved',
      ),
    ),
    start: '2026-10-01T00:00:00Z',
    end: '2026-11-15T00:00:00Z',
    expected: [
      '20261020T080000Z',
      '20261021T080000Z',
      '20261023T080000Z',
      '20261024T140000Z',
      '20261025T090000Z',
      '20261027T090000Z',
      '20261028T090000Z',
      '20261029T090000Z',
      '20261031T140000Z',
    ],
  },
  {
    name: 'a monthly New York rule includes the instance exactly at its UNTIL',
    ics: ics(
      ...vevent(
        'UID:ny-monthly',
        'DTSTART;TZID=America/New_York:20260115T090000',
        'DURATION:PT30M',
        'RRULE:FREQ=MONTHLY;BYMONTHDAY=15;UNTIL=20260415T130000Z',
      ),
    ),
    start: '2026-01-01T00:00:00Z',
    end: '2026-12-31T00:00:00Z',
    expected: ['20260115T140000Z', '20260215T140000Z', '20260315T130000Z', '20260415T130000Z'],
    // recurring_ical_events 2.0.1 reads a UTC UNTIL with DTSTART's January offset: it ends the series an hour
    // early in summer time and drops the last instance (even with UNTIL one second later).
    reference: false,
  },
  {
    name: 'MO/WE/FR at 08:30 Berlin with the VTIMEZONE in the object, across the October change',
    ics: ics(
      ...BERLIN,
      ...vevent(
        'UID:berlin-mwf',
        'DTSTART;TZID=Europe/Berlin:20261023T083000',
        'DTEND;TZID=Europe/Berlin:20261023T090000',
        'RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=6',
      ),
    ),
    start: '2026-10-01T00:00:00Z',
    end: '2026-12-01T00:00:00Z',
    expected: [
      '20261023T063000Z',
      '20261026T073000Z',
      '20261028T073000Z',
      '20261030T073000Z',
      '20261102T073000Z',
      '20261104T073000Z',
    ],
  },
  {
    name: 'floating times are read in UTC when no zone is given',
    ics: ics(...vevent('UID:floating', 'DTSTART:20260610T090000', 'DURATION:PT1H', 'RRULE:FREQ=DAILY;COUNT=2')),
    start: '2026-06-01T00:00:00Z',
    end: '2026-07-01T00:00:00Z',
    expected: ['20260610T090000Z', '20260611T090000Z'],
  },
  {
    name: 'a start in the spring gap is read with the offset before the gap (RFC 5545 §3.3.5)',
    ics: ics(...NEW_YORK, ...vevent('UID:gap', 'DTSTART;TZID=America/New_York:20260308T023000', 'DURATION:PT1H')),
    start: '2026-03-01T00:00:00Z',
    end: '2026-04-01T00:00:00Z',
    expected: ['20260308T073000Z'],
    // pytz localizes a time in the gap with the offset after it.
    reference: false,
  },
  {
    name: 'a start in the autumn overlap is its first occurrence (daylight time)',
    ics: ics(...NEW_YORK, ...vevent('UID:overlap', 'DTSTART;TZID=America/New_York:20261101T013000', 'DURATION:PT1H')),
    start: '2026-10-01T00:00:00Z',
    end: '2026-12-01T00:00:00Z',
    expected: ['20261101T053000Z'],
    // The reference picks the second occurrence (standard time), like libical.
    reference: false,
  },
];
