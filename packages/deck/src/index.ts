// Deck: Kanban boards shared over OCM. Users make boards of stacks and cards and share a board with users on other
// servers; recipients' servers read it with the share's secret (or an exchanged token), and the owner's changes
// reach them as DECK_BOARD_CHANGED through the outbox (coalesced: one waiting message per recipient and board).
import { definePlugin, InputError, NotFoundError, type MeshworkPlugin } from '#sdk';
import { boardStore, titleOf } from './board-store.ts';
import { migrations } from './migrations.ts';
import { deckBoardChanged, deckProtocol } from './protocol.ts';

export const RESOURCE_TYPE = 'deck';
/** Where the owner's server serves shared boards to recipients' servers. */
export const BOARDS = '/plugins/deck/boards';

/** The plugin factory: MESHWORK_PLUGINS loads the default export. */
export default function deckPlugin(): MeshworkPlugin {
  return definePlugin({
    id: 'deck',
    sdk: '^1.0.0',
    version: '0.1.0',
    resourceTypes: [
      { name: RESOURCE_TYPE, shareTypes: ['user'], protocols: { deck: `${BOARDS}/`, 'deck-receive': {} } },
    ],
    notificationTypes: [deckBoardChanged.type],
    wire: { protocols: [deckProtocol], notifications: [deckBoardChanged] },
    serverPrefixes: ['/plugins/deck'],
    migrations,
    async setup(ctx) {
      const { db, api } = ctx;
      const boards = boardStore(db);

      /** Tells every accepted recipient's server that a board changed. */
      const changed = async (boardId: string) => {
        const board = await boards.full(boardId);
        if (!board) return;
        const cards = await boards.cardCount(boardId);
        for (const s of await ctx.shares.listOutgoingForResource(RESOURCE_TYPE, boardId)) {
          if (s.state !== 'accepted') continue;
          await ctx.notify(s.shareWithHost, {
            notificationType: deckBoardChanged.type,
            resourceType: RESOURCE_TYPE,
            providerId: s.providerId,
            notification: { title: board.title, cards },
          });
        }
      };

      // The client API, at /api/v1/deck, behind login.
      api.get('/boards', async (req, res) => void res.json(await boards.list(req.user!.id)));
      api.post('/boards', async (req, res) => {
        const board = await boards.create(req.user!.id, titleOf(req.body));
        for (const t of ['To do', 'Doing', 'Done']) await boards.addStack(board.id, t);
        res.status(201).json(await boards.full(board.id));
      });
      api.get('/boards/:id', async (req, res) => {
        const b = await boards.owned(req.user!.id, String(req.params.id));
        res.json(await boards.full(b.id));
      });
      api.post('/boards/:id/stacks', async (req, res) => {
        const b = await boards.owned(req.user!.id, String(req.params.id));
        res.status(201).json(await boards.addStack(b.id, titleOf(req.body)));
        await changed(b.id);
      });
      api.post('/boards/:id/cards', async (req, res) => {
        const b = await boards.owned(req.user!.id, String(req.params.id));
        const stackId = await boards.stackOf(b.id, (req.body as { stackId?: unknown } | undefined)?.stackId);
        res.status(201).json(await boards.addCard(b.id, stackId, titleOf(req.body)));
        await changed(b.id);
      });
      // Move a card to another stack (its end) and/or rename it.
      api.patch('/cards/:id', async (req, res) => {
        const card = await boards.card(req.user!.id, String(req.params.id));
        const body = (req.body ?? {}) as { stackId?: unknown; title?: unknown };
        const stackId = body.stackId === undefined ? card.stack_id : await boards.stackOf(card.board_id, body.stackId);
        const title = body.title === undefined ? card.title : titleOf(body);
        await boards.moveCard(card, stackId, title);
        res.json({ id: card.id, stackId, title });
        await changed(card.board_id);
      });

      // Recipient side: read a shared board from its owner's server with the share's credential.
      api.get('/shared/:shareId', async (req, res) => {
        const share = await ctx.shares.getIncoming(String(req.params.shareId));
        // Only an accepted share gives access; a pending, declined or ended one reads as absent.
        if (
          !share ||
          share.recipientId !== req.user!.id ||
          share.resourceType !== RESOURCE_TYPE ||
          share.state !== 'accepted'
        )
          throw new NotFoundError('no such shared board (accept the share first)');
        const arm = deckProtocol.parse(share.protocol.protocols.deck);
        const read = async (refresh: boolean) =>
          ctx.remote.request(share.senderHost, `${BOARDS}/${encodeURIComponent(arm.uri)}`, {
            headers: { authorization: `Bearer ${await ctx.shares.accessCredential(share, { refresh })}` },
          });
        let r = await read(false);
        if (r.status === 401) r = await read(true);
        if (r.status !== 200) throw new NotFoundError(`the owner's server refused the board (${r.status})`);
        const seen = await db
          .selectFrom('deck_received')
          .selectAll()
          .where('share_id', '=', share.id)
          .executeTakeFirst();
        res.json({ board: r.body, lastChange: seen ? { title: seen.title, cards: seen.cards } : null });
      });
      api.get('/received/:shareId', async (req, res) => {
        const share = await ctx.shares.getIncoming(String(req.params.shareId));
        if (!share || share.recipientId !== req.user!.id) throw new NotFoundError('no such share');
        const seen = await db
          .selectFrom('deck_received')
          .selectAll()
          .where('share_id', '=', share.id)
          .executeTakeFirst();
        res.json(seen ? { title: seen.title, cards: seen.cards } : null);
      });

      // Owner side: a recipient's server reads a board with the share's secret (or an exchanged token).
      ctx.mount(`${BOARDS}/:id`, async (req, res) => {
        const auth = req.headers.authorization ?? '';
        const access = /^bearer /i.test(auth)
          ? await ctx.shares.verifyAccess(auth.slice(7).trim(), RESOURCE_TYPE)
          : null;
        if (!access || access.share.resourceId !== req.params.id)
          return void res.status(401).json({ code: 'UNAUTHENTICATED', message: 'invalid share credential' });
        const board = await boards.full(access.share.resourceId);
        if (!board) return void res.status(404).json({ code: 'RESOURCE_NOT_FOUND', message: 'the board is gone' });
        res.json(board);
      });

      return {
        async prepareOutgoingShare(draft) {
          const board = await boards.owned(draft.owner.id, draft.resourceId);
          const arm: Record<string, unknown> = {
            uri: board.id,
            sharedSecret: draft.sharedSecret,
            permissions: draft.permissions,
          };
          if (draft.mustExchangeToken) arm.requirements = ['must-exchange-token'];
          return { name: board.title, protocol: { name: 'multi', deck: arm } };
        },
        async validateIncomingShare(share) {
          deckProtocol.parse(share.protocol.protocols.deck);
        },
        async onNotification(n) {
          if (n.notificationType !== deckBoardChanged.type || !n.incoming)
            throw new InputError(`unsupported notification ${n.notificationType}`);
          const { title, cards } = deckBoardChanged.parse(n.notification);
          await db.deleteFrom('deck_received').where('share_id', '=', n.incoming.id).execute();
          await db.insertInto('deck_received').values({ share_id: n.incoming.id, title, cards }).execute();
          return { received: true };
        },
        async onIncomingRemoved(share) {
          await db.deleteFrom('deck_received').where('share_id', '=', share.id).execute();
        },
      };
    },
  });
}
