/**
 * Streams a DAV XML response while rewriting `<x:href>` values from the owner's URL space into the recipient's,
 * without buffering the document: only a possibly incomplete href element is carried between chunks.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/** Maps one href value (as sent by the owner) to the local href, or returns it unchanged. */
export type HrefMapper = (href: string) => string;

const HREF = /<((?:[A-Za-z_][\w.-]*:)?href)(\s[^>]*)?>([^<]*)<\/\1\s*>/g;
const OPEN_TAIL = /<(?:[A-Za-z_][\w.-]*:)?href(?:\s[^>]*)?>[^<]*$/;

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

/** The Transform doing the rewriting. */
export function hrefRewriter(map: HrefMapper): Transform {
  const decoder = new StringDecoder('utf8');
  let carry = '';
  const rewrite = (text: string): string =>
    text.replace(HREF, (_m, tag: string, attrs: string | undefined, value: string) => {
      const mapped = map(value);
      return `<${tag}${attrs ?? ''}>${mapped === value ? value : escapeText(mapped)}</${tag}>`;
    });
  const flushUpTo = (text: string, final: boolean): string => {
    if (final) return rewrite(text);
    let cut = text.lastIndexOf('<');
    if (cut === -1) return rewrite(text);
    // An unfinished `<href>value` can only start at the last `<` before the cut (attribute values hold no `<`):
    // the pattern is tried there, not across the whole chunk.
    const lt = text.lastIndexOf('<', cut - 1);
    if (lt !== -1 && OPEN_TAIL.test(text.slice(lt, cut))) cut = lt;
    carry = text.slice(cut);
    return rewrite(text.slice(0, cut));
  };
  return new Transform({
    transform(chunk: Buffer, _enc, cb: TransformCallback) {
      const text = carry + decoder.write(chunk);
      carry = '';
      const out = flushUpTo(text, false);
      if (carry.length > 1 << 20) return cb(new Error('href element too large'));
      cb(null, out);
    },
    flush(cb: TransformCallback) {
      cb(null, flushUpTo(carry + decoder.end(), true));
    },
  });
}
