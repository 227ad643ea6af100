import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import ICAL from 'ical.js';
import { expandCalendar } from './expand.ts';
import { expandRule, ruleFromRecur, type ExpandState } from './rrule-engine.ts';
import { dtstarts, parse, range } from './testing/ics.ts';
import { recurrenceFixtures } from './testing/recurrence-fixtures.ts';
import { fmtWall, wall } from './testing/wall.ts';
import { utcZone } from './timezones.ts';

const PYTHON = '/usr/bin/python3';
const script = (name: string) => fileURLToPath(new URL(`./testing/${name}`, import.meta.url));

/** Runs a reference script over JSON-line cases; one parsed JSON answer per case. */
function python(name: string, cases: unknown[]): unknown[] {
  const r = spawnSync(PYTHON, [script(name)], {
    input: cases.map((c) => JSON.stringify(c)).join('\n') + '\n',
    encoding: 'utf8',
    env: { ...process.env, TZ: 'UTC' },
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`${name} failed: ${r.stderr}`);
  return r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as unknown);
}

describe('recurrence across time zones and DST', () => {
  for (const f of recurrenceFixtures)
    it(`expands ${f.name}`, () => {
      const out = expandCalendar(parse(f.ics), range(f.start, f.end), utcZone);
      assert.deepEqual(dtstarts(out).sort(), f.expected);
    });
});

