/** The live properties every node has (RFC 4918 §15), computed from the node, and `supported-report-set`. */
import type { PropFind } from '../prop-find.ts';
import type { DavServer, PropertyProvider } from '../server.ts';
import { clark, DAV_NS, escapeXml, propElement } from '../xml.ts';

const D = (local: string): string => clark(DAV_NS, local);

/** Live properties the core computes (all protected except displayname). */
export const CORE_PROPS = {
  resourcetype: D('resourcetype'),
  displayname: D('displayname'),
  getcontentlength: D('getcontentlength'),
  getcontenttype: D('getcontenttype'),
  getetag: D('getetag'),
  getlastmodified: D('getlastmodified'),
  creationdate: D('creationdate'),
  supportedReportSet: D('supported-report-set'),
} as const;

/** Properties no client may set, beyond the computed ones (quota is served by backends that have it). */
export const CORE_PROTECTED = [
  CORE_PROPS.resourcetype,
  CORE_PROPS.getcontentlength,
  CORE_PROPS.getcontenttype,
  CORE_PROPS.getetag,
  CORE_PROPS.getlastmodified,
  CORE_PROPS.creationdate,
  CORE_PROPS.supportedReportSet,
  D('quota-available-bytes'),
  D('quota-used-bytes'),
];

function resourceType(pf: PropFind): string {
  const extra = (pf.node.resourceTypes ?? []).map((t) => propElement(t, '')).join('');
  return (pf.node.collection ? '<d:collection/>' : '') + extra;
}

/**
 * HTTP date of a time, remembered for the last few seconds seen: the members of a folder listing mostly share a
 * handful of modification seconds, and formatting a Date is a good part of a big PROPFIND's work.
 */
function httpDate(ms: number): string {
  const sec = Math.floor(ms / 1000);
  let s = HTTP_DATES.get(sec);
  if (s === undefined) {
    s = new Date(sec * 1000).toUTCString();
    if (HTTP_DATES.size >= 256) HTTP_DATES.clear();
    HTTP_DATES.set(sec, s);
  }
  return s;
}
const HTTP_DATES = new Map<number, string>();

/** An ETag as element text: the usual `"…"` of plain characters without a regex callback per quote. */
function etagXml(etag: string): string {
  const inner = etag.slice(1, -1);
  return etag.length >= 2 && etag[0] === '"' && etag.endsWith('"') && escapeXml(inner) === inner
    ? `&quot;${inner}&quot;`
    : escapeXml(etag);
}

/** The provider of the core live properties. */
export function coreLiveProps(server: DavServer): PropertyProvider {
  return {
    propFind(batch) {
      // `wants` before computing, without a closure per property: a listing runs this for thousands of members.
      for (const pf of batch) {
        const n = pf.node;
        if (pf.wants(CORE_PROPS.resourcetype)) pf.set(CORE_PROPS.resourcetype, resourceType(pf));
        if (pf.wants(CORE_PROPS.displayname)) pf.set(CORE_PROPS.displayname, escapeXml(n.displayName ?? n.name));
        if (!n.collection && n.size !== null && pf.wants(CORE_PROPS.getcontentlength))
          pf.set(CORE_PROPS.getcontentlength, String(n.size));
        if (n.contentType !== null && pf.wants(CORE_PROPS.getcontenttype))
          pf.set(CORE_PROPS.getcontenttype, escapeXml(n.contentType));
        if (n.etag !== null && pf.wants(CORE_PROPS.getetag)) pf.set(CORE_PROPS.getetag, etagXml(n.etag));
        if (n.lastModified !== null && pf.wants(CORE_PROPS.getlastmodified))
          pf.set(CORE_PROPS.getlastmodified, httpDate(n.lastModified));
        const created = n.createdAt ?? null;
        if (created !== null && pf.wants(CORE_PROPS.creationdate))
          pf.set(CORE_PROPS.creationdate, new Date(created).toISOString());
        // RFC 3253 keeps supported-report-set out of allprop; the RFC 3253 shape tsdav reads (report wrapper).
        pf.handle(
          CORE_PROPS.supportedReportSet,
          () =>
            server
              .reportsFor(n)
              .map((r) => `<d:supported-report><d:report>${propElement(r, '')}</d:report></d:supported-report>`)
              .join(''),
          false,
        );
      }
    },
  };
}
