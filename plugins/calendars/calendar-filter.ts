import type ICAL from 'ical.js';
import { CaldavPreconditionError } from './caldav-errors.ts';
import { componentSets, occurrencesOf, ownOccurrence, RECURRING_TYPES, type Occurrence } from './occurrences.ts';
import { checkCollation, textMatches, type TextMatch } from './text-match.ts';
import {
  alarmOverlaps,
  alarmReach,
  occurrenceOverlaps,
  propertyInRange,
  freeBusyOverlaps,
  type TimeRange,
} from './time-range.ts';

/**
 * `calendar-query` filters (RFC 4791 §9.7). The DAV layer builds the tree from the request XML; this
 * module checks it and evaluates it against one calendar object. Component and property names are
 * matched case-insensitively. A component filter holds when *some* component of that name satisfies its
 * time range and all its child filters together; for a recurring set with a time range that "component"
 * is each occurrence (RRULE+RDATE−EXDATE, overrides replacing theirs), so a property filter is checked
 * on the master or override that the overlapping occurrence comes from.
 */

export interface CompFilter {
  name: string;
  isNotDefined?: boolean;
  timeRange?: TimeRange;
  propFilters?: PropFilter[];
  compFilters?: CompFilter[];
}

export interface PropFilter {
  name: string;
  isNotDefined?: boolean;
  timeRange?: TimeRange;
  textMatch?: TextMatch;
  paramFilters?: ParamFilter[];
}

export interface ParamFilter {
  name: string;
  isNotDefined?: boolean;
  textMatch?: TextMatch;
}

/** Occurrences of one set examined at most for one filter (an open-ended range over an endless rule). */
const MAX_OCCURRENCES = 5000;

function invalid(message: string): CaldavPreconditionError {
  return new CaldavPreconditionError('valid-filter', message);
}

function checkRange(r: TimeRange | undefined, where: string): void {
  if (!r) return;
  if (r.start === -Infinity && r.end === Infinity) throw invalid(`time-range in ${where} needs start or end`);
  if (Number.isNaN(r.start) || Number.isNaN(r.end) || r.start >= r.end)
    throw invalid(`time-range in ${where} must have start before end`);
}

/** Throws `valid-filter` / `supported-collation` for a tree the server cannot evaluate as the RFC defines. */
export function checkFilter(filter: CompFilter): void {
  if (filter.name.toUpperCase() !== 'VCALENDAR') throw invalid('the filter must start with comp-filter VCALENDAR');
  if (filter.timeRange) throw invalid('VCALENDAR has no time range');
  const walk = (cf: CompFilter, depth: number) => {
    if (depth > 8) throw invalid('comp-filters are nested too deeply');
    if (!cf.name) throw invalid('comp-filter needs a name');
    checkRange(cf.timeRange, cf.name);
    for (const pf of cf.propFilters ?? []) {
      if (!pf.name) throw invalid('prop-filter needs a name');
      checkRange(pf.timeRange, pf.name);
      checkCollation(pf.textMatch?.collation);
      for (const pa of pf.paramFilters ?? []) checkCollation(pa.textMatch?.collation);
    }
    for (const sub of cf.compFilters ?? []) walk(sub, depth + 1);
  };
  walk(filter, 0);
}

interface Node {
  component: ICAL.Component;
  /** The occurrence this node is (or, for a VALARM, belongs to). */
  occurrence: Occurrence | null;
}

/** A property's value as text: TEXT values unescaped (lists joined by commas), others as iCalendar writes them. */
export function propertyText(p: ICAL.Property): string {
  if (p.type === 'text') return (p.getValues() as unknown[]).map(String).join(',');
  const line = p.toICALString();
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') quoted = !quoted;
    else if (ch === ':' && !quoted) return line.slice(i + 1);
  }
  return line;
}

class Evaluator {
  constructor(private readonly zone: ICAL.Timezone) {}

  node(n: Node, cf: CompFilter): boolean {
    if (cf.timeRange && !this.inRange(n, cf.timeRange)) return false;
    for (const pf of cf.propFilters ?? []) if (!this.prop(n.component, pf)) return false;
    for (const sub of cf.compFilters ?? []) if (!this.comp(n, sub)) return false;
    return true;
  }

