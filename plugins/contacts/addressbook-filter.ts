/**
 * The `addressbook-query` filter (RFC 6352 §10.5): parsed from XML, evaluated on a card's content lines, and turned
 * into SQL probes on the card index where that is exact enough to prefilter (a superset of the matches).
 */
import { child, elements, textOf, type XmlElement } from '#dav';
import { CARDDAV_NS, CarddavPreconditionError } from './carddav-errors.ts';
import type { IndexProbe } from './card-store.ts';
import { INDEXED_PROPS } from './vcard.ts';
import { unescapeValue, type ContentLine } from './vcard-lines.ts';

type MatchType = 'equals' | 'contains' | 'starts-with' | 'ends-with';

/** A CARDDAV:text-match. */
export interface TextMatch {
  text: string;
  collation: 'i;unicode-casemap' | 'i;ascii-casemap' | 'i;octet';
  match: MatchType;
  negate: boolean;
}

/** A CARDDAV:param-filter. */
export interface ParamFilter {
  name: string;
  isNotDefined: boolean;
  textMatch: TextMatch | null;
}

/** A CARDDAV:prop-filter. */
export interface PropFilter {
  name: string;
  test: 'anyof' | 'allof';
  isNotDefined: boolean;
  textMatches: TextMatch[];
  paramFilters: ParamFilter[];
}

/** A CARDDAV:filter. */
export interface CardFilter {
  test: 'anyof' | 'allof';
  props: PropFilter[];
}

function unsupported(message: string): CarddavPreconditionError {
  return new CarddavPreconditionError('supported-filter', message);
}

function testOf(el: XmlElement): 'anyof' | 'allof' {
  const t = (el.attrs.get('test') ?? 'anyof').toLowerCase();
  if (t !== 'anyof' && t !== 'allof') throw unsupported(`test="${t.slice(0, 20)}" is not anyof or allof`);
  return t;
}

function parseTextMatch(el: XmlElement): TextMatch {
  const collation = el.attrs.get('collation') ?? 'i;unicode-casemap';
  if (collation !== 'i;unicode-casemap' && collation !== 'i;ascii-casemap' && collation !== 'i;octet')
    throw new CarddavPreconditionError(
      'supported-collation',
      `collation ${JSON.stringify(collation)} is not supported`,
    );
  const match = (el.attrs.get('match-type') ?? 'contains') as MatchType;
  if (!['equals', 'contains', 'starts-with', 'ends-with'].includes(match))
    throw unsupported(`match-type ${JSON.stringify(match)} is not supported`);
  const negate = (el.attrs.get('negate-condition') ?? 'no').toLowerCase() === 'yes';
  return { text: textOf(el), collation, match, negate };
}

function ownElements(el: XmlElement): XmlElement[] {
  const out = elements(el);
  for (const e of out) if (e.ns !== CARDDAV_NS) throw unsupported(`unknown filter element ${e.local}`);
  return out;
}

/** Parses `<C:filter>` (a missing filter matches every card). */
export function parseFilter(el: XmlElement | undefined): CardFilter {
  if (!el) return { test: 'anyof', props: [] };
  const props: PropFilter[] = [];
  for (const pf of ownElements(el)) {
    if (pf.local !== 'prop-filter') throw unsupported(`unknown filter element ${pf.local}`);
    const name = (pf.attrs.get('name') ?? '').toUpperCase();
    if (!name) throw unsupported('prop-filter needs a name');
    const f: PropFilter = { name, test: testOf(pf), isNotDefined: false, textMatches: [], paramFilters: [] };
    for (const c of ownElements(pf)) {
      if (c.local === 'is-not-defined') f.isNotDefined = true;
      else if (c.local === 'text-match') f.textMatches.push(parseTextMatch(c));
      else if (c.local === 'param-filter') {
        const tm = child(c, CARDDAV_NS, 'text-match');
        f.paramFilters.push({
          name: (c.attrs.get('name') ?? '').toUpperCase(),
          isNotDefined: child(c, CARDDAV_NS, 'is-not-defined') !== undefined,
          textMatch: tm ? parseTextMatch(tm) : null,
        });
      } else throw unsupported(`unknown filter element ${c.local}`);
    }
    props.push(f);
  }
  return { test: testOf(el), props };
}

function fold(s: string, collation: TextMatch['collation']): string {
  if (collation === 'i;octet') return s;
  if (collation === 'i;ascii-casemap') return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
  return s.normalize('NFKD').toUpperCase().toLowerCase();
}

/** True when `value` satisfies the text-match. */
export function textMatches(value: string, m: TextMatch): boolean {
  const v = fold(value, m.collation);
  const t = fold(m.text, m.collation);
  const hit =
    m.match === 'equals'
      ? v === t
      : m.match === 'starts-with'
        ? v.startsWith(t)
        : m.match === 'ends-with'
          ? v.endsWith(t)
          : v.includes(t);
  return m.negate ? !hit : hit;
}

function paramMatches(line: ContentLine, pf: ParamFilter): boolean {
  const values = line.params.filter(([k]) => k === pf.name).flatMap(([, v]) => v.split(','));
  if (pf.isNotDefined) return values.length === 0;
  if (!values.length) return false;
  return pf.textMatch ? values.some((v) => textMatches(v, pf.textMatch as TextMatch)) : true;
}

function propMatches(lines: readonly ContentLine[], f: PropFilter): boolean {
  const props = lines.filter((l) => l.name === f.name);
  if (f.isNotDefined) return props.length === 0;
  if (!props.length) return false;
  const tests = [
    ...f.textMatches.map((m) => (l: ContentLine) => textMatches(unescapeValue(l.value), m)),
    ...f.paramFilters.map((p) => (l: ContentLine) => paramMatches(l, p)),
  ];
  if (!tests.length) return true;
  return props.some((l) => (f.test === 'allof' ? tests.every((t) => t(l)) : tests.some((t) => t(l))));
}

/** True when a card's lines satisfy the filter (an empty filter matches everything). */
export function matchesFilter(lines: readonly ContentLine[], filter: CardFilter): boolean {
  if (!filter.props.length) return true;
  const check = (f: PropFilter) => propMatches(lines, f);
  return filter.test === 'allof' ? filter.props.every(check) : filter.props.some(check);
}

/** Probes that every matching card satisfies (null: cannot narrow, read every card). */
function probesOfProp(f: PropFilter): IndexProbe[] | null {
  if (!(INDEXED_PROPS as readonly string[]).includes(f.name) || f.isNotDefined || f.paramFilters.length) return null;
  const usable = (m: TextMatch) =>
    !m.negate && m.text !== '' && /^[\x20-\x7e]*$/.test(m.text) && !/[;,\\]/.test(m.text);
  const tms = f.textMatches;
  if (!tms.length) return null;
  if (f.test === 'allof') {
    const m = tms.find(usable);
    return m ? [{ props: [f.name], text: m.text.toLowerCase(), match: m.match }] : null;
  }
  if (!tms.every(usable)) return null;
  return tms.map((m) => ({ props: [f.name], text: m.text.toLowerCase(), match: m.match }));
}

/** SQL probes for the filter, or null when the index cannot narrow it. */
export function filterProbes(filter: CardFilter): IndexProbe[] | null {
  if (!filter.props.length) return null;
  const each = filter.props.map(probesOfProp);
  if (filter.test === 'allof') return each.find((p) => p !== null) ?? null;
  if (each.some((p) => p === null)) return null;
  return each.flat() as IndexProbe[];
}
