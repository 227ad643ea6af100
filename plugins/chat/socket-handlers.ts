import { answerAck, type Logger, type User } from '#core';
import { clientId, parseAction } from './action-input.ts';
import type { ChatService } from './chat-service.ts';
import { roomChannel, type ChatNamespace, type FanOut } from './fanout.ts';
import { joinedRoomIds } from './room-store.ts';
import { CHAT_LIMITS, type ChatHandshake } from './shared.ts';
import type { Kysely } from 'kysely';

const REPLAY_LIMIT = 1000;

/**
 * Browser sessions on `/chat`: each joins its user's rooms, gets what it missed since the `lastSeq` it
 * sent in the handshake, sends actions with acks (retried by the client with the same client id), and
 * sends typing notices.
 */
export function attachSocketHandlers(
  ns: ChatNamespace,
  deps: { chat: ChatService; fanout: FanOut; db: Kysely<any>; log: Logger },
): void {
  const { chat, fanout, db, log } = deps;
  ns.on('connection', (socket) => {
    const user = socket.data.user as User;
    // Handlers first: an event that arrives while we load the rooms must not be dropped.
    socket.on('act', (req, ack) =>
      answerAck(ack, log, 'chat:act', async () => {
        const action = parseAction(req?.action);
        return chat.act(user.id, String(req?.roomId), clientId(req?.clientMsgId), action);
      }),
    );
    socket.on('catchUp', (req, ack) =>
      answerAck(ack, log, 'chat:catchUp', async () => {
        const limit = Math.min(Math.max(Number(req?.limit) || CHAT_LIMITS.pageSize * 5, 1), REPLAY_LIMIT);
        return chat.catchUp(user.id, String(req?.roomId), Math.max(Number(req?.after) || 0, 0), limit);
      }),
    );
    socket.on('rooms', (ack) =>
      answerAck(ack, log, 'chat:rooms', async () => ({ rooms: await chat.listRooms(user.id) })),
    );
    socket.on('typing', (req, ack) => {
      // A client that queues every emit (socket.io `retries`) waits for an ack even here; never keep it waiting.
      if (typeof ack === 'function') ack();
      chat.ephemeral(user.id, String(req?.roomId), 'typing', Boolean(req?.typing), socket.id).catch(() => {});
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
