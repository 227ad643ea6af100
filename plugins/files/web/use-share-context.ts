import { useEffect, useState } from 'preact/hooks';
import { hashHref, navigate, type ApiClient, type IncomingShareView, type MeshworkSocket } from '#web-sdk';
import { SHARED_FOLDER, segmentsOf } from './files-paths.ts';
import { mountNames } from './share-mounts.ts';

/** What the page knows about shares others made with the user, for where it is. */
export interface ShareContext {
  /** Accepted shares by their name in "Shared with me". */
  mounts: Map<string, IncomingShareView>;
  /** The share the current folder belongs to (inside "Shared with me/<name>"), else null. */
  current: IncomingShareView | null;
  /** Inside a share: whether it lets the user write; null outside shares. */
  canWrite: boolean | null;
  /** Why the page just left a share ("Alice stopped sharing “Project X”"), until the user moves on. */
  notice: string | null;
}

/** The owner's name as people read it. */
export function ownerName(s: IncomingShareView): string {
  return s.ownerDisplayName?.trim() || s.owner;
}

/**
 * Incoming shares as the files page needs them, kept live. When the share the user is inside ends (the owner
 * unshares, or the user leaves it elsewhere), the page goes back to "Shared with me" and says why.
 */
export function useShareContext(api: ApiClient, socket: MeshworkSocket, path: string): ShareContext {
  const segs = segmentsOf(path);
  const mountName = segs[0] === SHARED_FOLDER ? (segs[1] ?? null) : null;
  const [list, setList] = useState<IncomingShareView[] | null>(null);
  const [notice, setNotice] = useState<{ text: string; at: string } | null>(null);

  useEffect(() => {
    let live = true;
    const load = () =>
      api.incomingShares().then(
        (l) => live && setList(l),
        () => undefined,
      );
    void load();
    socket.on('share:incoming-updated', load);
    socket.on('share:received', load);
    socket.on('share:incoming-removed', load);
    return () => {
      live = false;
      socket.off('share:incoming-updated', load);
      socket.off('share:received', load);
      socket.off('share:incoming-removed', load);
    };
  }, [api, socket]);

  const mounts = mountNames(list ?? []);
  const current = mountName !== null ? (mounts.get(mountName) ?? null) : null;

  useEffect(() => {
    const onRemoved = (s: IncomingShareView & { endedBy?: 'sender' | 'recipient' }) => {
      if (mountName === null || mountNames(list ?? []).get(mountName)?.id !== s.id) return;
      const text =
        s.endedBy === 'recipient' ? `You left “${s.name}”.` : `${ownerName(s)} stopped sharing “${s.name}” with you.`;
      const target = `/${SHARED_FOLDER}`;
      setNotice({ text, at: target });
      navigate(hashHref('files', SHARED_FOLDER));
    };
    socket.on('share:incoming-removed', onRemoved);
    return () => void socket.off('share:incoming-removed', onRemoved);
  }, [socket, list, mountName]);

  // The notice belongs to the page it was shown on.
  useEffect(() => {
    if (notice && notice.at !== path) setNotice(null);
  }, [path]);

  return {
    mounts,
    current,
    canWrite:
      mountName === null
        ? null
        : !!current && current.resourceType === 'folder' && current.permissions.includes('write'),
    notice: notice?.text ?? null,
  };
}
