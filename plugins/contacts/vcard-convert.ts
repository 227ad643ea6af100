/**
 * vCard 3.0 ↔ 4.0 conversion for clients that ask for the other version (`Accept: text/vcard; version=…`, or an
 * `address-data` element with `version`), and partial cards (`<C:prop name=…/>`). Works on content lines so
 * properties it does not know pass through unchanged.
 */
import { formatLines, parseLines, type ContentLine } from './vcard-lines.ts';

/** vCard versions this server stores and serves. */
export type VCardVersion = '3.0' | '4.0';

const BINARY_PROPS = new Set(['PHOTO', 'LOGO', 'SOUND', 'KEY']);
/** 3.0 properties 4.0 dropped (RFC 6350 Appendix A). */
const DROPPED_IN_4 = new Set(['NAME', 'MAILER', 'LABEL', 'CLASS', 'PROFILE', 'SORT-STRING']);

function param(l: ContentLine, name: string): string | undefined {
  return l.params.find(([k]) => k === name)?.[1];
}

function without(l: ContentLine, ...names: string[]): Array<[string, string]> {
  return l.params.filter(([k]) => !names.includes(k));
}

/** TYPE values split on commas, lower-cased. */
function types(l: ContentLine): string[] {
  return l.params
    .filter(([k]) => k === 'TYPE')
    .flatMap(([, v]) => v.split(','))
    .map((t) => t.trim().toLowerCase())
    .filter(Boolean);
}

function to4(l: ContentLine): ContentLine | null {
  if (l.name === 'VERSION') return { ...l, value: '4.0' };
  if (DROPPED_IN_4.has(l.name)) return null;
  const enc = (param(l, 'ENCODING') ?? '').toLowerCase();
  if (BINARY_PROPS.has(l.name) && (enc === 'b' || enc === 'base64')) {
    const t = (param(l, 'TYPE') ?? '').toLowerCase();
    const media = t.includes('/') ? t : `${l.name === 'SOUND' ? 'audio' : 'image'}/${t || 'jpeg'}`;
    return { ...l, params: without(l, 'ENCODING', 'TYPE', 'VALUE'), value: `data:${media};base64,${l.value}` };
  }
  const ts = types(l);
  if (!ts.length) return l;
  const pref = ts.includes('pref');
  const kept = ts.filter((t) => t !== 'pref' && t !== 'internet' && t !== 'x400');
  const params = without(l, 'TYPE');
  if (kept.length) params.push(['TYPE', kept.join(',')]);
  if (pref && !param(l, 'PREF')) params.push(['PREF', '1']);
  return { ...l, params };
}

function to3(l: ContentLine): ContentLine | null {
  if (l.name === 'VERSION') return { ...l, value: '3.0' };
  const data = /^data:([^;,]+)?(;base64)?,(.*)$/is.exec(l.value);
  if (BINARY_PROPS.has(l.name) && data && data[2]) {
    const sub = (data[1] ?? 'image/jpeg').split('/')[1] ?? 'jpeg';
    const params = without(l, 'VALUE', 'MEDIATYPE');
    params.push(['ENCODING', 'b'], ['TYPE', sub.toUpperCase()]);
    return { ...l, params, value: data[3] as string };
  }
  let params = l.params;
  let value = l.value;
  if (l.name === 'TEL' && /^tel:/i.test(value)) {
    value = value.slice(4);
    params = params.filter(([k, v]) => !(k === 'VALUE' && v.toLowerCase() === 'uri'));
  }
  const pref = param(l, 'PREF');
  if (pref !== undefined) {
    params = params.filter(([k]) => k !== 'PREF');
    if (pref === '1') params = [...params, ['TYPE', 'pref']];
  }
  return { ...l, params, value };
}

/** The card in `version` (the same text when it already is). */
export function convertCard(text: string, version: VCardVersion): string {
  const lines = parseLines(text);
  const current = lines.find((l) => l.name === 'VERSION')?.value.trim();
  if (current === version) return text;
  const out: ContentLine[] = [];
  for (const l of lines) {
    const c = version === '4.0' ? to4(l) : to3(l);
    if (c) out.push(c);
  }
  // 3.0 requires N (RFC 2426 §5): derive an empty one when a 4.0 card has none.
  if (version === '3.0' && !out.some((l) => l.name === 'N')) {
    const at = out.findIndex((l) => l.name === 'FN');
    out.splice(at < 0 ? out.length - 1 : at + 1, 0, { group: '', name: 'N', params: [], value: ';;;;' });
  }
  return formatLines(out);
}

/** Only the named properties (plus BEGIN, END, VERSION and UID): `address-data` with `<C:prop>` children. */
export function partialCard(text: string, names: readonly string[]): string {
  const keep = new Set(['BEGIN', 'END', 'VERSION', 'UID', ...names.map((n) => n.toUpperCase())]);
  return formatLines(parseLines(text).filter((l) => keep.has(l.name)));
}
