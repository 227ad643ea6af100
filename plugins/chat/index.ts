import { definePlugin, type MeshworkPlugin } from '#core';
import type { FilesApi } from '../files/public-api.ts';
import { mountApiRoutes } from './api-routes.ts';
import { Attachments } from './attachments.ts';
import { roomForShare } from './share-room.ts';
import { ChatService, PRESENCE_REFRESH_MS } from './chat-service.ts';
import { FanOut, type ChatNamespace } from './fanout.ts';
import { HostService } from './host-service.ts';
import { HostStream, S2S_BASE } from './host-stream.ts';
import { CommitQueue } from './commit-queue.ts';
import { KeyedLock } from './keyed-lock.ts';
import { MirrorService } from './mirror-service.ts';
import { RoomApi } from './room-api.ts';
import { RoomRoutes } from './room-routes.ts';
import { splitAddress, type RoomRow } from './room-store.ts';
import { s2sRouter } from './s2s-routes.ts';
import { chatMigrations } from './schema.ts';
import { shareHooks } from './share-hooks.ts';
import type { ChatApi } from './public-api.ts';
import type { ChatEvent } from './shared.ts';
import { attachSocketHandlers } from './socket-handlers.ts';
import { chatSocketEvents } from './socket-schemas.ts';
import { TimelineQueries } from './timeline-queries.ts';
import type { ChatTables } from './tables.ts';

/** Tuning knobs, mostly for tests and benchmarks. */
export interface ChatPluginOptions {
  /** How often to re-send streams that fell behind (after outages outlasting the outbox). Default 15 s. */
  sweepMs?: number;
  /** Events per push to a member server. Default 300. */
  batchEvents?: number;
  /** Minimum spacing of pushes to one server, in ms: busy streams send fewer, fuller requests. Default 5. */
  pushGapMs?: number;
  /**
   * Attachments in messages, stored in the sender's files: needs the files plugin (chat then `dependsOn` files).
   * Default false; the server's plugin list turns it on.
   */
  attachments?: boolean;
  /** Largest attachment in bytes (default 25 MB). */
  attachmentBytes?: number;
}

/**
 * Federated chat rooms (`chat-room` over the `chat` protocol): the creating server hosts a room and orders
 * its events; member servers keep a mirror fed by a per-server event stream and send their users' actions
 * to the host. Browsers use `/api/v1/chat` and the `/chat` socket namespace.
 */
