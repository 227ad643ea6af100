/**
 * Live properties (computed from the file system and locks) and the multistatus `<d:response>` rendering shared by
 * PROPFIND, the "Shared with me" listing and PROPPATCH.
 */
import { clark, DAV_NS, escapeXml, propElement, statusLine, type DavLock } from '#dav';

/** What live properties are computed from. */
export interface PropSource {
  name: string;
  collection: boolean;
  size: number;
  mtimeMs: number;
  createdMs: number;
  etag: string | null;
  contentType: string | null;
  locks: DavLock[];
  /** Whether LOCK is offered here (false on virtual entries). */
  lockable: boolean;
}

const D = (local: string): string => clark(DAV_NS, local);

/** Live properties we compute, in allprop order. */
export const LIVE_PROPS = [
  D('resourcetype'),
  D('displayname'),
  D('getcontentlength'),
  D('getcontenttype'),
  D('getetag'),
  D('getlastmodified'),
  D('creationdate'),
  D('supportedlock'),
  D('lockdiscovery'),
];

/** Live properties clients may never set or remove (PROPPATCH answers 403 cannot-modify-protected-property). */
export const PROTECTED_PROPS = new Set([
  ...LIVE_PROPS.filter((p) => p !== D('displayname')),
  D('quota-available-bytes'),
  D('quota-used-bytes'),
]);

/** The `<d:activelock>` element of one lock, as lockdiscovery and the LOCK response show it. */
export function activeLockXml(lock: DavLock, rootHref: string): string {
  const timeout = `Second-${Math.max(0, Math.round((lock.expiresAt - Date.now()) / 1000))}`;
  return (
    `<d:activelock><d:locktype><d:write/></d:locktype><d:lockscope><d:${lock.scope}/></d:lockscope>` +
    `<d:depth>${lock.depth === '0' ? '0' : 'infinity'}</d:depth>${lock.ownerXml ? `<d:owner>${lock.ownerXml}</d:owner>` : ''}` +
    `<d:timeout>${timeout}</d:timeout><d:locktoken><d:href>${escapeXml(lock.token)}</d:href></d:locktoken>` +
    `<d:lockroot><d:href>${escapeXml(rootHref)}</d:href></d:lockroot></d:activelock>`
  );
}

/** Inner XML of a live property, or undefined when the resource does not have it. */
export function liveProp(key: string, src: PropSource, lockRootHref: (l: DavLock) => string): string | undefined {
  switch (key) {
    case D('resourcetype'):
      return src.collection ? '<d:collection/>' : '';
    case D('displayname'):
      return escapeXml(src.name);
    case D('getcontentlength'):
      return src.collection ? undefined : String(src.size);
    case D('getcontenttype'):
      return src.collection || !src.contentType ? undefined : escapeXml(src.contentType);
    case D('getetag'):
      return src.etag === null ? undefined : escapeXml(src.etag);
    case D('getlastmodified'):
      return new Date(src.mtimeMs).toUTCString();
    case D('creationdate'):
      return new Date(src.createdMs).toISOString();
    case D('supportedlock'):
      return src.lockable
        ? '<d:lockentry><d:lockscope><d:exclusive/></d:lockscope><d:locktype><d:write/></d:locktype></d:lockentry>' +
            '<d:lockentry><d:lockscope><d:shared/></d:lockscope><d:locktype><d:write/></d:locktype></d:lockentry>'
        : undefined;
    case D('lockdiscovery'):
      return src.lockable ? src.locks.map((l) => activeLockXml(l, lockRootHref(l))).join('') : undefined;
    default:
      return undefined;
  }
}

/** What a PROPFIND asked for. */
export type PropRequest =
  { kind: 'allprop'; include: string[] } | { kind: 'propname' } | { kind: 'prop'; names: string[] };

/** Renders one `<d:response>` for a resource given its live source and dead properties. */
export function renderResponse(
  href: string,
  src: PropSource,
  dead: Map<string, string>,
  want: PropRequest,
  minimal: boolean,
  lockRootHref: (l: DavLock) => string,
): string {
  const found: string[] = [];
  const missing: string[] = [];
  if (want.kind === 'propname') {
    const names = new Set([...LIVE_PROPS.filter((k) => liveProp(k, src, lockRootHref) !== undefined), ...dead.keys()]);
    for (const k of names) found.push(propElement(k, ''));
  } else {
    const keys = want.kind === 'prop' ? want.names : [...new Set([...LIVE_PROPS, ...dead.keys(), ...want.include])];
    for (const k of keys) {
      const value = dead.get(k) ?? liveProp(k, src, lockRootHref);
      if (value !== undefined) found.push(propElement(k, value));
      else if (want.kind === 'prop' || want.include.includes(k)) missing.push(propElement(k, ''));
    }
  }
  let out = `<d:response><d:href>${escapeXml(href)}</d:href>`;
  if (found.length)
    out += `<d:propstat><d:prop>${found.join('')}</d:prop><d:status>${statusLine(200)}</d:status></d:propstat>`;
  if (missing.length && !minimal)
    out += `<d:propstat><d:prop>${missing.join('')}</d:prop><d:status>${statusLine(404)}</d:status></d:propstat>`;
  if (!found.length && (minimal || !missing.length))
    out += `<d:propstat><d:prop/><d:status>${statusLine(200)}</d:status></d:propstat>`;
  return `${out}</d:response>`;
}

/** Wraps responses in a multistatus document. */
export function multistatus(responses: string[]): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n<d:multistatus xmlns:d="DAV:">${responses.join('')}</d:multistatus>`;
}
