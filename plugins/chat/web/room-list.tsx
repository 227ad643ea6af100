import type { ComponentChildren } from 'preact';
import { hashHref } from '#web-sdk';
import type { RoomSummary } from '../shared.ts';
import { plainText } from './format-text.tsx';

/** A room's title: its name, or the other person's address for a one-to-one conversation. */
export function roomTitle(r: { kind: string; name: string; peer: string | null }): string {
  return r.kind === 'direct' ? (r.peer ?? 'Conversation') : r.name;
}

/** The user's rooms, most recent first, with unread and mention badges. */
export function RoomList(props: {
  rooms: RoomSummary[];
  openId: string | null;
  onNew: () => void;
  /** Shown above the rooms (invitations, the notifications question). */
  children?: ComponentChildren;
}) {
  return (
    <nav class="chat-rooms" aria-label="Rooms">
      <div class="chat-rooms-head">
        <h2>Rooms</h2>
        <button type="button" class="btn btn-small btn-primary" onClick={props.onNew}>
          New room
        </button>
      </div>
      {props.children}
      {props.rooms.length === 0 && <p class="empty">No rooms yet. Create one, or accept an invitation under Shares.</p>}
      <ul>
        {props.rooms.map((r) => (
          <li key={r.id}>
            <a
              href={hashHref('chat', r.id)}
              class={`chat-room-link${r.unread ? ' chat-room-unread' : ''}`}
              aria-current={r.id === props.openId ? 'page' : undefined}
              data-testid="room-link"
              data-room-name={roomTitle(r)}
            >
              <span class="chat-room-name">
                {r.kind === 'direct' ? '@ ' : '# '}
                {roomTitle(r)}
                {!r.hosted && (
                  <span class="chat-remote-tag" title={`Hosted on ${r.host}`}>
                    remote
                  </span>
                )}
              </span>
              {r.call && (
                <span
                  class="chat-in-call"
                  data-testid="in-call"
                  aria-label={`call in progress, ${r.call.participants.length} in it`}
                  title="Call in progress"
                >
                  <span class="chat-in-call-dot" aria-hidden="true" /> in call · {r.call.participants.length}
                </span>
              )}
              {r.lastMessage && (
                <span class="chat-room-last" data-testid="room-last">
                  {r.lastMessage.text ? plainText(r.lastMessage.text) : 'Message deleted'}
                </span>
              )}
              {r.unread > 0 && (
                <span
                  class={`badge${r.mentions ? ' chat-badge-mention' : ''}`}
                  data-testid="unread-badge"
                  aria-label={`${r.unread} unread${r.mentions ? `, ${r.mentions} mentioning you` : ''}`}
                >
                  {r.unread}
                </span>
              )}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
