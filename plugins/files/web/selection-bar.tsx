import type { DavEntry } from './dav-multistatus.ts';

/** What can be done with the selected items at once. */
export function SelectionBar(props: {
  selected: DavEntry[];
  canWrite: boolean;
  onDownload: () => void;
  onMove: () => void;
  onDelete: () => void;
  onClear: () => void;
}) {
  const n = props.selected.length;
  if (n === 0) return null;
  const files = props.selected.filter((e) => !e.isFolder).length;
  return (
    <div class="selection-bar" role="region" aria-label="Selected items">
      <span class="selection-count" role="status">
        {n} selected
      </span>
      <button type="button" class="btn btn-small" disabled={files === 0} onClick={props.onDownload}>
        Download{files && files < n ? ` ${files} file${files > 1 ? 's' : ''}` : ''}
      </button>
      {props.canWrite && (
        <button type="button" class="btn btn-small" onClick={props.onMove}>
          Move…
        </button>
      )}
      {props.canWrite && (
        <button type="button" class="btn btn-small btn-danger-text" onClick={props.onDelete}>
          Delete
        </button>
      )}
      <button type="button" class="btn btn-small selection-clear" onClick={props.onClear}>
        Clear selection
      </button>
    </div>
  );
}
