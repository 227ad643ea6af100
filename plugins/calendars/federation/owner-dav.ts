/**
 * `/dav/remote-calendars/<providerId>/…`: the owner's side of a federated calendar, on the shared owner endpoint
 * (`ownerDavHandler` in `#sdk` dav-federation: share secret or exchanged token as the Basic password or Bearer, 401
 * for a revoked share, 403 `DAV:need-privileges` for writes on a read-only one), serving the shared calendar with
 * sync-collection and calendar-multiget.
 */
import { ownerDavHandler, type PluginContext } from '#sdk';
import { encodeSegment, syncExtension } from '#dav';
import type { CalendarStore } from '../calendar-store.ts';
import type { ObjectStore } from '../object-store.ts';
import { ownerMultigetExtension } from './owner-multiget.ts';
import { SharedCalendarNode } from './owner-nodes.ts';
import { REMOTE_CALENDARS_PATH } from './protocol.ts';

/** The request handler mounted at `/dav/remote-calendars`. */
export function calendarOwnerHandler(ctx: PluginContext, stores: { calendars: CalendarStore; objects: ObjectStore }) {
  return ownerDavHandler(ctx, {
    resourceType: 'calendar',
    path: REMOTE_CALENDARS_PATH,
    realm: 'meshwork remote calendars',
    extensions: [syncExtension(), ownerMultigetExtension(stores.objects)],
    async open(share, hrefPrefix) {
      const cal = await stores.calendars.getById(share.resourceId);
      if (!cal || cal.ownerId !== share.ownerId || cal.remote) return null;
      const hrefOf = (uri: string) => `${hrefPrefix}/${encodeSegment(uri)}`;
      return { root: new SharedCalendarNode({ ...stores, hrefOf }, cal), space: `calendar:${cal.id}` };
    },
  });
}
