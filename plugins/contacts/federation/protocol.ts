/**
 * The wire shapes of address-book federation, in the envelope calendars use (next-capabilities.md §2.8 proposal):
 * an OCM share with `resourceType: "addressbook"` and a `webdav` v1 protocol block carrying the book's URL,
 * `displayName`, Nextcloud's `access` (2 read-write, 3 read) and `options.sharedSecret`; and `SYNC_ADDRESSBOOK`,
 * shaped as `SYNC_CALENDAR`. See ../REGISTRATION.md.
 */
import { InputError, type IncomingShare } from '#core';

/** Nextcloud's sharing access values, as calendars send them. */
export const ACCESS_READ_WRITE = 2;
export const ACCESS_READ = 3;

/** What goes in `options.permissions`: a WebDAV property name, as for calendars. */
export const LEGACY_PERMISSIONS = '{http://open-cloud-mesh.org/ns}share-permissions';

/** Where a Meshwork owner serves a shared address book to the recipient's server. */
export const REMOTE_ADDRESSBOOKS_PATH = '/dav/remote-addressbooks';

/** The owner-side URL of an outgoing share. */
export function remoteAddressbookUrl(origin: string, providerId: string): string {
  return `${origin}${REMOTE_ADDRESSBOOKS_PATH}/${encodeURIComponent(providerId)}/`;
}

/** The `protocol` object of an address-book share (the calendar v1 shape without colour and components). */
export function shareProtocol(input: {
  url: string;
  sharedSecret: string;
  displayName: string;
  write: boolean;
}): Record<string, unknown> {
  return {
    name: 'webdav',
    options: { sharedSecret: input.sharedSecret, permissions: LEGACY_PERMISSIONS },
    version: 'v1',
    url: input.url,
    displayName: input.displayName,
    access: input.write ? ACCESS_READ_WRITE : ACCESS_READ,
  };
}

/** The `SYNC_ADDRESSBOOK` notification body: unlike Nextcloud's calendars, it names the share's own providerId. */
export function syncAddressbookBody(input: {
  providerId: string;
  sharedSecret: string;
  shareWith: string;
  addressbookUrl: string;
}): Record<string, unknown> {
  return {
    notificationType: 'SYNC_ADDRESSBOOK',
    resourceType: 'addressbook',
    providerId: input.providerId,
    notification: {
      sharedSecret: input.sharedSecret,
      shareWith: input.shareWith,
      addressbookUrl: input.addressbookUrl,
    },
  };
}

/** A received address-book share's protocol fields. */
export interface AddressbookShareInfo {
  url: string;
  displayName: string;
  access: 'read' | 'read-write';
  sharedSecret: string;
}

function invalid(message: string): InputError {
  return new InputError(message, [{ name: 'protocol', message: 'INVALID_VALUE' }], 'INVALID_PROTOCOL');
}

/**
 * Reads a received address-book share's protocol with the calendar rules: v1, string url and displayName, access 2
 * or 3 (or a permissions list the owner changed later), a sharedSecret; the url must be on the sender's host.
 */
export function readAddressbookShare(share: IncomingShare): AddressbookShareInfo {
  const arm = share.protocol.protocols.webdav;
  if (!arm) throw invalid('an address-book share needs a webdav protocol');
  if (arm.version !== 'v1')
    throw invalid(arm.version === undefined ? 'No protocol version' : 'Unknown protocol version');
  const { url, displayName, access, sharedSecret } = arm;
  if (typeof url !== 'string' || typeof displayName !== 'string' || typeof access !== 'number')
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
    throw invalid('the address-book url must be on the sharing server');
  const granted = Array.isArray(arm.permissions) ? arm.permissions : [];
  const write = granted.length ? granted.includes('write') : access === ACCESS_READ_WRITE;
  return { url: url.endsWith('/') ? url : `${url}/`, displayName, access: write ? 'read-write' : 'read', sharedSecret };
}
