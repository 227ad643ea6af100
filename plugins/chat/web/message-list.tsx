import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { TimelineItem } from '../shared.ts';
import { plainText } from './format-text.tsx';
import { MessageItem, type HistoryRow, type MessageActions } from './message-item.tsx';
import { SystemLine } from './system-line.tsx';
import type { PendingMessage } from './timeline-model.ts';
import { useHistoryRows } from './use-history-rows.ts';

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
 * The scrolling history, windowed: only the lines in view (and a few around them) are in the DOM, each measured as
 * it renders, so a room of thousands of messages scrolls like one of ten. Loads older pages when the top comes into
 * view (the first visible line stays put), follows new messages while the reader is at the bottom and otherwise
 * offers a "new messages" button; new messages from others are announced to screen readers.
 */
export function MessageList(props: {
  items: TimelineItem[];
  pending: PendingMessage[];
  more: boolean;
  loadingOlder: boolean;
  /** The last seq the user had read when the room opened: a marker goes above the first message after it. */
  readUpTo: number;
  me: string;
  name: (address: string) => string;
  actionsFor: (item: TimelineItem) => MessageActions;
  onLoadOlder: () => void;
  onRetry: (p: PendingMessage) => void;
  onAtBottom: (atBottom: boolean) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const top = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLOListElement>(null);
  const stick = useRef(true);
  const [unseen, setUnseen] = useState(0);
  const [announce, setAnnounce] = useState('');
  const [target, setTarget] = useState<string | null>(null);
  const byId = useMemo(() => new Map(props.items.map((i) => [i.eventId, i])), [props.items]);
  // seq 2 is always the creator joining their own new room: "created" says it already.
  const lines = useMemo(() => props.items.filter((i) => !(i.type === 'member.joined' && i.seq === 2)), [props.items]);
  const keys = useMemo(() => lines.map((i) => i.eventId), [lines]);
  // Where the unread messages began when the room was opened (kept while reading them).
  const [readAtOpen] = useState(props.readUpTo);
  const unreadFrom = useMemo(
    () => lines.find((i) => i.seq > readAtOpen && i.type === 'message.posted' && i.sender !== props.me)?.eventId,
    [lines, readAtOpen],
  );
  const rows = useHistoryRows(keys, box, list);
  const v = rows.virtualizer;
  const loadOlder = useRef(props.onLoadOlder);
  loadOlder.current = props.onLoadOlder;

  // Near the top: the next older page. Observed again after each page, so a short page asks for the next one.
  useEffect(() => {
    const el = top.current;
    if (!el || !box.current || !props.more || props.loadingOlder) return;
    const io = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && loadOlder.current(), {
      root: box.current,
      rootMargin: '400px 0px 0px 0px',
    });
    io.observe(el);
    return () => io.disconnect();
  }, [props.more, props.loadingOlder]);

  // Lines appended at the end: followed at the bottom (by the list), counted and announced otherwise.
  const lastKey = useRef<string | null>(null);
  useLayoutEffect(() => {
    const last = lines.at(-1);
    const prev = lastKey.current;
    lastKey.current = last?.eventId ?? null;
    if (!last || prev === null || prev === last.eventId) return;
    const from = keys.lastIndexOf(prev);
    const added = lines.slice(from + 1);
    if (from < 0 || added.length === 0) return;
    if (!stick.current) setUnseen((n) => n + added.filter((i) => i.type === 'message.posted').length);
    const news = added.filter((i) => i.type === 'message.posted' && i.sender !== props.me).at(-1);
    if (news?.message) setAnnounce(`${props.name(news.sender)}: ${plainText(news.message.text)}`);
  }, [keys]);

  // A room opens on its newest lines.
  useLayoutEffect(() => v.scrollToEnd(), [v]);

  // A line's spacing depends on the line before it (grouping): measure the rendered rows again when lines change.
  useLayoutEffect(() => {
    for (const el of list.current?.children ?? []) v.measureElement(el as HTMLElement);
  }, [keys]);

  // The user's own pending messages sit below the rows: sending one brings the reader to the bottom.
  useLayoutEffect(() => {
    if (props.pending.length && stick.current) box.current?.scrollTo({ top: box.current.scrollHeight });
  }, [props.pending.length]);

  const onScroll = () => {
    const el = box.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
    if (atBottom !== stick.current) props.onAtBottom(atBottom);
    if (atBottom) setUnseen(0);
    stick.current = atBottom;
  };
  const toBottom = () => {
    stick.current = true;
    setUnseen(0);
    v.scrollToEnd();
    box.current?.scrollTo({ top: box.current.scrollHeight });
  };
  const jump = (eventId: string) => {
    const index = keys.indexOf(eventId);
    if (index < 0) return;
    setTarget(eventId);
    v.scrollToIndex(index, { align: 'center' });
  };
  useEffect(() => {
    if (!target) return;
    const t = setTimeout(() => setTarget(null), 2000);
    return () => clearTimeout(t);
  }, [target]);

  const row = (index: number): HistoryRow => ({ index, setSize: lines.length, measure: measureRow });
  const measureRow = (el: HTMLElement | null) => el && v.measureElement(el);

  return (
    <div class="chat-history">
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
        <ol
          ref={list}
          class="chat-lines"
          aria-label={`Messages, ${lines.length} loaded${props.more ? ', older ones above' : ''}`}
          style={{ paddingTop: `${rows.padTop}px`, paddingBottom: `${rows.padBottom}px` }}
        >
          {rows.indexes.map((n) => {
            const i = lines[n] as TimelineItem;
            return i.type === 'message.posted' ? (
              <MessageItem
                key={i.eventId}
                item={i}
                me={props.me}
                name={props.name}
                parent={i.message?.replyTo ? (byId.get(i.message.replyTo) ?? null) : null}
                grouped={groupedWith(lines[n - 1], i)}
                actions={props.actionsFor(i)}
                row={row(n)}
                onJump={jump}
                target={target === i.eventId}
                unreadFrom={unreadFrom === i.eventId}
              />
            ) : (
              <SystemLine key={i.eventId} item={i} name={props.name} row={row(n)} />
            );
          })}
        </ol>
        {props.pending.length > 0 && (
          <ol class="chat-lines chat-pending" aria-label="Sending">
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
        )}
      </div>
      {unseen > 0 && (
        <button
          type="button"
          class="btn btn-small btn-primary chat-new-pill"
          onClick={toBottom}
          data-testid="new-messages"
        >
          {unseen === 1 ? '1 new message' : `${unseen} new messages`} ↓
        </button>
      )}
      <p class="visually-hidden" aria-live="polite" data-testid="announce">
        {announce}
      </p>
    </div>
  );
}
