/**
 * The owner's side of address-book federation: the protocol block of an outgoing `addressbook` share, the book served
 * at `/dav/remote-addressbooks/<providerId>/`, and `SYNC_ADDRESSBOOK` (coalesced per share, through the outbox) when
 * the book's cards change.
 */
import { NotFoundError, type PluginContext, type PluginHooks } from '#core';
import { announceChange } from '#sdk';
import type { CardDavContext } from '../carddav-nodes.ts';
import { DAV_READ_METHODS, type DeadPropertyStore } from '#dav';
import { addressbookOwnerHandler } from './owner-dav.ts';
import {
  REMOTE_ADDRESSBOOKS_PATH,
  remoteAddressbookUrl,
  shareProtocol,
  syncAddressbookNotification,
} from './protocol.ts';

/** Outbox kind of `SYNC_ADDRESSBOOK` messages. */
export const SYNC_KIND = 'contacts:sync';

/** Mounts the owner endpoint; returns the hook building outgoing shares and the change callback for the card store. */
export function setupOwnerFederation(
  ctx: PluginContext,
  dav: CardDavContext,
  props: DeadPropertyStore,
): { hooks: Pick<PluginHooks, 'prepareOutgoingShare'>; bookChanged: (bookId: string) => void } {
  const handler = addressbookOwnerHandler(ctx, dav, props);
  ctx.hotMount(REMOTE_ADDRESSBOOKS_PATH, DAV_READ_METHODS, (req, res) => void handler(req, res));

  const notifyChange = (bookId: string) =>
    announceChange(ctx, {
      resourceType: 'addressbook',
      resourceId: bookId,
      notificationType: 'SYNC_ADDRESSBOOK',
      kind: SYNC_KIND,
      notice: (s) => ({
        providerId: s.providerId,
        notification: syncAddressbookNotification({
          sharedSecret: ctx.shares.sharedSecretOf(s),
          shareWith: s.shareWith,
          addressbookUrl: remoteAddressbookUrl(ctx.identity.origin, s.providerId),
        }),
      }),
    });

  return {
    hooks: {
      async prepareOutgoingShare(draft) {
        const book = await dav.books.getById(draft.resourceId);
        if (!book || book.ownerId !== draft.owner.id || book.kind !== 'local')
          throw new NotFoundError('no such address book of yours', 'RESOURCE_NOT_FOUND');
        const displayName = book.displayName ?? book.uri;
        return {
          name: book.uri,
          description: displayName,
          protocol: shareProtocol({
            url: remoteAddressbookUrl(ctx.identity.origin, draft.providerId),
            sharedSecret: draft.sharedSecret,
            displayName,
            write: draft.permissions.includes('write'),
            mustExchangeToken: draft.mustExchangeToken,
          }),
        };
      },
    },
    bookChanged: (bookId) =>
      void notifyChange(bookId).catch((err) => ctx.logger.warn({ err }, 'SYNC_ADDRESSBOOK not queued')),
  };
}
