/**
 * A content-line view of a vCard (RFC 6350 §3.3): unfolded lines split into group, name, parameters and raw value.
 * Used where exact text matters and ical.js would re-format values: query matching, partial `address-data` and the
 * 3.0 ↔ 4.0 conversion clients ask for. Stored cards are never rewritten.
 */

/** One content line. */
export interface ContentLine {
  group: string;
  /** Upper-case property name. */
  name: string;
  /** Parameters in order, names upper-case, values as written (quotes removed). */
  params: Array<[string, string]>;
  /** Raw value (escapes kept). */
  value: string;
}

/** Unfolds and splits a card into content lines (BEGIN/END included). */
export function parseLines(text: string): ContentLine[] {
  const out: ContentLine[] = [];
  for (const raw of text.replace(/\r?\n[ \t]/g, '').split(/\r?\n/)) {
    if (!raw) continue;
    const line = parseLine(raw);
    if (line) out.push(line);
  }
  return out;
}

function parseLine(raw: string): ContentLine | null {
  let i = 0;
  let inQuote = false;
  // The name and parameters end at the first colon outside quotes.
  for (; i < raw.length; i++) {
    const c = raw[i];
    if (c === '"') inQuote = !inQuote;
    else if (c === ':' && !inQuote) break;
  }
  if (i >= raw.length) return null;
  const head = raw.slice(0, i);
  const value = raw.slice(i + 1);
  const parts = splitOutsideQuotes(head, ';');
  const fullName = parts.shift() ?? '';
  const dot = fullName.lastIndexOf('.');
  const params: Array<[string, string]> = [];
  for (const p of parts) {
    const eq = p.indexOf('=');
    // vCard 2.1/3.0 bare types (`TEL;CELL:`) mean TYPE=CELL.
    if (eq < 0) params.push(['TYPE', p]);
    else params.push([p.slice(0, eq).toUpperCase(), p.slice(eq + 1).replace(/^"(.*)"$/, '$1')]);
  }
  return { group: dot >= 0 ? fullName.slice(0, dot) : '', name: fullName.slice(dot + 1).toUpperCase(), params, value };
}

function splitOutsideQuotes(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  let q = false;
  for (const c of s) {
    if (c === '"') q = !q;
    if (c === sep && !q) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

/** A value with vCard text escapes undone (`\,` `\;` `\n` `\\`). */
export function unescapeValue(v: string): string {
  return v.replace(/\\([\\,;nN])/g, (_m, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
}

/** Serializes lines with CRLF, folded at 75 octets (never inside a UTF-8 sequence). */
export function formatLines(lines: readonly ContentLine[]): string {
  return lines.map((l) => fold(formatLine(l))).join('\r\n') + '\r\n';
}

function formatLine(l: ContentLine): string {
  const params = l.params.map(([k, v]) => `;${k}=${/[:;,]/.test(v) && !v.startsWith('"') ? `"${v}"` : v}`).join('');
  return `${l.group ? `${l.group}.` : ''}${l.name}${params}:${l.value}`;
}

function fold(line: string): string {
  const bytes = Buffer.from(line, 'utf8');
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let start = 0;
  let limit = 75;
  while (start < bytes.length) {
    let end = Math.min(start + limit, bytes.length);
    // Back off to a character boundary (continuation bytes are 10xxxxxx).
    while (end < bytes.length && ((bytes[end] as number) & 0xc0) === 0x80) end--;
    parts.push(bytes.subarray(start, end).toString('utf8'));
    start = end;
    limit = 74;
  }
  return parts.join('\r\n ');
}
