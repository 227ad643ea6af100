import ICAL from 'ical.js';
import { DAY_MS } from './civil-days.ts';
import { instantToWall, isFloating, timeAtWall, toInstant, wallOf, wallToInstant } from './instants.ts';
import { expandRule, ruleFromRecur, type ExpandState, type RecurrenceRule } from './rrule-engine.ts';
import { ZoneMemo } from './zone-memo.ts';

/**
 * The recurrence set of a master component (RFC 5545 §3.8.5): DTSTART, plus every RRULE's instances
 * (each bounded by its UNTIL), plus RDATEs, minus EXDATEs, duplicates removed. EXRULE (deprecated by
 * RFC 5545) is not supported. Instances come out in ascending order of their instant.
 */

/**
 * One start of the set. `wall` is its local clock (in DTSTART's zone for rule instances); `start` is built
 * only when asked for (most instances of a query are only compared, never written out).
 * `periodEnd` is the explicit end of an RDATE given as a PERIOD.
 */
export interface SetInstance {
  readonly start: ICAL.Time;
  startMs: number;
  wall: number;
  isDate: boolean;
  periodEnd: number | null;
}

class RuleInstance implements SetInstance {
  private time: ICAL.Time | undefined;
  readonly periodEnd = null;
  constructor(
    readonly wall: number,
    readonly startMs: number,
    private readonly like: ICAL.Time,
  ) {}
  get isDate(): boolean {
    return this.like.isDate;
  }
  get start(): ICAL.Time {
    return (this.time ??= timeAtWall(this.wall, this.like));
  }
}

function given(start: ICAL.Time, startMs: number, periodEnd: number | null): SetInstance {
  return { start, startMs, wall: wallOf(start), isDate: start.isDate, periodEnd };
}

/** Instances of one set's walk kept with its parse tree at most (a few kB). */
const MAX_KEPT = 400;

/** A finished walk: its instances, and the index before which the engine reported giving up (-1: never). */
interface KeptWalk {
  list: SetInstance[];
  truncatedAt: number;
}

interface Stream {
  head: SetInstance | null;
  next(): SetInstance | null;
}

function listStream(items: SetInstance[]): Stream {
  let i = 0;
  const s: Stream = { head: items[0] ?? null, next: () => (s.head = items[++i] ?? null) };
  return s;
}

/** Values of every property of a name (RDATE/EXDATE may repeat and carry lists). */
function values(component: ICAL.Component, name: string): Array<ICAL.Time | ICAL.Period> {
  return component.getAllProperties(name).flatMap((p) => p.getValues() as Array<ICAL.Time | ICAL.Period>);
}

/** The parsed recurrence definition of a master, evaluated with floating times in `floatingZone`. */
export class RecurrenceSet {
  readonly dtstart: ICAL.Time;
  readonly startMs: number;
  readonly rules: RecurrenceRule[];
  /** True when some RRULE has neither COUNT nor UNTIL. */
  readonly infinite: boolean;
  private readonly rdates: SetInstance[];
  private readonly exMs = new Set<number>();
  private readonly exDays = new Set<number>();
  private readonly zone: ICAL.Timezone;

  constructor(
    master: ICAL.Component,
    private readonly floatingZone: ICAL.Timezone,
  ) {
    const dtstart = master.getFirstPropertyValue('dtstart') as ICAL.Time | null;
    if (!dtstart) throw new Error('a recurring component needs DTSTART');
    this.dtstart = dtstart;
    this.zone = isFloating(dtstart) ? floatingZone : dtstart.zone!;
    this.startMs = toInstant(dtstart, floatingZone);
    this.rules = master.getAllProperties('rrule').map((p) => ruleFromRecur(p.getFirstValue() as ICAL.Recur));
    this.infinite = this.rules.some((r) => r.count === null && r.until === null);
    this.rdates = values(master, 'rdate')
      .map((v): SetInstance => {
        if (v instanceof ICAL.Period) {
          const startMs = toInstant(v.start, floatingZone);
          const end = v.end ? toInstant(v.end, floatingZone) : startMs + (v.duration?.toSeconds() ?? 0) * 1000;
          return given(v.start, startMs, end);
        }
        return given(v, toInstant(v, floatingZone), null);
      })
      .sort((a, b) => a.startMs - b.startMs);
    for (const v of values(master, 'exdate')) {
      if (!(v instanceof ICAL.Time)) continue;
      if (v.isDate) this.exDays.add(Math.floor(wallOf(v) / DAY_MS));
      else this.exMs.add(toInstant(v, floatingZone));
    }
  }

