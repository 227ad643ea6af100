import assert from 'node:assert/strict';
import { formatUtc } from './instants.ts';
import { RecurrenceSet } from './recurrence-set.ts';
import type { ExpandState } from './rrule-engine.ts';
import { ics, parse, vevent } from './testing/ics.ts';
import { utcZone } from './timezones.ts';

function master(...lines: string[]) {
  return parse(ics(...vevent('UID:s', ...lines))).getFirstSubcomponent('vevent')!;
}

function walk(set: RecurrenceSet, fromMs?: number, state?: ExpandState, max = 100): string[] {
  const out: string[] = [];
  for (const i of set.starts(fromMs, state)) if (out.push(formatUtc(i.startMs)) >= max) break;
  return out;
}

describe('recurrence sets', () => {
  it('a COUNT set yields its whole walk on every call, whatever the start asked for', () => {
    const set = new RecurrenceSet(
      master(
        'DTSTART:20260302T100000Z',
        'RRULE:FREQ=WEEKLY;COUNT=5',
        'RDATE:20260303T100000Z,20260309T100000Z',
        'EXDATE:20260316T100000Z',
      ),
      utcZone,
    );
    const all = ['20260302T100000Z', '20260303T100000Z', '20260309T100000Z', '20260323T100000Z', '20260330T100000Z'];
    assert.deepEqual(walk(set), all);
    assert.deepEqual(walk(set, Date.UTC(2026, 2, 25)), all);
    assert.deepEqual(walk(set), all);
  });

  it('replays that the engine gave up, on every walk', () => {
    const set = new RecurrenceSet(
      master('DTSTART:20260302T100000Z', 'RRULE:FREQ=YEARLY;COUNT=3;BYMONTH=2;BYMONTHDAY=30'),
      utcZone,
    );
    for (let i = 0; i < 2; i++) {
      const state = { truncated: false };
      assert.deepEqual(walk(set, undefined, state), ['20260302T100000Z']);
      assert.equal(state.truncated, true);
    }
  });

  it('walks a rule without COUNT from near the start asked for', () => {
    const set = new RecurrenceSet(master('DTSTART:20260302T100000Z', 'RRULE:FREQ=DAILY'), utcZone);
    const from = walk(set, Date.UTC(2027, 0, 10), undefined, 3);
    assert.deepEqual(from, ['20260302T100000Z', '20270108T100000Z', '20270109T100000Z']);
  });
});
