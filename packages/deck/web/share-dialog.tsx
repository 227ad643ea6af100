import { useEffect, useState } from 'preact/hooks';
import {
  describeError,
  ModalDialog,
  permissionLabel,
  StatePill,
  type OutgoingShare,
  type PluginPageProps,
} from '#web-sdk';
import type { BoardView } from '../server/shared.ts';

/** Sharing a board with people on this or other servers (read or edit), and its current shares. */
export function ShareDialog(props: PluginPageProps & { board: BoardView; onClose: () => void }) {
  const { api, toast, board } = props;
  const [shares, setShares] = useState<OutgoingShare[]>([]);
  const [address, setAddress] = useState('');
  const [edit, setEdit] = useState(true);
  const load = () =>
    api
      .outgoingShares()
      .then((all) => setShares(all.filter((s) => s.resourceType === 'deck-board' && s.resourceId === board.id)))
      .catch((e) => toast.error(describeError(e)));
  useEffect(() => void load(), [board.id]);
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      await api.createShare({
        resourceType: 'deck-board',
        resourceId: board.id,
        shareWith: address.trim(),
        permissions: edit ? ['read', 'write'] : ['read'],
      });
      toast.success(`Shared with ${address.trim()}.`);
      setAddress('');
      await load();
    } catch (err) {
      toast.error(describeError(err));
    }
  };
  return (
    <ModalDialog open title={`Share “${board.title}”`} onClose={props.onClose}>
      <form class="deck-form" onSubmit={submit}>
        <label>
          Person (user@server, or a user of this server)
          <input
            class="input"
            required
            value={address}
            onInput={(e) => setAddress((e.target as HTMLInputElement).value)}
          />
        </label>
        <label>
          Access
          <select
            class="input"
            value={edit ? 'edit' : 'read'}
            onChange={(e) => setEdit((e.target as HTMLSelectElement).value === 'edit')}
          >
            <option value="edit">Can edit</option>
            <option value="read">Can view</option>
          </select>
        </label>
        <button class="btn btn-primary" type="submit">
          Share
        </button>
      </form>
      <h3>Shared with</h3>
      {shares.length === 0 ? (
        <p class="deck-muted">Nobody yet.</p>
      ) : (
        <ul class="deck-comments">
          {shares.map((s) => (
            <li key={s.id} class="deck-toolbar">
              <span>{s.shareWith}</span>
              <span class="deck-muted">{permissionLabel(s.permissions)}</span>
              <StatePill state={s.state} />
              <button
                class="btn"
                type="button"
                onClick={() =>
                  void api
                    .unshare(s.id)
                    .then(load)
                    .catch((e) => toast.error(describeError(e)))
                }
              >
                Unshare
              </button>
            </li>
          ))}
        </ul>
      )}
    </ModalDialog>
  );
}
