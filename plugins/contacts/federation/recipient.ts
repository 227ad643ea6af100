/**
 * The recipient's side of address-book federation: an accepted `addressbook` share becomes a `shared` book in the
 * recipient's address-book home (CardDAV clients list it; read-only unless the share grants write), pulled on accept
 * and on `SYNC_ADDRESSBOOK`, and removed on unshare, decline or a 401 from the owner.
 */
import type { IncomingShare, PluginContext, PluginHooks } from '#core';
import { sharedCopyUri, startSafetyNet, webdavIncomingPermissions } from '#sdk';
import type { CardStore } from '../card-store.ts';
import type { CardLimits } from '../vcard.ts';
import { readAddressbookShare } from './protocol.ts';
import type { SharedBooks } from './shared-books.ts';
import { addressbookSyncClient } from './sync-client.ts';

/** Every copy is pulled at least this often (MESHWORK_CONTACTS_SYNC_INTERVAL_MS), in case a `SYNC_ADDRESSBOOK` was lost. */
export const SAFETY_NET_MS = 15 * 60 * 1000;

type RecipientHooks = Pick<
  PluginHooks,
  | 'validateIncomingShare'
  | 'incomingPermissions'
  | 'onIncomingAccepted'
  | 'onIncomingRemoved'
  | 'onNotification'
  | 'onShareRepeated'
  | 'dispose'
>;

/** The recipient hooks, and `pull` for a copy (by its incoming share). */
export function setupRecipientFederation(
  ctx: PluginContext,
  deps: { shared: SharedBooks; cards: CardStore; limits: CardLimits },
): { hooks: RecipientHooks; pull: (share: IncomingShare) => Promise<void> } {
  const { shared } = deps;
  const sync = addressbookSyncClient(ctx, shared, deps.cards, deps.limits);
  const pull = (share: IncomingShare) =>
    sync.pull(share).catch((err) => ctx.logger.warn({ err, shareId: share.id }, 'address-book pull failed'));

  // The safety net: pulls what a lost SYNC_ADDRESSBOOK left stale, removes copies of ended shares.
  const stopSafetyNet = startSafetyNet(ctx, {
    setting: 'MESHWORK_CONTACTS_SYNC_INTERVAL_MS',
    defaultMs: SAFETY_NET_MS,
    what: 'address book',
    copies: async () =>
      (await shared.all()).map((s) => ({ copyId: s.bookId, shareId: s.shareId, syncedAt: s.syncedAt ?? null })),
    pull,
    remove: (copy) => shared.remove(copy.shareId),
  });

  ctx.events.on('share:incoming-updated', async ({ share }) => {
    if (share.resourceType !== 'addressbook' || share.state !== 'accepted') return;
    const state = await shared.byShare(share.id);
    if (!state) return;
    await shared.setAccess(state.bookId, readAddressbookShare(share).access);
    await pull(share);
  });

  const hooks: RecipientHooks = {
    async validateIncomingShare(share) {
      readAddressbookShare(share);
    },
    incomingPermissions: webdavIncomingPermissions,
    async onShareRepeated(existing, repeat) {
      const [was, now] = [readAddressbookShare(existing), readAddressbookShare(repeat)];
      return was.sharedSecret === now.sharedSecret && was.access === now.access ? undefined : repeat.protocol;
    },
    async onIncomingAccepted(share) {
      const info = readAddressbookShare(share);
      if (!(await shared.byShare(share.id)))
        await shared.create({
          ownerId: share.recipientId,
          uri: sharedCopyUri(info.collectionUrl),
          displayName: info.displayName,
          shareId: share.id,
          url: info.collectionUrl,
          access: info.access,
        });
      void pull(share);
    },
    async onIncomingRemoved(share) {
      await shared.remove(share.id);
    },
    async dispose() {
      stopSafetyNet();
    },
    async onNotification(n) {
      if (n.notificationType !== 'SYNC_ADDRESSBOOK') return {};
      if (n.incoming?.state === 'accepted') void pull(n.incoming);
      return {};
    },
  };
  return { hooks, pull };
}
