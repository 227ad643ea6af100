import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

/**
 * A list that renders only the rows in view (plus a few around them), so thousands of rows scroll smoothly. Rows
 * have one fixed height; the list is as tall as its rows up to `maxHeight`, then scrolls inside. It is a focusable,
 * labelled `role="list"` whose rows say their position (`aria-posinset`/`aria-setsize`), so screen readers still
 * announce "12 of 5000". Written here (about 60 lines) rather than taking a windowing library, none of which targets
 * Preact without preact/compat.
 */
export function VirtualList<T>(props: {
  items: readonly T[];
  /** Height of every row in CSS pixels; a row's content must fit it (use one line and an ellipsis). */
  rowHeight: number;
  /** Tallest the list grows before it scrolls, in CSS pixels. */
  maxHeight?: number;
  /** Accessible name of the list. */
  label: string;
  getKey: (item: T, index: number) => string;
  renderRow: (item: T, index: number) => ComponentChildren;
  /** Rows rendered beyond each edge of the view. */
  overscan?: number;
  class?: string;
}) {
  const { items, rowHeight } = props;
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const total = items.length * rowHeight;
  const height = Math.min(total, props.maxHeight ?? 560);
  const overscan = props.overscan ?? 6;
  // Rows out of range after the list shrank: pull the scroll position back in.
  useEffect(() => {
    const el = ref.current;
    if (el && el.scrollTop > Math.max(0, total - height)) setScrollTop(el.scrollTop);
  }, [total, height]);
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(items.length, Math.ceil((scrollTop + height) / rowHeight) + overscan);
  const rows: ComponentChildren[] = [];
  for (let i = first; i < last; i++) {
    const item = items[i] as T;
    rows.push(
      <div
        key={props.getKey(item, i)}
        role="listitem"
        aria-posinset={i + 1}
        aria-setsize={items.length}
        class="virtual-row"
        style={{ top: `${i * rowHeight}px`, height: `${rowHeight}px` }}
      >
        {props.renderRow(item, i)}
      </div>,
    );
  }
  return (
    <div
      ref={ref}
      class={`virtual-list ${props.class ?? ''}`}
      role="list"
      aria-label={props.label}
      // Focusable so keyboard users can scroll it (arrow keys, Page Down) like any scrolling region.
      tabIndex={0}
      style={{ height: `${height}px` }}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
    >
      <div class="virtual-spacer" style={{ height: `${total}px` }}>
        {rows}
      </div>
    </div>
  );
}
