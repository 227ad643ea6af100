/**
 * The address-book side of a shared copy's pull (the pull itself is `DavSyncClient` in `#sdk` dav-federation):
 * copies are `shared` books (`contacts_shared_books`), members are cards validated with the plugin's limits, fetched
 * by `addressbook-multiget`. A card's ETag is its content hash on both sides, so the copy's ETag is the owner's.
 */
import { DavSyncClient, type PluginContext } from '#sdk';
import type { CardStore } from '../card-store.ts';
import { validateCard, type CardLimits } from '../vcard.ts';
import { readAddressbookShare } from './protocol.ts';
import type { SharedBooks } from './shared-books.ts';

/** The pull of shared address-book copies (one at a time per copy). */
export function addressbookSyncClient(
  ctx: PluginContext,
  shared: SharedBooks,
  cards: CardStore,
  limits: CardLimits,
): DavSyncClient {
  return new DavSyncClient(
    ctx,
    {
      async copyOf(share) {
        const state = await shared.byShare(share.id);
        if (!state) return null;
        return {
          id: state.bookId,
          url: state.url,
          syncToken: state.remoteSyncToken,
          access: readAddressbookShare(share),
        };
      },
      async members(bookId) {
        return (await cards.list(bookId)).map((c) => ({ uri: c.uri, etag: c.etag }));
      },
      async put(bookId, uri, data) {
        await cards.put(bookId, uri, data, validateCard(data, undefined, limits));
      },
      async delete(bookId, uri) {
        await cards.delete(bookId, uri);
      },
      setState: (bookId, s) =>
        shared.setState(bookId, {
          ...(s.syncToken !== undefined ? { remoteSyncToken: s.syncToken } : {}),
          ...(s.syncedAt !== undefined ? { syncedAt: s.syncedAt } : {}),
          ...(s.error !== undefined ? { error: s.error } : {}),
        }),
    },
    {
      what: 'shared address book',
      multiget: { ns: 'urn:ietf:params:xml:ns:carddav', report: 'addressbook-multiget', data: 'address-data' },
    },
  );
}
