/**
 * `calendar-multiget` (RFC 4791 §7.9) on the owner's `/dav/remote-calendars/` endpoint, so a recipient's server
 * fetches the members a sync reported changed in one request (getetag and calendar-data, the stored bytes verbatim;
 * 404 for members that are gone). Nextcloud's receivers GET each member instead, which also works.
 */
import { child, DAV_NS, elements, escapeXml, statusResponse, textOf, type DavExtension } from '#dav';
import type { ObjectStore } from '../object-store.ts';
import { SharedCalendarNode } from './owner-nodes.ts';

export const CALDAV_NS = 'urn:ietf:params:xml:ns:caldav';
/** Most hrefs one multiget may name. */
const MAX_HREFS = 1000;

/** The extension, over the objects of the calendar the request's mount serves. */
export function ownerMultigetExtension(objects: ObjectStore): DavExtension {
  return {
    name: 'federation-multiget',
    setup(server) {
      server.addReport({
        name: `{${CALDAV_NS}}calendar-multiget`,
        appliesTo: (node) => node instanceof SharedCalendarNode,
        async handler(d, body, node) {
          if (!(node instanceof SharedCalendarNode)) {
            d.sendMultistatus([]);
            return;
          }
          const base = d.href(d.path, true);
          const hrefs = elements(body)
            .filter((e) => e.ns === DAV_NS && e.local === 'href')
            .slice(0, MAX_HREFS)
            .map((e) => textOf(e).trim());
          const names = new Map<string, string>();
          for (const h of hrefs) {
            const path = h.startsWith('http') ? new URL(h).pathname : h;
            const last = path.startsWith(base) ? path.slice(base.length) : '';
            try {
              const name = decodeURIComponent(last);
              if (name && !name.includes('/')) names.set(h, name);
            } catch {
              // not one of ours: answered 404 below
            }
          }
          const found = new Map(
            (await objects.getMany(node.calendarId, [...new Set(names.values())])).map((o) => [o.uri, o]),
          );
          const wantsData =
            !child(body, DAV_NS, 'prop') || !!child(child(body, DAV_NS, 'prop')!, CALDAV_NS, 'calendar-data');
          const responses = hrefs.map((h) => {
            const o = found.get(names.get(h) ?? '');
            if (!o) return statusResponse(h, 404);
            const data = wantsData ? `<c:calendar-data>${escapeXml(o.data.toString('utf8'))}</c:calendar-data>` : '';
            return `<d:response><d:href>${escapeXml(h)}</d:href><d:propstat><d:prop xmlns:c="${CALDAV_NS}"><d:getetag>"${o.etag}"</d:getetag>${data}</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>`;
          });
          d.sendMultistatus(responses);
        },
      });
    },
  };
}
