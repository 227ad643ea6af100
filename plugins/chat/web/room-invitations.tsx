import { useEffect, useState } from 'preact/hooks';
import {
  describeError,
  useLiveList,
  type ApiClient,
  type IncomingShareView,
  type MeshworkSocket,
  type Toaster,
} from '#web-sdk';

/** The user's pending room invitations (room shares), kept live by the shell's share events. */
export function useRoomInvitations(api: ApiClient, socket: MeshworkSocket) {
  const list = useLiveList<IncomingShareView>(
    {
      load: async () => (await api.incomingShares()).filter((s) => s.resourceType === 'chat-room'),
      socket,
      keep: (s) => s.resourceType === 'chat-room' && s.state === 'pending',
      isStale: (incoming, held) => held.updatedAt > incoming.updatedAt,
    },
    [api],
  );
  const { upsert, remove } = list;
  useEffect(() => {
    const gone = (s: IncomingShareView) => remove(s.id);
    socket.on('share:received', upsert);
    socket.on('share:incoming-updated', upsert);
    socket.on('share:incoming-removed', gone);
    return () => {
      socket.off('share:received', upsert);
      socket.off('share:incoming-updated', upsert);
      socket.off('share:incoming-removed', gone);
    };
  }, [socket, upsert, remove]);
  return list;
}

/** Invitations to join rooms, above the room list: accept (then open the room) or decline, as under Shares. */
export function RoomInvitations(props: {
  api: ApiClient;
  socket: MeshworkSocket;
  toast: Toaster;
  onJoined: (shareId: string) => void;
}) {
  const { api, toast } = props;
  const invitations = useRoomInvitations(api, props.socket);
  const [busy, setBusy] = useState<string | null>(null);
  if (invitations.items.length === 0) return null;
  const act = async (s: IncomingShareView, accept: boolean) => {
    setBusy(s.id);
    try {
      const done = accept ? await api.acceptShare(s.id) : await api.declineShare(s.id);
      invitations.upsert(done);
      if (accept) props.onJoined(s.id);
    } catch (err) {
      toast.error(describeError(err));
    } finally {
      setBusy(null);
    }
  };
  return (
    <section class="chat-invitations" aria-label="Room invitations" data-testid="room-invitations">
      <h3>Invitations to join</h3>
      <ul>
        {invitations.items.map((s) => (
          <li key={s.id} class="chat-invitation" data-testid="room-invitation" data-share-name={s.name}>
            <span class="chat-invitation-text">
              <strong># {s.name}</strong>
              <span class="chat-invitation-from" title={s.sender}>
                from {s.senderDisplayName ?? s.sender}
              </span>
            </span>
            <span class="chat-invitation-actions">
              <button
                type="button"
                class="btn btn-small btn-primary"
                disabled={busy === s.id}
                onClick={() => void act(s, true)}
                aria-label={`Join “${s.name}”`}
              >
                Join
              </button>
              <button
                type="button"
                class="btn btn-small"
                disabled={busy === s.id}
                onClick={() => void act(s, false)}
                aria-label={`Decline the invitation to “${s.name}”`}
              >
                Decline
              </button>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
