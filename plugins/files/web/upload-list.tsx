import { formatSize } from './format-size.ts';
import type { Uploads } from './use-uploads.ts';

const LABEL = {
  queued: 'Waiting',
  uploading: 'Uploading',
  done: 'Uploaded',
  failed: 'Failed',
  cancelled: 'Cancelled',
} as const;

/** The upload queue with a progress bar per file. */
export function UploadList(props: { uploads: Uploads }) {
  const { items, cancel, clearFinished } = props.uploads;
  if (items.length === 0) return null;
  const finished = items.some((i) => i.state !== 'queued' && i.state !== 'uploading');
  return (
    <section class="panel uploads" aria-labelledby="uploads-heading">
      <div class="panel-heading">
        <h2 id="uploads-heading">Uploads</h2>
        {finished && (
          <button type="button" class="btn btn-small" onClick={clearFinished}>
            Clear finished
          </button>
        )}
      </div>
      <ul class="upload-list">
        {items.map((i) => {
          const pct = i.total > 0 ? Math.round((i.loaded / i.total) * 100) : i.state === 'done' ? 100 : 0;
          return (
            <li key={i.id} class={`upload upload-${i.state}`} data-testid="upload" data-state={i.state}>
              <span class="upload-name" id={`upload-${i.id}`}>
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
    </section>
  );
}