  /** True when the master has RRULE or RDATE. */
  get recurring(): boolean {
    return this.rules.length > 0 || this.rdates.length > 0;
  }

  private ruleStream(rule: RecurrenceRule, fromMs: number, state: ExpandState): Stream {
    const dt = this.dtstart;
    const fromWall = Number.isFinite(fromMs) ? instantToWall(fromMs, this.zone) - 2 * DAY_MS : undefined;
    const walls = expandRule(rule, wallOf(dt), dt.isDate, { fromWall }, state);
    const until = rule.until;
    // UNTIL in UTC (or with a zone) bounds instants; a floating or DATE UNTIL bounds the local clock.
    const untilWall = until && isFloating(until) ? wallOf(until) + (until.isDate ? DAY_MS - 1 : 0) : null;
    const untilMs = until && !isFloating(until) ? toInstant(until, this.floatingZone) : null;
    const s: Stream = {
      head: null,
      next: () => {
        const r = walls.next();
        if (r.done) return (s.head = null);
        const wall = r.value;
        const startMs = wallToInstant(wall, this.zone);
        if ((untilWall !== null && wall > untilWall) || (untilMs !== null && startMs > untilMs)) return (s.head = null);
        return (s.head = new RuleInstance(wall, startMs, dt));
      },
    };
    s.next();
    return s;
  }

  private excluded(i: SetInstance): boolean {
    if (this.exMs.has(i.startMs)) return true;
    if (!this.exDays.size) return false;
    const day = Math.floor((i.isDate ? i.wall : instantToWall(i.startMs, this.zone)) / DAY_MS);
    return this.exDays.has(day);
  }

  /**
   * The set's starts in ascending order. With `fromMs`, rule expansion begins near that instant (earlier
   * instances may still come first: callers filter); DTSTART and RDATEs are always included. `state` is
   * told when a rule expansion gave up (see rrule-engine.ts).
   */
  *starts(fromMs = -Infinity, state: ExpandState = { truncated: false }): Generator<SetInstance> {
    const kept = this.kept();
    if (!kept) {
      yield* this.walk(fromMs, state);
      return;
    }
    // A set whose rules all have COUNT walks from DTSTART whatever `fromMs` is: the kept walk is what it yields.
    for (let i = 0; i < kept.list.length; i++) {
      if (i === kept.truncatedAt) state.truncated = true;
      yield kept.list[i]!;
    }
    if (kept.truncatedAt === kept.list.length) state.truncated = true;
  }

  private keptWalk: KeptWalk | null | undefined;

  /**
   * The whole walk of a set whose rules all have a small COUNT (or that has none), kept after the first walk:
   * COUNT makes the engine count from DTSTART on every walk (rrule-engine.ts), so each query would repeat it.
   * Bounded by {@link MAX_KEPT} instances; null for any other set.
   */
  private kept(): KeptWalk | null {
    if (this.keptWalk !== undefined) return this.keptWalk;
    const bound = this.rules.reduce((n, r) => n + (r.count ?? Infinity), 1 + this.rdates.length);
    if (bound > MAX_KEPT) return (this.keptWalk = null);
    const state = { truncated: false };
    const list: SetInstance[] = [];
    let truncatedAt = -1;
    for (const inst of this.walk(-Infinity, state)) {
      if (state.truncated && truncatedAt < 0) truncatedAt = list.length;
      list.push(inst);
    }
    if (state.truncated && truncatedAt < 0) truncatedAt = list.length;
    return (this.keptWalk = { list, truncatedAt });
  }

  private *walk(fromMs: number, state: ExpandState): Generator<SetInstance> {
    const streams = [
      listStream([given(this.dtstart, this.startMs, null)]),
      listStream(this.rdates),
      ...this.rules.map((r) => this.ruleStream(r, fromMs, state)),
    ];
    let last = NaN;
    for (;;) {
      let best: Stream | null = null;
      for (const s of streams) if (s.head && (!best || s.head.startMs < best.head!.startMs)) best = s;
      if (!best) return;
      const inst = best.head!;
      best.next();
      // DTSTART also produced by the rule, or an RDATE repeating a rule instance: one instance only.
      if (inst.startMs === last) continue;
      last = inst.startMs;
      if (!this.excluded(inst)) yield inst;
    }
  }
}

const sets = new ZoneMemo<RecurrenceSet>();

/**
 * The recurrence set of a master, built once per parse tree and zone (trees of stored objects are cached
 * and never modified, so their sets can be too).
 */
export function recurrenceSetOf(master: ICAL.Component, floatingZone: ICAL.Timezone): RecurrenceSet {
  return sets.get(master, floatingZone, () => new RecurrenceSet(master, floatingZone));
}
