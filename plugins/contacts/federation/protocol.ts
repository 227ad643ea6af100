/**
 * The wire shapes of address-book federation, in the envelope calendars use (next-capabilities.md §2.8 proposal):
 * an OCM share with `resourceType: "addressbook"` and a `webdav` v1 protocol block carrying the book's URL,
 * `displayName`, Nextcloud's `access` (2 read-write, 3 read) and `options.sharedSecret`; and `SYNC_ADDRESSBOOK`,
 * shaped as `SYNC_CALENDAR`. See ../REGISTRATION.md.
 */

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
