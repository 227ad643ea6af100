import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { calendarShellText, convertedCopyText, utcTextWithout } from './component-text.ts';
import { ics, parse } from './testing/ics.ts';
import { ianaZone, utcZone } from './timezones.ts';

/**
 * The fast path (stringifying the shared parse tree's arrays without the dropped properties) must write exactly
 * the bytes the copy-and-convert path writes, for every kind of property ical.js may stringify differently.
 */

const POOL = [
  'SUMMARY:A summary long enough to be folded by the writer: ' + 'é✓ word '.repeat(12),
  'DESCRIPTION:commas\\, semicolons\\; a newline\\nand a backslash\\\\ end',
  'LOCATION;ALTREP="http://example.com/a:b;c":Room 1',
  'ATTENDEE;CN="Doe, Jane";ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:jane@example.com',
  'ORGANIZER;CN=Bob:mailto:bob@example.com',
  'CATEGORIES:one,two,three',
  'GEO:48.85299;2.36885',
  'CLASS:PRIVATE',
  'PRIORITY:5',
  'SEQUENCE:3',
  'STATUS:CONFIRMED',
  'TRANSP:TRANSPARENT',
  'URL:http://example.com/x?y=1&z=2',
  'X-CUSTOM;X-PARAM=a,b:some value',
  'CREATED:20260101T101010Z',
  'LAST-MODIFIED:20260102T101010Z',
  'RDATE;VALUE=PERIOD:20260310T100000Z/20260310T120000Z,20260311T100000Z/PT2H',
  'RDATE:20260320T100000Z,20260321T100000Z',
  'EXDATE:20260317T100000Z',
  'RRULE:FREQ=WEEKLY;COUNT=10;BYDAY=TU,TH',
  'RECURRENCE-ID:20260303T100000Z',
  'COMMENT;LANGUAGE=de:Grüße',
  'REQUEST-STATUS:2.0;Success',
  'ATTACH;FMTTYPE=text/plain;ENCODING=BASE64;VALUE=BINARY:SGVsbG8=',
];

const STARTS = [
  ['DTSTART:20260303T100000Z', 'DTEND:20260303T110000Z'],
  ['DTSTART;VALUE=DATE:20260303', 'DTEND;VALUE=DATE:20260304'],
  ['DTSTART:20260303T100000Z', 'DURATION:PT1H30M'],
  ['DTSTART;TZID=Europe/Berlin:20260303T100000', 'DTEND;TZID=Europe/Berlin:20260303T110000'],
  ['DTSTART:20260303T100000', 'DTEND:20260303T110000'],
  ['DTSTART:20260303T100000Z', 'DTEND;TZID=Europe/Berlin:20260303T120000'],
];

const ALARMS = [
  [],
  ['BEGIN:VALARM', 'ACTION:DISPLAY', 'DESCRIPTION:Reminder', 'TRIGGER:-PT15M', 'END:VALARM'],
  [
    'BEGIN:VALARM',
    'ACTION:AUDIO',
    'TRIGGER;VALUE=DATE-TIME:20260303T094500Z',
    'REPEAT:2',
    'DURATION:PT5M',
    'END:VALARM',
  ],
  ['BEGIN:VALARM', 'ACTION:DISPLAY', 'DESCRIPTION:x', 'TRIGGER;VALUE=DATE-TIME:20260303T094500', 'END:VALARM'],
];

const DROPS = [
  ['rrule', 'rdate', 'exdate', 'exrule'],
  ['rrule', 'rdate', 'exdate', 'exrule', 'dtstart', 'dtend', 'due', 'recurrence-id'],
  [],
];

/** A deterministic spread of events: each takes a different subset of the pool, one start form and one alarm. */
function events(): string[] {
  const out: string[] = [];
  for (let i = 0; i < 240; i++) {
    const props = POOL.filter((_, k) => ((i * 7919) >> (k % 13)) & 1 || (i + k) % 5 === 0);
    const times = STARTS[i % STARTS.length]!;
    const alarm = ALARMS[Math.floor(i / STARTS.length) % ALARMS.length]!;
    out.push(
      ics('BEGIN:VEVENT', `UID:ev-${i}`, 'DTSTAMP:20260101T000000Z', ...times, ...props, ...alarm, 'END:VEVENT'),
    );
  }
  return out;
}

describe('component text for expanded answers', () => {
  const berlin = ianaZone('Europe/Berlin')!;

  it('writes byte for byte what a converted copy writes, fast path or not', () => {
    let fast = 0;
    for (const text of events()) {
      const event = parse(text).getFirstSubcomponent('vevent')!;
      for (const drop of DROPS)
        for (const zone of [utcZone, berlin]) {
          const expected = convertedCopyText(event, drop, zone);
          assert.equal(utcTextWithout(event, drop, zone), expected, text);
          if (!/^DTSTART[^:\r\n]*:\d{8}T\d{6}\r\n/m.test(expected) && !/TZID=/.test(expected)) fast++;
        }
    }
    assert.ok(fast > 300, `the fast path was taken ${fast} times`);
  });

  it('leaves the shared parse tree as it was', () => {
    for (const text of events().slice(0, 40)) {
      const tree = parse(text);
      const before = JSON.stringify(tree.jCal);
      const event = tree.getFirstSubcomponent('vevent')!;
      utcTextWithout(event, DROPS[1]!, berlin);
      assert.equal(JSON.stringify(tree.jCal), before);
    }
  });

  it('writes a VCALENDAR shell like ical.js writes an empty copy', () => {
    const heads = [
      ['METHOD:PUBLISH', 'X-WR-CALNAME:Équipe, "long" ' + 'name '.repeat(20)],
      ['METHOD:PUBLISH', 'X-WR-CALNAME:Équipe, "long" ' + 'name '.repeat(21)],
      ['X-WR-TIMEZONE:Europe/Berlin', 'X-PUBLISHED-TTL:PT1H'],
      [],
    ];
    for (let round = 0; round < 2; round++)
      for (const head of heads) {
        const tree = parse(
          ics(...head, 'BEGIN:VEVENT', 'UID:a', 'DTSTAMP:20260101T000000Z', 'DTSTART:20260303T100000Z', 'END:VEVENT'),
        );
        const copy = new ICAL.Component(['vcalendar', structuredClone(tree.jCal[1]), []]);
        assert.equal(calendarShellText(tree), copy.toString() + '\r\n');
      }
  });
});
