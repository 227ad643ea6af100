import type { DeckDb } from './tables.ts';
import {
  InputError,
  NotAllowedError,
  NotFoundError,
  type PluginHooks,
  type ServerIdentity,
  type ShareRegistry,
} from '#sdk';
import { getBoard } from './board-store.ts';
import { DECK_ERRORS } from './error-codes.ts';
import type { HostService } from './host-service.ts';
import { deckProtocol, type MirrorService } from './mirror-service.ts';

/** Tells a hosted board's servers who is on it now: the recipients of its accepted shares. */
export async function syncBoardMembers(shares: ShareRegistry, host: HostService, boardId: string): Promise<void> {
  const live = (await shares.listOutgoingForResource('deck-board', boardId)).filter((s) => s.state === 'accepted');
  await host.syncMembers(
    boardId,
    live.map((s) => s.shareWith),
  );
}

/**
 * The OCM side of boards: sharing one is a `deck-board` share whose `deck` protocol carries the board id and the
 * share's secret. A remote recipient's server creates a mirror when they accept; a recipient on this server reads
 * the hosted board directly. Declining, leaving or unsharing ends access on both sides.
 */
export function shareHooks(d: {
  db: DeckDb;
  identity: ServerIdentity;
  host: HostService;
  mirror: MirrorService;
  shares: ShareRegistry;
  /** Tells a local user their list of boards changed. */
  boardsChanged: (userId: string) => void;
}): PluginHooks {
  const { db, identity, host, mirror, boardsChanged } = d;
  const isSelf = (h: string) => h.toLowerCase() === identity.host.toLowerCase();
  const syncMembers = (boardId: string) => syncBoardMembers(d.shares, host, boardId);

  return {
    async prepareOutgoingShare(draft) {
      const board = await getBoard(db, draft.resourceId);
      if (!board || board.host !== '') throw new NotFoundError('no such board', 'RESOURCE_NOT_FOUND');
      if (board.owner !== `${draft.owner.id}@${identity.host}`)
        throw new NotAllowedError('only the owner of a board may share it', DECK_ERRORS.READ_ONLY);
      const arm: Record<string, unknown> = {
        boardId: board.id,
        sharedSecret: draft.sharedSecret,
        permissions: draft.permissions,
      };
      if (draft.mustExchangeToken) arm.requirements = ['must-exchange-token'];
      return { name: board.title, protocol: { name: 'multi', deck: arm } };
    },

    async validateIncomingShare(share) {
      if (!share.protocol.protocols.deck)
        throw new InputError('a deck-board share needs the deck protocol', [
          { name: 'protocol', message: 'MISSING_DECK' },
        ]);
      deckProtocol.parse(share.protocol.protocols.deck);
    },

    async onIncomingAccepted(share) {
      const arm = deckProtocol.parse(share.protocol.protocols.deck);
      if (isSelf(share.senderHost)) {
        // A board hosted here: the recipient reads it directly.
        const role = share.permissions.includes('write') ? 'edit' : 'read';
        await db
          .deleteFrom('deck_members')
          .where('board_id', '=', arm.boardId)
          .where('user_id', '=', share.recipientId)
          .execute();
        await db
          .insertInto('deck_members')
          .values({ board_id: arm.boardId, user_id: share.recipientId, role, share_id: share.id })
          .execute();
      } else await mirror.join(share);
      boardsChanged(share.recipientId);
    },

    async onIncomingRemoved(share) {
      if (isSelf(share.senderHost)) {
        await db.deleteFrom('deck_members').where('share_id', '=', share.id).execute();
      } else await mirror.shareEnded(share);
      boardsChanged(share.recipientId);
    },

    async onOutgoingAccepted(share) {
      if (!isSelf(share.shareWithHost)) await host.addPeer(share.resourceId, share.shareWithHost.toLowerCase());
      await syncMembers(share.resourceId);
    },

    async onOutgoingRemoved(share) {
      await syncMembers(share.resourceId);
      if (isSelf(share.shareWithHost)) return;
      const server = share.shareWithHost.toLowerCase();
      // Keep streaming while another live share of the board goes to the same server.
      const others = (await d.shares.listOutgoingForResource('deck-board', share.resourceId)).filter(
        (s) => s.id !== share.id && s.shareWithHost.toLowerCase() === server && s.state === 'accepted',
      );
      if (others.length === 0) await host.removePeer(share.resourceId, server);
    },
  };
}
