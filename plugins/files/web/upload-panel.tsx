import { useEffect, useState } from 'preact/hooks';
import { FileIcon } from './file-icons.tsx';
import { formatSize } from './format-size.ts';
import type { Uploads } from './use-uploads.ts';

const LABEL = {
  queued: 'Waiting',
  uploading: 'Uploading',
  done: 'Uploaded',
  failed: 'Failed',
  cancelled: 'Cancelled',
} as const;

/** How long a batch that all went well stays on screen after it finished. */
const CLEAR_AFTER_MS = 4000;

/**
 * Uploads as a panel floating over the list (a sheet at the bottom on phones): per-file progress, cancel, and a
 * summary line. Finished uploads clear themselves a few seconds after the last one ends when none failed (failures
 * stay until cleared, so nobody misses them); "Clear finished" does it at once.
 */
export function UploadPanel(props: { uploads: Uploads }) {
  const { items, cancel, clearFinished } = props.uploads;
  const [collapsed, setCollapsed] = useState(false);
  const active = items.filter((i) => i.state === 'queued' || i.state === 'uploading').length;
  const failed = items.filter((i) => i.state === 'failed').length;
  const done = items.filter((i) => i.state === 'done').length;

  useEffect(() => {
    if (items.length === 0 || active > 0 || failed > 0) return;
    const t = window.setTimeout(clearFinished, CLEAR_AFTER_MS);
    return () => window.clearTimeout(t);
  }, [items.length, active, failed, clearFinished]);

  if (items.length === 0) return null;
  const summary =
    active > 0
      ? `Uploading… ${items.length - active} of ${items.length} done`
      : failed > 0
        ? `${failed} upload${failed > 1 ? 's' : ''} failed${done ? `, ${done} done` : ''}`
        : `${done} upload${done === 1 ? '' : 's'} complete`;
  return (
    <section
      class={`upload-panel ${collapsed ? 'collapsed' : ''}`}
      aria-labelledby="uploads-heading"
      data-testid="upload-panel"
    >
      <div class="upload-panel-head">
        <h2 id="uploads-heading">
          <FileIcon name="upload" size={18} />
          <span role="status">{summary}</span>
        </h2>
        {active < items.length && (
          <button type="button" class="btn btn-small" onClick={clearFinished}>
            Clear finished
          </button>
        )}
        <button
          type="button"
          class="btn btn-icon"
          aria-expanded={!collapsed}
          aria-label={collapsed ? 'Show uploads' : 'Hide uploads'}
          onClick={() => setCollapsed(!collapsed)}
        >
          <FileIcon name={collapsed ? 'sortUp' : 'sortDown'} size={16} />
        </button>
      </div>
      {!collapsed && (
        <ul class="upload-list">
          {items.map((i) => {
            const pct = i.total > 0 ? Math.round((i.loaded / i.total) * 100) : i.state === 'done' ? 100 : 0;
            return (
              <li key={i.id} class={`upload upload-${i.state}`} data-testid="upload" data-state={i.state}>
                <span class="upload-name" id={`upload-${i.id}`} title={i.name}>
                  {i.name}
                </span>
                <progress
                  max={100}
                  value={pct}
                  aria-labelledby={`upload-${i.id}`}
                  aria-valuetext={`${LABEL[i.state]} ${pct}%`}
                />
                <span class="upload-status">
                  {i.state === 'failed'
                    ? i.error
                    : i.state === 'uploading'
                      ? `${pct}% of ${formatSize(i.total)}`
                      : LABEL[i.state]}
                </span>
                {(i.state === 'queued' || i.state === 'uploading') && (
                  <button
                    type="button"
                    class="btn btn-small"
                    onClick={() => cancel(i.id)}
                    aria-label={`Cancel uploading ${i.name}`}
                  >
                    Cancel
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
