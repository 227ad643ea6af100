/**
 * Streams a DAV XML answer from a share's owner while rewriting each `<x:href>` value from the owner's URL space into
 * the recipient's. It works on the bytes as they arrive: the document is never decoded to a string, only an href
 * whose value does not start with the owner's prefix is decoded (to try it as an absolute URL), and only a possibly
 * unfinished tag or href element is carried from one chunk to the next.
 */
import { Transform, type TransformCallback } from 'node:stream';

/** Maps one href value (as sent by the owner) to the local href, or returns it unchanged. */
export type HrefMapper = (href: string) => string;

/** Builds a mapper from a remote prefix (absolute URL) to a local path prefix, both without trailing slash. */
export function prefixMapper(remoteBase: string, localPrefix: string): HrefMapper {
  const remote = new URL(remoteBase);
  const remotePath = remote.pathname.replace(/\/$/, '');
  return (href) => {
    const raw = href.trim().replace(/&amp;/g, '&');
    let p = raw;
    if (/^https?:\/\//i.test(raw)) {
      try {
        const u = new URL(raw);
        if (u.origin !== remote.origin) return href;
        p = u.pathname;
      } catch {
        return href;
      }
    }
    if (p === remotePath || p === `${remotePath}/`) return localPrefix + p.slice(remotePath.length);
    if (p.startsWith(`${remotePath}/`)) return localPrefix + p.slice(remotePath.length);
    return href;
  };
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const COLON = 0x3a;
const HREF = Buffer.from('href');
const EMPTY = Buffer.alloc(0);
/** Longest unfinished tag or href element carried between chunks before the answer is given up on. */
const MAX_CARRY = 1 << 20;

/** A byte of an XML name (ASCII name characters, or any byte of a multi-byte UTF-8 character). */
function isNameByte(b: number): boolean {
  return (
    (b >= 0x61 && b <= 0x7a) ||
    (b >= 0x41 && b <= 0x5a) ||
    (b >= 0x30 && b <= 0x39) ||
    b === 0x2d ||
    b === 0x2e ||
    b === 0x5f ||
    b >= 0x80
  );
}

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
}

/** Whether `a[i, i + n)` equals `b[j, j + n)` (a loop: for names and prefixes this short, cheaper than a native call). */
function sameBytes(a: Buffer, i: number, b: Buffer, j: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (a[i + k] !== b[j + k]) return false;
  return true;
}

/**
 * The href rewriting of one document, fed chunk by chunk. `feed` returns the bytes that are final so far; an
 * unfinished tag at the end is kept until the next chunk (or `end`).
 */
export class HrefScanner {
  private carry: Buffer = EMPTY;
  /** The owner's prefixes as bytes (its path, and its origin + path), with what replaces them (XML-escaped). */
  private readonly from: Buffer[];
  private readonly to: Buffer;
  private readonly map: HrefMapper;

  constructor(remoteBase: string, localPrefix: string) {
    const remote = new URL(remoteBase);
    const remotePath = remote.pathname.replace(/\/$/, '');
    this.from = [Buffer.from(remotePath), Buffer.from(remote.origin + remotePath)];
    this.to = Buffer.from(escapeText(localPrefix));
    this.map = prefixMapper(remoteBase, localPrefix);
  }

  /** Rewrites what can be rewritten of `chunk` (after what was carried); returns the bytes to send on. */
  feed(chunk: Buffer): Buffer {
    const buf = this.carry.length === 0 ? chunk : Buffer.concat([this.carry, chunk]);
    this.carry = EMPTY;
    return this.scan(buf, false);
  }

  /** The rest of the document. */
  end(): Buffer {
    const buf = this.carry;
    this.carry = EMPTY;
    return this.scan(buf, true);
  }

  /** Bytes carried to the next chunk. */
  get pending(): number {
    return this.carry.length;
  }

