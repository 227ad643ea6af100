import { Virtualizer, elementScroll, observeElementOffset, observeElementRect } from '@tanstack/virtual-core';
import { useLayoutEffect, useMemo, useReducer, useRef, type MutableRef } from 'preact/hooks';

/** The history rows to render and the space the others take. */
export interface HistoryRows {
  /** Indexes of the rows in (and near) view, in order. */
  indexes: number[];
  /** Height of the rows above and below the rendered ones. */
  padTop: number;
  padBottom: number;
  /** The virtualizer, for scrolling to a row or to the end. */
  virtualizer: Virtualizer<HTMLElement, HTMLElement>;
}

/** A row's height including the space above it (its `margin-top`, which separates rows and groups). */
function rowSize(el: HTMLElement): number {
  return el.getBoundingClientRect().height + (parseFloat(getComputedStyle(el).marginTop) || 0);
}

/**
 * The chat history as a windowed list on @tanstack/virtual-core: rows of varying height are measured as they
 * render (and again when they change size), so only what is in view plus `overscan` rows on each side are in the
 * DOM. Anchored at the end the way chat reads: when older rows are prepended, the first visible row stays where
 * it was; when rows are appended while the reader is at the bottom, the list follows them.
 */
export function useHistoryRows(
  keys: readonly string[],
  box: MutableRef<HTMLElement | null>,
  list: MutableRef<HTMLElement | null>,
  estimate = 56,
  overscan = 8,
): HistoryRows {
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const keysRef = useRef(keys);
  keysRef.current = keys;
  const v = useMemo(
    () =>
      new Virtualizer<HTMLElement, HTMLElement>({
        count: keys.length,
        getScrollElement: () => box.current,
        estimateSize: () => estimate,
        overscan,
        observeElementRect,
        observeElementOffset,
        scrollToFn: elementScroll,
        measureElement: rowSize,
        anchorTo: 'end',
        followOnAppend: true,
        scrollEndThreshold: 40,
        initialOffset: () => box.current?.scrollTop ?? 0,
        onChange: () => rerender(0),
      }),
    [],
  );
  const getItemKey = useMemo(() => (i: number) => keys[i] ?? String(i), [keys]);
  v.setOptions({
    ...v.options,
    count: keys.length,
    getItemKey,
    // The rows start below the "load older" line at the top of the scrolling box.
    scrollMargin: list.current?.offsetTop ?? 0,
  });
  useLayoutEffect(() => v._didMount(), [v]);
  useLayoutEffect(() => v._willUpdate());
  const items = v.getVirtualItems();
  const first = items[0];
  const last = items[items.length - 1];
  const margin = v.options.scrollMargin;
  return {
    indexes: items.map((i) => i.index),
    padTop: first ? first.start - margin : 0,
    padBottom: last ? Math.max(0, v.getTotalSize() - (last.end - margin)) : 0,
    virtualizer: v,
  };
}
