import type { Logger } from '#core';
import type { SocketApi } from '#sdk';
import { clientId, parseAction } from './action-input.ts';
import type { ChatService } from './chat-service.ts';
import { roomChannel, type FanOut } from './fanout.ts';
import { joinedRoomIds } from './room-store.ts';
import { CHAT_LIMITS, type ChatClientToServer, type ChatHandshake, type ChatServerToClient } from './shared.ts';
import type { Kysely } from 'kysely';
import type { ChatTables } from './tables.ts';

const REPLAY_LIMIT = 1000;

/**
 * Browser sessions on `/chat`: each joins its user's rooms, gets what it missed since the `lastSeq` it
 * sent in the handshake, sends actions with acks (retried by the client with the same client id), and
 * sends typing notices. Every request is checked against its schema (socket-schemas.ts) before it is handled.
 */
export function attachSocketHandlers(
  io: SocketApi<ChatClientToServer, ChatServerToClient>,
  deps: { chat: ChatService; fanout: FanOut; db: Kysely<ChatTables>; log: Logger },
): void {
  const { chat, fanout, db, log } = deps;
  io.ns.on('connection', (socket) => {
    const user = socket.data.user;
    // Handlers first: an event that arrives while we load the rooms must not be dropped.
    io.handle(socket, 'act', (req) =>
      chat.act(user.id, req.roomId, clientId(req.clientMsgId), parseAction(req.action)),
    );
    io.handle(socket, 'catchUp', (req) => {
      const limit = Math.min(req.limit ?? CHAT_LIMITS.pageSize * 5, REPLAY_LIMIT);
      return chat.catchUp(user.id, req.roomId, req.after ?? 0, limit);
    });
    io.handle(socket, 'rooms', async () => ({ rooms: await chat.listRooms(user.id) }));
    // A client that queues every emit (socket.io `retries`) waits for an ack even here: handle() always answers.
    io.handle(socket, 'typing', (req) => {
      chat.ephemeral(user.id, req.roomId, 'typing', req.typing === true, socket.id).catch(() => {});
    });
    socket.on('disconnect', () => {
      if (fanout.sessionClosed(user.id)) chat.presence(user.id, false).catch(() => {});
    });
    if (fanout.sessionOpened(user.id)) chat.presence(user.id, true).catch(() => {});
    void (async () => {
      const ids = await joinedRoomIds(db, user.id);
      await socket.join(ids.map(roomChannel));
      // Replay after joining: anything stored from now on also arrives live, so nothing falls in between.
      const lastSeq = (socket.handshake.auth as Partial<ChatHandshake> | undefined)?.lastSeq;
      if (!lastSeq || typeof lastSeq !== 'object') return;
      for (const id of ids) {
        const after = lastSeq[id];
        if (typeof after !== 'number' || after < 0) continue;
        const missed = await chat.catchUp(user.id, id, after, REPLAY_LIMIT);
        for (const e of missed.events) socket.emit('event', e);
      }
    })().catch((err) => log.warn({ err }, 'chat session setup failed'));
  });
}
