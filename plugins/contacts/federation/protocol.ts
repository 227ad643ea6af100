/**
 * The wire shapes of address-book federation, in the envelope calendars use (next-capabilities.md §2.8 proposal):
 * an OCM share with `resourceType: "addressbook"` and the `webdav` v1 protocol block of `#sdk` dav-federation
 * carrying the book's URL, `displayName`, Nextcloud's `access` (2 read-write, 3 read) and `options.sharedSecret`
 * (in a `webdav` object for receivers demanding `must-exchange-token`); and `SYNC_ADDRESSBOOK`, shaped as
 * `SYNC_CALENDAR`. See ../REGISTRATION.md.
 */
import { readWebdavShare, webdavShareProtocol, type IncomingShare, type WebdavShareInfo } from '#sdk';

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
  mustExchangeToken?: boolean;
}): Record<string, unknown> {
  return webdavShareProtocol({ ...input, mustExchangeToken: input.mustExchangeToken === true });
}

/** The `SYNC_ADDRESSBOOK` notification's fields: unlike Nextcloud's calendars, it goes with the share's providerId. */
export function syncAddressbookNotification(input: {
  sharedSecret: string;
  shareWith: string;
  addressbookUrl: string;
}): Record<string, unknown> {
  return { sharedSecret: input.sharedSecret, shareWith: input.shareWith, addressbookUrl: input.addressbookUrl };
}

/** Reads a received address-book share's protocol with the calendar rules (see `readWebdavShare`). */
export function readAddressbookShare(share: IncomingShare): WebdavShareInfo {
  return readWebdavShare(share, 'address-book');
}
