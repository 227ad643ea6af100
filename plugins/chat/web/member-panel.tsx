import { useState } from 'preact/hooks';
import { RecipientInput, useApi, type Contact } from '#web-sdk';
import type { MemberView, RoomDetail, Role } from '../shared.ts';

/** Member actions the panel offers (by the caller's rights). */
export interface MemberPanelActions {
  invite: (address: string) => Promise<boolean>;
  remove: (m: MemberView) => void;
  setRole: (m: MemberView, role: Role) => void;
  leave: () => void;
  mute: (muted: boolean) => void;
}

const ORDER: Record<string, number> = { joined: 0, invited: 1 };

/** Members with presence, local/remote markers and roles; inviting by address or from contacts; leaving. */
export function MemberPanel(props: {
  room: RoomDetail;
  me: string;
  myRole: Role;
  contacts: Contact[];
  actions: MemberPanelActions;
  /** The user muted the room's notifications. */
  muted: boolean;
  /** Shown in a sheet (phones), whose title already says "Members". */
  sheet?: boolean;
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
  const joined = members.filter((m) => m.state === 'joined');
  const invited = members.filter((m) => m.state === 'invited');
  const rows = (list: MemberView[]) =>
    list.map((m) => (
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
          <span class="chat-member-address" title={m.address}>
            {m.address}
          </span>
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
    ));
  return (
    <aside class={`chat-members${props.sheet ? ' chat-members-sheet' : ''}`} aria-label="Members">
      {!props.sheet && (
        <h2>
          Members <span class="chat-count">{joined.length}</span>
        </h2>
      )}
      <ul data-testid="member-list">{rows(joined)}</ul>
      {invited.length > 0 && (
        <>
          <h3 class="chat-invited-heading">
            Invited <span class="chat-count">{invited.length}</span>
          </h3>
          <ul data-testid="invited-list">{rows(invited)}</ul>
        </>
      )}
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
      <div class="chat-room-settings">
        <button
          type="button"
          class="btn btn-small"
          aria-pressed={props.muted}
          title="Muted rooms send no desktop notifications"
          onClick={() => actions.mute(!props.muted)}
        >
          {props.muted ? 'Notifications muted' : 'Mute notifications'}
        </button>
        <button type="button" class="btn btn-small" onClick={actions.leave}>
          {room.kind === 'direct' ? 'Leave conversation' : 'Leave room'}
        </button>
      </div>
    </aside>
  );
}
