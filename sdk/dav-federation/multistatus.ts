/**
 * The XML of a synced copy's pull: the `sync-collection` REPORT body (RFC 6578, `sync-level` 1 always, which
 * Nextcloud leaves out), a `*-multiget` body, and the members, sync token and 507 "more" of a multistatus answer.
 */
import { child, DAV_NS, elements, parseXml, textOf, type XmlElement } from '#dav';
import { unquoteEtag } from './owner-request.ts';

const NONE = { children: [] } as unknown as XmlElement;
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** One member of a multistatus: present with its ETag (and data, when the report returned it), or gone. */
export interface SyncMember {
  name: string;
  etag: string | null;
  present: boolean;
  data?: string;
}

/** A multiget REPORT of one resource type: `calendar-multiget` + `calendar-data` in the CalDAV namespace, etc. */
export interface MultigetSpec {
  ns: string;
  report: string;
  data: string;
}

/** The `sync-collection` body from `token` (empty element for a first sync), asking for the ETag (and `props`). */
export function syncCollectionBody(token: string | null, props = ''): Buffer {
  return Buffer.from(
    '<?xml version="1.0" encoding="UTF-8"?>\n<d:sync-collection xmlns:d="DAV:">' +
      (token ? `<d:sync-token>${esc(token)}</d:sync-token>` : '<d:sync-token/>') +
      `<d:sync-level>1</d:sync-level><d:prop>${props}<d:getetag/></d:prop></d:sync-collection>`,
  );
}

/** A multiget body for the given member hrefs (absolute paths). */
export function multigetBody(spec: MultigetSpec, hrefs: string[]): Buffer {
  return Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<c:${spec.report} xmlns:d="DAV:" xmlns:c="${spec.ns}">` +
      `<d:prop><d:getetag/><c:${spec.data}/></d:prop>` +
      hrefs.map((h) => `<d:href>${esc(h)}</d:href>`).join('') +
      `</c:${spec.report}>`,
  );
}

/** The member name of an href (its last segment, decoded), or null for anything that is not one. */
export function memberName(href: string): string | null {
  const last = href.replace(/\/+$/, '').split('/').pop() ?? '';
  try {
    const name = decodeURIComponent(last);
    return name && !name.includes('/') ? name : null;
  } catch {
    return null;
  }
}

const trim = (p: string) => p.replace(/\/+$/, '');

/**
 * The responses of a multistatus for the collection at `requestPath`: its members (with `data` when `dataOf` names
 * an element present in the 200 propstat), the sync token, and whether the collection itself answered 507 (more).
 */
export function parseMultistatus(
  xml: string,
  requestPath: string,
  dataOf?: { ns: string; local: string },
): { members: SyncMember[]; token: string | null; more: boolean } {
  const root = parseXml(xml);
  const members: SyncMember[] = [];
  let more = false;
  for (const r of elements(root).filter((e) => e.ns === DAV_NS && e.local === 'response')) {
    const href = textOf(child(r, DAV_NS, 'href') ?? NONE).trim();
    const status = child(r, DAV_NS, 'status');
    let hrefPath: string;
    try {
      hrefPath = href.startsWith('http') ? new URL(href).pathname : href;
    } catch {
      continue;
    }
    const self = trim(hrefPath) === trim(requestPath);
    if (self && status && / 507 /.test(textOf(status))) {
      more = true;
      continue;
    }
    const name = memberName(href);
    if (!name || self) continue;
    const ok = elements(r).find(
      (p) => p.local === 'propstat' && / 200 /.test(textOf(child(p, DAV_NS, 'status') ?? NONE)),
    );
    const prop = ok && child(ok, DAV_NS, 'prop');
    const etagEl = prop && child(prop, DAV_NS, 'getetag');
    const data = prop && dataOf && child(prop, dataOf.ns, dataOf.local);
    members.push({
      name,
      present: ok !== undefined,
      etag: etagEl ? unquoteEtag(textOf(etagEl)) : null,
      ...(data ? { data: textOf(data) } : {}),
    });
  }
  const tokenEl = child(root, DAV_NS, 'sync-token');
  return { members, token: tokenEl ? textOf(tokenEl).trim() : null, more };
}
