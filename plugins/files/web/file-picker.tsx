import { useEffect, useMemo, useState } from 'preact/hooks';
import './file-picker.css';
import { ModalDialog, describeError, useShell, type FilePickerProps } from '#web-sdk';
import { DavClient } from './dav-client.ts';
import type { DavEntry } from './dav-multistatus.ts';
import { FileIcon, iconFor } from './file-icons.tsx';
import { SHARED_FOLDER, isShared, segmentsOf } from './files-paths.ts';
import { formatSize } from './format-size.ts';

/**
 * A dialog browsing the user's files and Shared with me to pick a file (the files plugin's `filePicker`, e.g. for
 * chat attachments). With `folders`, the folder being shown can be picked too; with `ownOnly`, Shared with me is left
 * out (what others shared cannot be shared onward from here).
 */
export function FilePicker(props: FilePickerProps & { folders?: boolean; ownOnly?: boolean; pickLabel?: string }) {
  const { api, user } = useShell();
  const dav = useMemo(() => new DavClient(user.id, () => api.authHeaders()), [api, user.id]);
  const [path, setPath] = useState('/');
  const [entries, setEntries] = useState<DavEntry[] | null>(null);
  const [error, setError] = useState('');
  // In Shared with me, each entry says whose it is (two senders' folders may share a name: "Team", "Team (2)").
  const [owners, setOwners] = useState<Map<string, string>>(new Map());
  useEffect(() => {
    if (path !== `/${SHARED_FOLDER}`) return;
    let live = true;
    api
      .request<{ items: Array<{ path: string; owner: string; ownerDisplayName: string | null }> }>(
        'GET',
        '/files/shared-with-me',
      )
      .then(
        (r) => live && setOwners(new Map(r.items.map((i) => [i.path, `from ${i.ownerDisplayName ?? i.owner}`]))),
        () => undefined,
      );
    return () => void (live = false);
  }, [api, path]);
  useEffect(() => {
    let live = true;
    setEntries(null);
    setError('');
    dav.list(path).then(
      (l) => live && setEntries(l.children.filter((e) => !(props.ownOnly && e.path === `/${SHARED_FOLDER}`))),
      (err: unknown) => live && (setEntries([]), setError(describeError(err))),
    );
    return () => void (live = false);
  }, [dav, path]);

  const segs = segmentsOf(path);
  const up = segs.length ? `/${segs.slice(0, -1).join('/')}` : null;
  const pick = (e: DavEntry) =>
    props.onPick({
      name: e.name,
      path: e.path,
      size: e.size,
      mime: e.contentType,
      download: () => dav.download(e.path),
    });
  const tooBig = (e: DavEntry) => props.maxBytes !== undefined && (e.size ?? 0) > props.maxBytes;
  const canPickFolder = props.folders && segs.length > 0 && !(segs.length === 1 && segs[0] === SHARED_FOLDER);
  return (
    <ModalDialog open title={props.title} onClose={props.onClose} class="file-picker">
      <div class="file-picker-bar">
        <button type="button" class="btn btn-small" disabled={!up} onClick={() => up && setPath(up)}>
          ← Up
        </button>
        <span class="file-picker-where" title={path}>
          {segs.length ? segs.join(' / ') : 'All files'}
        </span>
      </div>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {entries === null ? (
        <p class="hint" role="status">
          Loading…
        </p>
      ) : entries.length === 0 && !error ? (
        <p class="hint">This folder is empty.</p>
      ) : (
        <ul class="file-picker-list" aria-label={`In ${segs[segs.length - 1] ?? 'All files'}`}>
          {entries.map((e) => (
            <li key={e.path}>
              <button
                type="button"
                class="file-picker-row"
                data-testid="picker-row"
                data-name={e.name}
                disabled={!e.isFolder && tooBig(e)}
                onClick={() => (e.isFolder ? setPath(e.path) : pick(e))}
              >
                <FileIcon name={iconFor(e.isFolder, e.contentType)} />
                <span class="file-picker-name">
                  <span class="visually-hidden">{e.isFolder ? 'Open folder ' : 'Pick '}</span>
                  {e.name}
                </span>
                <span class="file-picker-size">
                  {e.isFolder
                    ? (owners.get(e.path) ?? '')
                    : tooBig(e)
                      ? `${formatSize(e.size)}, too large`
                      : formatSize(e.size)}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="modal-actions">
        <button type="button" class="btn" onClick={props.onClose}>
          Cancel
        </button>
        {canPickFolder && (
          <button
            type="button"
            class="btn btn-primary"
            disabled={isShared(path) && props.ownOnly}
            onClick={() =>
              props.onPick({
                name: segs[segs.length - 1] ?? '',
                path,
                size: null,
                mime: null,
                isFolder: true,
                download: () => Promise.reject(new Error('a folder has no bytes to fetch')),
              })
            }
          >
            {props.pickLabel ?? 'Pick this folder'}
          </button>
        )}
      </div>
    </ModalDialog>
  );
}
