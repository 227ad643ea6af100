import { useState } from 'preact/hooks';
import { ConfirmDialog, ShareDialog, VIEW_EDIT, type PluginPageProps } from '#web-sdk';
import type { DavClient } from './dav-client.ts';
import type { DavEntry } from './dav-multistatus.ts';
import { DetailsDialog } from './details-dialog.tsx';
import { SHARED_FOLDER, childPath, isShared, segmentsOf } from './files-paths.ts';
import type { UploadTree } from './folder-upload.ts';
import { MoveDialog } from './move-dialog.tsx';
import { NameDialog } from './name-dialog.tsx';
import type { PreviewLoader } from './preview-loader.ts';
import type { FolderState } from './use-folder.ts';
import type { ShareContext } from './use-share-context.ts';
import type { SharedItems } from './use-shared-items.ts';

/** Which dialog of the files page is open. */
export type DialogState =
  | { kind: null }
  | { kind: 'new-folder' }
  | { kind: 'rename'; entry: DavEntry }
  | { kind: 'share'; entry: DavEntry }
  | { kind: 'details'; entry: DavEntry }
  | { kind: 'delete'; entries: DavEntry[] }
  | { kind: 'move'; entries: DavEntry[] }
  | { kind: 'replace'; tree: UploadTree; clashes: string[] };

/** The files page's dialogs: new folder, rename, share, details, delete, move, replace on upload. */
export function FilesDialogs(props: {
  state: DialogState;
  setState: (s: DialogState) => void;
  page: PluginPageProps;
  dav: DavClient;
  path: string;
  listing: FolderState;
  shared: SharedItems;
  shares: ShareContext;
  previews: PreviewLoader;
  exists: (name: string) => boolean;
  download: (e: DavEntry) => Promise<void>;
  upload: (tree: UploadTree) => void;
  clearSelection: () => void;
}) {
  const { state: s, setState, dav, path, listing, page } = props;
  const { toast } = page;
  const [busy, setBusy] = useState(false);
  const close = () => setState({ kind: null });
  const clash = (name: string) => (props.exists(name) ? `An item named “${name}” already exists here.` : null);
  const message = (err: unknown) => (err as Error).message;
  const segs = segmentsOf(path);
  // Moves stay inside the tree the items are in: the user's own, or the one share they belong to.
  const moveRoot = isShared(path) ? `/${segs.slice(0, 2).join('/')}` : '/';
  const entry = 'entry' in s ? s.entry : null;
  const entries = 'entries' in s ? s.entries : [];

  const runAll = async (items: DavEntry[], what: string, op: (e: DavEntry) => Promise<void>) => {
    setBusy(true);
    const failed: string[] = [];
    for (const e of items) {
      try {
        await op(e);
      } catch (err) {
        failed.push(`“${e.name}”: ${message(err)}`);
      }
    }
    setBusy(false);
    close();
    props.clearSelection();
    listing.reload();
    const done = items.length - failed.length;
    if (done)
      toast.success(
        items.length === 1 ? `${what} “${items[0]?.name}”.` : `${what} ${done} item${done > 1 ? 's' : ''}.`,
      );
    if (failed.length) toast.error(`${failed.length} could not be ${what.toLowerCase()}: ${failed.join('; ')}`);
  };

  return (
    <>
      <NameDialog
        open={s.kind === 'new-folder'}
        title="New folder"
        label="Folder name"
        submitLabel="Create"
        initial=""
        onClose={close}
        onSubmit={async (name) => {
          if (clash(name)) return clash(name);
          try {
            await dav.createFolder(childPath(path, name));
            close();
            listing.reload();
            return null;
          } catch (err) {
            return message(err);
          }
        }}
      />
      <NameDialog
        open={s.kind === 'rename'}
        title={`Rename “${entry?.name ?? ''}”`}
        label="New name"
        submitLabel="Rename"
        initial={entry?.name ?? ''}
        onClose={close}
        onSubmit={async (name) => {
          if (!entry || name === entry.name) return (close(), null);
          if (name.toLowerCase() !== entry.name.toLowerCase() && clash(name)) return clash(name);
          try {
            await dav.move(entry.path, childPath(path, name), entry.isFolder);
            close();
            listing.reload();
            props.shared.reload();
            return null;
          } catch (err) {
            return message(err);
          }
        }}
      />
      <ConfirmDialog
        open={s.kind === 'delete'}
        title={entries.length === 1 ? `Delete “${entries[0]?.name ?? ''}”?` : `Delete ${entries.length} items?`}
        confirmLabel="Delete"
        danger
        busy={busy}
        onCancel={close}
        onConfirm={() => void runAll(entries, 'Deleted', (e) => dav.remove(e.path, e.isFolder))}
      >
        <p>
          {entries.some((e) => e.isFolder) ? 'Folders are deleted with everything in them. ' : ''}This cannot be undone.
          If you shared {entries.length === 1 ? 'it' : 'any of them'}, the people you shared with lose access.
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={s.kind === 'replace'}
        title="Replace existing items?"
        confirmLabel="Replace"
        onCancel={() => {
          if (s.kind !== 'replace') return;
          // Keep what clashes with nothing.
          const keep = (p: string) => !s.clashes.includes(p.split('/')[0] as string);
          const rest = { files: s.tree.files.filter((f) => keep(f.path)), folders: s.tree.folders.filter(keep) };
          close();
          if (rest.files.length || rest.folders.length) props.upload(rest);
        }}
        onConfirm={() => {
          if (s.kind === 'replace') props.upload(s.tree);
          close();
        }}
      >
        <p>
          {s.kind === 'replace' && s.clashes.length === 1
            ? `“${s.clashes[0]}” already exists`
            : `${s.kind === 'replace' ? s.clashes.length : 0} items already exist`}{' '}
          in this folder. Replace them with the new ones (files with the same names are overwritten, folders are
          merged)? Cancel uploads only the others.
        </p>
      </ConfirmDialog>
      <MoveDialog
        items={s.kind === 'move' ? entries : []}
        dav={dav}
        root={moveRoot}
        start={path === `/${SHARED_FOLDER}` ? '/' : path}
        onClose={close}
        onMove={(target) => runAll(entries, 'Moved', (e) => dav.move(e.path, childPath(target, e.name), e.isFolder))}
      />
      {s.kind === 'share' && entry && (
        <ShareDialog
          resourceType={entry.isFolder ? 'folder' : 'file'}
          resourceId={entry.path}
          name={entry.name}
          choices={VIEW_EDIT}
          shares={props.shared.byPath.get(entry.path)?.shares ?? []}
          onChanged={props.shared.reload}
          onClose={close}
        />
      )}
      <DetailsDialog
        entry={s.kind === 'details' ? entry : null}
        previews={props.previews}
        shared={entry ? props.shared.byPath.get(entry.path) : undefined}
        incoming={
          entry && isShared(entry.path)
            ? (props.shares.current ?? props.shares.mounts.get(segmentsOf(entry.path)[1] ?? '') ?? null)
            : null
        }
        canShare={!!entry && !isShared(entry.path)}
        onDownload={(e) => void props.download(e)}
        onShare={(e) => setState({ kind: 'share', entry: e })}
        onClose={close}
      />
    </>
  );
}
