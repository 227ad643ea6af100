import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import type { TimelineItem } from '../shared.ts';
import { MessageItem, type MessageActions } from './message-item.tsx';
import { SystemLine } from './system-line.tsx';
import type { PendingMessage } from './timeline-model.ts';

/** How close in time two messages from one sender must be to show as one group. */
const GROUP_MS = 5 * 60_000;

/** Whether `item` continues the group of the line before it (same sender, shortly after, not a reply). */
export function groupedWith(prev: TimelineItem | undefined, item: TimelineItem): boolean {
  return (
    prev?.type === 'message.posted' &&
    prev.sender === item.sender &&
    item.ts - prev.ts < GROUP_MS &&
    !item.message?.replyTo
  );
}

/**
 * The scrolling history: loads older pages when the top comes into view (keeping the reader's place),
 * follows new messages while the reader is at the bottom.
 */
export function MessageList(props: {
  items: TimelineItem[];
  pending: PendingMessage[];
  more: boolean;
  loadingOlder: boolean;
  me: string;
  name: (address: string) => string;
  actionsFor: (item: TimelineItem) => MessageActions;
  onLoadOlder: () => void;
  onRetry: (p: PendingMessage) => void;
  onAtBottom: (atBottom: boolean) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const top = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const fromBottom = useRef(0);
  const firstSeq = props.items[0]?.seq ?? 0;
  const byId = new Map(props.items.map((i) => [i.eventId, i]));
  // seq 2 is always the creator joining their own new room: "created" says it already.
  const lines = props.items.filter((i) => !(i.type === 'member.joined' && i.seq === 2));

  useEffect(() => {
    const el = top.current;
    if (!el || !box.current) return;
    const io = new IntersectionObserver(
      (entries) => entries.some((e) => e.isIntersecting) && props.more && props.onLoadOlder(),
      { root: box.current, rootMargin: '200px 0px 0px 0px' },
    );
    io.observe(el);
    return () => io.disconnect();
  }, [props.more, props.onLoadOlder]);

  // Prepending older lines must not move what the reader looks at; new lines at the end follow if at bottom.
  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    if (stick.current) el.scrollTop = el.scrollHeight;
    else el.scrollTop = el.scrollHeight - fromBottom.current;
  }, [props.items.length, props.pending.length, firstSeq]);

  const onScroll = () => {
    const el = box.current;
    if (!el) return;
    fromBottom.current = el.scrollHeight - el.scrollTop;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    if (atBottom !== stick.current) props.onAtBottom(atBottom);
    stick.current = atBottom;
  };

  return (
    <div
      class="chat-scroll"
      ref={box}
      onScroll={onScroll}
      data-testid="message-list"
      tabIndex={0}
      aria-label="Messages"
    >
      <div ref={top} class="chat-top">
        {props.loadingOlder ? 'Loading older messages…' : props.more ? '' : 'This is the start of the room.'}
      </div>
      <ol class="chat-lines">
        {lines.map((i, n) =>
          i.type === 'message.posted' ? (
            <MessageItem
              key={i.eventId}
              item={i}
              me={props.me}
              name={props.name}
              parent={i.message?.replyTo ? (byId.get(i.message.replyTo) ?? null) : null}
              grouped={groupedWith(lines[n - 1], i)}
              actions={props.actionsFor(i)}
            />
          ) : (
            <SystemLine key={i.eventId} item={i} name={props.name} />
          ),
        )}
        {props.pending.map((p) => (
          <li
            key={p.clientMsgId}
            class="chat-msg chat-msg-mine chat-msg-pending"
            data-testid="pending-message"
            data-state={p.state}
          >
            <p class="chat-msg-body">{p.text}</p>
            <p class="chat-msg-status">
              {p.state === 'sending'
                ? 'Sending…'
                : p.state === 'queued'
                  ? 'On its way to the room’s server…'
                  : `Not sent: ${p.error ?? 'failed'}`}
              {p.state === 'failed' && (
                <button type="button" class="btn-link" onClick={() => props.onRetry(p)}>
                  {' '}
                  Retry
                </button>
              )}
            </p>
          </li>
        ))}
      </ol>
    </div>
  );
}
