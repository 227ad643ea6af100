import { useState } from 'preact/hooks';
import type { TimelineItem } from '../shared.ts';
import { FormattedText } from './format-text.tsx';

/** Reactions offered on every message. */
export const QUICK_REACTIONS = ['👍', '❤️', '😂', '🎉', '👀'];

/** What a message row may do; absent callbacks hide their buttons. */
export interface MessageActions {
  reply: (item: TimelineItem) => void;
  react: (item: TimelineItem, key: string, on: boolean) => void;
  edit?: (item: TimelineItem, text: string) => void;
  remove?: (item: TimelineItem) => void;
}

function time(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** One message: sender, time, formatted text, the message it replies to, reactions and actions. */
export function MessageItem(props: {
  item: TimelineItem;
  me: string;
  name: (address: string) => string;
  parent: TimelineItem | null;
  actions: MessageActions;
}) {
  const { item, me, actions } = props;
  const msg = item.message;
  const [editing, setEditing] = useState<string | null>(null);
  const [picking, setPicking] = useState(false);
  if (!msg) return null;
  const mine = item.sender === me;
  const saveEdit = (e: Event) => {
    e.preventDefault();
    if (editing !== null && editing.trim() && editing !== msg.text) actions.edit?.(item, editing);
    setEditing(null);
  };
  return (
    <li
      class={`chat-msg${mine ? ' chat-msg-mine' : ''}`}
      data-testid="message"
      data-seq={item.seq}
      data-sender={item.sender}
    >
      <div class="chat-msg-head">
        <span class="chat-msg-sender">{props.name(item.sender)}</span>
        <time class="chat-msg-time" dateTime={new Date(item.ts).toISOString()}>
          {time(item.ts)}
        </time>
        {msg.editedAt && !msg.deleted && <span class="chat-msg-edited">(edited)</span>}
      </div>
      {props.parent?.message && (
        <blockquote class="chat-msg-quote">
          <span class="chat-msg-sender">{props.name(props.parent.sender)}</span>{' '}
          {props.parent.message.deleted ? 'message deleted' : props.parent.message.text.slice(0, 140)}
        </blockquote>
      )}
      {msg.deleted ? (
        <p class="chat-msg-deleted">This message was deleted.</p>
      ) : editing !== null ? (
        <form class="chat-edit" onSubmit={saveEdit}>
          <label class="visually-hidden" for={`edit-${item.eventId}`}>
            Edit message
          </label>
          <textarea
            id={`edit-${item.eventId}`}
            value={editing}
            rows={2}
            onInput={(e) => setEditing(e.currentTarget.value)}
            autoFocus
            onKeyDown={(e) => {
              if (e.key === 'Escape') setEditing(null);
              if (e.key === 'Enter' && !e.shiftKey) saveEdit(e);
            }}
          />
          <button type="submit" class="btn btn-small btn-primary">
            Save
          </button>
          <button type="button" class="btn btn-small" onClick={() => setEditing(null)}>
            Cancel
          </button>
        </form>
      ) : (
        <p class="chat-msg-body" data-testid="message-text">
          <FormattedText text={msg.text} mentions={msg.mentions} me={me} />
        </p>
      )}
      {Object.keys(msg.reactions).length > 0 && (
        <div class="chat-reactions">
          {Object.entries(msg.reactions).map(([key, who]) => (
            <button
              type="button"
              key={key}
              class={`chat-reaction${who.includes(me) ? ' chat-reaction-mine' : ''}`}
              aria-pressed={who.includes(me)}
              title={who.map(props.name).join(', ')}
              onClick={() => actions.react(item, key, !who.includes(me))}
              data-testid="reaction"
            >
              {key} {who.length}
            </button>
          ))}
        </div>
      )}
      {!msg.deleted && editing === null && (
        <div class="chat-msg-actions">
          <button
            type="button"
            class="btn btn-small"
            onClick={() => actions.reply(item)}
            aria-label={`Reply to ${props.name(item.sender)}`}
          >
            Reply
          </button>
          <button type="button" class="btn btn-small" aria-expanded={picking} onClick={() => setPicking(!picking)}>
            React
          </button>
          {mine && actions.edit && (
            <button type="button" class="btn btn-small" onClick={() => setEditing(msg.text)}>
              Edit
            </button>
          )}
          {actions.remove && (
            <button type="button" class="btn btn-small" onClick={() => actions.remove?.(item)}>
              Delete
            </button>
          )}
          {picking && (
            <span class="chat-picker" role="group" aria-label="Reactions">
              {QUICK_REACTIONS.map((k) => (
                <button
                  type="button"
                  key={k}
                  class="btn btn-small"
                  aria-label={`React ${k}`}
                  onClick={() => {
                    setPicking(false);
                    actions.react(item, k, !(msg.reactions[k] ?? []).includes(me));
                  }}
                >
                  {k}
                </button>
              ))}
            </span>
          )}
        </div>
      )}
    </li>
  );
}

/** A room or member change, as one quiet line. */
/** "12 min", "45 s", "1 h 5 min". */
function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`;
}

/** The timeline line of a call: started, or its summary once it ended. */
function callLine(item: TimelineItem, name: (address: string) => string): string {
  const d = item.data as { reason?: string; startedBy?: string; durationMs?: number; participants?: string[] };
  if (item.type === 'call.started') return `${name(item.sender)} started a call`;
  const by = name(d.startedBy ?? item.sender);
  if (d.reason === 'missed') return `Missed call from ${by}`;
  if (d.reason === 'declined') return `${name(item.sender)} declined the call from ${by}`;
  const n = d.participants?.length ?? 0;
  return `Call started by ${by} · ${duration(d.durationMs ?? 0)} · ${n} ${n === 1 ? 'participant' : 'participants'}`;
}

export function SystemLine(props: { item: TimelineItem; name: (address: string) => string }) {
  const { item, name } = props;
  if (item.type === 'call.started' || item.type === 'call.ended')
    return (
      <li class="chat-system chat-call-line" data-testid="call-line" data-type={item.type}>
        <span class="chat-call-icon" aria-hidden="true">
          ☎
        </span>{' '}
        {callLine(item, name)}
      </li>
    );
  const d = item.data as { address?: string; name?: string; topic?: string; role?: string };
  const who = d.address ? name(d.address) : '';
  const text: Record<string, string> = {
    'room.created': `${name(item.sender)} created the room`,
    'room.updated':
      d.name !== undefined
        ? `${name(item.sender)} renamed the room to “${d.name}”`
        : `${name(item.sender)} set the topic: ${d.topic || '(none)'}`,
    'member.invited': `${name(item.sender)} invited ${who}`,
    'member.joined': `${who} joined`,
    'member.left': `${who} left`,
    'member.removed': `${name(item.sender)} removed ${who}`,
    'member.declined': `${who} declined the invitation`,
    'member.role': `${who} is now ${d.role ?? 'a member'}`,
  };
  return (
    <li class="chat-system" data-testid="system-line">
      {text[item.type] ?? item.type}
    </li>
  );
}
