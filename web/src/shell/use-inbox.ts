import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { ApiClient } from '../api/api-client.ts';
import { describeError } from '../api/api-error.ts';
import type { MeshworkSocket } from '../api/socket-client.ts';
import type { IncomingShareView, OutgoingShare } from '../api/types.ts';
import type { Toaster } from './toast-store.ts';

/** The user's shares, kept live over the socket, and the actions on them. */
export interface Inbox {
  incoming: IncomingShareView[];
  outgoing: OutgoingShare[];
  loading: boolean;
  error: string | null;
  reload(): Promise<void>;
  accept(id: string): Promise<void>;
  decline(id: string): Promise<void>;
  leave(id: string): Promise<void>;
  unshare(id: string): Promise<void>;
}

const VISIBLE_INCOMING = new Set(['pending', 'accepted']);

function upsert<T extends { id: string; updatedAt: number }>(list: T[], item: T): T[] {
  const i = list.findIndex((x) => x.id === item.id);
  if (i < 0) return [item, ...list];
  // Socket events and HTTP answers race; keep the newer view of the share.
  if ((list[i] as T).updatedAt > item.updatedAt) return list;
  const copy = list.slice();
  copy[i] = item;
  return copy;
}

function applyIncoming(list: IncomingShareView[], share: IncomingShareView): IncomingShareView[] {
  return VISIBLE_INCOMING.has(share.state) ? upsert(list, share) : list.filter((s) => s.id !== share.id);
}

function from(share: { senderDisplayName: string | null; sender: string }): string {
  return share.senderDisplayName ? `${share.senderDisplayName} (${share.sender})` : share.sender;
}

/** Loads incoming and outgoing shares, applies socket events, and toasts what others did. */
export function useInbox(api: ApiClient, socket: MeshworkSocket, toast: Toaster): Inbox {
  const [incoming, setIncoming] = useState<IncomingShareView[]>([]);
  const [outgoing, setOutgoing] = useState<OutgoingShare[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  // Shares this tab is acting on: their socket echoes are not news to the user.
  const mine = useRef(new Set<string>());

  const reload = useCallback(async () => {
    try {
      const [inc, out] = await Promise.all([api.incomingShares(), api.outgoingShares()]);
      setIncoming(inc.filter((s) => VISIBLE_INCOMING.has(s.state)));
      setOutgoing(out);
      setError(null);
    } catch (err) {
      setError(describeError(err));
    } finally {
      setLoading(false);
    }
  }, [api]);

  useEffect(() => {
    void reload();
    let connectedBefore = socket.connected;
    const onConnect = () => {
      // After a reconnect, events may have been missed: fetch the truth again.
      if (connectedBefore) void reload();
      connectedBefore = true;
    };
    const onReceived = (share: IncomingShareView) => {
      setIncoming((l) => applyIncoming(l, share));
      toast.info(`${from(share)} shared “${share.name}” with you.`);
    };
    const onIncomingUpdated = (share: IncomingShareView) => setIncoming((l) => applyIncoming(l, share));
    const onIncomingRemoved = (share: IncomingShareView) => {
      setIncoming((l) => {
        if (l.some((s) => s.id === share.id) && !mine.current.has(share.id))
          toast.info(`“${share.name}” is no longer shared with you.`);
        return l.filter((s) => s.id !== share.id);
      });
    };
    const onOutgoingUpdated = (share: OutgoingShare) => {
      setOutgoing((l) => {
        const before = l.find((s) => s.id === share.id);
        if (before && before.state !== share.state && !mine.current.has(share.id)) {
          const who = share.recipientDisplayName
            ? `${share.recipientDisplayName} (${share.shareWith})`
            : share.shareWith;
          if (share.state === 'accepted') toast.success(`${who} accepted “${share.name}”.`);
          if (share.state === 'declined') toast.info(`${who} declined “${share.name}”.`);
          if (share.state === 'failed')
            toast.error(
              `Sharing “${share.name}” with ${share.shareWith} failed${share.lastError ? `: ${share.lastError}` : ''}.`,
            );
        }
        // Removing a failed share deletes it on the server: it leaves the list in every tab.
        if (before?.state === 'failed' && share.state === 'unshared') return l.filter((s) => s.id !== share.id);
        return upsert(l, share);
      });
    };
    socket.on('connect', onConnect);
    socket.on('share:received', onReceived);
    socket.on('share:incoming-updated', onIncomingUpdated);
    socket.on('share:incoming-removed', onIncomingRemoved);
    socket.on('share:outgoing-updated', onOutgoingUpdated);
    return () => {
      socket.off('connect', onConnect);
      socket.off('share:received', onReceived);
      socket.off('share:incoming-updated', onIncomingUpdated);
      socket.off('share:incoming-removed', onIncomingRemoved);
      socket.off('share:outgoing-updated', onOutgoingUpdated);
    };
  }, [api, socket, toast, reload]);

  const act = useCallback(
    async <T>(id: string, call: () => Promise<T>, apply: (v: T) => void, done: string) => {
      mine.current.add(id);
      try {
        apply(await call());
        toast.success(done);
      } catch (err) {
        toast.error(describeError(err));
      } finally {
        window.setTimeout(() => mine.current.delete(id), 2000);
      }
    },
    [toast],
  );

  const failed = (id: string) => outgoing.find((s) => s.id === id)?.state === 'failed';
  const nameOf = (id: string) =>
    incoming.find((s) => s.id === id)?.name ?? outgoing.find((s) => s.id === id)?.name ?? 'the share';
  return {
    incoming,
    outgoing,
    loading,
    error,
    reload,
    accept: (id) =>
      act(
        id,
        () => api.acceptShare(id),
        (s) => setIncoming((l) => applyIncoming(l, s)),
        `Accepted “${nameOf(id)}”.`,
      ),
    decline: (id) =>
      act(
        id,
        () => api.declineShare(id),
        (s) => setIncoming((l) => applyIncoming(l, s)),
        `Declined “${nameOf(id)}”.`,
      ),
    leave: (id) =>
      act(
        id,
        () => api.leaveShare(id),
        (s) => setIncoming((l) => applyIncoming(l, s)),
        `Left “${nameOf(id)}”.`,
      ),
    unshare: (id) =>
      act(
        id,
        () => api.unshare(id),
        // A share that failed is deleted, not ended: it leaves the list.
        (s) => setOutgoing((l) => (failed(id) ? l.filter((x) => x.id !== id) : upsert(l, s))),
        failed(id) ? `Removed “${nameOf(id)}”.` : `Stopped sharing “${nameOf(id)}”.`,
      ),
  };
}
