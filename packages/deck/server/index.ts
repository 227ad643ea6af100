/**
 * Deck: federated kanban boards, a plugin package written only against the Meshwork SDK (`#sdk`) and enabled by
 * configuration (`MESHWORK_PLUGINS=./packages/deck`). A board is hosted by its owner's server, which orders every
 * change into one event sequence; servers of users it is shared with (`deck-board` over OCM) keep a mirror fed by
 * that sequence and send their users' changes to the host. See ../README.md.
 */
import { definePlugin, type MeshworkPlugin, type User } from '#sdk';
import { DeckAttachments, type FilesApi } from './attachments.ts';
import { DeckService } from './deck-service.ts';
import { mountApiRoutes } from './api-routes.ts';
import { DECK_ERRORS } from './error-codes.ts';
import { HostService, S2S_BASE } from './host-service.ts';
import { KeyedLock } from './keyed-lock.ts';
import { deckProtocol, MirrorService } from './mirror-service.ts';
import { mountS2s } from './s2s-routes.ts';
import { deckMigrations } from './schema.ts';
import type { DeckTables } from './tables.ts';
import { shareHooks, syncBoardMembers } from './share-hooks.ts';
import type { DeckEvent } from './shared.ts';

export { DECK_ERRORS };

const boardRoom = (id: string) => `deck-board:${id}`;
const userRoom = (id: string) => `deck-user:${id}`;

/** Options. */
export interface DeckPluginOptions {
  /** (Tests) how often streams that are behind are re-queued. */
  sweepMs?: number;
  /**
   * Card attachments from the user's files: needs the files plugin (Deck then `dependsOn` it). Default true, as
   * every Meshwork server runs files; false for a server without it (attachments are hidden).
   */
  attachments?: boolean;
  /** Largest attachment in bytes (default 25 MB). */
  attachmentBytes?: number;
}

export default function deckPlugin(opts: DeckPluginOptions = {}): MeshworkPlugin<DeckTables> {
  return definePlugin<DeckTables>({
    id: 'deck',
    sdk: '^1.0.0',
    resourceTypes: [{ name: 'deck-board', shareTypes: ['user'], protocols: { deck: `${S2S_BASE}/` } }],
    serverPrefixes: ['/plugins/deck'],
    ...(opts.attachments !== false ? { dependsOn: ['files'] } : {}),
    migrations: deckMigrations,
    wire: { protocols: [deckProtocol] },
    async setup(ctx) {
      const { db, logger: log } = ctx;
      const selfHost = () => ctx.identity.host.toLowerCase();
      const ns = ctx.realtime;
      const locks = new KeyedLock();
      let attachments: DeckAttachments | null = null;
      const attachLock = new KeyedLock();
      const published = (boardId: string, event: DeckEvent) => {
        void ns.to(boardRoom(boardId)).emit('event', { boardId, event });
        // New members get the attachment folders, former ones lose them (on every server with attachers).
        if (event.action.type === 'board.members' && attachments?.enabled)
          void attachLock
            .run(boardId, () => attachments!.membersChanged(boardId))
            .catch((err) => log.warn({ err, boardId }, 'deck: updating attachment shares failed'));
      };
      const boardsChanged = (userId: string) => void ns.to(userRoom(userId)).emit('boards');
      const host = new HostService({ db, outbox: ctx.outbox, locks, log, published });
      const mirror = new MirrorService({
        db,
        shares: ctx.shares,
        remote: ctx.remote,
        outbox: ctx.outbox,
        locks,
        log,
        published,
        refused: (userId, f) => void ns.to(userRoom(userId)).emit('refused', f),
      });
      const files = opts.attachments !== false ? ctx.use<FilesApi>('files') : null;
      const deck = new DeckService({ db, selfHost, host, mirror, attachments: files !== null });
      attachments = new DeckAttachments({
        db,
        files,
        shares: ctx.shares,
        deck,
        selfHost,
        log,
        ...(opts.attachmentBytes ? { maxBytes: opts.attachmentBytes } : {}),
      });
      mountApiRoutes(ctx.api, deck, attachments);
      const offReceived = ctx.events.on('share:received', ({ share }) => {
        if (share.resourceType === 'folder' && attachments?.enabled)
          void attachments
            .autoAccept(share)
            .catch((err) => log.warn({ err }, 'deck: accepting an attachment folder failed'));
      });
      mountS2s(ctx, { db, host, mirror }, S2S_BASE);

      ns.on('connection', (socket) => {
        const user = socket.data.user as User;
        void socket.join(userRoom(user.id));
        socket.on('watch', async (boardId: unknown, ack: unknown) => {
          const reply = typeof ack === 'function' ? (ack as (r: unknown) => void) : () => {};
          try {
            const { board } = await deck.access(user.id, String(boardId));
            await socket.join(boardRoom(board.id));
            reply({ ok: true });
          } catch {
            reply({ ok: false, message: 'no such board' });
          }
        });
        socket.on('unwatch', (boardId: unknown) => void socket.leave(boardRoom(String(boardId))));
      });

      // After a restart: resend what member servers have not acknowledged, and pull what we missed while down.
      let closed = false;
      const sweep = (pullAll: boolean) => {
        if (closed) return;
        Promise.all([host.recover(), pullAll ? mirror.pullAll() : null]).catch((err) =>
          log.warn({ err }, 'deck sweep failed'),
        );
      };
      const greet = async () => {
        const peers = await db.selectFrom('deck_peers').select('server').distinct().execute();
        const hosts = await db.selectFrom('deck_boards').select('host').distinct().where('host', '!=', '').execute();
        const servers = new Set([...peers.map((p) => p.server), ...hosts.map((h) => h.host)]);
        for (const s of servers)
          await ctx.remote.post(s, `${S2S_BASE}/hello`, {}, { base: 'origin', timeoutMs: 5000 }).catch(() => {});
      };
      // Boards shared before members were announced (`board.members`, with attachments): announce them once.
      const announce = async () => {
        const boards = await db
          .selectFrom('deck_boards')
          .select('id')
          .where('host', '=', '')
          .where('members', '=', '[]')
          .execute();
        for (const b of boards) if (!closed) await syncBoardMembers(ctx.shares, host, b.id);
      };
      const first = setTimeout(() => {
        sweep(true);
        if (!closed) void greet().catch(() => {});
        if (!closed) void announce().catch((err) => log.warn({ err }, 'deck: announcing members failed'));
      }, 50);
      const timer = setInterval(() => sweep(false), opts.sweepMs ?? 15_000);
      timer.unref();

      return {
        ...shareHooks({ db, identity: ctx.identity, host, mirror, shares: ctx.shares, boardsChanged }),
        async dispose() {
          closed = true;
          offReceived();
          clearTimeout(first);
          clearInterval(timer);
        },
      };
    },
  });
}
