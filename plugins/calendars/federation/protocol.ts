/**
 * The wire shapes of calendar federation, Nextcloud-compatible (next-capabilities.md §2.2, §2.3): the share's
 * `webdav` v1 protocol block (shared with address books, `#sdk` dav-federation) with the calendar's own fields
 * (`color`, `components`), `SYNC_CALENDAR`, and the Nextcloud shape of the core's notifications about a share.
 */
import {
  ACCESS_READ,
  ACCESS_READ_WRITE,
  readWebdavShare,
  webdavShareProtocol,
  type OutgoingNotification,
  type IncomingShare,
  type WebdavShareInfo,
} from '#sdk';

export { ACCESS_READ, ACCESS_READ_WRITE };

/** Nextcloud's constant providerId for every calendar share and notification. */
export const CALENDAR_PROVIDER_ID = 'calendar';

/** Where a Meshwork owner serves a shared calendar to the recipient's server. */
export const REMOTE_CALENDARS_PATH = '/dav/remote-calendars';

/** The owner-side URL of an outgoing share (same host:port as our cloud IDs, for Nextcloud's auto-accept). */
export function remoteCalendarUrl(origin: string, providerId: string): string {
  return `${origin}${REMOTE_CALENDARS_PATH}/${encodeURIComponent(providerId)}/`;
}

/** The `protocol` object of a calendar share: Nextcloud's v1 shape (in a `webdav` object for strict receivers). */
export function shareProtocol(input: {
  url: string;
  sharedSecret: string;
  displayName: string;
  color: string | null;
  write: boolean;
  components: string[];
  mustExchangeToken?: boolean;
}): Record<string, unknown> {
  return webdavShareProtocol({
    url: input.url,
    sharedSecret: input.sharedSecret,
    displayName: input.displayName,
    write: input.write,
    mustExchangeToken: input.mustExchangeToken === true,
    fields: { color: input.color, components: input.components.join(',') },
  });
}

/** A received calendar share's protocol fields. */
export interface CalendarShareInfo extends WebdavShareInfo {
  color: string | null;
  components: string[];
}

/**
 * Reads a received calendar share's protocol with Nextcloud's rules (`CalendarFederationProvider::shareReceived`):
 * the common v1 rules, plus a colour string or null and a components string.
 */
export function readCalendarShare(share: IncomingShare): CalendarShareInfo {
  const info = readWebdavShare(
    share,
    'calendar',
    (arm) =>
      (typeof arm.color === 'string' || arm.color === null || arm.color === undefined) &&
      typeof arm.components === 'string',
  );
  const list = String(info.arm.components)
    .split(',')
    .map((c) => c.trim().toUpperCase())
    .filter((c) => ['VEVENT', 'VTODO', 'VJOURNAL'].includes(c));
  return {
    ...info,
    color: typeof info.arm.color === 'string' ? info.arm.color : null,
    components: list.length ? list : ['VEVENT', 'VTODO'],
  };
}

/** The `SYNC_CALENDAR` notification's fields (§2.3). */
export function syncCalendarNotification(input: {
  sharedSecret: string;
  shareWith: string;
  calendarUrl: string;
}): Record<string, unknown> {
  return { sharedSecret: input.sharedSecret, shareWith: input.shareWith, calendarUrl: input.calendarUrl };
}

/**
 * The core's `SHARE_UNSHARED` / `SHARE_CHANGE_PERMISSION` about a calendar share, as Nextcloud's calendar federation
 * takes it (§2.7): providerId `"calendar"` (anything else is a 400), with the share's secret, sharee and calendar URL
 * — which is also how our own servers find the share (`resolveIncoming`, as for `SYNC_CALENDAR`).
 */
export function nextcloudShapedNotification(
  body: OutgoingNotification,
  share: { shareWith: string; calendarUrl: string; sharedSecret: string },
): OutgoingNotification {
  return {
    ...body,
    providerId: CALENDAR_PROVIDER_ID,
    notification: {
      ...body.notification,
      ...syncCalendarNotification({
        sharedSecret: share.sharedSecret,
        shareWith: share.shareWith,
        calendarUrl: share.calendarUrl,
      }),
    },
  };
}
