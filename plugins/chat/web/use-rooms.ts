import { useEffect, useRef } from 'preact/hooks';
import { useLiveList } from '#web-sdk';
import { reduceCall } from '../call-types.ts';
import type { ChatEvent, RoomSummary } from '../shared.ts';
import type { ChatApi } from './chat-api.ts';
import type { ChatSocket } from './chat-socket.ts';

/** The user's room list, kept live: new rooms, removed rooms, last messages and unread counts. */
export interface Rooms {
  rooms: RoomSummary[];
  error: string | null;
  /** Marks a room read in the list (the server is told separately). */
  markRead: (roomId: string, seq: number) => void;
  reload: () => void;
}

function byActivity(a: RoomSummary, b: RoomSummary): number {
  return (b.lastMessage?.ts ?? 0) - (a.lastMessage?.ts ?? 0) || a.name.localeCompare(b.name);
}

/** Loads the room list and follows the socket; `openRoomId` is the room on screen (its messages are read). */
export function useRooms(chat: ChatApi, socket: ChatSocket, me: string, openRoomId: string | null): Rooms {
  const list = useLiveList<RoomSummary>({ load: () => chat.rooms(), socket, sort: byActivity }, [chat]);
  const { upsert, remove, update } = list;
  // The user read a room (here or in another tab): the server's counts are the truth; fetched once things settle.
  const reloadTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const reloadSoon = () => {
    if (reloadTimer.current) clearTimeout(reloadTimer.current);
    reloadTimer.current = setTimeout(() => void list.reload(), 300);
  };
  useEffect(() => () => void (reloadTimer.current && clearTimeout(reloadTimer.current)), []);

  useEffect(() => {
    const removed = ({ roomId }: { roomId: string }) => remove(roomId);
    const onEvent = (e: ChatEvent) => {
      if (e.type === 'read.marker' && e.sender === me) reloadSoon();
      update((l) =>
        l.map((r) => {
          if (r.id !== e.roomId || e.seq <= r.lastSeq) return r;
          const next = { ...r, lastSeq: e.seq };
          if (e.type === 'room.updated')
            Object.assign(
              next,
              e.data.name !== undefined ? { name: e.data.name } : {},
              e.data.topic !== undefined ? { topic: e.data.topic } : {},
            );
          if (e.type === 'message.posted') {
            next.lastMessage = { eventId: e.eventId, sender: e.sender, text: e.data.text, ts: e.ts };
            if (e.sender !== me && r.id !== openRoomId) {
              next.unread = r.unread + 1;
              if (e.data.mentions.includes(me)) next.mentions = r.mentions + 1;
            }
          }
          // An edit or a delete of the newest message changes the preview (a deleted text is gone everywhere).
          if ((e.type === 'message.edited' || e.type === 'message.deleted') && r.lastMessage?.eventId === e.data.target)
            next.lastMessage = { ...r.lastMessage, text: e.type === 'message.edited' ? e.data.text : '' };
          if (e.type === 'read.marker' && e.sender === me) next.readUpTo = Math.max(r.readUpTo, e.data.upTo);
          if (e.type.startsWith('call.')) next.call = reduceCall(r.call, e as Parameters<typeof reduceCall>[1]);
          return next;
        }),
      );
    };
    socket.on('room', upsert);
    socket.on('roomRemoved', removed);
    socket.on('event', onEvent);
    return () => {
      socket.off('room', upsert);
      socket.off('roomRemoved', removed);
      socket.off('event', onEvent);
    };
  }, [socket, me, openRoomId, upsert, remove, update]);

  return {
    rooms: list.items,
    error: list.error,
    markRead: (roomId, seq) =>
      update((l) =>
        l.map((r) => (r.id === roomId ? { ...r, unread: 0, mentions: 0, readUpTo: Math.max(r.readUpTo, seq) } : r)),
      ),
    reload: () => void list.reload(),
  };
}
