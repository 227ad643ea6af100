import { useEffect, useState } from 'preact/hooks';
import { ModalDialog } from '#web-sdk';
import type { DavClient } from './dav-client.ts';
import type { DavEntry } from './dav-multistatus.ts';
import { FileIcon } from './file-icons.tsx';
import { SHARED_FOLDER, segmentsOf } from './files-paths.ts';

/** Whether `target` is `source` or lies inside it (a folder cannot move into itself). */
export function isInside(target: string, source: string): boolean {
  return target === source || target.startsWith(`${source}/`);
}

/**
 * Picks the folder to move items to: browse from `root` (the user's tree, or the share the items are in) and choose
 * "Move here". Folders being moved, and everything inside them, cannot be chosen.
 */
export function MoveDialog(props: {
  items: DavEntry[];
  dav: DavClient;
  root: string;
  start: string;
  onMove: (target: string) => Promise<void>;
  onClose: () => void;
}) {
  const open = props.items.length > 0;
  const [at, setAt] = useState(props.start);
  const [folders, setFolders] = useState<DavEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (open) setAt(props.start);
  }, [open, props.start]);
  useEffect(() => {
    if (!open) return;
    let live = true;
    setFolders(null);
    setError(null);
    props.dav.list(at).then(
      (l) => live && setFolders(l.children.filter((c) => c.isFolder && !(at === '/' && c.name === SHARED_FOLDER))),
      (err: Error) => live && setError(err.message),
    );
    return () => {
      live = false;
    };
  }, [open, at, props.dav]);
  const blocked = props.items.some((i) => i.isFolder && isInside(at, i.path));
  const sameFolder = props.items.every((i) => segmentsOf(i.path).slice(0, -1).join('/') === segmentsOf(at).join('/'));
  const rootSegs = segmentsOf(props.root).length;
  const segs = segmentsOf(at);
  const title = props.items.length === 1 ? `Move “${props.items[0]?.name}”` : `Move ${props.items.length} items`;
  return (
    <ModalDialog open={open} title={title} onClose={props.onClose}>
      <nav class="breadcrumbs move-crumbs" aria-label="Destination folder">
        <ol>
          <li>
            <button
              type="button"
              class="btn-link"
              onClick={() => setAt(props.root)}
              aria-current={at === props.root ? 'location' : undefined}
            >
              {props.root === '/' ? 'All files' : (segmentsOf(props.root).pop() ?? 'All files')}
            </button>
          </li>
          {segs.slice(rootSegs).map((s, i) => (
            <li key={i}>
              <button
                type="button"
                class="btn-link"
                aria-current={i === segs.length - rootSegs - 1 ? 'location' : undefined}
                onClick={() => setAt(`/${segs.slice(0, rootSegs + i + 1).join('/')}`)}
              >
                {s}
              </button>
            </li>
          ))}
        </ol>
      </nav>
      <ul class="move-folders" aria-label="Folders here" aria-busy={folders === null}>
        {folders?.length === 0 && <li class="hint">No folders here.</li>}
        {folders?.map((f) => {
          const inside = props.items.some((i) => i.isFolder && isInside(f.path, i.path));
          return (
            <li key={f.path}>
              <button type="button" class="move-folder" disabled={inside} onClick={() => setAt(f.path)}>
                <FileIcon name="folder" size={18} />
                {f.name}
              </button>
            </li>
          );
        })}
      </ul>
      <p class="form-error" role="alert">
        {error}
      </p>
      <div class="modal-actions">
        <button type="button" class="btn" onClick={props.onClose}>
          Cancel
        </button>
        <button
          type="button"
          class="btn btn-primary"
          disabled={busy || blocked || sameFolder}
          onClick={async () => {
            setBusy(true);
            await props.onMove(at);
            setBusy(false);
          }}
        >
          Move here
        </button>
      </div>
    </ModalDialog>
  );
}
