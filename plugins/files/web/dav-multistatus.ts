/** Parsing WebDAV answers (RFC 4918 multistatus and error bodies) in the browser with DOMParser. */

const DAV = 'DAV:';

/** One child (or the collection itself) from a PROPFIND listing. */
export interface DavEntry {
  /** Last path segment, decoded ('' for the user's root). */
  name: string;
  /** Path inside the user's tree: `/` or `/Projects/report.pdf`. */
  path: string;
  isFolder: boolean;
  size: number | null;
  /** Last modification, epoch milliseconds. */
  modified: number | null;
  contentType: string | null;
  etag: string | null;
  /** False when the server says the user may not write here (`DAV:current-user-privilege-set`); true when unknown. */
  writable: boolean;
}

function first(el: Element, local: string): Element | null {
  return el.getElementsByTagNameNS(DAV, local)[0] ?? null;
}

function text(el: Element, local: string): string | null {
  const t = first(el, local)?.textContent?.trim();
  return t ? t : null;
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The tree path of an href below `base` (the encoded URL path of the user's root, no trailing slash), or null. */
export function treePathOf(href: string, base: string): string | null {
  const pathname = new URL(href, location.origin).pathname;
  const norm = (p: string) => p.split('/').filter(Boolean).map(decodeSegment);
  const b = norm(base);
  const p = norm(pathname);
  if (p.length < b.length || b.some((seg, i) => p[i] !== seg)) return null;
  return `/${p.slice(b.length).join('/')}`;
}

function privileges(prop: Element): Set<string> | null {
  const set = first(prop, 'current-user-privilege-set');
  if (!set) return null;
  const out = new Set<string>();
  for (const p of Array.from(set.getElementsByTagNameNS(DAV, 'privilege'))) {
    for (const c of Array.from(p.children)) out.add(c.localName);
  }
  return out;
}

/** Entries of a PROPFIND multistatus; the properties of 200 propstats only. */
export function parseMultistatus(xml: string, base: string): DavEntry[] {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length)
    throw new Error('The server sent a listing that is not valid XML.');
  const out: DavEntry[] = [];
  for (const r of Array.from(doc.getElementsByTagNameNS(DAV, 'response'))) {
    const href = text(r, 'href');
    if (!href) continue;
    const path = treePathOf(href, base);
    if (path === null) continue;
    const ok = Array.from(r.getElementsByTagNameNS(DAV, 'propstat')).filter((ps) =>
      /\s2\d\d\s/.test(` ${text(ps, 'status') ?? ''} `),
    );
    const prop = ok.map((ps) => first(ps, 'prop')).find((p): p is Element => p !== null);
    const isFolder =
      !!prop && !!first(prop, 'resourcetype') && !!first(first(prop, 'resourcetype') as Element, 'collection');
    const size = prop ? text(prop, 'getcontentlength') : null;
    const modified = prop ? text(prop, 'getlastmodified') : null;
    const priv = prop ? privileges(prop) : null;
    const segs = path.split('/').filter(Boolean);
    out.push({
      name: segs[segs.length - 1] ?? '',
      path,
      isFolder: isFolder || href.endsWith('/'),
      size: size !== null && /^\d+$/.test(size) ? Number(size) : null,
      modified: modified ? Date.parse(modified) || null : null,
      contentType: prop ? text(prop, 'getcontenttype') : null,
      etag: prop ? text(prop, 'getetag') : null,
      writable: priv === null || priv.has('all') || priv.has('write') || priv.has('write-content') || priv.has('bind'),
    });
  }
  return out;
}

/** The human message of a WebDAV error body (`<d:error>` with a `message` element), or null. */
export function errorMessageOf(xml: string): string | null {
  if (!xml || !xml.includes('<')) return null;
  try {
    const doc = new DOMParser().parseFromString(xml, 'application/xml');
    for (const el of Array.from(doc.getElementsByTagName('*'))) {
      if (el.localName === 'message' && el.textContent?.trim()) return el.textContent.trim();
    }
  } catch {
    // Not XML: no message to show.
  }
  return null;
}
