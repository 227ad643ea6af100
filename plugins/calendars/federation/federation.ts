/**
 * Calendar federation, both sides, as the calendars plugin's hooks (see README.md "Federation"):
 * - owner: builds the Nextcloud v1 protocol block, serves the calendar at `/dav/remote-calendars/<providerId>/`,
 *   sends `SYNC_CALENDAR` (coalesced per share) when the calendar's objects change, and shapes the core's
 *   `SHARE_UNSHARED`/`SHARE_CHANGE_PERMISSION` for Nextcloud (providerId "calendar");
 * - recipient: keys shares by their URL (Nextcloud's providerId is always "calendar"), resolves `SYNC_CALENDAR` by
 *   secret and URL, keeps a synced copy in the recipient's calendar home from accept to unshare/decline/401, pulls it
 *   on notification and on a periodic safety net, and writes through to the owner.
 */
import { NotFoundError, type IncomingShare, type PluginContext, type PluginHooks } from '#core';
import { announceChange, sharedCopyUri, startSafetyNet, webdavIncomingPermissions } from '#sdk';
import { DAV_READ_METHODS } from '#dav';
import type { Calendar, CalendarStore } from '../calendar-store.ts';
import type { ObjectStore } from '../object-store.ts';
import { FEDERATION_ERRORS } from './error-codes.ts';
import { calendarOwnerHandler } from './owner-dav.ts';
import {
  CALENDAR_PROVIDER_ID,
  nextcloudShapedNotification,
  readCalendarShare,
  REMOTE_CALENDARS_PATH,
  remoteCalendarUrl,
  shareProtocol,
  syncCalendarNotification,
} from './protocol.ts';
import { calendarSyncClient } from './sync-client.ts';
import { deleteThrough, putThrough, type WriteThroughDeps } from './write-through.ts';
import type { WriteCondition } from '../object-store.ts';
import type { CalendarsTables } from '../tables.ts';

/** Outbox kind of `SYNC_CALENDAR` messages. */
export const SYNC_KIND = 'calendars:sync';
/** Default safety-net interval: every synced copy is pulled at least this often. */
export const DEFAULT_SYNC_INTERVAL_MS = 15 * 60 * 1000;

/** The synced-copy operations other parts of the plugin (CalDAV, API) use. */
export interface CalendarFederation {
  /** The incoming share of a synced copy (null for a local calendar or an ended share). */
  shareOf(copy: Calendar): Promise<IncomingShare | null>;
  putThrough(
    copy: Calendar,
    uri: string,
    body: Buffer,
    cond?: WriteCondition,
  ): Promise<{ etag: string; created: boolean }>;
  deleteThrough(copy: Calendar, uri: string, cond?: WriteCondition): Promise<boolean>;
  /** Pulls a copy now (resolves when done; errors are recorded on the copy, not thrown). */
  pull(copy: Calendar): Promise<void>;
  dispose(): void;
}

