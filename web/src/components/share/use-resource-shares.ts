import { useEffect, useState } from 'preact/hooks';
// eslint-disable-next-line import-x/no-cycle -- read like a plugin chunk; the SDK loads this file only by import()
import { useShell, type OutgoingShare } from '#web-sdk';

const SHOWN = new Set(['sending', 'pending', 'accepted', 'failed']);

/**
 * The user's live outgoing shares of one resource (`null`: none asked), loaded from the API and kept live by the
 * main socket's share events; `reload` after an action.
 */
export function useResourceShares(of: { type: string; id: string } | null): {
  shares: OutgoingShare[];
  loading: boolean;
  reload: () => void;
} {
  const { api, socket } = useShell();
  const [shares, setShares] = useState<OutgoingShare[]>([]);
  const [loading, setLoading] = useState(of !== null);
  const [tick, setTick] = useState(0);
  const type = of?.type ?? null;
  const id = of?.id ?? null;
  const mine = (s: OutgoingShare) => s.resourceType === type && s.resourceId === id;
  useEffect(() => {
    if (type === null) return;
    let live = true;
    api.outgoingShares().then(
      (all) => {
        if (!live) return;
        setShares(all.filter((s) => mine(s) && SHOWN.has(s.state)));
        setLoading(false);
      },
      () => live && setLoading(false),
    );
    const update = (s: OutgoingShare) => {
      if (!mine(s)) return;
      setShares((list) => {
        const rest = list.filter((x) => x.id !== s.id);
        return SHOWN.has(s.state) ? [...rest, s].sort((a, b) => a.createdAt - b.createdAt) : rest;
      });
    };
    const remove = (s: OutgoingShare) => setShares((list) => list.filter((x) => x.id !== s.id));
    socket.on('share:outgoing-updated', update);
    socket.on('share:outgoing-removed', remove);
    return () => {
      live = false;
      socket.off('share:outgoing-updated', update);
      socket.off('share:outgoing-removed', remove);
    };
  }, [api, socket, type, id, tick]);
  return { shares, loading, reload: () => setTick((n) => n + 1) };
}
