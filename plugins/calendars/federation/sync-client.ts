/**
 * The calendar side of a synced copy's pull (the pull itself is `DavSyncClient` in `#sdk` dav-federation): copies are
 * `remote` calendars, members are calendar objects stored in `mirror` validation mode with the owner's ETag, owner
 * sync tokens must be `http://sabre.io/ns/sync/<n>` (Nextcloud's rule, §2.4), members come by `calendar-multiget`.
 */
import { DavSyncClient, type PluginContext } from '#sdk';
import type { CalendarStore } from '../calendar-store.ts';
import { validateCalendarObject } from '../ical-validate.ts';
import type { ObjectStore } from '../object-store.ts';
import { readCalendarShare } from './protocol.ts';

/** A copy holds whatever its owner holds. */
const MIRRORED = ['VEVENT', 'VTODO', 'VJOURNAL', 'VFREEBUSY'];

/** The pull of calendar copies (one at a time per copy). */
export function calendarSyncClient(ctx: PluginContext, calendars: CalendarStore, objects: ObjectStore): DavSyncClient {
  return new DavSyncClient(
    ctx,
    {
      async copyOf(share) {
        const copy = await calendars.findByShareId(share.id);
        if (!copy?.remote) return null;
        const info = readCalendarShare(share);
        return { id: copy.id, url: info.collectionUrl, syncToken: copy.remote.syncToken, access: info };
      },
      async members(copyId) {
        return (await objects.list(copyId)).map((o) => ({ uri: o.uri, etag: o.remoteEtag }));
      },
      async put(copyId, uri, data, ownerEtag) {
        const v = validateCalendarObject(data, { supportedComponents: MIRRORED, mode: 'mirror' });
        await objects.put(copyId, uri, v.bytes, v.index, {}, { remoteEtag: ownerEtag });
      },
      async delete(copyId, uri) {
        await objects.delete(copyId, uri);
      },
      setState: (copyId, s) => calendars.setRemoteState(copyId, s),
    },
    {
      what: 'federated calendar',
      multiget: { ns: 'urn:ietf:params:xml:ns:caldav', report: 'calendar-multiget', data: 'calendar-data' },
      syncProps: '<d:getcontenttype/>',
      syncToken: /^http:\/\/sabre\.io\/ns\/sync\/[0-9]+$/,
    },
  );
}