  private inRange(n: Node, r: TimeRange): boolean {
    if (n.component.name === 'valarm')
      return n.occurrence ? alarmOverlaps(n.component, n.occurrence, r, this.zone) : false;
    if (n.component.name === 'vfreebusy') return freeBusyOverlaps(n.component, r, this.zone);
    return n.occurrence ? occurrenceOverlaps(n.occurrence, r, this.zone) : false;
  }

  /** The range to expand a recurring set over: the filter's own, else its alarms' widened by how far alarms reach. */
  private window(cf: CompFilter, component: ICAL.Component): { start: number; end: number; lead: number } | null {
    if (cf.timeRange) return { ...cf.timeRange, lead: 0 };
    const nested = (cf.compFilters ?? []).filter((s) => s.timeRange && s.name.toLowerCase() === 'valarm');
    if (!nested.length) return null;
    const reach = alarmReach(component);
    const start = Math.min(...nested.map((s) => s.timeRange!.start)) - reach;
    const end = Math.max(...nested.map((s) => s.timeRange!.end)) + reach;
    return { start, end, lead: reach };
  }

  comp(parent: Node, cf: CompFilter): boolean {
    const name = cf.name.toLowerCase();
    if (parent.component.name === 'vcalendar' && RECURRING_TYPES.has(name)) {
      const sets = componentSets(parent.component).filter((s) => s.type === name);
      if (cf.isNotDefined) return sets.length === 0;
      return sets.some((set) => {
        const any = set.master ?? set.overrides[0]!;
        const win = this.window(cf, any);
        if (!win) {
          const all = set.master ? [set.master, ...set.overrides] : set.overrides;
          return all.some((c) => this.node({ component: c, occurrence: ownOccurrence(c, this.zone) }, cf));
        }
        let seen = 0;
        for (const occ of occurrencesOf(set, win, this.zone)) {
          if (this.node({ component: occ.component, occurrence: occ }, cf)) return true;
          if (++seen >= MAX_OCCURRENCES) return false;
        }
        return false;
      });
    }
    const children = parent.component.getAllSubcomponents(name);
    if (cf.isNotDefined) return children.length === 0;
    return children.some((c) => this.node({ component: c, occurrence: parent.occurrence }, cf));
  }

  private prop(c: ICAL.Component, pf: PropFilter): boolean {
    const props = c.getAllProperties(pf.name.toLowerCase());
    if (pf.isNotDefined) return props.length === 0;
    return props.some(
      (p) =>
        (!pf.timeRange || propertyInRange(p, pf.timeRange, this.zone)) &&
        (!pf.textMatch || textMatches(propertyText(p), pf.textMatch)) &&
        (pf.paramFilters ?? []).every((pa) => this.param(p, pa)),
    );
  }

  private param(p: ICAL.Property, pa: ParamFilter): boolean {
    const raw = p.getParameter(pa.name.toLowerCase()) as string | string[] | undefined;
    if (pa.isNotDefined) return raw === undefined;
    if (raw === undefined) return false;
    const vals = Array.isArray(raw) ? raw : [raw];
    return !pa.textMatch || vals.some((v) => textMatches(String(v), pa.textMatch!));
  }
}

/**
 * Evaluates a checked filter against a parsed calendar object. Floating times and DATEs are read in
 * `floatingZone`: the query's CALDAV:timezone, else the calendar's, else UTC (RFC 4791 §9.9).
 */
export function matchesFilter(vcalendar: ICAL.Component, filter: CompFilter, floatingZone: ICAL.Timezone): boolean {
  if (filter.name.toUpperCase() !== 'VCALENDAR' || vcalendar.name !== 'vcalendar') return false;
  if (filter.isNotDefined) return false;
  return new Evaluator(floatingZone).node({ component: vcalendar, occurrence: null }, filter);
}

/** What a store may prefilter on: the one component type the object must hold, and the range it must touch. */
export interface QueryHints {
  componentType: string | null;
  range: TimeRange | null;
}

/** Prefilter hints of a filter (conservative: objects outside them can never match). */
export function queryHints(filter: CompFilter): QueryHints {
  const wanted = (filter.compFilters ?? []).find((cf) => !cf.isNotDefined);
  if (!wanted) return { componentType: null, range: null };
  return { componentType: wanted.name.toUpperCase(), range: wanted.timeRange ?? null };
}
