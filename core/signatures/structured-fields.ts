/**
 * A small RFC 8941 Structured Field Values parser and serializer: enough for the `Signature-Input`,
 * `Signature` and `Content-Digest` dictionaries. Peers send these headers, so every malformed input
 * ends in a SignatureError(SIGNATURE_MALFORMED), never in a TypeError.
 */
import { SignatureError } from '../errors.ts';

/** An sf-token (distinct from an sf-string, which is a plain JS string). */
export class Token {
  constructor(readonly value: string) {}
}

/** An sf-decimal, kept apart from sf-integer so re-serialization is faithful. */
export class Decimal {
  constructor(readonly value: number) {}
}

/** A bare item: integer (number), decimal, string, token, byte sequence (Uint8Array) or boolean. */
export type BareItem = number | Decimal | string | Token | Uint8Array | boolean;
/** Ordered parameters of an item or inner list. */
export type Parameters = Map<string, BareItem>;
/** An item with its parameters. */
export interface Item {
  value: BareItem;
  params: Parameters;
}
/** An inner list with its parameters. */
export interface InnerList {
  items: Item[];
  params: Parameters;
}
/** A dictionary or list member. */
export type Member = Item | InnerList;
/** An sf-dictionary, in wire order. */
export type Dictionary = Map<string, Member>;

/** True when a member is an inner list. */
export function isInnerList(m: Member): m is InnerList {
  return 'items' in m;
}

function malformed(what: string): never {
  throw new SignatureError(`malformed structured field: ${what}`, 'SIGNATURE_MALFORMED');
}

const KEY_RE = /^[a-z*][a-z0-9_\-.*]*$/;
const TOKEN_RE = /^[A-Za-z*][!#$%&'*+\-.^_`|~0-9A-Za-z:/]*$/;
const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z:/]/;
const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

class Parser {
  pos = 0;
  constructor(readonly s: string) {}
  peek(): string {
    return this.s.charAt(this.pos);
  }
  eof(): boolean {
    return this.pos >= this.s.length;
  }
  skipSP(): void {
    while (this.peek() === ' ') this.pos++;
  }
  skipOWS(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.pos++;
  }

  key(): string {
    const m = /^[a-z*][a-z0-9_\-.*]*/.exec(this.s.slice(this.pos));
    if (!m) malformed(`expected key at ${this.pos}`);
    this.pos += m[0].length;
    return m[0];
  }

  params(): Parameters {
    const params: Parameters = new Map();
    while (this.peek() === ';') {
      this.pos++;
      this.skipSP();
      const k = this.key();
      let v: BareItem = true;
      if (this.peek() === '=') {
        this.pos++;
        v = this.bareItem();
      }
      params.set(k, v);
    }
    return params;
  }

  item(): Item {
    const value = this.bareItem();
    return { value, params: this.params() };
  }

  innerList(): InnerList {
    if (this.peek() !== '(') malformed('expected "("');
    this.pos++;
    const items: Item[] = [];
    for (;;) {
      this.skipSP();
      if (this.eof()) malformed('unterminated inner list');
      if (this.peek() === ')') {
        this.pos++;
        return { items, params: this.params() };
      }
      items.push(this.item());
      const c = this.peek();
      if (c !== ' ' && c !== ')') malformed('expected space or ")" in inner list');
    }
  }

  member(): Member {
    return this.peek() === '(' ? this.innerList() : this.item();
  }

  bareItem(): BareItem {
    const c = this.peek();
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    if (c === '"') return this.string();
    if (c === ':') return this.bytes();
    if (c === '?') return this.boolean();
    if (c === '*' || /[A-Za-z]/.test(c)) return this.token();
    return malformed(`unexpected ${c === '' ? 'end of input' : JSON.stringify(c)} at ${this.pos}`);
  }

  number(): number | Decimal {
    const m = /^(-?)(\d+)(?:\.(\d+))?/.exec(this.s.slice(this.pos));
    if (!m) return malformed('bad number');
    const [all, , int = '', frac] = m;
    if (frac === undefined) {
      if (int.length > 15) malformed('integer too long');
    } else if (int.length > 12 || frac.length > 3) {
      malformed('decimal out of range');
    }
    this.pos += all.length;
    const n = Number(all);
    return frac === undefined ? n : new Decimal(n);
  }

  string(): string {
    let out = '';
    this.pos++;
    for (;;) {
      if (this.eof()) malformed('unterminated string');
      const c = this.s.charAt(this.pos++);
      if (c === '"') return out;
      if (c === '\\') {
        const n = this.s.charAt(this.pos++);
        if (n !== '"' && n !== '\\') malformed('bad escape in string');
        out += n;
      } else {
        const code = c.charCodeAt(0);
        if (code < 0x20 || code > 0x7e) malformed('non-printable character in string');
        out += c;
      }
    }
  }