describe('recurrence checked against Python references (Debian python3-dateutil, python3-recurring-ical-events)', () => {
  before(function () {
    const probe = spawnSync(PYTHON, ['-c', 'import dateutil, icalendar, recurring_ical_events'], { encoding: 'utf8' });
    if (probe.status === 0) return;
    if (process.env.CI === 'true') throw new Error(`the Python references are required in CI: ${probe.stderr}`);
    console.log('    (python3-dateutil / python3-recurring-ical-events missing; skipping outside CI)');
    this.skip();
  });

  it('recurring_ical_events finds the same instances as the hand-computed lists', () => {
    const cases = recurrenceFixtures.filter((f) => f.reference !== false);
    const answers = python(
      'recurring-instances.py',
      cases.map((f) => ({ ics: f.ics, start: f.start, end: f.end })),
    );
    cases.forEach((f, i) => assert.deepEqual(answers[i], f.expected, f.name));
  });

  it('80 generated zoned series (Berlin, New York, Sydney) have the instants recurring_ical_events computes', () => {
    let seed = 4242;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)]!;
    const pad = (n: number) => String(n).padStart(2, '0');
    const cases = Array.from({ length: 80 }, (_, i) => {
      const zone = pick(['Europe/Berlin', 'America/New_York', 'Australia/Sydney']);
      // Local times between 08:00 and 20:59 never fall into a DST gap or overlap in these zones.
      const start = `${pick([2025, 2026])}${pad(1 + Math.floor(rnd() * 12))}${pad(1 + Math.floor(rnd() * 28))}T${pad(8 + Math.floor(rnd() * 13))}${pick(['00', '15', '30', '45'])}00`;
      const rule = pick([
        'FREQ=DAILY',
        'FREQ=DAILY;INTERVAL=3',
        'FREQ=WEEKLY',
        'FREQ=WEEKLY;BYDAY=MO,WE,FR',
        'FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SU',
        'FREQ=MONTHLY',
        'FREQ=MONTHLY;BYDAY=-1FR',
        'FREQ=MONTHLY;BYMONTHDAY=-1,15',
        'FREQ=YEARLY;BYMONTH=3,10;BYDAY=-1SU',
      ]);
      const text = [
        'BEGIN:VCALENDAR',
        'VERSION:2.0',
        'PRODID:-//t//EN',
        'BEGIN:VEVENT',
        `UID:gen-${i}`,
        'DTSTAMP:20260101T000000Z',
        `DTSTART;TZID=${zone}:${start}`,
        'DURATION:PT45M',
        `RRULE:${rule};COUNT=${5 + Math.floor(rnd() * 40)}`,
        'END:VEVENT',
        'END:VCALENDAR',
        '',
      ].join('\r\n');
      return { ics: text, start: '2024-06-01T00:00:00Z', end: '2032-01-01T00:00:00Z' };
    });
    const answers = python('recurring-instances.py', cases);
    cases.forEach((c, i) => {
      const ours = dtstarts(expandCalendar(parse(c.ics), range(c.start, c.end), utcZone)).sort();
      assert.ok(ours.length >= 5, 'every series has instances');
      assert.deepEqual(ours, answers[i], c.ics);
    });
  });

  it('the RRULE engine expands 300 generated rules exactly as dateutil does', () => {
    let seed = 20261130;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)]!;
    const some = (a: Array<number | string>) => [
      ...new Set(Array.from({ length: 1 + Math.floor(rnd() * 3) }, () => pick(a))),
    ];
    const WD = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
    const cases: Array<{ dtstart: string; rrule: string; limit: number; before: string }> = [];
    while (cases.length < 300) {
      const freq = pick([
        'YEARLY',
        'YEARLY',
        'MONTHLY',
        'MONTHLY',
        'WEEKLY',
        'WEEKLY',
        'DAILY',
        'DAILY',
        'HOURLY',
        'MINUTELY',
      ]);
      const yearlyOrMonthly = freq === 'YEARLY' || freq === 'MONTHLY';
      const parts = [`FREQ=${freq}`];
      if (rnd() < 0.4) parts.push(`INTERVAL=${1 + Math.floor(rnd() * 4)}`);
      if (rnd() < 0.3) parts.push(`BYMONTH=${some([1, 2, 3, 4, 6, 9, 11, 12]).join(',')}`);
      if ((freq === 'YEARLY' || freq === 'DAILY') && rnd() < 0.15)
        parts.push(`BYYEARDAY=${some([1, 60, 100, 365, 366, -1, -100]).join(',')}`);
      if (freq !== 'WEEKLY' && rnd() < 0.35)
        parts.push(`BYMONTHDAY=${some([1, 2, 13, 15, 28, 29, 30, 31, -1, -2]).join(',')}`);
      if (rnd() < 0.45) {
        const ordinal = yearlyOrMonthly && rnd() < 0.5;
        parts.push(
          `BYDAY=${some(WD.map((d) => (ordinal ? pick(['1', '2', '-1', '3', '-2', '5']) : '') + d)).join(',')}`,
        );
      }
      if (freq !== 'HOURLY' && freq !== 'MINUTELY' && rnd() < 0.2)
        parts.push(`BYHOUR=${some([0, 9, 13, 23]).join(',')}`);
      if (rnd() < 0.1) parts.push(`BYMINUTE=${some([0, 15, 30, 45]).join(',')}`);
      if (freq !== 'MINUTELY' && rnd() < 0.2) parts.push(`BYSETPOS=${some([1, 2, -1, 3, -2]).join(',')}`);
      if (rnd() < 0.2) parts.push(`WKST=${pick(WD)}`);
      if (rnd() < 0.3) parts.push(`COUNT=${1 + Math.floor(rnd() * 20)}`);
      const y = 1995 + Math.floor(rnd() * 40);
      const dtstart = `${y}${String(1 + Math.floor(rnd() * 12)).padStart(2, '0')}${String(1 + Math.floor(rnd() * 28)).padStart(2, '0')}T${String(Math.floor(rnd() * 24)).padStart(2, '0')}${pick(['00', '30'])}00`;
      const c = { dtstart, rrule: parts.join(';'), limit: 25, before: `${y + 30}0101T000000` };
      // Rules that never match are the engine's own test (rrule-engine.test.ts); dateutil scans to year 9999 for them.
      if (ours(c).length) cases.push(c);
    }
    const answers = python('dateutil-rrule.py', cases);
    let compared = 0;
    cases.forEach((c, i) => {
      if (answers[i] === null) return;
      compared++;
      assert.deepEqual(ours(c), answers[i], `${c.rrule} from ${c.dtstart}`);
    });
    assert.ok(compared >= 290, `dateutil answered ${compared} of ${cases.length} cases`);
  });
});

function ours(c: { dtstart: string; rrule: string; limit: number; before: string }): string[] {
  const out: string[] = [];
  const before = wall(c.before);
  const state: ExpandState = { truncated: false };
  for (const w of expandRule(ruleFromRecur(ICAL.Recur.fromString(c.rrule)), wall(c.dtstart), false, {}, state)) {
    if (w >= before || out.length >= c.limit) break;
    out.push(fmtWall(w));
  }
  return out;
}
