import { useEffect, useMemo, useState } from 'preact/hooks';
import './share-target.css';
import { ModalDialog, describeError, useShell } from '#web-sdk';
import type { RoomSummary } from '../shared.ts';
import { ChatApi } from './chat-api.ts';

/** "Share with…" a person, chat's part: pick one of the user's group rooms and invite them to it. */
export function InviteToRoom(props: { recipient: string; onClose: () => void }) {
  const { api, toast } = useShell();
  const chat = useMemo(() => new ChatApi(api), [api]);
  const [rooms, setRooms] = useState<RoomSummary[] | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    chat.rooms().then(
      (all) => setRooms(all.filter((r) => r.kind === 'group').sort((a, b) => a.name.localeCompare(b.name))),
      (err: unknown) => (setRooms([]), setError(describeError(err))),
    );
  }, [chat]);
  const invite = async (room: RoomSummary) => {
    setBusy(true);
    setError('');
    try {
      await chat.act(room.id, { type: 'addMember', address: props.recipient });
      toast.success(`Invited ${props.recipient} to ${room.name}.`);
      props.onClose();
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };
  return (
    <ModalDialog open title={`Invite ${props.recipient} to a chat room`} onClose={props.onClose}>
      <p id="invite-room-error" class="form-error" role="alert">
        {error}
      </p>
      {rooms === null ? (
        <p class="hint" role="status">
          Loading…
        </p>
      ) : rooms.length === 0 ? (
        <p class="hint">You are in no group room yet. Create one on the Chat page.</p>
      ) : (
        <ul class="chat-invite-rooms">
          {rooms.map((r) => (
            <li key={r.id}>
              <button type="button" class="btn" disabled={busy} onClick={() => void invite(r)}>
                {r.name}
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="modal-actions">
        <button type="button" class="btn" onClick={props.onClose}>
          Cancel
        </button>
      </div>
    </ModalDialog>
  );
}