/** Sets up federation; returns the hooks to merge into the plugin's and the operations for CalDAV/API. */
export function setupFederation(
  ctx: PluginContext<CalendarsTables>,
  stores: { calendars: CalendarStore; objects: ObjectStore },
): { hooks: PluginHooks; federation: CalendarFederation } {
  const { calendars, objects } = stores;
  const sync = calendarSyncClient(ctx, calendars, objects);
  const ownerDav = calendarOwnerHandler(ctx, stores);
  ctx.hotMount(REMOTE_CALENDARS_PATH, DAV_READ_METHODS, (req, res) => void ownerDav(req, res));

  const shareOf = async (copy: Calendar) => {
    if (!copy.remote) return null;
    const share = await ctx.shares.getIncoming(copy.remote.shareId);
    return share && share.state === 'accepted' ? share : null;
  };
  const pullShare = (share: IncomingShare) =>
    sync.pull(share).catch((err) => ctx.logger.warn({ err, shareId: share.id }, 'calendar pull failed'));

  // Owner: tell every sharee's server when a shared calendar changes (one waiting message per share), with
  // Nextcloud's constant providerId.
  const notifyChange = (calendarId: string) =>
    announceChange(ctx, {
      resourceType: 'calendar',
      resourceId: calendarId,
      notificationType: 'SYNC_CALENDAR',
      kind: SYNC_KIND,
      notice: (s) => ({
        providerId: CALENDAR_PROVIDER_ID,
        notification: syncCalendarNotification({
          sharedSecret: ctx.shares.sharedSecretOf(s),
          shareWith: s.shareWith,
          calendarUrl: remoteCalendarUrl(ctx.identity.origin, s.providerId),
        }),
      }),
    });
  objects.onChange((calendarId) => {
    void notifyChange(calendarId).catch((err) => ctx.logger.warn({ err }, 'SYNC_CALENDAR not queued'));
  });

  // Recipient: the periodic safety net (pulls what a lost SYNC_CALENDAR left stale, removes copies of ended shares).
  const stopSafetyNet = startSafetyNet(ctx, {
    setting: 'MESHWORK_CALENDAR_SYNC_INTERVAL_MS',
    defaultMs: DEFAULT_SYNC_INTERVAL_MS,
    what: 'calendar',
    copies: async () =>
      (
        await ctx.db
          .selectFrom('calendars_calendars')
          .select(['id', 'share_id', 'remote_synced_at'])
          .where('source', '=', 'remote')
          .execute()
      ).map((r) => ({
        copyId: String(r.id),
        shareId: String(r.share_id),
        syncedAt: r.remote_synced_at === null ? null : Number(r.remote_synced_at),
      })),
    pull: pullShare,
    remove: async (copy) => void (await calendars.delete(copy.copyId)),
  });

  // A re-share or a permission change: the copy follows the share's access, and is pulled with the new secret.
  ctx.events.on('share:incoming-updated', async ({ share }) => {
    if (share.resourceType !== 'calendar' || share.state !== 'accepted') return;
    const copy = await calendars.findByShareId(share.id);
    if (!copy?.remote) return;
    const info = readCalendarShare(share);
    if (info.access !== copy.remote.access) await calendars.setRemoteState(copy.id, { access: info.access });
    await pullShare(share);
  });

  const removeCopy = async (share: IncomingShare) => {
    const copy = await calendars.findByShareId(share.id);
    if (copy) await calendars.delete(copy.id);
  };
  const writeDeps: WriteThroughDeps = {
    ctx,
    objects,
    // The owner refused a write: the share is read-only now (a change we were not told about).
    readOnly: (copy) => calendars.setRemoteState(copy.id, { access: 'read' }),
  };
  const requireShare = async (copy: Calendar) => {
    const share = await shareOf(copy);
    if (!share)
      throw new NotFoundError('this calendar is no longer shared with you', FEDERATION_ERRORS.CALENDAR_SHARE_REVOKED);
    return share;
  };

  const hooks: PluginHooks = {
    incomingShareKey(share) {
      const url = share.protocol.protocols.webdav?.url;
      return typeof url === 'string' && url ? `url:${url}` : null;
    },
    async resolveIncoming(n, candidates) {
      const url = n.notification.calendarUrl;
      const secret = n.notification.sharedSecret;
      // Both are required: a notification names its share by URL and proves it with the share's secret.
      if (typeof url !== 'string' || typeof secret !== 'string') return null;
      const match = (pool: IncomingShare[]) =>
        pool.find(
          (s) =>
            s.senderHost === n.senderHost &&
            s.protocol.protocols.webdav?.url === url &&
            s.protocol.protocols.webdav?.sharedSecret === secret,
        ) ?? null;
      const found = match(candidates);
      if (found || typeof n.notification.shareWith !== 'string') return found;
      // Our own peers share under their own providerIds but notify with Nextcloud's constant "calendar": look among
      // the named recipient's calendar shares.
      const at = n.notification.shareWith.lastIndexOf('@');
      const user = at > 0 ? await ctx.accounts.findUser(n.notification.shareWith.slice(0, at)) : null;
      return user ? match(await ctx.shares.listIncoming(user.id, 'calendar')) : null;
    },
    async prepareOutgoingShare(draft) {
      const cal = await calendars.getById(draft.resourceId);
      if (!cal || cal.ownerId !== draft.owner.id || cal.remote)
        throw new NotFoundError('no such calendar of yours', 'RESOURCE_NOT_FOUND');
      const displayName = cal.displayName ?? cal.uri;
      return {
        name: cal.uri,
        description: displayName,
        protocol: shareProtocol({
          url: remoteCalendarUrl(ctx.identity.origin, draft.providerId),
          sharedSecret: draft.sharedSecret,
          displayName,
          color: cal.color,
          write: draft.permissions.includes('write'),
          components: cal.components,
          mustExchangeToken: draft.mustExchangeToken,
        }),
      };
    },
    outgoingNotification(share, body) {
      return nextcloudShapedNotification(body, {
        shareWith: share.shareWith,
        calendarUrl: remoteCalendarUrl(ctx.identity.origin, share.providerId),
        sharedSecret: ctx.shares.sharedSecretOf(share),
      });
    },
    async onShareRepeated(existing, repeat) {
      // Nextcloud re-shares a calendar to rotate its token or change access and components (§2.2).
      const [was, now] = [readCalendarShare(existing), readCalendarShare(repeat)];
      const same =
        was.sharedSecret === now.sharedSecret &&
        was.access === now.access &&
        was.components.join() === now.components.join();
      return same ? undefined : repeat.protocol;
    },
    // Nextcloud's block says `access` (2 read-write, 3 read), not a permissions list: the inbox says "Can edit".
    incomingPermissions: webdavIncomingPermissions,
    async validateIncomingShare(share) {
      readCalendarShare(share);
    },
    async onIncomingAccepted(share) {
      const info = readCalendarShare(share);
      if (!(await calendars.findByShareId(share.id)))
        await calendars.create({
          ownerId: share.recipientId,
          uri: sharedCopyUri(info.url),
          props: { displayName: info.displayName, color: info.color },
          components: info.components,
          remote: { shareId: share.id, url: info.url, owner: share.owner, access: info.access },
        });
      void pullShare(share);
    },
    async onIncomingRemoved(share) {
      await removeCopy(share);
    },
    async onNotification(n) {
      if (n.notificationType !== 'SYNC_CALENDAR') return {};
      if (n.incoming?.state === 'accepted') void pullShare(n.incoming);
      return {};
    },
  };
  const federation: CalendarFederation = {
    shareOf,
    async putThrough(copy, uri, body, cond) {
      return putThrough(writeDeps, copy, await requireShare(copy), uri, body, cond);
    },
    async deleteThrough(copy, uri, cond) {
      return deleteThrough(writeDeps, copy, await requireShare(copy), uri, cond);
    },
    async pull(copy) {
      const share = await shareOf(copy);
      if (share) await sync.pull(share);
    },
    dispose: stopSafetyNet,
  };
  return { hooks, federation };
}