  token(): Token {
    const start = this.pos++;
    while (!this.eof() && TCHAR.test(this.peek())) this.pos++;
    return new Token(this.s.slice(start, this.pos));
  }

  bytes(): Uint8Array {
    const end = this.s.indexOf(':', this.pos + 1);
    if (end < 0) malformed('unterminated byte sequence');
    const b64 = this.s.slice(this.pos + 1, end);
    if (!BASE64_RE.test(b64)) malformed('bad base64 in byte sequence');
    this.pos = end + 1;
    return new Uint8Array(Buffer.from(b64, 'base64'));
  }

  boolean(): boolean {
    const v = this.s.charAt(this.pos + 1);
    if (v !== '0' && v !== '1') malformed('bad boolean');
    this.pos += 2;
    return v === '1';
  }
}

function begin(input: unknown): Parser {
  if (typeof input !== 'string') malformed('not a string');
  // Header values are ASCII; anything else is a peer bug or an attack.
  if (/[^\x20-\x7e\t]/.test(input)) malformed('non-ASCII or control character');
  const p = new Parser(input.trim());
  return p;
}

/** Parses an sf-dictionary; duplicate keys are an error when `rejectDuplicates` is set. */
export function parseDictionary(input: string, opts: { rejectDuplicates?: boolean } = {}): Dictionary {
  const p = begin(input);
  const dict: Dictionary = new Map();
  while (!p.eof()) {
    const k = p.key();
    let m: Member;
    if (p.peek() === '=') {
      p.pos++;
      m = p.member();
    } else {
      m = { value: true, params: p.params() };
    }
    if (opts.rejectDuplicates && dict.has(k)) malformed(`duplicate key ${k}`);
    dict.set(k, m);
    p.skipOWS();
    if (p.eof()) break;
    if (p.peek() !== ',') malformed(`expected "," at ${p.pos}`);
    p.pos++;
    p.skipOWS();
    if (p.eof()) malformed('trailing comma');
  }
  return dict;
}

/** Parses a single sf-item. */
export function parseItem(input: string): Item {
  const p = begin(input);
  const item = p.item();
  if (!p.eof()) malformed('trailing characters after item');
  return item;
}

/** Serializes a bare item. */
export function serializeBareItem(v: BareItem): string {
  if (typeof v === 'boolean') return v ? '?1' : '?0';
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v) || Math.abs(v) > 999_999_999_999_999) malformed('integer out of range');
    return String(v);
  }
  if (v instanceof Decimal) {
    const r = Math.round(v.value * 1000) / 1000;
    if (!Number.isFinite(r) || Math.abs(r) >= 1e12) malformed('decimal out of range');
    return Number.isInteger(r) ? `${r}.0` : String(r);
  }
  if (typeof v === 'string') {
    if (/[^\x20-\x7e]/.test(v)) malformed('string has non-printable characters');
    return `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  }
  if (v instanceof Token) {
    if (!TOKEN_RE.test(v.value)) malformed('bad token');
    return v.value;
  }
  return `:${Buffer.from(v).toString('base64')}:`;
}

function serializeKey(k: string): string {
  if (!KEY_RE.test(k)) malformed(`bad key ${JSON.stringify(k)}`);
  return k;
}

/** Serializes parameters (`;k=v` pairs, `;k` for true). */
export function serializeParams(params: Parameters): string {
  let out = '';
  for (const [k, v] of params)
    out += v === true ? `;${serializeKey(k)}` : `;${serializeKey(k)}=${serializeBareItem(v)}`;
  return out;
}

/** Serializes an item with its parameters. */
export function serializeItem(item: Item): string {
  return serializeBareItem(item.value) + serializeParams(item.params);
}

/** Serializes an inner list with its parameters. */
export function serializeInnerList(list: InnerList): string {
  return `(${list.items.map(serializeItem).join(' ')})${serializeParams(list.params)}`;
}

/** Serializes a dictionary. */
export function serializeDictionary(dict: Dictionary): string {
  const parts: string[] = [];
  for (const [k, m] of dict) {
    if (!isInnerList(m) && m.value === true) parts.push(serializeKey(k) + serializeParams(m.params));
    else parts.push(`${serializeKey(k)}=${isInnerList(m) ? serializeInnerList(m) : serializeItem(m)}`);
  }
  return parts.join(', ');
}
