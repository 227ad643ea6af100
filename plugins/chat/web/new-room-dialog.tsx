import { useState } from 'preact/hooks';
import { ModalDialog, RecipientInput, describeAck, describeError, useApi, type Contact } from '#web-sdk';
import type { ChatApi } from './chat-api.ts';

/** Creates a group room (name, topic, first members) or a one-to-one conversation. */
export function NewRoomDialog(props: {
  open: boolean;
  chat: ChatApi;
  contacts: Contact[];
  onClose: () => void;
  onCreated: (roomId: string, failed: string[]) => void;
}) {
  const api = useApi();
  const [kind, setKind] = useState<'group' | 'direct'>('group');
  const [name, setName] = useState('');
  const [topic, setTopic] = useState('');
  const [members, setMembers] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const list = members
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (kind === 'group' && !name.trim()) return setError('Give the room a name.');
    if (kind === 'direct' && list.length !== 1)
      return setError('A conversation is with exactly one person: enter their address.');
    setBusy(true);
    setError(null);
    try {
      const r = await props.chat.create(
        kind === 'group' ? { kind, name: name.trim(), topic: topic.trim(), members: list } : { kind, members: list },
      );
      setName('');
      setTopic('');
      setMembers('');
      props.onCreated(
        r.room.id,
        // The server's reasons name the address already ("bob is not a user on cloud.example.org").
        r.failed.map((f) => {
          const text = describeAck(f);
          // Server sentences name the address or its server already; generic ones get the address in front.
          const host = f.address.slice(f.address.lastIndexOf('@') + 1);
          return text.includes(host) ? text : `${f.address}: ${text}`;
        }),
      );
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <ModalDialog open={props.open} title="New room" onClose={props.onClose}>
      <form onSubmit={submit}>
        <fieldset class="chat-kind">
          <legend class="visually-hidden">Kind</legend>
          <label class="inline-check">
            <input type="radio" name="kind" checked={kind === 'group'} onChange={() => setKind('group')} /> Group room
          </label>
          <label class="inline-check">
            <input type="radio" name="kind" checked={kind === 'direct'} onChange={() => setKind('direct')} /> One-to-one
          </label>
        </fieldset>
        {kind === 'group' && (
          <>
            <label for="room-name">Room name</label>
            <input
              id="room-name"
              type="text"
              maxLength={200}
              value={name}
              onInput={(e) => setName(e.currentTarget.value)}
              autoFocus
            />
            <label for="room-topic">Topic</label>
            <input
              id="room-topic"
              type="text"
              maxLength={1000}
              value={topic}
              onInput={(e) => setTopic(e.currentTarget.value)}
            />
          </>
        )}
        <label for="room-members">{kind === 'group' ? 'Members' : 'With'}</label>
        <RecipientInput
          id="room-members"
          api={api}
          multiple={kind === 'group'}
          value={members}
          placeholder={kind === 'group' ? 'carol, bob@other.example' : 'bob@other.example'}
          onChange={setMembers}
        />
        <p class="hint">Users of this server by name; others as user@their-server (separate with commas).</p>
        <p class="form-error" role="alert">
          {error ?? ''}
        </p>
        <div class="modal-actions">
          <button type="button" class="btn" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy}>
            Create
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
