/**
 * `/dav/remote-addressbooks/<providerId>/…`: the owner's side of a federated address book, on the shared owner
 * endpoint (`ownerDavHandler` in `#sdk` dav-federation: share secret or exchanged token as the Basic password or
 * Bearer, 401 for a revoked share, 403 `DAV:need-privileges` for writes on a read-only one). The book is served with
 * the CardDAV nodes of the local tree (sync-collection, addressbook-multiget, If-Match on writes) and the dead
 * properties of the owner's own CardDAV tree: what a read-write recipient PROPPATCHes is what the owner's clients see.
 */
import { ownerDavHandler, type PluginContext } from '#sdk';
import { deadPropertiesExtension, syncExtension, type DeadPropertyStore } from '#dav';
import { carddavExtension } from '../carddav-extension.ts';
import { BookNode, type CardDavContext } from '../carddav-nodes.ts';
import { REMOTE_ADDRESSBOOKS_PATH } from './protocol.ts';

/** The request handler mounted at `/dav/remote-addressbooks`. */
export function addressbookOwnerHandler(ctx: PluginContext, dav: CardDavContext, props: DeadPropertyStore) {
  return ownerDavHandler(ctx, {
    resourceType: 'addressbook',
    path: REMOTE_ADDRESSBOOKS_PATH,
    realm: 'meshwork remote address books',
    // Dead properties as on the owner's own mount, in the same rows (the book's storage path is its `basePath`).
    extensions: [syncExtension(), carddavExtension({ maxBytes: dav.limits.maxBytes }), deadPropertiesExtension(props)],
    async open(share, hrefPrefix) {
      const book = await dav.books.getById(share.resourceId);
      if (!book || book.ownerId !== share.ownerId || book.kind !== 'local') return null;
      return {
        root: new BookNode(dav, book, hrefPrefix),
        space: `contacts-book:${book.id}`,
        basePath: `/${book.ownerId}/${book.uri}`,
      };
    },
  });
}
