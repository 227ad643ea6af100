/**
 * Request paths to tree paths and back. Every segment is percent-decoded once and then checked, so `..`,
 * `%2e%2e`, encoded slashes, backslashes and NUL never reach the file system: traversal is impossible by
 * construction (the file system only ever sees joined, validated segments under the user's root).
 */
import { badRequest, DavError } from './errors.ts';

const MAX_SEGMENT_BYTES = 255;
const MAX_DEPTH = 64;

/** Splits a raw (still percent-encoded) path into decoded, validated segments. */
export function decodeSegments(rawPath: string): string[] {
  const q = rawPath.indexOf('?');
  const path = q === -1 ? rawPath : rawPath.slice(0, q);
  // A fragment never belongs in a request URI; acting on the part before it would hit the wrong resource.
  if (path.includes('#')) throw badRequest('a request URI must not contain a fragment');
  const out: string[] = [];
  for (const raw of path.split('/')) {
    if (raw === '') continue;
    // Most segments have no escapes (a multiget names hundreds): those need no decoding, and their UTF-8 length
    // is at most three bytes per UTF-16 unit, so only long ones are measured.
    let seg = raw;
    if (raw.includes('%'))
      try {
        seg = decodeURIComponent(raw);
      } catch {
        throw badRequest('invalid percent-encoding in path');
      }
    if (seg === '.' || seg === '..')
      throw new DavError(400, 'dot segments are not allowed in paths', 'DAV_PATH_TRAVERSAL');
    if (/[/\\\0]/.test(seg))
      throw new DavError(400, 'encoded slashes, backslashes and NUL are not allowed in names', 'DAV_PATH_INVALID');
    if (seg.length * 3 > MAX_SEGMENT_BYTES && Buffer.byteLength(seg) > MAX_SEGMENT_BYTES)
      throw new DavError(400, 'name too long', 'DAV_NAME_TOO_LONG');
    out.push(seg);
  }
  if (out.length > MAX_DEPTH) throw new DavError(400, 'path too deep', 'DAV_PATH_TOO_DEEP');
  return out;
}

/** Checks one name (e.g. a share name or a client-supplied file name) with the same rules as path segments. */
export function isValidName(name: string): boolean {
  return (
    name !== '' &&
    name !== '.' &&
    name !== '..' &&
    !/[/\\\0]/.test(name) &&
    Buffer.byteLength(name) <= MAX_SEGMENT_BYTES
  );
}

/** Joins segments into a tree path: `/` or `/a/b`. */
export function treePath(segments: readonly string[]): string {
  return `/${segments.join('/')}`;
}

/** Segments of a tree path. */
export function splitTree(path: string): string[] {
  return path.split('/').filter(Boolean);
}

/** Parent tree path (`/` for top-level entries and for the root itself). */
export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** Last segment of a tree path ('' for the root). */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Joins a tree path and a relative tree path. */
export function joinTree(base: string, rel: string): string {
  if (rel === '/' || rel === '') return base;
  return base === '/' ? rel : `${base}${rel}`;
}

/** True when `path` equals `ancestor` or lies below it. */
export function isWithin(path: string, ancestor: string): boolean {
  return ancestor === '/' || path === ancestor || path.startsWith(`${ancestor}/`);
}

const UNRESERVED = /^[A-Za-z0-9._~-]*$/;

/** Percent-encodes one segment for an href (RFC 3986 pchar minus a few characters clients mishandle). */
export function encodeSegment(seg: string): string {
  if (UNRESERVED.test(seg)) return seg;
  return encodeURIComponent(seg).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** An href for a tree path relative to a prefix, with a trailing slash for collections. */
export function hrefFor(prefix: string, relPath: string, collection: boolean): string {
  const segs = splitTree(relPath);
  const body = segs.map(encodeSegment).join('/');
  const href = body ? `${prefix}/${body}` : prefix;
  return collection ? `${href}/` : href;
}
