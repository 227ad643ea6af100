import assert from 'node:assert/strict';
import type ICAL from 'ical.js';
import { type CaldavPreconditionError } from './caldav-errors.ts';
import { checkFilter, matchesFilter, queryHints, type CompFilter, type PropFilter } from './calendar-filter.ts';
import { ics, parse, range, vevent } from './testing/ics.ts';
import { ianaZone, utcZone } from './timezones.ts';

const cal = (inner: CompFilter[]): CompFilter => ({ name: 'VCALENDAR', compFilters: inner });
const events = (filter: Omit<CompFilter, 'name'>): CompFilter => cal([{ name: 'VEVENT', ...filter }]);
const inRange = (start: string, end: string) => events({ timeRange: range(start, end) });

function matches(text: string, filter: CompFilter, zone: ICAL.Timezone = utcZone): boolean {
  checkFilter(filter);
  return matchesFilter(parse(text), filter, zone);
}

const single = (...lines: string[]) => ics(...vevent('UID:e1', ...lines));

describe('calendar-query filters', () => {
  describe('VEVENT time ranges (RFC 4791 §9.9)', () => {
    const timed = single('DTSTART:20260310T100000Z', 'DTEND:20260310T110000Z');
    it('overlaps when the range and [DTSTART, DTEND) intersect, not when they only touch', () => {
      assert.equal(matches(timed, inRange('2026-03-10T10:59:00Z', '2026-03-10T12:00:00Z')), true);
      assert.equal(matches(timed, inRange('2026-03-10T11:00:00Z', '2026-03-10T12:00:00Z')), false);
      assert.equal(matches(timed, inRange('2026-03-10T09:00:00Z', '2026-03-10T10:00:00Z')), false);
      assert.equal(
        matches(timed, events({ timeRange: { start: Date.parse('2026-03-10T10:30:00Z'), end: Infinity } })),
        true,
      );
    });

    it('treats a DATE-TIME start without end as an instant that a range starting on it contains', () => {
      const instant = single('DTSTART:20260310T100000Z');
      assert.equal(matches(instant, inRange('2026-03-10T10:00:00Z', '2026-03-10T10:01:00Z')), true);
      assert.equal(matches(instant, inRange('2026-03-10T09:00:00Z', '2026-03-10T10:00:00Z')), false);
      const zero = single('DTSTART:20260310T100000Z', 'DURATION:PT0S');
      assert.equal(matches(zero, inRange('2026-03-10T10:00:00Z', '2026-03-10T10:01:00Z')), true);
    });

    it('gives an all-day event without end one day, in the query time zone', () => {
      const allDay = single('DTSTART;VALUE=DATE:20260704');
      const slot = inRange('2026-07-04T02:00:00Z', '2026-07-04T03:00:00Z');
      assert.equal(matches(allDay, slot), true, 'in UTC the day is 00:00–24:00Z');
      assert.equal(matches(allDay, slot, ianaZone('America/New_York')!), false, 'in New York it starts at 04:00Z');
      assert.equal(
        matches(allDay, inRange('2026-07-05T03:00:00Z', '2026-07-05T03:30:00Z'), ianaZone('America/New_York')!),
        true,
      );
    });

    it('reads floating times in the zone of the request', () => {
      const floating = single('DTSTART:20260701T090000', 'DURATION:PT1H');
      const slot = inRange('2026-07-01T07:00:00Z', '2026-07-01T07:30:00Z');
      assert.equal(matches(floating, slot, ianaZone('Europe/Berlin')!), true);
      assert.equal(matches(floating, slot), false);
    });
  });

  describe('recurring events', () => {
    const weekly = ics(
      ...vevent(
        'UID:w',
        'DTSTART;TZID=Europe/Berlin:20260302T090000',
        'DTEND;TZID=Europe/Berlin:20260302T100000',
        'RRULE:FREQ=WEEKLY',
        'EXDATE;TZID=Europe/Berlin:20260316T090000',
        'RDATE;TZID=Europe/Berlin:20260305T150000',
        'SUMMARY:Weekly',
      ),
      ...vevent(
        'UID:w',
        'RECURRENCE-ID;TZID=Europe/Berlin:20260323T090000',
        'DTSTART;TZID=Europe/Berlin:20260324T140000',
        'DTEND;TZID=Europe/Berlin:20260324T150000',
        'SUMMARY:Moved',
      ),
    );
    it('matches a later instance (the third Monday) and not the gaps between', () => {
      assert.equal(matches(weekly, inRange('2026-03-09T08:30:00Z', '2026-03-09T08:31:00Z')), true);
      assert.equal(matches(weekly, inRange('2026-03-10T00:00:00Z', '2026-03-11T00:00:00Z')), false);
    });
    it('leaves out an EXDATE instance and counts an RDATE', () => {
      assert.equal(matches(weekly, inRange('2026-03-16T00:00:00Z', '2026-03-17T00:00:00Z')), false);
      assert.equal(matches(weekly, inRange('2026-03-05T14:00:00Z', '2026-03-05T14:30:00Z')), true);
    });
    it('replaces an overridden instance by its new time', () => {
      assert.equal(matches(weekly, inRange('2026-03-23T00:00:00Z', '2026-03-24T00:00:00Z')), false);
      assert.equal(matches(weekly, inRange('2026-03-24T13:00:00Z', '2026-03-24T13:30:00Z')), true);
    });
    it('keeps 09:00 local after the DST change, and still matches far in the future', () => {
      assert.equal(matches(weekly, inRange('2026-03-30T07:00:00Z', '2026-03-30T07:30:00Z')), true);
      assert.equal(matches(weekly, inRange('2026-03-30T08:00:00Z', '2026-03-30T08:30:00Z')), false);
      assert.equal(matches(weekly, inRange('2101-03-07T08:00:00Z', '2101-03-07T08:30:00Z')), true);
    });
    it('checks property filters on the component the overlapping instance comes from', () => {
      const moved = events({
        timeRange: range('2026-03-24T00:00:00Z', '2026-03-25T00:00:00Z'),
        propFilters: [{ name: 'SUMMARY', textMatch: { value: 'moved' } }],
      });
      assert.equal(matches(weekly, moved), true);
      const weeklyThere = events({
        timeRange: range('2026-03-24T00:00:00Z', '2026-03-25T00:00:00Z'),
        propFilters: [{ name: 'SUMMARY', textMatch: { value: 'weekly' } }],
      });
      assert.equal(matches(weekly, weeklyThere), false);
    });
    it('ends at COUNT and at UNTIL', () => {
      const counted = single('DTSTART:20260101T100000Z', 'DURATION:PT1H', 'RRULE:FREQ=DAILY;COUNT=3');
      assert.equal(matches(counted, inRange('2026-01-03T10:00:00Z', '2026-01-03T10:30:00Z')), true);
      assert.equal(matches(counted, inRange('2026-01-04T10:00:00Z', '2026-01-04T10:30:00Z')), false);
      const until = single('DTSTART:20260101T100000Z', 'DURATION:PT1H', 'RRULE:FREQ=DAILY;UNTIL=20260102T100000Z');
      assert.equal(matches(until, inRange('2026-01-02T10:00:00Z', '2026-01-02T10:30:00Z')), true);
      assert.equal(matches(until, inRange('2026-01-03T10:00:00Z', '2026-01-03T10:30:00Z')), false);
    });
  });

  describe('VTODO, VJOURNAL and VALARM', () => {
    const todo = (...lines: string[]) => ics('BEGIN:VTODO', 'UID:t', 'DTSTAMP:20260101T000000Z', ...lines, 'END:VTODO');
    const todos = (start: string, end: string) => cal([{ name: 'VTODO', timeRange: range(start, end) }]);
    it('follows each row of the VTODO table', () => {
      const jan = ['2026-01-10T00:00:00Z', '2026-01-11T00:00:00Z'] as const;
      assert.equal(matches(todo('DTSTART:20260110T120000Z', 'DURATION:PT1H'), todos(...jan)), true);
      assert.equal(matches(todo('DTSTART:20260105T120000Z', 'DUE:20260120T120000Z'), todos(...jan)), true);
      assert.equal(matches(todo('DTSTART:20260110T120000Z'), todos(...jan)), true);
      assert.equal(matches(todo('DUE:20260111T000000Z'), todos(...jan)), true, 'end >= DUE');
      assert.equal(matches(todo('DUE:20260110T000000Z'), todos(...jan)), false, 'start < DUE');
      assert.equal(matches(todo('COMPLETED:20260110T090000Z', 'CREATED:20251201T000000Z'), todos(...jan)), true);
      assert.equal(matches(todo('COMPLETED:20260112T090000Z'), todos(...jan)), false);
      assert.equal(matches(todo('CREATED:20260112T090000Z'), todos(...jan)), false);
      assert.equal(matches(todo('CREATED:20260109T090000Z'), todos(...jan)), true);
      assert.equal(matches(todo('SUMMARY:no dates at all'), todos(...jan)), true);
    });

    it('matches a VJOURNAL only by its DTSTART', () => {
      const journal = (...lines: string[]) =>
        ics('BEGIN:VJOURNAL', 'UID:j', 'DTSTAMP:20260101T000000Z', ...lines, 'END:VJOURNAL');
      const f = cal([{ name: 'VJOURNAL', timeRange: range('2026-02-01T00:00:00Z', '2026-02-02T00:00:00Z') }]);
      assert.equal(matches(journal('DTSTART;VALUE=DATE:20260201'), f), true);
      assert.equal(matches(journal('DTSTART:20260202T000000Z'), f), false);
      assert.equal(matches(journal('SUMMARY:undated'), f), false);
    });

    it('matches an alarm by its trigger time, for each instance of a recurring event', () => {
      const withAlarm = single(
        'DTSTART:20260105T100000Z',
        'DURATION:PT1H',
        'RRULE:FREQ=WEEKLY;COUNT=3',
        'BEGIN:VALARM',
        'ACTION:DISPLAY',
        'DESCRIPTION:soon',
        'TRIGGER:-PT15M',
        'END:VALARM',
      );
      const alarmIn = (start: string, end: string) =>
        events({ compFilters: [{ name: 'VALARM', timeRange: range(start, end) }] });
      assert.equal(matches(withAlarm, alarmIn('2026-01-19T09:40:00Z', '2026-01-19T09:50:00Z')), true);
      assert.equal(matches(withAlarm, alarmIn('2026-01-19T09:50:00Z', '2026-01-19T10:30:00Z')), false);
      assert.equal(matches(withAlarm, alarmIn('2026-01-26T09:40:00Z', '2026-01-26T09:50:00Z')), false, 'after COUNT');
    });
  });

  describe('properties, parameters and text', () => {
    const rich = single(
      'DTSTART:20260310T100000Z',
      'SUMMARY:Planning in der Straße',
      'CATEGORIES:Work,Travel',
      'ATTENDEE;PARTSTAT=ACCEPTED;CN=Bob:mailto:bob@example.org',
      'ATTENDEE;CN=Eve:mailto:eve@example.org',
    );
    const prop = (pf: PropFilter) => events({ propFilters: [pf] });
    it('matches text case-insensitively by default, exactly with i;octet, and folds Unicode with i;unicode-casemap', () => {
      assert.equal(matches(rich, prop({ name: 'SUMMARY', textMatch: { value: 'PLANNING' } })), true);
      assert.equal(
        matches(rich, prop({ name: 'SUMMARY', textMatch: { value: 'PLANNING', collation: 'i;octet' } })),
        false,
      );
      assert.equal(
        matches(rich, prop({ name: 'SUMMARY', textMatch: { value: 'Planning', collation: 'i;octet' } })),
        true,
      );
      assert.equal(matches(rich, prop({ name: 'SUMMARY', textMatch: { value: 'STRASSE' } })), false);
      assert.equal(
        matches(rich, prop({ name: 'SUMMARY', textMatch: { value: 'STRASSE', collation: 'i;unicode-casemap' } })),
        true,
      );
    });
    it('inverts a text match with negate-condition, and matches any value of a list', () => {
      assert.equal(matches(rich, prop({ name: 'SUMMARY', textMatch: { value: 'standup', negate: true } })), true);
      assert.equal(matches(rich, prop({ name: 'SUMMARY', textMatch: { value: 'planning', negate: true } })), false);
      assert.equal(matches(rich, prop({ name: 'CATEGORIES', textMatch: { value: 'travel' } })), true);
    });
    it('tests existence: an empty prop-filter, is-not-defined on properties and components', () => {
      assert.equal(matches(rich, prop({ name: 'CATEGORIES' })), true);
      assert.equal(matches(rich, prop({ name: 'LOCATION' })), false);
      assert.equal(matches(rich, prop({ name: 'LOCATION', isNotDefined: true })), true);
      assert.equal(matches(rich, events({ compFilters: [{ name: 'VALARM', isNotDefined: true }] })), true);
      assert.equal(matches(rich, cal([{ name: 'VTODO', isNotDefined: true }])), true);
      assert.equal(matches(rich, cal([{ name: 'VTODO' }])), false);
    });
    it('filters on parameters of the same property value', () => {
      const accepted = (who: string) =>
        prop({
          name: 'ATTENDEE',
          textMatch: { value: who },
          paramFilters: [{ name: 'PARTSTAT', textMatch: { value: 'accepted' } }],
        });
      assert.equal(matches(rich, accepted('bob@')), true);
      assert.equal(matches(rich, accepted('eve@')), false);
      assert.equal(
        matches(
          rich,
          prop({
            name: 'ATTENDEE',
            textMatch: { value: 'eve@' },
            paramFilters: [{ name: 'PARTSTAT', isNotDefined: true }],
          }),
        ),
        true,
      );
    });
  });

  describe('checking the filter', () => {
    it('refuses a filter that does not start at VCALENDAR, or an empty or inverted range', () => {
      const code = (f: CompFilter) => {
        try {
          checkFilter(f);
          return 'ok';
        } catch (err) {
          return (err as CaldavPreconditionError).precondition;
        }
      };
      assert.equal(code({ name: 'VEVENT' }), 'valid-filter');
      assert.equal(code(events({ timeRange: { start: -Infinity, end: Infinity } })), 'valid-filter');
      assert.equal(code(inRange('2026-01-02T00:00:00Z', '2026-01-01T00:00:00Z')), 'valid-filter');
      assert.equal(
        code(events({ propFilters: [{ name: 'SUMMARY', textMatch: { value: 'x', collation: 'i;klingon' } }] })),
        'supported-collation',
      );
      assert.equal(code(inRange('2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z')), 'ok');
    });

    it('hands the store the component type and range it may prefilter on', () => {
      assert.deepEqual(queryHints(inRange('2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z')), {
        componentType: 'VEVENT',
        range: range('2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z'),
      });
      assert.deepEqual(queryHints(cal([{ name: 'VTODO', isNotDefined: true }])), { componentType: null, range: null });
    });
  });
});
