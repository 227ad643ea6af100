import type ICAL from 'ical.js';
import { DAY_MS } from './civil-days.ts';
import { isFloating, toInstant } from './instants.ts';
import { componentSets, occurrencesOf, type ComponentSet, type Occurrence } from './occurrences.ts';
import { ALL_TIME, freeBusyPeriods } from './time-range.ts';
import { utcZone } from './timezones.ts';

/**
 * The columns a stored calendar object is found by: its UID and component type, and the span its
 * occurrences cover, so a time-range query reads only objects that can overlap (then evaluates them
 * exactly). The span is conservative:
 * - a rule without COUNT or UNTIL ends at {@link UNBOUNDED} (not capped at a year like sabre's 2038);
 * - floating and all-day times are evaluated in the query's zone, unknown here, so such spans are widened
 *   by 14 hours on each side (UTC offsets run from −12 to +14);
 * - VTODO spans are null ("always a candidate"): their RFC 4791 test may match with no dates at all;
 * - a bounded rule with more than {@link MAX_INDEXED} instances, or one the engine gave up on, ends at UNBOUNDED.
 */

/** Upper bound standing for "no end": 9999-12-31T23:59:59.999Z. */
export const UNBOUNDED = 253_402_300_799_999;
/** Instances walked at most to find a bounded rule's last occurrence. */
export const MAX_INDEXED = 20_000;
const FLOAT_SLACK = 14 * 3_600_000;

/** Index fields of a calendar object resource. Instants in epoch ms; null = no bound known. */
export interface ObjectIndex {
  uid: string;
  /** Upper-case component type: VEVENT, VTODO, VJOURNAL or VFREEBUSY. */
  componentType: string;
  firstOccurrence: number | null;
  lastOccurrence: number | null;
  recurring: boolean;
}

/** Where an occurrence ends for spanning purposes (VEVENT/VJOURNAL rules of RFC 4791 §9.9). */
function spanEnd(o: Occurrence): number {
  if (o.endMs !== null && o.component.name === 'vevent') return Math.max(o.endMs, o.startMs!);
  return o.isDate ? o.startMs! + DAY_MS : o.startMs!;
}

function spanOf(set: ComponentSet): { first: number; last: number; floating: boolean } | null {
  let first = Infinity;
  let last = -Infinity;
  let floating = false;
  const infinite = set.master?.getAllProperties('rrule').some((p) => {
    const r = p.getFirstValue() as ICAL.Recur;
    return !r.count && !r.until;
  });
  let seen = 0;
  let masterSeen = false;
  const state = { truncated: false };
  for (const o of occurrencesOf(set, ALL_TIME, utcZone, state)) {
    if (o.startMs === null) continue;
    if (o.floating) floating = true;
    first = Math.min(first, o.startMs);
    last = Math.max(last, spanEnd(o));
    if (o.component === set.master) {
      // The master's instances come in ascending order after the overrides: the first one is the earliest.
      if (infinite && masterSeen) break;
      masterSeen = true;
    }
    if (++seen > MAX_INDEXED) {
      last = UNBOUNDED;
      break;
    }
  }
  if (first === Infinity) return null;
  if (infinite || state.truncated) last = UNBOUNDED;
  return { first, last, floating };
}

/** Computes the index fields of a validated calendar object (all components share one UID and type). */
export function indexObject(vcalendar: ICAL.Component): ObjectIndex {
  const sets = componentSets(vcalendar);
  const set = sets[0];
  if (!set) throw new Error('no calendar component');
  const any = set.master ?? set.overrides[0]!;
  const uid = String(any.getFirstPropertyValue('uid') ?? '');
  const recurring = !!set.master && (set.master.hasProperty('rrule') || set.master.hasProperty('rdate'));
  const base = { uid, componentType: set.type.toUpperCase(), recurring: recurring || set.overrides.length > 0 };
  if (set.type === 'vtodo') return { ...base, firstOccurrence: null, lastOccurrence: null };
  if (set.type === 'vfreebusy') {
    const times: number[] = [];
    let floating = false;
    for (const name of ['dtstart', 'dtend']) {
      const v = any.getFirstPropertyValue(name) as ICAL.Time | null;
      if (v) {
        times.push(toInstant(v, utcZone));
        floating ||= isFloating(v);
      }
    }
    for (const p of freeBusyPeriods(any, utcZone)) times.push(p.start, p.end);
    if (!times.length) return { ...base, firstOccurrence: null, lastOccurrence: null };
    const slack = floating ? FLOAT_SLACK : 0;
    return { ...base, firstOccurrence: Math.min(...times) - slack, lastOccurrence: Math.max(...times) + slack };
  }
  const span = spanOf(set);
  if (!span) return { ...base, firstOccurrence: null, lastOccurrence: null };
  const slack = span.floating ? FLOAT_SLACK : 0;
  return {
    ...base,
    firstOccurrence: span.first - slack,
    lastOccurrence: span.last >= UNBOUNDED ? UNBOUNDED : Math.min(UNBOUNDED, span.last + slack),
  };
}
