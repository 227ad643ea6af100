import { useRef, useState } from 'preact/hooks';
import type { ChatAttachment, TimelineItem } from '../shared.ts';
import { AttachmentChip } from './attachment-chip.tsx';
import { FormattedText, plainText } from './format-text.tsx';
import { ReactionPicker } from './reaction-picker.tsx';

/** Where a line sits in the windowed history: `data-index` for measuring, its position for screen readers. */
export interface HistoryRow {
  index: number;
  setSize: number;
  measure: (el: HTMLElement | null) => void;
}

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

/**
 * One message: sender, time, formatted text, the message it replies to, reactions and actions. A message that
 * follows one from the same sender shortly after is `grouped`: its sender line is hidden (kept for screen readers).
 * The actions float over the message (hover, focus, or the "⋯" button on touch screens), so showing them never
 * moves the list.
 */
export function MessageItem(props: {
  item: TimelineItem;
  me: string;
  name: (address: string) => string;
  parent: TimelineItem | null;
  grouped: boolean;
  actions: MessageActions;
  /** Its place in the windowed history (measured as it renders). */
  row?: HistoryRow;
  /** Scrolls the history to the message this one replies to. */
  onJump?: (eventId: string) => void;
  /** Just jumped to: highlighted for a moment. */
  target?: boolean;
  /** The first message the user had not read when the room opened: a "New" marker above it. */
  unreadFrom?: boolean;
}) {
  const { item, me, actions } = props;
  const msg = item.message;
  const [editing, setEditing] = useState<string | null>(null);
  // A file sent with the message (none once the message is deleted).
  const attachment = msg && !msg.deleted ? (item.data.attachment as ChatAttachment | undefined) : undefined;
  const [picking, setPicking] = useState<'up' | 'down' | null>(null);
  const [open, setOpen] = useState(false);
  const row = useRef<HTMLLIElement | null>(null);
  if (!msg) return null;
  const mine = item.sender === me;
  const saveEdit = (e: Event) => {
    e.preventDefault();
    if (editing !== null && editing.trim() && editing !== msg.text) actions.edit?.(item, editing);
    setEditing(null);
  };
  // The picker opens towards the larger part of the history's box, so it is never cut off.
  const togglePicker = () => {
    if (picking) return setPicking(null);
    const box = row.current?.closest('.chat-scroll')?.getBoundingClientRect();
    const r = row.current?.getBoundingClientRect();
    setPicking(box && r && r.top - box.top > box.bottom - r.bottom ? 'up' : 'down');
  };
  const close = () => {
    setPicking(null);
    setOpen(false);
  };
  return (
    <li
      ref={(el) => {
        row.current = el;
        props.row?.measure(el);
      }}
      data-index={props.row?.index}
      aria-posinset={props.row ? props.row.index + 1 : undefined}
      aria-setsize={props.row?.setSize}
      class={`chat-msg${mine ? ' chat-msg-mine' : ''}${props.grouped ? ' chat-msg-grouped' : ''}${open || picking ? ' chat-msg-open' : ''}${props.target ? ' chat-msg-target' : ''}${props.unreadFrom ? ' chat-unread-from' : ''}`}
      data-testid="message"
      data-seq={item.seq}
      data-sender={item.sender}
      onKeyDown={(e) => e.key === 'Escape' && (picking || open) && close()}
    >
      {props.unreadFrom && (
        <span class="chat-unread-marker" data-testid="unread-marker">
          New
        </span>
      )}
      <div class={props.grouped ? 'chat-msg-head visually-hidden' : 'chat-msg-head'}>
        <span class="chat-msg-sender">{props.name(item.sender)}</span>
        <time class="chat-msg-time" dateTime={new Date(item.ts).toISOString()}>
          {time(item.ts)}
        </time>
        {msg.editedAt && !msg.deleted && <span class="chat-msg-edited">(edited)</span>}
      </div>
      {props.parent?.message && (
        <blockquote class="chat-msg-quote">
          <button
            type="button"
            class="chat-msg-quote-link"
            onClick={() => props.parent && props.onJump?.(props.parent.eventId)}
            aria-label={`Go to the message from ${props.name(props.parent.sender)} this replies to`}
          >
            <span class="chat-msg-sender">{props.name(props.parent.sender)}</span>{' '}
            {props.parent.message.deleted ? 'message deleted' : plainText(props.parent.message.text)}
          </button>
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
      ) : attachment && msg.text === `📎 ${attachment.name}` ? null : (
        <p class="chat-msg-body" data-testid="message-text">
          <FormattedText text={msg.text} mentions={msg.mentions} me={me} />
          {props.grouped && msg.editedAt && <span class="chat-msg-edited"> (edited)</span>}
        </p>
      )}
      {attachment && <AttachmentChip attachment={attachment} />}
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
        <>
          <button
            type="button"
            class="chat-msg-more"
            aria-label={`Actions for the message from ${props.name(item.sender)}`}
            aria-expanded={open}
            onClick={() => (open ? close() : setOpen(true))}
          >
            ⋯
          </button>
          <div class="chat-msg-actions" role="group" aria-label="Message actions">
            <button
              type="button"
              class="btn btn-small"
              onClick={() => (close(), actions.reply(item))}
              aria-label={`Reply to ${props.name(item.sender)}`}
            >
              Reply
            </button>
            <button type="button" class="btn btn-small" aria-expanded={picking !== null} onClick={togglePicker}>
              React
            </button>
            {mine && actions.edit && (
              <button type="button" class="btn btn-small" onClick={() => (close(), setEditing(msg.text))}>
                Edit
              </button>
            )}
            {actions.remove && (
              <button type="button" class="btn btn-small" onClick={() => (close(), actions.remove?.(item))}>
                Delete
              </button>
            )}
            {picking && (
              <ReactionPicker
                direction={picking}
                onPick={(k) => {
                  close();
                  actions.react(item, k, !(msg.reactions[k] ?? []).includes(me));
                }}
              />
            )}
          </div>
        </>
      )}
    </li>
  );
}
