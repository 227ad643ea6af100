import type { Kysely } from 'kysely';
import { NotFoundError, type ShareRegistry } from '#core';
import { CHAT_ERRORS } from './error-codes.ts';
import { findMirror, getRoom } from './room-store.ts';
import type { ChatTables } from './tables.ts';

/**
 * The room (its id on this server) an accepted room invitation of the user leads to: the room itself when it is hosted
 * here, else this server's mirror of it. 404 for anyone else's share, another resource type, or no room (yet).
 */
export async function roomForShare(
  d: { db: Kysely<ChatTables>; selfHost: () => string; shares: ShareRegistry },
  userId: string,
  shareId: string,
): Promise<string> {
  const none = () => new NotFoundError('no chat room for this share', CHAT_ERRORS.ROOM_NOT_FOUND);
  const share = await d.shares.getIncoming(shareId).catch(() => null);
  if (!share || share.recipientId !== userId || share.resourceType !== 'chat-room') throw none();
  const arm = share.protocol.protocols.chat ?? {};
  const remoteId = String(arm.roomId ?? arm.uri ?? '');
  if (!remoteId) throw none();
  const room =
    share.senderHost.toLowerCase() === d.selfHost()
      ? await getRoom(d.db, remoteId)
      : await findMirror(d.db, share.senderHost, remoteId);
  if (!room) throw none();
  return room.id;
}
