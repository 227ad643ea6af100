/**
 * The wire shapes of calendar federation, Nextcloud-compatible (next-capabilities.md §2.2, §2.3): the share's
 * legacy `webdav` v1 protocol block with the calendar fields at its top level, and `SYNC_CALENDAR`.
 */
import { InputError, type IncomingShare } from '#core';

/** Nextcloud's sharing access values (OCA\DAV\DAV\Sharing\Backend). */
export const ACCESS_READ_WRITE = 2;
export const ACCESS_READ = 3;

/** What Nextcloud sends as `options.permissions`: a WebDAV property name. */
export const LEGACY_PERMISSIONS = '{http://open-cloud-mesh.org/ns}share-permissions';

/** Nextcloud's constant providerId for every calendar share and notification. */
export const CALENDAR_PROVIDER_ID = 'calendar';

/** Where a Meshwork owner serves a shared calendar to the recipient's server. */
export const REMOTE_CALENDARS_PATH = '/dav/remote-calendars';

/** The owner-side URL of an outgoing share (same host:port as our cloud IDs, for Nextcloud's auto-accept). */
export function remoteCalendarUrl(origin: string, providerId: string): string {
  return `${origin}${REMOTE_CALENDARS_PATH}/${encodeURIComponent(providerId)}/`;
}

/** The `protocol` object of a calendar share, exactly Nextcloud's v1 shape. */
export function shareProtocol(input: {
  url: string;
  sharedSecret: string;
  displayName: string;
  color: string | null;
  write: boolean;
  components: string[];
}): Record<string, unknown> {
  return {
    name: 'webdav',
    options: { sharedSecret: input.sharedSecret, permissions: LEGACY_PERMISSIONS },
    version: 'v1',
    url: input.url,
    displayName: input.displayName,
    color: input.color,
    access: input.write ? ACCESS_READ_WRITE : ACCESS_READ,
    components: input.components.join(','),
  };
}

/** A received calendar share's protocol fields. */
export interface CalendarShareInfo {
  url: string;
  displayName: string;
  color: string | null;
  access: 'read' | 'read-write';
  components: string[];
  sharedSecret: string;
  /** The owner demands the code flow: the credential comes from the core's token exchange. */
  mustExchangeToken: boolean;
}

function invalid(message: string): InputError {
  return new InputError(message, [{ name: 'protocol', message: 'INVALID_VALUE' }], 'INVALID_PROTOCOL');
}

/**
 * Reads a received calendar share's protocol (the core folds Nextcloud's top-level fields into the `webdav` arm)
 * with Nextcloud's own rules (`CalendarFederationProvider::shareReceived`): v1, string url/displayName/components,
 * colour string or null, access 2 or 3. The url must be on the sender's host.
 */
export function readCalendarShare(share: IncomingShare): CalendarShareInfo {
  const arm = share.protocol.protocols.webdav;
  if (!arm) throw invalid('a calendar share needs a webdav protocol');
  if (arm.version === undefined) throw invalid('No protocol version');
  if (arm.version !== 'v1') throw invalid('Unknown protocol version');
  const { url, displayName, color, access, components, sharedSecret } = arm;
  if (
    typeof url !== 'string' ||
    typeof displayName !== 'string' ||
    !(typeof color === 'string' || color === null || color === undefined) ||
    typeof access !== 'number' ||
    !Number.isInteger(access) ||
    typeof components !== 'string'
  )
    throw invalid('Invalid protocol data (v1)');
  if (url === '' || displayName === '') throw invalid('Incomplete protocol data');
  if (access !== ACCESS_READ && access !== ACCESS_READ_WRITE) throw invalid('Unsupported access value');
  if (typeof sharedSecret !== 'string' || sharedSecret === '') throw invalid('the share carries no sharedSecret');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid('protocol url is not a URL');
  }
  if (!/^https?:$/.test(parsed.protocol) || parsed.host.toLowerCase() !== share.senderHost.toLowerCase())
    throw invalid('the calendar url must be on the sharing server');
  const list = components
    .split(',')
    .map((c) => c.trim().toUpperCase())
    .filter((c) => ['VEVENT', 'VTODO', 'VJOURNAL'].includes(c));
  const requirements = Array.isArray(arm.requirements) ? arm.requirements : [];
  // `access` as sent; once the owner changed the permissions (SHARE_CHANGE_PERMISSION) the core keeps the new list.
  const granted = Array.isArray(arm.permissions) ? arm.permissions : [];
  const write = granted.length ? granted.includes('write') : access === ACCESS_READ_WRITE;
  return {
    url,
    displayName,
    color: typeof color === 'string' ? color : null,
    access: write ? 'read-write' : 'read',
    components: list.length ? list : ['VEVENT', 'VTODO'],
    sharedSecret,
    mustExchangeToken: requirements.includes('must-exchange-token'),
  };
}

/** The `SYNC_CALENDAR` notification body (§2.3). */
export function syncCalendarBody(input: {
  providerId: string;
  sharedSecret: string;
  shareWith: string;
  calendarUrl: string;
}): Record<string, unknown> {
  return {
    notificationType: 'SYNC_CALENDAR',
    resourceType: 'calendar',
    providerId: input.providerId,
    notification: { sharedSecret: input.sharedSecret, shareWith: input.shareWith, calendarUrl: input.calendarUrl },
  };
}
