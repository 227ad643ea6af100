import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { offsetAt, toInstant, wallToInstant } from './instants.ts';
import { wall } from './testing/wall.ts';
import { ianaZone, registerReferencedZones, zoneFromCalendarTimezone } from './timezones.ts';

const iso = (ms: number) => new Date(ms).toISOString();

/** The zone's offset at an instant according to the ICU data in Node (independent of ical.js and our tables). */
function intlOffset(format: Intl.DateTimeFormat, ms: number): number {
  const p = Object.fromEntries(format.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!) - ms;
}

describe('instants and IANA time zones', () => {
  it('agrees with the ICU time zone data on every 6 hours of 2024–2027', () => {
    for (const tz of ['Europe/Berlin', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'Pacific/Chatham']) {
      const zone = ianaZone(tz)!;
      const format = new Intl.DateTimeFormat('en-US', {
        timeZone: tz,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
      for (let ms = Date.UTC(2024, 0, 1); ms < Date.UTC(2028, 0, 1); ms += 6 * 3_600_000)
        assert.equal(offsetAt(zone, ms), intlOffset(format, ms), `${tz} at ${iso(ms)}`);
    }
  });

  it('reads a local time in the spring gap with the offset before the gap', () => {
    const ny = ianaZone('America/New_York')!;
    assert.equal(iso(wallToInstant(wall('20260308T023000'), ny)), '2026-03-08T07:30:00.000Z');
    const berlin = ianaZone('Europe/Berlin')!;
    assert.equal(iso(wallToInstant(wall('20260329T023000'), berlin)), '2026-03-29T01:30:00.000Z');
  });

  it('reads a local time in the autumn overlap as its first occurrence', () => {
    const ny = ianaZone('America/New_York')!;
    assert.equal(iso(wallToInstant(wall('20261101T013000'), ny)), '2026-11-01T05:30:00.000Z');
    assert.equal(iso(wallToInstant(wall('20261101T020000'), ny)), '2026-11-01T07:00:00.000Z');
  });

  it('resolves aliases and prefixed TZIDs, and nothing for unknown names', () => {
    assert.equal(ianaZone('US/Eastern')?.tzid, 'US/Eastern');
    assert.ok(ianaZone('/mozilla.org/20050126_1/Europe/Berlin'));
    assert.equal(ianaZone('Mars/Olympus_Mons'), null);
  });

  it('makes a TZID without VTIMEZONE resolve to its IANA zone instead of floating', () => {
    const text = [
      'BEGIN:VCALENDAR',
      'BEGIN:VEVENT',
      'UID:x',
      'DTSTART;TZID=Asia/Tokyo:20260701T090000',
      'END:VEVENT',
      'END:VCALENDAR',
    ].join('\r\n');
    registerReferencedZones(text);
    const dt = new ICAL.Component(ICAL.parse(text) as unknown[])
      .getFirstSubcomponent('vevent')!
      .getFirstPropertyValue('dtstart') as ICAL.Time;
    assert.equal(iso(toInstant(dt, ICAL.Timezone.utcTimezone)), '2026-07-01T00:00:00.000Z');
  });

  it('evaluates floating times and dates in the zone it is given', () => {
    const floating = ICAL.Time.fromString('2026-07-01T09:00:00', null);
    assert.equal(iso(toInstant(floating, ianaZone('Europe/Berlin')!)), '2026-07-01T07:00:00.000Z');
    const date = ICAL.Time.fromString('2026-01-15', null);
    assert.equal(iso(toInstant(date, ianaZone('America/New_York')!)), '2026-01-15T05:00:00.000Z');
  });

  it('takes a calendar-timezone as VCALENDAR text or as a bare IANA id', () => {
    const vtz = [
      'BEGIN:VCALENDAR',
      'BEGIN:VTIMEZONE',
      'TZID:Custom/Plus3',
      'BEGIN:STANDARD',
      'DTSTART:19700101T000000',
      'TZOFFSETFROM:+0300',
      'TZOFFSETTO:+0300',
      'END:STANDARD',
      'END:VTIMEZONE',
      'END:VCALENDAR',
    ].join('\r\n');
    const zone = zoneFromCalendarTimezone(vtz)!;
    assert.equal(offsetAt(zone, Date.UTC(2026, 5, 1)), 3 * 3_600_000);
    assert.equal(offsetAt(zoneFromCalendarTimezone('Europe/Berlin')!, Date.UTC(2026, 5, 1)), 2 * 3_600_000);
    assert.equal(zoneFromCalendarTimezone('BEGIN:VCALENDAR\r\nEND:VCALENDAR'), null);
  });
});
