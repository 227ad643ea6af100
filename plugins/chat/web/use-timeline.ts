import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { describeAck, describeError } from '#web-sdk';
import { RoomSequencer } from '../client/room-sequencer.ts';
import type { ChatEvent } from '../shared.ts';
import type { ChatApi } from './chat-api.ts';
import type { ChatSocket } from './chat-socket.ts';
import { applyEvent, mergeItems, type PendingMessage, type TimelineModel } from './timeline-model.ts';

/** The open room, live: its history (older pages on demand), members, and the user's pending messages. */
export interface Timeline {
  model: TimelineModel | null;
  error: string | null;
  loadingOlder: boolean;
  loadOlder: () => Promise<void>;
  addPending: (p: PendingMessage) => void;
  updatePending: (clientMsgId: string, patch: Partial<PendingMessage>) => void;
}

/**
 * Loads a room and keeps it live. Events go through a RoomSequencer (in seq order, no duplicates, gaps
 * filled by catch-up); on reconnect the socket hands over the last seq so the server replays what was
 * missed, and the sequencer asks again for anything still missing.
 */
export function useTimeline(chat: ChatApi, socket: ChatSocket, roomId: string | null, server: string): Timeline {
  const [model, setModel] = useState<TimelineModel | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const current = useRef(roomId);
  current.current = roomId;
  const sequencer = useMemo(
    () =>
      new RoomSequencer({
        catchUp: async (id, after) => {
          const r = await socket.timeout(10_000).emitWithAck('catchUp', { roomId: id, after });
          return r.ok ? r : null;
        },
        deliver: (e: ChatEvent) => {
          if (e.roomId === current.current)
            setModel((m) => (m && m.room.id === e.roomId ? applyEvent(m, e, server) : m));
        },
      }),
    [socket, server],
  );

  useEffect(() => {
    setModel(null);
    setError(null);
    if (!roomId) return;
    let live = true;
    (async () => {
      // Detail first: its lastSeq is where live events take over; history read afterwards already holds
      // anything newer, and applying those events again changes nothing.
      const room = await chat.room(roomId);
      const page = await chat.history(roomId, null);
      if (!live) return;
      sequencer.forget(roomId);
      sequencer.start(roomId, room.lastSeq);
      setModel({ room, items: page.items, more: page.more, pending: [] });
      await sequencer.fill(roomId);
    })().catch((err) => live && setError(describeError(err)));
    return () => {
      live = false;
    };
  }, [chat, roomId, sequencer]);

  useEffect(() => {
    const onEvent = (e: ChatEvent) => {
      if (e.roomId === current.current) sequencer.receive(e);
    };
    const onConnect = () => {
      if (current.current) void sequencer.fill(current.current);
    };
    // The handshake of the next connection carries what we have, so the server replays the rest.
    const onReconnectAttempt = () => {
      socket.auth = { ...(socket.auth as Record<string, unknown>), lastSeq: sequencer.snapshot() };
    };
    const onFailed = (f: { roomId: string; clientMsgId: string; code: string; message: string }) => {
      if (f.roomId === current.current)
        setModel(
          (m) =>
            m && {
              ...m,
              pending: m.pending.map((p) =>
                p.clientMsgId === f.clientMsgId ? { ...p, state: 'failed', error: describeAck(f) } : p,
              ),
            },
        );
    };
    const onPresence = (p: { address: string; online: boolean }) =>
      setModel((m) =>
        m && m.room.members.some((x) => x.address === p.address)
          ? {
              ...m,
              room: {
                ...m.room,
                members: m.room.members.map((x) => (x.address === p.address ? { ...x, online: p.online } : x)),
              },
            }
          : m,
      );
    socket.on('event', onEvent);
    socket.on('presence', onPresence);
    socket.on('connect', onConnect);
    socket.on('actionFailed', onFailed);
    socket.io.on('reconnect_attempt', onReconnectAttempt);
    return () => {
      socket.off('event', onEvent);
      socket.off('presence', onPresence);
      socket.off('connect', onConnect);
      socket.off('actionFailed', onFailed);
      socket.io.off('reconnect_attempt', onReconnectAttempt);
    };
  }, [socket, sequencer]);

  const loadOlder = async () => {
    if (!model || !model.more || loadingOlder) return;
    setLoadingOlder(true);
    try {
      const first = model.items[0]?.seq ?? null;
      const page = await chat.history(model.room.id, first, 100);
      setModel((m) =>
        m && m.room.id === model.room.id ? { ...m, items: mergeItems(m.items, page.items), more: page.more } : m,
      );
    } catch (err) {
      setError(describeError(err));
    } finally {
      setLoadingOlder(false);
    }
  };
  return {
    model,
    error,
    loadingOlder,
    loadOlder,
    addPending: (p) => setModel((m) => m && { ...m, pending: [...m.pending, p] }),
    updatePending: (id, patch) =>
      setModel((m) => m && { ...m, pending: m.pending.map((p) => (p.clientMsgId === id ? { ...p, ...patch } : p)) }),
  };
}