  private scan(buf: Buffer, final: boolean): Buffer {
    // Edits as (start, end) byte ranges of buf and what replaces each; the output is built once, at the end.
    const ranges: number[] = [];
    const replacements: Buffer[] = [];
    let pos = 0; // where to look for the next href element
    let cut = -1; // where an unfinished element starts (kept for the next chunk)
    for (;;) {
      const h = buf.indexOf(HREF, pos);
      if (h === -1) break;
      pos = h + 4;
      // A start tag `<href` or `<prefix:href`; a closing tag or `href` in text or another name is left alone.
      let lt = h - 1;
      if (lt >= 0 && buf[lt] === COLON) {
        lt--;
        while (lt >= 0 && isNameByte(buf[lt] as number)) lt--;
        if (lt === h - 2) continue; // `<:href`: no prefix
      }
      if (lt < 0 || buf[lt] !== LT) continue;
      if (h + 4 >= buf.length) {
        cut = lt;
        break;
      }
      const after = buf[h + 4] as number;
      if (after !== GT && !isSpace(after) && after !== SLASH) continue; // `<d:hreflang>`
      const gt = buf.indexOf(GT, h + 4);
      if (gt === -1) {
        cut = lt;
        break;
      }
      pos = gt + 1;
      if (buf[gt - 1] === SLASH) continue; // `<d:href/>`: nothing to rewrite
      const end = buf.indexOf(LT, gt + 1);
      if (end === -1) {
        cut = lt;
        break;
      }
      // The value must be followed by the matching closing tag `</name>`; anything else is left as it is.
      const closed = this.closingTag(buf, end, lt + 1, h + 4);
      if (closed === -1) {
        cut = lt;
        break;
      }
      if (closed === 0) {
        pos = end;
        continue;
      }
      const n = this.ownerPrefix(buf, gt + 1, end);
      if (n > 0) {
        // The owner's prefix is replaced; the rest is kept as the owner escaped it.
        ranges.push(gt + 1, gt + 1 + n);
        replacements.push(this.to);
      } else {
        const replacement = this.rewrite(buf.subarray(gt + 1, end));
        if (replacement) {
          ranges.push(gt + 1, end);
          replacements.push(replacement);
        }
      }
      pos = closed;
    }
    if (cut === -1 && !final) {
      // A tag cut by the chunk's end (`<d:hr`, `<d:prop xmlns:d="DA`) may be an href: keep it for the next chunk.
      const last = buf.lastIndexOf(LT);
      if (last >= pos && buf.indexOf(GT, last) === -1) cut = last;
    }
    if (cut !== -1 && !final) {
      if (buf.length - cut > MAX_CARRY) throw new Error('href element too large');
      this.carry = Buffer.from(buf.subarray(cut));
    } else cut = buf.length;
    if (replacements.length === 0) return cut === buf.length ? buf : buf.subarray(0, cut);
    let size = cut;
    for (let i = 0; i < replacements.length; i++)
      size += (replacements[i] as Buffer).length - ((ranges[2 * i + 1] as number) - (ranges[2 * i] as number));
    const out = Buffer.allocUnsafe(size);
    let from = 0;
    let to = 0;
    for (let i = 0; i < replacements.length; i++) {
      const start = ranges[2 * i] as number;
      to += buf.copy(out, to, from, start);
      to += (replacements[i] as Buffer).copy(out, to);
      from = ranges[2 * i + 1] as number;
    }
    buf.copy(out, to, from, cut);
    return out;
  }

  /**
   * The length of the owner's prefix (its path, or origin + path) at the start of the href value `buf[start, end)`
   * when followed by `/` or the value's end (`/dav/ocm/p1`, `/dav/ocm/p1/…`, never `/dav/ocm/p10`); 0 otherwise.
   */
  private ownerPrefix(buf: Buffer, start: number, end: number): number {
    for (const from of this.from) {
      const n = from.length;
      if (end - start < n || !sameBytes(buf, start, from, 0, n)) continue;
      if (start + n === end || buf[start + n] === SLASH) return n;
    }
    return 0;
  }

  /**
   * Checks for `</name\s*>` at `at`, where name is `buf[nameStart, nameEnd)`: the offset after it, 0 when something
   * else is there, -1 when the buffer ends first.
   */
  private closingTag(buf: Buffer, at: number, nameStart: number, nameEnd: number): number {
    const nameLen = nameEnd - nameStart;
    if (at + 2 + nameLen > buf.length) return -1;
    if (buf[at + 1] !== SLASH || !sameBytes(buf, at + 2, buf, nameStart, nameLen)) return 0;
    let i = at + 2 + nameLen;
    while (i < buf.length && isSpace(buf[i] as number)) i++;
    if (i === buf.length) return -1;
    return buf[i] === GT ? i + 1 : 0;
  }

  /** The local href for an owner's href value not starting with its prefix as is (another spelling of its origin, spaces around it), or null to keep it. */
  private rewrite(value: Buffer): Buffer | null {
    const text = value.toString('utf8');
    const mapped = this.map(text);
    return mapped === text ? null : Buffer.from(escapeText(mapped));
  }
}

/** The Transform rewriting the owner's hrefs under `remoteBase` to `localPrefix` in a streamed XML answer. */
export function hrefRewriter(remoteBase: string, localPrefix: string): Transform {
  const scanner = new HrefScanner(remoteBase, localPrefix);
  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      let out: Buffer;
      try {
        out = scanner.feed(chunk);
      } catch (err) {
        return cb(err as Error);
      }
      cb(null, out.length > 0 ? out : undefined);
    },
    flush(cb: TransformCallback) {
      const out = scanner.end();
      cb(null, out.length > 0 ? out : undefined);
    },
  });
}
