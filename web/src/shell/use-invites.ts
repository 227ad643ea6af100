import { useEffect } from 'preact/hooks';
import type { ApiClient } from '../api/api-client.ts';
import type { MeshworkSocket } from '../api/socket-client.ts';
import type { OutstandingInvite } from '../api/types.ts';
import { useLiveList, type LiveList } from '../api/use-live-list.ts';

const newestFirst = (a: OutstandingInvite, b: OutstandingInvite) => b.createdAt - a.createdAt;

/** The user's outstanding invites, kept live: one accepted by someone (or revoked in another tab) leaves at once. */
export function useInvites(api: ApiClient, socket: MeshworkSocket): LiveList<OutstandingInvite> {
  const invites = useLiveList<OutstandingInvite>({ load: () => api.invites(), socket, sort: newestFirst }, [api]);
  const { remove } = invites;
  useEffect(() => {
    const onRemoved = ({ id }: { id: string }) => remove(id);
    socket.on('invite:removed', onRemoved);
    return () => void socket.off('invite:removed', onRemoved);
  }, [socket, remove]);
  return invites;
}
