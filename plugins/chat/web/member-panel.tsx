import { useState } from 'preact/hooks';
import { RecipientInput, useApi, type Contact } from '#web-sdk';
import type { MemberView, RoomDetail, Role } from '../shared.ts';

/** Member actions the panel offers (by the caller's rights). */
export interface MemberPanelActions {
  invite: (address: string) => Promise<boolean>;
  remove: (m: MemberView) => void;
  setRole: (m: MemberView, role: Role) => void;
  leave: () => void;
}

const ORDER: Record<string, number> = { joined: 0, invited: 1 };

/** Members with presence, local/remote markers and roles; inviting by address or from contacts; leaving. */
export function MemberPanel(props: {
  room: RoomDetail;
  me: string;
  myRole: Role;
  contacts: Contact[];
  actions: MemberPanelActions;
}) {
  const { room, me, myRole, actions } = props;
  const api = useApi();
  const [address, setAddress] = useState('');
  const [busy, setBusy] = useState(false);
  const canManage = room.kind === 'group' && (myRole === 'owner' || myRole === 'moderator');
  const members = room.members
    .filter((m) => m.state === 'joined' || m.state === 'invited')
    .sort((a, b) => (ORDER[a.state] ?? 2) - (ORDER[b.state] ?? 2) || a.displayName.localeCompare(b.displayName));
  const invite = async (e: Event) => {
    e.preventDefault();
    if (!address.trim()) return;
    setBusy(true);
    if (await actions.invite(address.trim())) setAddress('');
    setBusy(false);
  };
  return (
    <aside class="chat-members" aria-label="Members">
      <h2>
        Members <span class="chat-count">{members.filter((m) => m.state === 'joined').length}</span>
      </h2>
      <ul data-testid="member-list">
        {members.map((m) => (
          <li key={m.address} class="chat-member" data-testid="member" data-address={m.address} data-state={m.state}>
            <span
              class={`chat-presence${m.online ? ' chat-presence-on' : ''}`}
              role="img"
              aria-label={m.online ? 'online' : 'offline'}
            />
            <span class="chat-member-text">
              <span class="chat-member-name">
                {m.displayName}
                {m.address === me ? ' (you)' : ''}
              </span>
              <span class="chat-member-address">{m.address}</span>
            </span>
            <span
              class={`pill${m.local ? '' : ' chat-pill-remote'}`}
              title={m.local ? 'Account on this server' : `Account on ${m.server}`}
            >
              {m.local ? 'local' : 'remote'}
            </span>
            {m.role !== 'member' && <span class="pill">{m.role}</span>}
            {m.state === 'invited' && <span class="pill pill-pending">invited</span>}
            {canManage && m.address !== me && m.role !== 'owner' && (
              <span class="chat-member-actions">
                {myRole === 'owner' && m.state === 'joined' && (
                  <button
                    type="button"
                    class="btn btn-small"
                    onClick={() => actions.setRole(m, m.role === 'moderator' ? 'member' : 'moderator')}
                  >
                    {m.role === 'moderator' ? 'Make member' : 'Make moderator'}
                  </button>
                )}
                <button
                  type="button"
                  class="btn btn-small"
                  onClick={() => actions.remove(m)}
                  aria-label={`Remove ${m.displayName}`}
                >
                  Remove
                </button>
              </span>
            )}
          </li>
        ))}
      </ul>
      {canManage && (
        <form class="chat-invite" onSubmit={invite}>
          <label for="chat-invite-address">Add someone</label>
          <div class="input-with-button">
            <RecipientInput
              id="chat-invite-address"
              api={api}
              placeholder="name or name@server"
              value={address}
              onChange={setAddress}
            />
            <button type="submit" class="btn btn-small btn-primary" disabled={busy || !address.trim()}>
              Add
            </button>
          </div>
          <p class="hint">
            A user of this server (their name) or user@their-server: they get an invitation to accept in their Shares.
          </p>
        </form>
      )}
      <button type="button" class="btn btn-small chat-leave" onClick={actions.leave}>
        Leave room
      </button>
    </aside>
  );
}
