import { useCallback, useEffect, useRef } from 'preact/hooks';
import type { ApiClient } from '../api/api-client.ts';
import { describeError, describeShareFailure } from '../api/api-error.ts';
import type { MeshworkSocket } from '../api/socket-client.ts';
import type { IncomingShareView, OutgoingShare } from '../api/types.ts';
import { useLiveList } from '../api/use-live-list.ts';
import type { ToastStore } from './toast-store.ts';

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
  /** Removes one ended or failed outgoing share from the list (nothing changes for anyone else). */
  clear(id: string): Promise<void>;
  /** Removes every ended and failed outgoing share from the list. */
  clearAll(): Promise<void>;
}

const VISIBLE_INCOMING = new Set(['pending', 'accepted']);
// Socket events and HTTP answers race; keep the newer view of a share.
const isStale = (incoming: { updatedAt: number }, held: { updatedAt: number }) => held.updatedAt > incoming.updatedAt;

function from(share: { senderDisplayName: string | null; sender: string }): string {
  return share.senderDisplayName ? `${share.senderDisplayName} (${share.sender})` : share.sender;
}

/** Loads incoming and outgoing shares, applies socket events, and toasts what others did. */
export function useInbox(api: ApiClient, socket: MeshworkSocket, toast: ToastStore): Inbox {
  // With the user's "auto-accept shares" setting on, an accepted arrival is a share they asked to take at once.
  const autoAccepting = useRef(false);
  useEffect(() => {
    let live = true;
    api.settings().then(
      (s) => live && (autoAccepting.current = s.autoAcceptShares),
      () => undefined,
    );
    return () => void (live = false);
  }, [api]);
  const incoming = useLiveList<IncomingShareView>(
    { load: () => api.incomingShares(), socket, keep: (s) => VISIBLE_INCOMING.has(s.state), isStale },
    [api],
  );
  const outgoing = useLiveList<OutgoingShare>({ load: () => api.outgoingShares(), socket, isStale }, [api]);
  // Shares this tab is acting on: their socket echoes are not news to the user.
  const mine = useRef(new Set<string>());
  // The "shared with you" toast of each share that arrived waiting, while it is on screen.
  const arrivals = useRef(new Map<string, number>());

  useEffect(() => {
    const onReceived = (share: IncomingShareView) => {
      incoming.upsert(share);
      // Accepted on arrival (by this server for the user): nothing for the user to do, no news.
      if (share.state !== 'pending') return;
      const id = toast.show('info', `${from(share)} shared “${share.name}” with you.`);
      arrivals.current.set(share.id, id);
      window.setTimeout(() => arrivals.current.delete(share.id), 10_000);
    };
    const onIncomingUpdated = (share: IncomingShareView) => {
      // A share this server accepted for the user as it arrived (a chat or deck member's attachment folder, which
      // the user reaches from the conversation or card): its "shared with you" news is withdrawn. A share the user
      // accepts here, or that the user's own auto-accept setting takes, keeps it.
      const shown = arrivals.current.get(share.id);
      if (shown !== undefined && share.state === 'accepted' && !mine.current.has(share.id) && !autoAccepting.current)
        toast.dismiss(shown);
      arrivals.current.delete(share.id);
      incoming.upsert(share);
    };
    const onIncomingRemoved = (share: IncomingShareView) => {
      if (incoming.find(share.id) && !mine.current.has(share.id))
        toast.info(`“${share.name}” is no longer shared with you.`);
      incoming.remove(share.id);
    };
    const onOutgoingUpdated = (share: OutgoingShare) => {
      const before = outgoing.find(share.id);
      if (before && before.state !== share.state && !mine.current.has(share.id)) {
        const who = share.recipientDisplayName ? `${share.recipientDisplayName} (${share.shareWith})` : share.shareWith;
        if (share.state === 'accepted') toast.success(`${who} accepted “${share.name}”.`);
        if (share.state === 'declined') toast.info(`${who} declined “${share.name}”.`);
        if (share.state === 'failed')
          toast.error(
            `Sharing “${share.name}” with ${share.shareWith} failed: ${describeShareFailure(share.lastError)}`,
          );
      }
      // Removing a failed share deletes it on the server: it leaves the list in every tab.
      if (before?.state === 'failed' && share.state === 'unshared') outgoing.remove(share.id);
      else outgoing.upsert(share);
    };
    socket.on('share:received', onReceived);
    socket.on('share:incoming-updated', onIncomingUpdated);
    socket.on('share:incoming-removed', onIncomingRemoved);
    socket.on('share:outgoing-updated', onOutgoingUpdated);
    const onOutgoingRemoved = (share: OutgoingShare) => outgoing.remove(share.id);
    socket.on('share:outgoing-removed', onOutgoingRemoved);
    return () => {
      socket.off('share:outgoing-removed', onOutgoingRemoved);
      socket.off('share:received', onReceived);
      socket.off('share:incoming-updated', onIncomingUpdated);
      socket.off('share:incoming-removed', onIncomingRemoved);
      socket.off('share:outgoing-updated', onOutgoingUpdated);
    };
  }, [socket, toast, incoming.upsert, incoming.remove, incoming.find, outgoing.upsert, outgoing.remove, outgoing.find]);

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

  const failed = (id: string) => outgoing.find(id)?.state === 'failed';
  const nameOf = (id: string) => incoming.find(id)?.name ?? outgoing.find(id)?.name ?? 'the share';
  return {
    incoming: incoming.items,
    outgoing: outgoing.items,
    loading: incoming.loading || outgoing.loading,
    error: incoming.error ?? outgoing.error,
    reload: async () => void (await Promise.all([incoming.reload(), outgoing.reload()])),
    accept: (id) => act(id, () => api.acceptShare(id), incoming.upsert, `Accepted “${nameOf(id)}”.`),
    decline: (id) => act(id, () => api.declineShare(id), incoming.upsert, `Declined “${nameOf(id)}”.`),
    leave: (id) => act(id, () => api.leaveShare(id), incoming.upsert, `Left “${nameOf(id)}”.`),
    unshare: (id) => {
      // A share that failed is deleted, not ended: it leaves the list.
      const wasFailed = failed(id);
      return act(
        id,
        () => api.unshare(id),
        (s) => (wasFailed ? outgoing.remove(id) : outgoing.upsert(s)),
        wasFailed ? `Removed “${nameOf(id)}”.` : `Stopped sharing “${nameOf(id)}”.`,
      );
    },
    clear: (id) =>
      act(
        id,
        () => api.clearShares([id]),
        () => outgoing.remove(id),
        `Cleared “${nameOf(id)}” from the list.`,
      ),
    clearAll: async () => {
      try {
        const { cleared } = await api.clearShares();
        for (const id of cleared) outgoing.remove(id);
        toast.success(
          cleared.length === 1 ? 'Cleared 1 share from the list.' : `Cleared ${cleared.length} shares from the list.`,
        );
      } catch (err) {
        toast.error(describeError(err));
      }
    },
  };
}
