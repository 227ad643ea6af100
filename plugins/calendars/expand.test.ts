import assert from 'node:assert/strict';
import { CaldavPreconditionError } from './caldav-errors.ts';
import { expandCalendar, limitFreeBusySet, limitRecurrenceSet, prepareExpansion } from './expand.ts';
import { freeBusyReport } from './free-busy.ts';
import { dtstarts, ics, parse, range, vevent } from './testing/ics.ts';
import { ianaZone, utcZone } from './timezones.ts';

const series = ics(
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Berlin',
  'BEGIN:STANDARD',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'END:STANDARD',
  'BEGIN:DAYLIGHT',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'END:DAYLIGHT',
  'END:VTIMEZONE',
  ...vevent(
    'UID:series',
    'DTSTART;TZID=Europe/Berlin:20260323T090000',
    'DTEND;TZID=Europe/Berlin:20260323T093000',
    'RRULE:FREQ=DAILY;COUNT=5',
    'EXDATE;TZID=Europe/Berlin:20260325T090000',
    'SUMMARY:Daily',
    'BEGIN:VALARM',
    'ACTION:DISPLAY',
    'DESCRIPTION:x',
    'TRIGGER;VALUE=DATE-TIME:20260323T075000Z',
    'END:VALARM',
  ),
  ...vevent(
    'UID:series',
    'RECURRENCE-ID;TZID=Europe/Berlin:20260326T090000',
    'DTSTART;TZID=Europe/Berlin:20260326T170000',
    'DTEND;TZID=Europe/Berlin:20260326T173000',
    'SUMMARY:Late',
    'STATUS:TENTATIVE',
  ),
);

