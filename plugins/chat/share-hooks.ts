import type { Kysely } from 'kysely';
import { InputError, NotFoundError, type Logger, type PluginHooks, type ServerIdentity } from '#core';
import type { ChatService } from './chat-service.ts';
import type { FanOut } from './fanout.ts';
import { checkCanInvite } from './host-rules.ts';
import type { HostService } from './host-service.ts';
import { S2S_BASE } from './host-stream.ts';
import type { MirrorService } from './mirror-service.ts';
import { getHostedRoom, getMember } from './room-store.ts';
import type { TimelineQueries } from './timeline-queries.ts';
import type { ChatTables } from './tables.ts';

/**
 * The OCM side of rooms: inviting someone is a `chat-room` share whose `chat` protocol carries the host's room
 * id, its S2S endpoint and the room secret; accepting lets them in (a remote invitee's server creates a mirror),
 * declining or unsharing ends the member's access on both sides. An invitee on this server gets the same share
 * through the core, in-process: the host's side (onOutgoing*) does the joining, and no mirror is needed.
 */
export function shareHooks(d: {
  db: Kysely<ChatTables>;
  identity: ServerIdentity;
  host: HostService;
  mirror: MirrorService;
  chat: ChatService;
  fanout: FanOut;
  timeline: TimelineQueries;
  log: Logger;
}): PluginHooks {
  const { db, identity, host, mirror, chat, fanout, timeline } = d;
  return {
    async prepareOutgoingShare(draft) {
      const room = await getHostedRoom(db, draft.resourceId);
      if (!room) throw new NotFoundError('no such room', 'RESOURCE_NOT_FOUND');
      // Shares made through the generic share API (not by the plugin's own invite) need invite rights.
      if (!host.isPluginInvite(room.id, draft.shareWith))
        checkCanInvite(room, await getMember(db, room.id, chat.address(draft.owner.id)));
      const arm: Record<string, unknown> = {
        uri: room.id,
        roomId: room.id,
        endpoint: `${identity.origin}${S2S_BASE}/`,
        sharedSecret: draft.sharedSecret,
        roomSecret: room.secret,
        kind: room.kind,
        permissions: draft.permissions,
      };
      if (draft.mustExchangeToken) arm.requirements = ['must-exchange-token'];
      const name = room.name || draft.owner.displayName || draft.owner.id;
      return { name, ...(room.topic ? { description: room.topic } : {}), protocol: { name: 'multi', chat: arm } };
    },

    async validateIncomingShare(share) {
      const arm = share.protocol.protocols.chat;
      if (!arm)
        throw new InputError('a chat-room share needs the chat protocol', [
          { name: 'protocol', message: 'MISSING_CHAT' },
        ]);
      const { roomId, roomSecret, endpoint } = arm;
      if (typeof roomId !== 'string' || roomId.length < 1 || roomId.length > 100)
        throw new InputError('chat.roomId is required', [{ name: 'protocol.chat.roomId', message: 'INVALID' }]);
      if (typeof roomSecret !== 'string' || roomSecret.length < 16 || roomSecret.length > 200)
        throw new InputError('chat.roomSecret is required', [{ name: 'protocol.chat.roomSecret', message: 'INVALID' }]);
      let endpointHost = '';
      try {
        endpointHost = new URL(String(endpoint)).host.toLowerCase();
      } catch {
        // reported below
      }
      // The endpoint must be the sender's own: a share cannot point us at a third server.
      if (endpointHost !== share.senderHost.toLowerCase())
        throw new InputError('chat.endpoint must be on the sending server', [
          { name: 'protocol.chat.endpoint', message: 'INVALID' },
        ]);
    },

    async onIncomingAccepted(share) {
      // A room hosted here: the member joins through onOutgoingAccepted, on the very same server.
      if (share.senderHost.toLowerCase() === identity.host.toLowerCase()) return;
      const room = await mirror.joinFromShare(share);
      if (room) fanout.join(share.recipientId, room.id, await timeline.summary(room, chat.address(share.recipientId)));
    },
    async onIncomingRemoved(share) {
      await mirror.shareEnded(share);
    },
    async onOutgoingAccepted(share) {
      await host.shareAccepted(share);
    },
    async onOutgoingDeclined(share) {
      await host.shareEnded(share, 'declined');
    },
    async onOutgoingRemoved(share) {
      await host.shareEnded(share, 'ended');
    },
  };
}
