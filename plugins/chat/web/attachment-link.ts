import { useEffect, useState } from 'preact/hooks';
import { useShell, type ApiClient, type MeshworkSocket } from '#web-sdk';
import type { ChatAttachment } from '../shared.ts';

/** An entry of the viewer's Shared with me (`GET /api/v1/files/shared-with-me`). */
interface SharedEntry {
  shareId: string;
  name: string;
  path: string;
  shareName: string;
  owner: string;
  kind: 'file' | 'folder';
}

const seg = (p: string) => p.split('/').map(encodeURIComponent).join('/');
// One list per session, dropped whenever an incoming share changes (an entry's name can change with them).
const lists = new WeakMap<ApiClient, Promise<SharedEntry[]>>();
const watched = new WeakSet<MeshworkSocket>();

function sharedWithMe(api: ApiClient, socket: MeshworkSocket, fresh: boolean): Promise<SharedEntry[]> {
  if (!watched.has(socket)) {
    watched.add(socket);
    const drop = () => lists.delete(api);
    socket.on('share:received', drop);
    socket.on('share:incoming-updated', drop);
    socket.on('share:incoming-removed', drop);
  }
  let list = fresh ? undefined : lists.get(api);
  if (!list) {
    list = api.request<{ items: SharedEntry[] }>('GET', '/files/shared-with-me').then(
      (r) => r.items,
      () => (lists.delete(api), []),
    );
    lists.set(api, list);
  }
  return list;
}

/**
 * Where the viewer reads an attachment on their own server: their own file when they sent it, else the entry of
 * Shared with me that is the sender's attachment folder, found by its owner and share name (so two folders with the
 * same name, from two senders or servers, each lead to their own files). Null while the folder is not (yet) shared
 * with the viewer; undefined while looking.
 */
export function useAttachmentUrl(a: ChatAttachment): string | null | undefined {
  const { api, socket, user } = useShell();
  const base = `/dav/files/${encodeURIComponent(user.id)}`;
  const own = a.owner.toLowerCase() === user.address.toLowerCase();
  const [url, setUrl] = useState<string | null | undefined>(own ? `${base}${seg(a.path)}` : undefined);
  const [tick, setTick] = useState(0);
  // Not shared with the viewer yet (the folder's share is on its way or waits to be accepted): look again when it is.
  useEffect(() => {
    if (url !== null) return;
    const again = () => setTick((n) => n + 1);
    socket.on('share:received', again);
    socket.on('share:incoming-updated', again);
    return () => {
      socket.off('share:received', again);
      socket.off('share:incoming-updated', again);
    };
  }, [url, socket]);
  useEffect(() => {
    if (own) return;
    let live = true;
    const find = (list: SharedEntry[]) =>
      list.find(
        (e) => e.kind === 'folder' && e.owner.toLowerCase() === a.owner.toLowerCase() && e.shareName === a.folder,
      );
    void (async () => {
      // A folder shared since the list was read (the first attachment of a new member) needs a fresh look.
      const hit = find(await sharedWithMe(api, socket, false)) ?? find(await sharedWithMe(api, socket, true));
      if (live) setUrl(hit ? `${base}${seg(`${hit.path}/${a.name}`)}` : null);
    })();
    return () => void (live = false);
  }, [a.owner, a.folder, a.name, own, tick]);
  return url;
}
