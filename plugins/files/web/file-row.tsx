import { hashHref } from '#web-sdk';
import type { DavEntry } from './dav-multistatus.ts';
import { segmentsOf } from './files-paths.ts';
import { formatSize } from './format-size.ts';

/** What a row can ask the page to do. */
export interface FileActions {
  download(e: DavEntry): void;
  rename(e: DavEntry): void;
  share(e: DavEntry): void;
  remove(e: DavEntry): void;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** One file or folder in the listing, with its actions. */
export function FileRow(props: {
  entry: DavEntry;
  route: string;
  actions: FileActions;
  canShare: boolean;
  canWrite: boolean;
  virtual: boolean;
}) {
  const { entry: e, actions } = props;
  return (
    <tr data-testid="file-row" data-name={e.name}>
      <td class="file-name">
        <span class="file-name-inner">
          <span class={`file-icon ${e.isFolder ? 'file-icon-folder' : 'file-icon-file'}`} aria-hidden="true" />
          {e.isFolder ? (
            <a href={hashHref(props.route, ...segmentsOf(e.path))}>{e.name}</a>
          ) : (
            <button type="button" class="btn-link file-link" onClick={() => actions.download(e)} title="Download">
              {e.name}
            </button>
          )}
          <span class="visually-hidden">{e.isFolder ? ', folder' : ', file'}</span>
        </span>
      </td>
      <td class="file-size">{e.isFolder ? '—' : formatSize(e.size)}</td>
      <td class="file-modified">{e.modified && !props.virtual ? dateFormat.format(e.modified) : '—'}</td>
      <td class="file-actions">
        {!e.isFolder && (
          <button
            type="button"
            class="btn btn-small"
            onClick={() => actions.download(e)}
            aria-label={`Download ${e.name}`}
          >
            Download
          </button>
        )}
        {props.canShare && (
          <button type="button" class="btn btn-small" onClick={() => actions.share(e)} aria-label={`Share ${e.name}`}>
            Share
          </button>
        )}
        {props.canWrite && (
          <button type="button" class="btn btn-small" onClick={() => actions.rename(e)} aria-label={`Rename ${e.name}`}>
            Rename
          </button>
        )}
        {props.canWrite && (
          <button
            type="button"
            class="btn btn-small btn-danger-text"
            onClick={() => actions.remove(e)}
            aria-label={`Delete ${e.name}`}
          >
            Delete
          </button>
        )}
      </td>
    </tr>
  );
}
