import { useEffect, useRef, useState } from 'preact/hooks';
import { hashHref, navigate, setNavBadge, useHashRoute, type WebPluginContext } from '#web-sdk';
import type { ChatClientToServer, ChatEvent, ChatServerToClient, RoomSummary } from '../shared.ts';
import { useRoomCounts } from './use-room-counts.ts';
import type { ChatSocket } from './chat-socket.ts';
import { plainText } from './plain-text.ts';

/** Whether the user looks at this tab now (visible and focused). */
function useLookingAtTab(): boolean {
  const looking = () => document.visibilityState === 'visible' && document.hasFocus();
  const [on, setOn] = useState(looking);
  useEffect(() => {
    const update = () => setOn(looking());
    document.addEventListener('visibilitychange', update);
    window.addEventListener('focus', update);
    window.addEventListener('blur', update);
    return () => {
      document.removeEventListener('visibilitychange', update);
      window.removeEventListener('focus', update);
      window.removeEventListener('blur', update);
    };
  }, []);
  return on;
}

/** A desktop notification for a message, if it calls for one: a mention or a one-to-one message, room not muted. */
export function notificationFor(
  e: ChatEvent,
  room: RoomSummary | undefined,
  me: string,
): { title: string; body: string } | null {
  if (e.type !== 'message.posted' || e.sender === me || !room || room.muted) return null;
  if (room.kind !== 'direct' && !e.data.mentions.includes(me)) return null;
  const who = e.sender.slice(0, e.sender.lastIndexOf('@'));
  return {
    title: room.kind === 'direct' ? who : `${who} mentioned you in # ${room.name}`,
    body: plainText(e.data.text).slice(0, 200),
  };
}

/**
 * Chat on every page: the unread count on the Chat navigation entry and in the tab's title, and desktop notifications
 * for mentions and one-to-one messages while the tab is in the background (when the user allowed them).
 */
export function ChatBackgroundImpl(ctx: WebPluginContext) {
  const [socket] = useState<ChatSocket>(() => ctx.pluginSocket<ChatServerToClient, ChatClientToServer>('chat'));
  useEffect(() => () => void socket.disconnect(), [socket]);
  const route = useHashRoute();
  const looking = useLookingAtTab();
  // Messages of the room on screen are read as they come, unless the user is away from the tab.
  const openId = looking && route.segments[0] === 'chat' ? (route.segments[1] ?? null) : null;
  const me = ctx.user.address;
  const rooms = useRoomCounts(ctx, socket, me, openId);

  const unread = rooms.reduce((n, r) => n + r.unread, 0);
  const mentions = rooms.reduce((n, r) => n + r.mentions, 0);
  useEffect(() => {
    setNavBadge(
      'chat',
      unread
        ? {
            count: unread,
            label: `${unread} unread${mentions ? `, ${mentions} mentioning you` : ''}`,
            alert: mentions > 0,
          }
        : null,
    );
  }, [unread, mentions]);
  useEffect(() => () => setNavBadge('chat', null), []);

  const roomsRef = useRef(rooms);
  roomsRef.current = rooms;
  useEffect(() => {
    const onEvent = (e: ChatEvent) => {
      if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
      if (document.visibilityState === 'visible' && document.hasFocus()) return;
      const n = notificationFor(
        e,
        roomsRef.current.find((r) => r.id === e.roomId),
        me,
      );
      if (!n) return;
      const shown = new Notification(n.title, { body: n.body, tag: e.roomId });
      shown.onclick = () => {
        window.focus();
        navigate(hashHref('chat', e.roomId));
        shown.close();
      };
    };
    socket.on('event', onEvent);
    return () => void socket.off('event', onEvent);
  }, [socket, me]);
  return null;
}
