import type ICAL from 'ical.js';
import { DAY_MS } from './civil-days.ts';
import { isFloating, toInstant, wallOf, wallToInstant } from './instants.ts';
import { recurrenceSetOf, type SetInstance } from './recurrence-set.ts';
import type { ExpandState } from './rrule-engine.ts';
import { ZoneMemo } from './zone-memo.ts';

/**
 * Occurrences of the calendar components of one UID in one object: a master (no RECURRENCE-ID) and its
 * overridden instances. Each occurrence carries the times RFC 4791 §9.9 looks at, already shifted to the
 * instance: a generated instance keeps the master's exact length when the master has DTEND/DUE, and its
 * nominal length (days by the local clock) when it has DURATION (RFC 5545 §3.8.5.3). Overrides stand for
 * themselves and replace the generated instance whose start their RECURRENCE-ID names. A THISANDFUTURE
 * range on an override is treated as a single-instance override.
 */

/** The types whose components recur and can be expanded. */
export const RECURRING_TYPES = new Set(['vevent', 'vtodo', 'vjournal']);

/** A master with its overrides, all of one component type. */
export interface ComponentSet {
  type: string;
  master: ICAL.Component | null;
  overrides: ICAL.Component[];
}

/** One occurrence, with instants in ms. `endKind` says where `endMs` came from. */
export interface Occurrence {
  component: ICAL.Component;
  /** The occurrence's DTSTART value (built on demand for generated instances). */
  readonly start: ICAL.Time | null;
  startMs: number | null;
  /** Local clock of the start, in the start's own zone (floating/DATE: as written). */
  startWall: number | null;
  isDate: boolean;
  /** True when the start is floating or a DATE (its instant depends on the query's zone). */
  floating: boolean;
  /** DTEND (VEVENT) or DUE (VTODO), or DTSTART+DURATION, of this occurrence. */
  endMs: number | null;
  endKind: 'end' | 'duration' | 'none';
  /** Original start of a recurrence instance (generated or overridden); null for a single component. */
  recurrenceId: ICAL.Time | null;
  /** True for an instance produced from the master's rules (not the master's own DTSTART, not an override). */
  generated: boolean;
}

const setsOf = new WeakMap<ICAL.Component, ComponentSet[]>();

/** Groups an object's components (VTIMEZONE aside) into sets by type and UID (memoised per parse tree). */
export function componentSets(vcalendar: ICAL.Component): ComponentSet[] {
  const hit = setsOf.get(vcalendar);
  if (hit) return hit;
  const result = groupSets(vcalendar);
  setsOf.set(vcalendar, result);
  return result;
}

function groupSets(vcalendar: ICAL.Component): ComponentSet[] {
  const sets = new Map<string, ComponentSet>();
  for (const c of vcalendar.getAllSubcomponents()) {
    if (c.name === 'vtimezone') continue;
    const key = `${c.name}\u0000${String(c.getFirstPropertyValue('uid') ?? '')}`;
    let set = sets.get(key);
    if (!set) sets.set(key, (set = { type: c.name, master: null, overrides: [] }));
    if (c.hasProperty('recurrence-id')) set.overrides.push(c);
    else set.master ??= c;
  }
  return [...sets.values()];
}

const END_PROP: Record<string, string> = { vevent: 'dtend', vtodo: 'due' };

function durationMs(d: ICAL.Duration): { days: number; ms: number } {
  const sign = d.isNegative ? -1 : 1;
  return {
    days: sign * (d.weeks * 7 + d.days),
    ms: sign * (d.hours * 3600 + d.minutes * 60 + d.seconds) * 1000,
  };
}

/** Adds a DURATION to a start: days by the local clock of `zone` (nominal), the rest exactly. */
function addDuration(startMs: number, startWall: number, d: ICAL.Duration, zone: ICAL.Timezone): number {
  const { days, ms } = durationMs(d);
  if (!days) return startMs + ms;
  return wallToInstant(startWall + days * DAY_MS, zone) + ms;
}

const own = new ZoneMemo<Occurrence>();

/** The occurrence a component describes by itself (a non-recurring component, a master's first instance, an override). */
export function ownOccurrence(c: ICAL.Component, floatingZone: ICAL.Timezone): Occurrence {
  return own.get(c, floatingZone, () => computeOwn(c, floatingZone));
}

