import { useEffect, useMemo, useState } from 'preact/hooks';
import './chat.css';
import './chat-messages.css';
import './chat-phone.css';
import { describeError, hashHref, type Contact, type PluginPageProps } from '#web-sdk';
import type { ChatClientToServer, ChatServerToClient } from '../shared.ts';
import { ChatApi } from './chat-api.ts';
import type { ChatSocket } from './chat-socket.ts';
import { Conversation } from './conversation.tsx';
import { NewRoomDialog } from './new-room-dialog.tsx';
import { NotifyPrompt } from './notify-prompt.tsx';
import { RoomInvitations } from './room-invitations.tsx';
import { RoomList } from './room-list.tsx';
import { useRooms } from './use-rooms.ts';

/** The chat page: room list on the left, the open room (`#/chat/<roomId>`) beside it. */
export function ChatPage(props: PluginPageProps) {
  const { api, user, toast } = props;
  const chat = useMemo(() => new ChatApi(api), [api]);
  const [socket] = useState<ChatSocket>(() => props.pluginSocket<ChatServerToClient, ChatClientToServer>('chat'));
  const [connected, setConnected] = useState(socket.connected);
  const [contacts, setContacts] = useState<Contact[]>([]);
  const [creating, setCreating] = useState(false);
  const openId = props.path[0] ?? null;
  const rooms = useRooms(chat, socket, user.address, openId);

  useEffect(() => {
    const up = () => setConnected(true);
    const down = () => setConnected(false);
    socket.on('connect', up);
    socket.on('disconnect', down);
    api.contacts().then(setContacts, () => undefined);
    return () => {
      socket.off('connect', up);
      socket.off('disconnect', down);
      socket.disconnect();
    };
  }, [socket, api]);

  // `#/chat?share=<id>` (the inbox's "Open in Chat", a joined invitation) goes to that share's room.
  const openShare = (shareId: string) =>
    chat.roomForShare(shareId).then(
      (id) => props.navigate(hashHref('chat', id)),
      (err) => toast.error(describeError(err)),
    );
  const shareQuery = props.query.get('share');
  useEffect(() => {
    if (shareQuery) void openShare(shareQuery);
  }, [shareQuery]);

  // The open room closes when the user loses access to it (removed, left elsewhere).
  useEffect(() => {
    const onRemoved = ({ roomId }: { roomId: string }) => {
      if (roomId !== openId) return;
      toast.info('You are no longer a member of that room.');
      props.navigate(hashHref('chat'));
    };
    socket.on('roomRemoved', onRemoved);
    return () => void socket.off('roomRemoved', onRemoved);
  }, [socket, openId]);

  return (
    // On phones the room list and the open room are two screens (CSS shows the one `data-view` names).
    <div class="chat-page" data-testid="chat-page" data-connected={connected} data-view={openId ? 'room' : 'list'}>
      <RoomList rooms={rooms.rooms} openId={openId} onNew={() => setCreating(true)}>
        <NotifyPrompt />
        <RoomInvitations api={api} socket={props.socket} toast={toast} onJoined={(id) => void openShare(id)} />
      </RoomList>
      {openId ? (
        <Conversation
          key={openId}
          chat={chat}
          socket={socket}
          roomId={openId}
          me={user.address}
          server={user.server}
          contacts={contacts}
          toast={toast}
          onRead={(seq) => rooms.markRead(openId, seq)}
          onLeft={() => props.navigate(hashHref('chat'))}
        />
      ) : (
        <section class="chat-conversation chat-welcome">
          <h1>Chat</h1>
          <p class="empty">
            {rooms.error ?? 'Pick a room, or start a new one with people on this server or any other Meshwork server.'}
          </p>
        </section>
      )}
      <NewRoomDialog
        open={creating}
        chat={chat}
        contacts={contacts}
        onClose={() => setCreating(false)}
        onCreated={(id, failed) => {
          setCreating(false);
          if (failed.length) toast.error(`Some invitations failed: ${failed.join('; ')}.`);
          props.navigate(hashHref('chat', id));
        }}
      />
    </div>
  );
}