describe('calendar-data expansion and free-busy', () => {
  it('expands each instance in range into its own UTC component with RECURRENCE-ID', () => {
    const out = expandCalendar(parse(series), range('2026-03-24T00:00:00Z', '2026-03-30T00:00:00Z'), utcZone);
    assert.deepEqual(dtstarts(out), ['20260324T080000Z', '20260326T160000Z', '20260327T080000Z']);
    assert.deepEqual(
      [...out.matchAll(/^RECURRENCE-ID[^:]*:(.*)$/gm)].map((m) => m[1]!.trim()),
      ['20260324T080000Z', '20260326T080000Z', '20260327T080000Z'],
    );
    assert.deepEqual(
      [...out.matchAll(/^DTEND[^:]*:(.*)$/gm)].map((m) => m[1]!.trim()),
      ['20260324T083000Z', '20260326T163000Z', '20260327T083000Z'],
    );
    for (const gone of ['RRULE', 'EXDATE', 'RDATE', 'VTIMEZONE', 'TZID']) assert.ok(!out.includes(gone), `no ${gone}`);
    assert.match(out, /^BEGIN:VCALENDAR\r\nVERSION:2\.0\r\nPRODID:/);
    assert.match(out, /SUMMARY:Late/);
  });

  it('keeps all-day instances as dates and floating times in the query zone', () => {
    const allDay = ics(
      ...vevent('UID:d', 'DTSTART;VALUE=DATE:20260101', 'DTEND;VALUE=DATE:20260102', 'RRULE:FREQ=MONTHLY;COUNT=3'),
    );
    const out = expandCalendar(parse(allDay), range('2026-01-15T00:00:00Z', '2026-04-01T00:00:00Z'), utcZone);
    assert.deepEqual(dtstarts(out), ['20260201', '20260301']);
    assert.match(out, /DTEND;VALUE=DATE:20260302/);
    const floating = ics(...vevent('UID:f', 'DTSTART:20260701T090000', 'DURATION:PT1H'));
    const berlin = expandCalendar(
      parse(floating),
      range('2026-07-01T00:00:00Z', '2026-07-02T00:00:00Z'),
      ianaZone('Europe/Berlin')!,
    );
    assert.deepEqual(dtstarts(berlin), ['20260701T070000Z']);
  });

  it('refuses an expansion past the instance limit', () => {
    const endless = ics(...vevent('UID:e', 'DTSTART:20260101T000000Z', 'RRULE:FREQ=HOURLY'));
    assert.throws(
      () => expandCalendar(parse(endless), range('2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z'), utcZone, 1000),
      (err: unknown) => err instanceof CaldavPreconditionError && err.precondition === 'max-instances',
    );
  });

  it('limits a recurrence set to the overrides touching the range and keeps the rest as stored', () => {
    const early = limitRecurrenceSet(parse(series), range('2026-03-23T00:00:00Z', '2026-03-24T00:00:00Z'), utcZone);
    assert.ok(!early.includes('SUMMARY:Late'));
    assert.match(early, /RRULE:FREQ=DAILY;COUNT=5/);
    assert.match(early, /BEGIN:VTIMEZONE/);
    const late = limitRecurrenceSet(parse(series), range('2026-03-26T15:00:00Z', '2026-03-26T17:00:00Z'), utcZone);
    assert.match(late, /SUMMARY:Late/);
  });

  it('limits FREEBUSY periods to the range', () => {
    const fb = ics(
      'BEGIN:VFREEBUSY',
      'UID:fb',
      'DTSTAMP:20260101T000000Z',
      'FREEBUSY:20260301T100000Z/20260301T110000Z',
      'FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20260310T100000Z/PT1H',
      'END:VFREEBUSY',
    );
    const out = limitFreeBusySet(parse(fb), range('2026-03-05T00:00:00Z', '2026-03-20T00:00:00Z'), utcZone);
    assert.ok(!out.includes('20260301T100000Z'));
    assert.match(out, /FREEBUSY;FBTYPE=BUSY-UNAVAILABLE:20260310T100000Z\/PT1H/);
  });

  it('reports busy time from every occurrence, tentative apart, transparent and cancelled left out', () => {
    const free = ics(...vevent('UID:free', 'DTSTART:20260324T120000Z', 'DURATION:PT1H', 'TRANSP:TRANSPARENT'));
    const cancelled = ics(...vevent('UID:c', 'DTSTART:20260324T130000Z', 'DURATION:PT1H', 'STATUS:CANCELLED'));
    const overlapping = ics(...vevent('UID:o', 'DTSTART:20260324T081500Z', 'DURATION:PT1H'));
    const out = freeBusyReport(
      [series, free, cancelled, overlapping].map(parse),
      range('2026-03-24T00:00:00Z', '2026-03-27T08:15:00Z'),
      utcZone,
      Date.parse('2026-03-01T00:00:00Z'),
    );
    const lines = out.split('\r\n').filter((l) => l.startsWith('FREEBUSY'));
    assert.deepEqual(lines, [
      'FREEBUSY:20260324T080000Z/20260324T091500Z',
      'FREEBUSY;FBTYPE=BUSY-TENTATIVE:20260326T160000Z/20260326T163000Z',
      'FREEBUSY:20260327T080000Z/20260327T081500Z',
    ]);
    assert.match(out, /DTSTART:20260324T000000Z\r\nDTEND:20260327T081500Z/);
  });

  it('answers the same with the texts written ahead at PUT, in any zone', () => {
    const objects = [
      series,
      ics(...vevent('UID:u', 'DTSTART:20260302T100000Z', 'DTEND:20260302T110000Z', 'RRULE:FREQ=WEEKLY;COUNT=6')),
      ics(...vevent('UID:d', 'DTSTART;VALUE=DATE:20260303', 'RRULE:FREQ=DAILY;COUNT=3', 'SUMMARY:all day')),
      ics(
        ...vevent('UID:o', 'DTSTART:20260302T100000Z', 'RRULE:FREQ=DAILY;COUNT=4', 'EXDATE:20260303T100000Z'),
        ...vevent('UID:o', 'RECURRENCE-ID:20260304T100000Z', 'DTSTART:20260304T150000Z', 'SUMMARY:moved'),
      ),
      ics(...vevent('UID:f', 'DTSTART:20260305T100000', 'DTEND:20260305T110000')),
    ];
    const berlin = ianaZone('Europe/Berlin')!;
    const r = range('2026-03-01T00:00:00Z', '2026-04-01T00:00:00Z');
    for (const text of objects)
      for (const zone of [utcZone, berlin]) {
        const prepared = parse(text);
        prepareExpansion(prepared);
        assert.equal(expandCalendar(prepared, r, zone), expandCalendar(parse(text), r, zone));
      }
  });
});
