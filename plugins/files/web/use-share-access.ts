import { useEffect, useState } from 'preact/hooks';
import type { ApiClient, MeshworkSocket } from '#web-sdk';
import { SHARED_FOLDER, segmentsOf } from './files-paths.ts';
import { mountNames } from './share-mounts.ts';

/**
 * Whether the user may write at `path` as far as shares decide: inside "Shared with me/<share>" the share's
 * permissions (the owner's server enforces them anyway); null outside shares.
 */
export function useShareAccess(api: ApiClient, socket: MeshworkSocket, path: string): { canWrite: boolean } | null {
  const segs = segmentsOf(path);
  const mount = segs[0] === SHARED_FOLDER ? (segs[1] ?? null) : null;
  const [access, setAccess] = useState<{ canWrite: boolean } | null>(null);
  useEffect(() => {
    if (mount === null) return setAccess(null);
    let live = true;
    // Until known, assume read-only: better a disabled button than a refused upload.
    setAccess({ canWrite: false });
    const load = () =>
      api.incomingShares().then(
        (list) => {
          const share = mountNames(list).get(mount);
          if (live)
            setAccess({ canWrite: !!share && share.resourceType === 'folder' && share.permissions.includes('write') });
        },
        () => undefined,
      );
    void load();
    socket.on('share:incoming-updated', load);
    return () => {
      live = false;
      socket.off('share:incoming-updated', load);
    };
  }, [api, socket, mount]);
  return access;
}
