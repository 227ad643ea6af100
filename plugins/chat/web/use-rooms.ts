import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../../../web/src/api/api-error.ts';
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
  const [rooms, setRooms] = useState<RoomSummary[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);

  useEffect(() => {
    let live = true;
    chat.rooms().then(
      (r) => live && (setRooms(r.sort(byActivity)), setError(null)),
      (err) => live && setError(describeError(err)),
    );
    return () => {
      live = false;
    };
  }, [chat, version]);

  useEffect(() => {
    const upsert = (s: RoomSummary) => setRooms((l) => [s, ...l.filter((r) => r.id !== s.id)].sort(byActivity));
    const removed = ({ roomId }: { roomId: string }) => setRooms((l) => l.filter((r) => r.id !== roomId));
    const onEvent = (e: ChatEvent) =>
      setRooms((l) =>
        l
          .map((r) => {
            if (r.id !== e.roomId || e.seq <= r.lastSeq) return r;
            const next = { ...r, lastSeq: e.seq };
            if (e.type === 'room.updated')
              Object.assign(
                next,
                e.data.name !== undefined ? { name: e.data.name } : {},
                e.data.topic !== undefined ? { topic: e.data.topic } : {},
              );
            if (e.type === 'message.posted') {
              next.lastMessage = { sender: e.sender, text: e.data.text, ts: e.ts };
              if (e.sender !== me && r.id !== openRoomId) {
                next.unread = r.unread + 1;
                if (e.data.mentions.includes(me)) next.mentions = r.mentions + 1;
              }
            }
            if (e.type === 'read.marker' && e.sender === me) next.readUpTo = Math.max(r.readUpTo, e.data.upTo);
            return next;
          })
          .sort(byActivity),
      );
    const refresh = () => setVersion((v) => v + 1);
    socket.on('room', upsert);
    socket.on('roomRemoved', removed);
    socket.on('event', onEvent);
    socket.on('connect', refresh);
    return () => {
      socket.off('room', upsert);
      socket.off('roomRemoved', removed);
      socket.off('event', onEvent);
      socket.off('connect', refresh);
    };
  }, [socket, me, openRoomId]);

  return {
    rooms,
    error,
    markRead: (roomId, seq) =>
      setRooms((l) =>
        l.map((r) => (r.id === roomId ? { ...r, unread: 0, mentions: 0, readUpTo: Math.max(r.readUpTo, seq) } : r)),
      ),
    reload: () => setVersion((v) => v + 1),
  };
}