export function chatPlugin(opts: ChatPluginOptions = {}): MeshworkPlugin {
  return definePlugin<ChatTables>({
    id: 'chat',
    ...(opts.attachments ? { dependsOn: ['files'] } : {}),
    resourceTypes: [
      { name: 'chat-room', shareTypes: ['user'], protocols: { chat: `${S2S_BASE}/`, 'chat-receive': {} } },
    ],
    migrations: chatMigrations,
    async setup(ctx) {
      const { db, logger: log } = ctx;
      const selfHost = () => ctx.identity.host.toLowerCase();
      const postgres = ctx.dialect === 'postgres';
      const io = chatSocketEvents.attach(ctx.realtime, log);
      const ns: ChatNamespace = io.ns;
      const locks = new KeyedLock();
      const routes = new RoomRoutes(db);
      const commits = new CommitQueue(db);
      const fanout = new FanOut(ns);
      const timeline = new TimelineQueries(db, selfHost);
      // The published API (calls builds on it): room lookups, membership, and the room's call events.
      const roomApi = new RoomApi(db, selfHost, log);
      const published = (roomId: string, events: ChatEvent[]) => roomApi.published(roomId, events);
      const stream = new HostStream(db, commits, ctx.outbox, log, { batch: opts.batchEvents, gapMs: opts.pushGapMs });
      // Bound after construction: host and mirror report stored events back to the chat service.
      let chat: ChatService | null = null;
      const afterEvents = async (room: RoomRow, events: ChatEvent[]) => chat?.afterEvents(room, events);
      const lookupLocal = async (address: string) => {
        const { id, host } = splitAddress(address);
        const user = host === selfHost() ? await ctx.accounts.findUser(id) : null;
        return user ? { displayName: user.displayName } : null;
      };
      const host = new HostService({
        db,
        postgres,
        selfHost,
        commits,
        fanout,
        stream,
        shares: ctx.shares,
        lookupLocal,
        log,
        afterEvents,
        published,
      });
      const mirror = new MirrorService({
        db,
        postgres,
        selfHost,
        commits,
        routes,
        fanout,
        remote: ctx.remote,
        outbox: ctx.outbox,
        log,
        afterEvents,
        published,
        refused: (f) => roomApi.refused(f),
        accessEnded: (room, address) => roomApi.accessEnded(room, address),
        displayName: async (id) => (await ctx.accounts.findUser(id))?.displayName ?? id,
        gapMs: opts.pushGapMs,
      });
      chat = new ChatService({
        db,
        selfHost,
        host,
        mirror,
        stream,
        timeline,
        fanout,
        remote: ctx.remote,
        locks,
        routes,
        log,
      });

      roomApi.bind(host, chat);
      ctx.provide<ChatApi>(roomApi);

      const attachments = new Attachments({
        files: opts.attachments ? ctx.use<FilesApi>('files') : null,
        chat,
        members: (roomId) => roomApi.members(roomId),
        shares: ctx.shares,
        roomIdsOf: (userId) => roomApi.roomIdsOf(userId),
        db,
        selfHost,
        log,
        maxBytes: opts.attachmentBytes,
      });
      mountApiRoutes(
        ctx.api,
        chat,
        (userId, shareId) => roomForShare({ db, selfHost, shares: ctx.shares }, userId, shareId),
        attachments,
      );
      ctx.mount(S2S_BASE, s2sRouter({ db, peerAuth: ctx.peerAuth, host, mirror, chat, log }));
      attachSocketHandlers(io, { chat, fanout, db, log });
      // A share that could not be delivered at all ends the invitation.
      const offJoined = opts.attachments
        ? roomApi.onEvents((room, events) => {
            const changes = ['member.joined', 'member.left', 'member.removed'];
            if (events.some((e) => changes.includes(e.type))) return attachments.membersChanged(room.id);
          })
        : () => {};
      const offReceived = ctx.events.on('share:received', ({ share }) => {
        if (opts.attachments && share.resourceType === 'folder')
          void attachments.autoAccept(share).catch((err) => log.warn({ err }, 'accepting an attachment folder failed'));
      });
      const offShareEvents = ctx.events.on('share:outgoing-updated', ({ share }) => {
        if (share.resourceType === 'chat-room' && share.state === 'failed')
          void host.shareEnded(share, 'declined').catch(() => {});
      });

      let closed = false;
      const sweep = (pullAll: boolean) => {
        if (closed) return;
        Promise.all([stream.sweep(), mirror.sweep({ pullAll })]).catch((err) => log.warn({ err }, 'chat sweep failed'));
      };
      // After a restart: resend what peers have not acknowledged, and pull what we missed while down.
      const first = setTimeout(() => {
        sweep(true);
        if (!closed) void chat?.greetPeers().catch(() => {});
      }, 50);
      const timer = setInterval(() => sweep(false), opts.sweepMs ?? 15_000);
      timer.unref();
      const presence = setInterval(() => void chat?.refreshPresence().catch(() => {}), PRESENCE_REFRESH_MS);
      presence.unref();

      return {
        ...shareHooks({ db, identity: ctx.identity, host, mirror, chat, fanout, timeline, log }),
        async dispose() {
          closed = true;
          clearTimeout(first);
          clearInterval(timer);
          clearInterval(presence);
          offShareEvents();
          offReceived();
          offJoined();
        },
      };
    },
  });
}
