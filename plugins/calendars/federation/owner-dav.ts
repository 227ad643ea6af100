/**
 * `/dav/remote-calendars/<providerId>/…`: the owner's side of a federated calendar, on the shared owner endpoint
 * (`ownerDavHandler` in `#sdk` dav-federation: share secret or exchanged token as the Basic password or Bearer, 401
 * for a revoked share, 403 `DAV:need-privileges` for writes on a read-only one), serving the shared calendar with
 * sync-collection and calendar-multiget. Dead properties are those of the owner's own CalDAV tree (the same rows:
 * the calendar's storage path is its `basePath`); the calendar's own properties (name, colour, time zone …) stay
 * the owner's to set, as on a recipient's synced copy.
 */
import { ownerDavHandler, type PluginContext } from '#sdk';
import { deadPropertiesExtension, encodeSegment, syncExtension, type DavExtension } from '#dav';
import type { CalendarStore } from '../calendar-store.ts';
import { calendarPropStore } from '../caldav/dead-props-schema.ts';
import { P } from '../caldav/props.ts';
import type { ObjectStore } from '../object-store.ts';
import type { CalendarsTables } from '../tables.ts';
import { ownerMultigetExtension } from './owner-multiget.ts';
import { SharedCalendarNode } from './owner-nodes.ts';
import { REMOTE_CALENDARS_PATH } from './protocol.ts';

/** The calendar's live properties, which a recipient may not set (nor shadow with dead ones). */
const ownersProperties: DavExtension = {
  name: 'calendar-owner-properties',
  setup(server) {
    server.protect(
      P.displayname,
      P.description,
      P.timezone,
      P.color,
      P.order,
      P.components,
      P.dataTypes,
      P.maxSize,
      P.collations,
      P.calendarData,
      P.ctag,
      P.owner,
      P.privileges,
    );
  },
};

/** The request handler mounted at `/dav/remote-calendars`. */
export function calendarOwnerHandler(
  ctx: PluginContext<CalendarsTables>,
  stores: { calendars: CalendarStore; objects: ObjectStore },
) {
  return ownerDavHandler(ctx, {
    resourceType: 'calendar',
    path: REMOTE_CALENDARS_PATH,
    realm: 'meshwork remote calendars',
    extensions: [
      syncExtension(),
      ownerMultigetExtension(stores.objects),
      ownersProperties,
      deadPropertiesExtension(calendarPropStore(ctx.db)),
    ],
    async open(share, hrefPrefix) {
      const cal = await stores.calendars.getById(share.resourceId);
      if (!cal || cal.ownerId !== share.ownerId || cal.remote) return null;
      const hrefOf = (uri: string) => `${hrefPrefix}/${encodeSegment(uri)}`;
      return {
        root: new SharedCalendarNode({ ...stores, hrefOf }, cal),
        space: `calendar:${cal.id}`,
        basePath: `/${cal.ownerId}/${cal.uri}`,
      };
    },
  });
}
