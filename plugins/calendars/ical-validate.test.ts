import assert from 'node:assert/strict';
import { CaldavPreconditionError } from './caldav-errors.ts';
import { UNBOUNDED } from './ical-index.ts';
import { validateCalendarObject, type ValidateOptions } from './ical-validate.ts';
import { at, ics, vevent } from './testing/ics.ts';

const opts: ValidateOptions = { supportedComponents: ['VEVENT', 'VTODO'] };

function refusal(body: string | Buffer, o: ValidateOptions = opts): string {
  try {
    validateCalendarObject(body, o);
    return 'accepted';
  } catch (err) {
    assert.ok(err instanceof CaldavPreconditionError, String(err));
    return err.precondition;
  }
}

describe('calendar object validation for PUT', () => {
  it('accepts an event and keeps its bytes exactly, BOM and line endings included', () => {
    const text =
      '\uFEFF' + ics(...vevent('UID:keep', 'DTSTART:20260101T100000Z', 'SUMMARY:Résumé')).replace(/\r\n/g, '\n');
    const bytes = Buffer.from(text, 'utf8');
    const v = validateCalendarObject(bytes, opts);
    assert.ok(v.bytes.equals(bytes));
    assert.equal(v.index.uid, 'keep');
    assert.equal(v.index.componentType, 'VEVENT');
  });

  it('refuses data that is not UTF-8 iCalendar (valid-calendar-data)', () => {
    assert.equal(refusal('hello'), 'valid-calendar-data');
    assert.equal(refusal(Buffer.from([0x42, 0x45, 0xff, 0xfe])), 'valid-calendar-data');
    assert.equal(refusal(ics(...vevent('UID:x', 'DTSTART:not-a-date'))), 'valid-calendar-data');
    assert.equal(
      refusal(ics(...vevent('UID:x', 'DTSTART:20260101T100000Z', 'RRULE:FREQ=SOMETIMES'))),
      'valid-calendar-data',
    );
    assert.equal(
      refusal(ics(...vevent('UID:x', 'DTSTART:20260101T100000Z', 'DTEND:20251231T100000Z'))),
      'valid-calendar-data',
    );
    assert.equal(refusal(ics(...vevent('UID:x', 'DTSTART:20260101T100000Z')) + ics()), 'valid-calendar-data');
    assert.equal(refusal('BEGIN:VCALENDAR\r\n' + 'BEGIN:X\r\n'.repeat(20000)), 'valid-calendar-data');
  });

  it('refuses what a stored object must not be (valid-calendar-object-resource)', () => {
    assert.equal(
      refusal(ics('METHOD:REQUEST', ...vevent('UID:m', 'DTSTART:20260101T100000Z'))),
      'valid-calendar-object-resource',
    );
    assert.equal(
      refusal(ics(...vevent('UID:a', 'DTSTART:20260101T100000Z'), ...vevent('UID:b', 'DTSTART:20260101T100000Z'))),
      'valid-calendar-object-resource',
      'two UIDs',
    );
    assert.equal(
      refusal(ics(...vevent('UID:a', 'DTSTART:20260101T100000Z'), 'BEGIN:VTODO', 'UID:a', 'END:VTODO')),
      'valid-calendar-object-resource',
      'two component types',
    );
    assert.equal(refusal(ics(...vevent('DTSTART:20260101T100000Z'))), 'valid-calendar-object-resource', 'no UID');
    assert.equal(refusal(ics(...vevent('UID:a'))), 'valid-calendar-object-resource', 'no DTSTART');
    assert.equal(
      refusal(ics(...vevent('UID:a', 'DTSTART:20260101T100000Z', 'DTEND:20260101T110000Z', 'DURATION:PT1H'))),
      'valid-calendar-object-resource',
    );
    assert.equal(refusal(ics('X-ONLY:properties')), 'valid-calendar-object-resource');
    assert.equal(
      refusal(ics(...vevent('UID:a', 'DTSTART:20260101T100000Z'), ...vevent('UID:a', 'DTSTART:20260102T100000Z'))),
      'valid-calendar-object-resource',
      'two masters',
    );
  });

  it('refuses component types the calendar does not hold, and oversized objects', () => {
    const journal = ics('BEGIN:VJOURNAL', 'UID:j', 'DTSTAMP:20260101T000000Z', 'END:VJOURNAL');
    assert.equal(refusal(journal), 'supported-calendar-component');
    assert.equal(refusal(journal, { supportedComponents: ['VJOURNAL'] }), 'accepted');
    const big = ics(...vevent('UID:big', 'DTSTART:20260101T100000Z', `DESCRIPTION:${'x'.repeat(2000)}`));
    assert.equal(refusal(big, { ...opts, maxResourceSize: 1000 }), 'max-resource-size');
    const v3 = ics(...vevent('UID:v', 'DTSTART:20260101T100000Z')).replace('VERSION:2.0', 'VERSION:3.0');
    assert.equal(refusal(v3), 'supported-calendar-data');
  });

  it('accepts from a mirrored remote calendar what a client could not store, if it parses', () => {
    const noStart = ics(...vevent('UID:a'));
    assert.equal(refusal(noStart, { ...opts, mode: 'mirror' }), 'accepted');
    assert.equal(refusal('garbage', { ...opts, mode: 'mirror' }), 'valid-calendar-data');
  });

  it('indexes the span of single, bounded and endless events', () => {
    const one = validateCalendarObject(ics(...vevent('UID:1', 'DTSTART:20260101T100000Z', 'DURATION:PT2H')), opts);
    assert.deepEqual(
      [one.index.firstOccurrence, one.index.lastOccurrence, one.index.recurring],
      [at('2026-01-01T10:00:00Z'), at('2026-01-01T12:00:00Z'), false],
    );
    const counted = validateCalendarObject(
      ics(...vevent('UID:2', 'DTSTART:20260101T100000Z', 'DURATION:PT1H', 'RRULE:FREQ=WEEKLY;COUNT=3')),
      opts,
    );
    assert.deepEqual([counted.index.lastOccurrence, counted.index.recurring], [at('2026-01-15T11:00:00Z'), true]);
    const endless = validateCalendarObject(
      ics(...vevent('UID:3', 'DTSTART:20260101T100000Z', 'RRULE:FREQ=DAILY')),
      opts,
    );
    assert.equal(endless.index.lastOccurrence, UNBOUNDED);
    const floating = validateCalendarObject(ics(...vevent('UID:4', 'DTSTART;VALUE=DATE:20260704')), opts);
    assert.deepEqual(
      [floating.index.firstOccurrence, floating.index.lastOccurrence],
      [at('2026-07-03T10:00:00Z'), at('2026-07-05T14:00:00Z')],
    );
    const todo = validateCalendarObject(ics('BEGIN:VTODO', 'UID:5', 'DUE:20260101T100000Z', 'END:VTODO'), opts);
    assert.deepEqual([todo.index.componentType, todo.index.firstOccurrence], ['VTODO', null]);
  });
});
