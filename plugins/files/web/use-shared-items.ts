import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ApiClient, MeshworkSocket } from '#web-sdk';
import { isShared } from './files-paths.ts';

/** One recipient of an item the user shares (`GET /api/v1/files/shares`). */
export interface SharedWith {
  id: string;
  shareWith: string;
  recipientDisplayName: string | null;
  permissions: string[];
  state: 'sending' | 'pending' | 'accepted' | 'declined' | 'unshared' | 'failed';
  lastError: string | null;
  createdAt: number;
}

/** An item of the folder the user shares, with who has access. */
export interface SharedItem {
  path: string;
  kind: 'file' | 'folder';
  shares: SharedWith[];
}

/** Shares of a folder's items and of the folder itself, by path. */
export interface SharedItems {
  byPath: Map<string, SharedItem>;
  reload(): void;
}

/**
 * Who has access to each item of one of the user's own folders, kept live: any change to the user's outgoing shares
 * (a new share, accepted, declined, unshared, a permission change) reloads it. Empty inside "Shared with me".
 */
export function useSharedItems(api: ApiClient, socket: MeshworkSocket, folder: string): SharedItems {
  const [byPath, setByPath] = useState(new Map<string, SharedItem>());
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  useEffect(() => {
    if (isShared(folder)) return setByPath(new Map());
    let live = true;
    api.request<{ items: SharedItem[] }>('GET', `/files/shares?folder=${encodeURIComponent(folder)}`).then(
      (r) => live && setByPath(new Map(r.items.map((i) => [i.path, i]))),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [api, folder, version]);
  useEffect(() => {
    socket.on('share:outgoing-updated', reload);
    return () => void socket.off('share:outgoing-updated', reload);
  }, [socket, reload]);
  return { byPath, reload };
}

/** Shares that give access now (a failed one gives none). */
export function activeShares(item: SharedItem | undefined): SharedWith[] {
  return (item?.shares ?? []).filter((s) => s.state === 'sending' || s.state === 'pending' || s.state === 'accepted');
}