function computeOwn(c: ICAL.Component, floatingZone: ICAL.Timezone): Occurrence {
  const start = (c.getFirstPropertyValue('dtstart') as ICAL.Time | null) ?? null;
  const recurrenceId = (c.getFirstPropertyValue('recurrence-id') as ICAL.Time | null) ?? null;
  const effectiveStart = start ?? recurrenceId;
  const startMs = effectiveStart ? toInstant(effectiveStart, floatingZone) : null;
  const endName = END_PROP[c.name];
  const endValue = endName ? ((c.getFirstPropertyValue(endName) as ICAL.Time | null) ?? null) : null;
  const duration = (c.getFirstPropertyValue('duration') as ICAL.Duration | null) ?? null;
  let endMs: number | null = null;
  let endKind: Occurrence['endKind'] = 'none';
  if (endValue) {
    endMs = toInstant(endValue, floatingZone);
    endKind = 'end';
  } else if (duration && effectiveStart && startMs !== null) {
    const zone = isFloating(effectiveStart) ? floatingZone : effectiveStart.zone!;
    endMs = addDuration(startMs, wallOf(effectiveStart), duration, zone);
    endKind = 'duration';
  }
  return {
    component: c,
    start: effectiveStart,
    startMs,
    startWall: effectiveStart ? wallOf(effectiveStart) : null,
    isDate: effectiveStart?.isDate ?? false,
    floating: effectiveStart ? isFloating(effectiveStart) : false,
    endMs,
    endKind,
    recurrenceId,
    generated: false,
  };
}

/** Keys under which an override's RECURRENCE-ID replaces a generated instance. */
function recurrenceKeys(t: ICAL.Time, floatingZone: ICAL.Timezone): string[] {
  const keys = [`ms:${toInstant(t, floatingZone)}`];
  if (t.isDate) keys.push(`day:${Math.floor(wallOf(t) / DAY_MS)}`);
  return keys;
}

/** Options for walking a set's occurrences. */
export interface OccurrenceWindow {
  /** Occurrences starting at or after `end` are not needed (the walk stops a day past it). */
  start: number;
  end: number;
  /** Extra room before `start` for instances that began earlier but may still matter (alarms). */
  lead?: number;
}

/**
 * The occurrences of a set that may touch a window, in roughly ascending order (callers apply the exact
 * RFC 4791 test). Generated instances replaced by an override are skipped; overrides are always yielded.
 */
export function* occurrencesOf(
  set: ComponentSet,
  window: OccurrenceWindow,
  floatingZone: ICAL.Timezone,
  state?: ExpandState,
): Generator<Occurrence> {
  for (const o of set.overrides) yield ownOccurrence(o, floatingZone);
  const master = set.master;
  if (!master) return;
  const base = ownOccurrence(master, floatingZone);
  const recurring = master.hasProperty('rrule') || master.hasProperty('rdate');
  if (!recurring || base.startMs === null || !base.start) {
    yield base;
    return;
  }
  const rset = recurrenceSetOf(master, floatingZone);
  const replaced = new Set(
    set.overrides.flatMap((o) => recurrenceKeys(o.getFirstPropertyValue('recurrence-id') as ICAL.Time, floatingZone)),
  );
  const length = base.endMs === null ? 0 : Math.max(0, base.endMs - base.startMs);
  const duration = (master.getFirstPropertyValue('duration') as ICAL.Duration | null) ?? null;
  const zone = isFloating(base.start) ? floatingZone : base.start.zone!;
  const from = window.start - length - (window.lead ?? 0) - 2 * DAY_MS;
  for (const inst of rset.starts(from, state)) {
    if (inst.startMs >= window.end + DAY_MS) return;
    const keys = [`ms:${inst.startMs}`];
    if (inst.isDate) keys.push(`day:${Math.floor(inst.wall / DAY_MS)}`);
    if (keys.some((k) => replaced.has(k))) continue;
    yield instanceOccurrence(master, base, inst, length, duration, zone);
  }
}

/** An instance generated from a master's rules; its ICAL.Time values are built only when read. */
class GeneratedOccurrence implements Occurrence {
  readonly startWall: number;
  readonly startMs: number;
  readonly isDate: boolean;
  readonly floating: boolean;
  readonly generated: boolean;
  constructor(
    readonly component: ICAL.Component,
    private readonly inst: SetInstance,
    base: Occurrence,
    readonly endMs: number | null,
    readonly endKind: Occurrence['endKind'],
  ) {
    this.startWall = inst.wall;
    this.startMs = inst.startMs;
    this.isDate = inst.isDate;
    this.floating = base.floating;
    this.generated = inst.startMs !== base.startMs;
  }
  get start(): ICAL.Time {
    return this.inst.start;
  }
  get recurrenceId(): ICAL.Time {
    return this.inst.start;
  }
}

function instanceOccurrence(
  master: ICAL.Component,
  base: Occurrence,
  inst: SetInstance,
  length: number,
  duration: ICAL.Duration | null,
  zone: ICAL.Timezone,
): Occurrence {
  let endMs: number | null = null;
  let endKind = base.endKind;
  if (inst.periodEnd !== null) {
    endMs = inst.periodEnd;
    endKind = 'end';
  } else if (base.endKind === 'duration' && duration) endMs = addDuration(inst.startMs, inst.wall, duration, zone);
  else if (base.endKind === 'end' && inst.isDate) {
    // All-day: the same number of days by the local clock, whatever DST does to the hours between.
    const days = Math.round(length / DAY_MS);
    endMs = wallToInstant(inst.wall + days * DAY_MS, zone);
  } else if (base.endKind === 'end') endMs = inst.startMs + length;
  return new GeneratedOccurrence(master, inst, base, endMs, endKind);
}
