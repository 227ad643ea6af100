import { useEffect, useState } from 'preact/hooks';
import type { TypingNotice } from '../shared.ts';
import type { ChatSocket } from './chat-socket.ts';

// A typing notice holds this long unless renewed (clients renew every few seconds while typing).
const TTL_MS = 6000;

/** Addresses typing in a room right now (other than the user). */
export function useTyping(socket: ChatSocket, roomId: string | null, me: string): string[] {
  const [typing, setTyping] = useState<Map<string, number>>(new Map());
  useEffect(() => {
    setTyping(new Map());
    const onTyping = (t: TypingNotice) => {
      if (t.roomId !== roomId || t.address === me) return;
      setTyping((m) => {
        const next = new Map(m);
        if (t.typing) next.set(t.address, Date.now() + TTL_MS);
        else next.delete(t.address);
        return next;
      });
    };
    // Someone who posts has stopped typing.
    const onEvent = (e: { roomId: string; type: string; sender: string }) => {
      if (e.roomId === roomId && e.type === 'message.posted')
        setTyping((m) => (m.has(e.sender) ? new Map([...m].filter(([a]) => a !== e.sender)) : m));
    };
    const timer = setInterval(
      () =>
        setTyping((m) =>
          [...m.values()].some((t) => t < Date.now()) ? new Map([...m].filter(([, t]) => t >= Date.now())) : m,
        ),
      1000,
    );
    socket.on('typing', onTyping);
    socket.on('event', onEvent);
    return () => {
      clearInterval(timer);
      socket.off('typing', onTyping);
      socket.off('event', onEvent);
    };
  }, [socket, roomId, me]);
  return [...typing.keys()];
}
