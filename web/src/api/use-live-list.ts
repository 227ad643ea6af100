import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { describeError } from './api-error.ts';

/** The smallest socket surface the live list needs: it reloads after every (re)connect. */
export interface ReconnectSource {
  on(event: 'connect', listener: () => void): unknown;
  off(event: 'connect', listener: () => void): unknown;
}

/** How a live list loads and keeps its items. */
export interface LiveListOptions<T> {
  /** Fetches the whole list (REST). Called at mount, when `deps` change, by `reload()` and after each socket connect. */
  load: () => Promise<T[]>;
  /** The socket whose events feed the list: after it (re)connects, events may have been missed, so the list reloads. */
  socket?: ReconnectSource;
  /** Items to show; an upserted item that fails it leaves the list (e.g. a share that ended). */
  keep?: (item: T) => boolean;
  /** True when `incoming` is older than the `held` item with the same id (socket events and HTTP answers race). */
  isStale?: (incoming: T, held: T) => boolean;
  /** Order of the list; without it new items go first. */
  sort?: (a: T, b: T) => number;
}

/** A list loaded over REST and kept live by socket events; every change goes through these methods (stable identities). */
export interface LiveList<T extends { id: string }> {
  items: T[];
  /** True until the first load answered (successfully or not). */
  loading: boolean;
  /** The last load's error in plain words, or null. */
  error: string | null;
  /** Loads the list again. */
  reload(): Promise<void>;
  /** The held item with this id, read synchronously (for "what was it before this event?"). */
  find(id: string): T | undefined;
  /** Adds an item or replaces the one with its id (unless stale); drops it when `keep` refuses it. */
  upsert(item: T): void;
  /** Removes the item with this id. */
  remove(id: string): void;
  /** Any other change, as a function of the current items (filtered and sorted afterwards). */
  update(change: (items: T[]) => T[]): void;
}

/**
 * A REST-loaded list kept live over socket.io: the one place for load, reload-after-reconnect, race-safe upserts,
 * filtering and sorting, which the shares inbox, the chat room list and plugin lists share.
 * Socket handlers call `upsert`/`remove`/`update`; the hook subscribes to nothing but `connect`.
 */
export function useLiveList<T extends { id: string }>(
  options: LiveListOptions<T>,
  deps: readonly unknown[] = [],
): LiveList<T> {
  const opts = useRef(options);
  opts.current = options;
  const held = useRef<T[]>([]);
  const [items, setItems] = useState<T[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const generation = useRef(0);
  const alive = useRef(true);
  // Changes made while a load is in flight: its answer is a snapshot from before some of them, so they are
  // replayed on top of it rather than lost (a share announced over the socket while the list was being fetched).
  const journal = useRef<Array<(items: T[]) => T[]>>([]);
  const inFlight = useRef(false);

  const commit = useCallback((next: T[]) => {
    const { keep, sort } = opts.current;
    let shaped = keep ? next.filter(keep) : next;
    if (sort) shaped = shaped.slice().sort(sort);
    held.current = shaped;
    setItems(shaped);
  }, []);
  const change = useCallback(
    (fn: (items: T[]) => T[]) => {
      if (inFlight.current) journal.current.push(fn);
      commit(fn(held.current));
    },
    [commit],
  );

  const reload = useCallback(async () => {
    // Only the newest load may write: an older answer arriving late must not undo a newer one.
    const mine = ++generation.current;
    journal.current = [];
    inFlight.current = true;
    try {
      const list = await opts.current.load();
      if (!alive.current || mine !== generation.current) return;
      commit(journal.current.reduce((l, fn) => fn(l), list));
      setError(null);
    } catch (err) {
      if (alive.current && mine === generation.current) setError(describeError(err));
    } finally {
      if (mine === generation.current) {
        inFlight.current = false;
        journal.current = [];
        if (alive.current) setLoading(false);
      }
    }
  }, [commit]);

  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);
  // The caller's deps decide when the list loads again.
  useEffect(() => void reload(), [reload, ...deps]);
  const socket = options.socket;
  useEffect(() => {
    if (!socket) return;
    // Every connect, the first one included: events sent before the socket joined were never delivered.
    const onConnect = () => void reload();
    socket.on('connect', onConnect);
    return () => void socket.off('connect', onConnect);
  }, [socket, reload]);

  // The operations never change identity, so socket handlers may be registered once.
  const ops = useMemo(
    () => ({
      find: (id: string) => held.current.find((x) => x.id === id),
      upsert: (item: T) =>
        change((list) => {
          const i = list.findIndex((x) => x.id === item.id);
          if (i < 0) return [item, ...list];
          const isStale = opts.current.isStale;
          if (isStale && isStale(item, list[i] as T)) return list;
          const copy = list.slice();
          copy[i] = item;
          return copy;
        }),
      remove: (id: string) => change((list) => list.filter((x) => x.id !== id)),
      update: (fn: (items: T[]) => T[]) => change(fn),
    }),
    [change],
  );
  return { items, loading, error, reload, ...ops };
}
