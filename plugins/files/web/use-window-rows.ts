import {
  Virtualizer,
  observeWindowOffset,
  observeWindowRect,
  windowScroll,
  type VirtualItem,
} from '@tanstack/virtual-core';
import { useEffect, useLayoutEffect, useMemo, useReducer, useState, type MutableRef } from 'preact/hooks';

/** Rows to render of a long list scrolled with the page, and the space the others take. */
export interface WindowRows {
  /** Indexes of the rows in (and near) view. */
  indexes: number[];
  /** Height of the rows above and below the rendered ones. */
  padTop: number;
  padBottom: number;
  /** Scrolls the page so a row is in view (for keyboard moves to a row that is not rendered). */
  scrollTo(index: number): void;
}

/**
 * Virtual rows of fixed height for a list that scrolls with the window, on @tanstack/virtual-core (framework-free,
 * wired to Preact here the way its React adapter does it). Only the rows in view plus `overscan` on each side are
 * rendered, so a folder of thousands of files scrolls as smoothly as one of ten.
 */
export function useWindowRows(
  count: number,
  rowHeight: number,
  list: MutableRef<HTMLElement | null>,
  overscan = 10,
): WindowRows {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const offsetTop = () => (list.current ? list.current.getBoundingClientRect().top + window.scrollY : 0);
  const v = useMemo(
    () =>
      new Virtualizer<Window, HTMLElement>({
        count,
        estimateSize: () => rowHeight,
        overscan,
        getScrollElement: () => window,
        observeElementRect: observeWindowRect,
        observeElementOffset: observeWindowOffset,
        scrollToFn: windowScroll,
        scrollMargin: 0,
        initialOffset: () => window.scrollY,
        initialRect: { width: window.innerWidth, height: window.innerHeight },
        onChange: () => rerender(0),
      }),
    [],
  );
  v.setOptions({ ...v.options, count, estimateSize: () => rowHeight, scrollMargin: offsetTop(), overscan });
  useLayoutEffect(() => v._didMount(), [v]);
  useLayoutEffect(() => v._willUpdate());
  // Row height changes (phone ↔ desktop): every position is new.
  useEffect(() => v.measure(), [v, rowHeight]);
  const items: VirtualItem[] = v.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const last = items[items.length - 1]?.index ?? -1;
  return {
    indexes: items.map((i) => i.index),
    padTop: first * rowHeight,
    padBottom: Math.max(0, (count - last - 1) * rowHeight),
    scrollTo: (index) => v.scrollToIndex(index, { align: 'auto' }),
  };
}

/** Whether a media query matches, kept live. */
export function useMedia(query: string): boolean {
  const [match, setMatch] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const m = window.matchMedia(query);
    const on = () => setMatch(m.matches);
    on();
    m.addEventListener('change', on);
    return () => m.removeEventListener('change', on);
  }, [query]);
  return match;
}
