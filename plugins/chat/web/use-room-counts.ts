import { useEffect, useRef, useState } from 'preact/hooks';
import type { WebPluginContext } from '#web-sdk';
import type { ChatEvent, RoomSummary } from '../shared.ts';
import type { ChatSocket } from './chat-socket.ts';

/**
 * The user's rooms with their unread and mention counts, for the badge and notifications on every page (a lighter
 * cousin of useRooms, which also keeps previews and calls for the Chat page). New messages count at once; anything
 * else that changes counts (a read in any tab, a reconnect) reloads them from the server; rooms joined, changed
 * (muted) or left arrive as they are.
 */
export function useRoomCounts(
  ctx: WebPluginContext,
  socket: ChatSocket,
  me: string,
  openRoomId: string | null,
): RoomSummary[] {
  const [rooms, setRooms] = useState<RoomSummary[]>([]);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const open = useRef(openRoomId);
  open.current = openRoomId;
  useEffect(() => {
    let live = true;
    const load = () =>
      ctx.api.request<RoomSummary[]>('GET', '/chat/rooms').then(
        (list) => live && setRooms(list),
        () => undefined,
      );
    const loadSoon = () => {
      if (timer.current) clearTimeout(timer.current);
      timer.current = setTimeout(load, 300);
    };
    const onEvent = (e: ChatEvent) => {
      if (e.type === 'read.marker' && e.sender === me) return loadSoon();
      if (e.type !== 'message.posted' || e.sender === me || e.roomId === open.current) return;
      setRooms((list) =>
        list.map((r) =>
          r.id === e.roomId
            ? { ...r, unread: r.unread + 1, mentions: r.mentions + (e.data.mentions.includes(me) ? 1 : 0) }
            : r,
        ),
      );
    };
    // A room's summary (joined, muted, …) replaces the one held; a removed room goes.
    const onRoom = (room: RoomSummary) => setRooms((list) => [room, ...list.filter((r) => r.id !== room.id)]);
    const onRemoved = ({ roomId }: { roomId: string }) => setRooms((list) => list.filter((r) => r.id !== roomId));
    socket.on('connect', load);
    socket.on('room', onRoom);
    socket.on('roomRemoved', onRemoved);
    socket.on('event', onEvent);
    void load();
    return () => {
      live = false;
      if (timer.current) clearTimeout(timer.current);
      socket.off('connect', load);
      socket.off('room', onRoom);
      socket.off('roomRemoved', onRemoved);
      socket.off('event', onEvent);
    };
  }, [socket, me]);
  return rooms;
}
