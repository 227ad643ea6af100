import { useRef } from 'preact/hooks';
import type { DavEntry } from './dav-multistatus.ts';
import { FileIcon } from './file-icons.tsx';
import { FileRow, type RowContext } from './file-row.tsx';
import type { SortOrder } from './sort.ts';
import { useMedia, useWindowRows } from './use-window-rows.ts';

const COLUMNS: Array<{ key: SortOrder['key']; label: string; class: string }> = [
  { key: 'name', label: 'Name', class: 'file-name' },
  { key: 'size', label: 'Size', class: 'file-size' },
  { key: 'modified', label: 'Modified', class: 'file-modified' },
];

/** Row heights (fixed, so the list can be virtual): a two-line row on phones, a roomy one on desktops. */
export const ROW_HEIGHT = { desktop: 56, phone: 64 };

/**
 * A folder's listing as a table with sortable columns and a select-all box; only the rows in view are in the page
 * (the others are blank space of the same height), and rows carry `aria-rowindex` so assistive technology knows
 * where a row sits in the whole list. Up and Down on a row's name move to the next row's name.
 */
export function FileList(props: {
  entries: DavEntry[];
  ctx: RowContext;
  order: SortOrder;
  onOrder: (o: SortOrder) => void;
  onSelectAll: (on: boolean) => void;
  label: string;
}) {
  const { entries, ctx, order } = props;
  const phone = useMedia('(max-width: 760px)');
  const table = useRef<HTMLTableElement>(null);
  const rows = useWindowRows(entries.length, phone ? ROW_HEIGHT.phone : ROW_HEIGHT.desktop, table);
  const selectable = entries.filter((e) => ctx.selected.has(e.path)).length;
  const all = selectable > 0 && selectable === entries.length;

  const focusRow = (index: number) => {
    if (index < 0 || index >= entries.length) return;
    rows.scrollTo(index);
    const tryFocus = (n: number) => {
      const el = table.current?.querySelector<HTMLElement>(`.file-open[data-row="${index}"]`);
      if (el) el.focus();
      else if (n > 0) requestAnimationFrame(() => tryFocus(n - 1));
    };
    tryFocus(5);
  };

  return (
    <table
      ref={table}
      class="file-table"
      aria-label={props.label}
      aria-rowcount={entries.length + 1}
      onKeyDown={(e) => {
        const t = e.target as HTMLElement;
        if (!t.classList.contains('file-open') || (e.key !== 'ArrowDown' && e.key !== 'ArrowUp')) return;
        e.preventDefault();
        focusRow(Number(t.dataset.row) + (e.key === 'ArrowDown' ? 1 : -1));
      }}
    >
      <thead>
        <tr aria-rowindex={1}>
          <th scope="col" class="file-select">
            <input
              type="checkbox"
              aria-label={all ? 'Deselect all' : 'Select all'}
              checked={all}
              ref={(el) => {
                if (el) el.indeterminate = selectable > 0 && !all;
              }}
              onChange={(e) => props.onSelectAll(e.currentTarget.checked)}
            />
          </th>
          {COLUMNS.map((c) => {
            const active = order.key === c.key;
            return (
              <th
                key={c.key}
                scope="col"
                class={c.class}
                aria-sort={active ? (order.dir === 'asc' ? 'ascending' : 'descending') : undefined}
              >
                <button
                  type="button"
                  class="sort-button"
                  onClick={() =>
                    props.onOrder({
                      key: c.key,
                      dir: active && order.dir === 'asc' ? 'desc' : active ? 'asc' : c.key === 'name' ? 'asc' : 'desc',
                    })
                  }
                >
                  {c.label}
                  {active && <FileIcon name={order.dir === 'asc' ? 'sortUp' : 'sortDown'} size={14} />}
                  <span class="visually-hidden">
                    {active ? `, sorted ${order.dir === 'asc' ? 'ascending' : 'descending'}` : ', sort'}
                  </span>
                </button>
              </th>
            );
          })}
          <th scope="col" class="file-actions">
            <span class="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {rows.padTop > 0 && (
          <tr class="file-spacer" aria-hidden="true" style={{ height: `${rows.padTop}px` }}>
            <td colSpan={5} />
          </tr>
        )}
        {rows.indexes.map((i) => {
          const e = entries[i] as DavEntry;
          return <FileRow key={e.path} entry={e} ctx={ctx} index={i} />;
        })}
        {rows.padBottom > 0 && (
          <tr class="file-spacer" aria-hidden="true" style={{ height: `${rows.padBottom}px` }}>
            <td colSpan={5} />
          </tr>
        )}
      </tbody>
    </table>
  );
}
