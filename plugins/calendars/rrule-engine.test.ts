import assert from 'node:assert/strict';
import ICAL from 'ical.js';
import { expandRule, ruleFromRecur, RecurrenceRuleError, type ExpandState } from './rrule-engine.ts';
import { fmtWall, wall } from './testing/wall.ts';

function rule(text: string) {
  return ruleFromRecur(ICAL.Recur.fromString(text));
}

/** The first `n` instances (wall times) of a rule from a DTSTART. */
function first(text: string, dtstart: string, n = 50, opts: { fromWall?: number } = {}, state?: ExpandState): string[] {
  const out: string[] = [];
  const isDate = dtstart.length === 8;
  for (const w of expandRule(rule(text), wall(dtstart), isDate, opts, state)) {
    if (out.length >= n) break;
    out.push(isDate ? fmtWall(w).slice(0, 8) : fmtWall(w));
  }
  return out;
}

describe('RRULE engine', () => {
  it('recurs yearly on Feb 29 only in leap years', () => {
    assert.deepEqual(first('FREQ=YEARLY', '20240229T120000', 3), [
      '20240229T120000',
      '20280229T120000',
      '20320229T120000',
    ]);
  });

  it('skips months without the start day instead of moving the instance', () => {
    assert.deepEqual(first('FREQ=MONTHLY;COUNT=5', '20260131T090000'), [
      '20260131T090000',
      '20260331T090000',
      '20260531T090000',
      '20260731T090000',
      '20260831T090000',
    ]);
  });

  it('yields nothing for a day that never exists, and says it gave up', () => {
    const state = { truncated: false };
    const t0 = Date.now();
    assert.deepEqual(first('FREQ=MINUTELY;BYMONTH=2;BYMONTHDAY=30', '20260101T000000', 3, {}, state), []);
    assert.equal(state.truncated, true);
    assert.deepEqual(first('FREQ=MONTHLY;BYDAY=MO;BYSETPOS=6', '20260101T000000', 3), []);
    assert.deepEqual(
      first('FREQ=DAILY;INTERVAL=7;BYDAY=TU', '20260105T100000', 3),
      [],
      'Mondays + 7 days never hit a Tuesday',
    );
    assert.ok(Date.now() - t0 < 5000, `impossible rules end quickly (${Date.now() - t0} ms)`);
  });

  it('expands nth weekdays and set positions within the month', () => {
    assert.deepEqual(first('FREQ=MONTHLY;BYDAY=-1FR', '20260130T100000', 3), [
      '20260130T100000',
      '20260227T100000',
      '20260327T100000',
    ]);
    assert.deepEqual(first('FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1', '20260130T100000', 3), [
      '20260130T100000',
      '20260227T100000',
      '20260331T100000',
    ]);
    assert.deepEqual(first('FREQ=YEARLY;BYMONTH=11;BYDAY=4TH', '20261126T120000', 2), [
      '20261126T120000',
      '20271125T120000',
    ]);
  });

  it('steps weekly rules by whole weeks of their interval', () => {
    assert.deepEqual(first('FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,TH;COUNT=4', '20260303T080000'), [
      '20260303T080000',
      '20260305T080000',
      '20260317T080000',
      '20260319T080000',
    ]);
  });

  it('numbers weeks as RFC 5545 does, across year ends', () => {
    // ISO week 1 of 2025 starts on Monday 2024-12-30; 2026-01-01 is a Thursday, so 2026's week 1 starts 2025-12-29.
    assert.deepEqual(first('FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO', '20240101T090000', 3), [
      '20240101T090000',
      '20241230T090000',
      '20251229T090000',
    ]);
    // Only years starting on a Thursday (or leap years starting on a Wednesday) have a week 53.
    assert.deepEqual(first('FREQ=YEARLY;BYWEEKNO=53;BYDAY=TH', '20260101T090000', 2), [
      '20261231T090000',
      '20321230T090000',
    ]);
  });

  it('combines BYHOUR and BYMINUTE into several times a day, counted by COUNT', () => {
    assert.deepEqual(first('FREQ=DAILY;BYHOUR=9,17;BYMINUTE=30;COUNT=3', '20260301T093000'), [
      '20260301T093000',
      '20260301T173000',
      '20260302T093000',
    ]);
  });

  it('keeps all-day rules on dates', () => {
    assert.deepEqual(first('FREQ=YEARLY;COUNT=3', '20260704'), ['20260704', '20270704', '20280704']);
    assert.throws(() => first('FREQ=HOURLY', '20260704'), RecurrenceRuleError);
  });

  it('refuses rules that are not well-formed', () => {
    for (const bad of ['FREQ=DAILY;COUNT=-1', 'FREQ=MONTHLY;BYMONTHDAY=0', 'FREQ=YEARLY;BYSETPOS=0', 'X=Y'])
      assert.throws(() => rule(bad), RecurrenceRuleError, bad);
    assert.throws(
      () => ruleFromRecur(ICAL.Recur.fromString('FREQ=DAILY;COUNT=3;UNTIL=20300101T000000Z')),
      /both COUNT and UNTIL/,
    );
  });

  it('starting at a later period gives the same instances as walking from DTSTART', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)]!;
    const rules = [
      'FREQ=DAILY',
      'FREQ=DAILY;INTERVAL=3;BYMONTH=1,6,7',
      'FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR;WKST=SU',
      'FREQ=WEEKLY;INTERVAL=3',
      'FREQ=MONTHLY;INTERVAL=2;BYDAY=2TU,-1SU',
      'FREQ=MONTHLY;BYMONTHDAY=-1,15;BYSETPOS=1',
      'FREQ=YEARLY;INTERVAL=3;BYMONTH=2;BYMONTHDAY=29',
      'FREQ=YEARLY;BYWEEKNO=20,-1;BYDAY=WE',
      'FREQ=HOURLY;INTERVAL=5;BYDAY=SA',
      'FREQ=MINUTELY;INTERVAL=45;BYHOUR=9,10',
    ];
    for (let i = 0; i < 60; i++) {
      const text = pick(rules);
      const start = wall('20200101T093000') + Math.floor(rnd() * 400) * 86_400_000;
      const from = start + Math.floor(rnd() * 1500) * 86_400_000 + Math.floor(rnd() * 86_400) * 1000;
      const walk = (opts: { fromWall?: number }) => {
        const out: number[] = [];
        for (const w of expandRule(rule(text), start, false, opts)) {
          if (w >= from) out.push(w);
          if (out.length >= 8) break;
        }
        return out.map(fmtWall);
      };
      assert.deepEqual(walk({ fromWall: from }), walk({}), `${text} from ${fmtWall(start)} at ${fmtWall(from)}`);
    }
  });
});
