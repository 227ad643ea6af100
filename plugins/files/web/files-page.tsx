import { useMemo, useRef, useState } from 'preact/hooks';
import './files.css';
import { ConfirmDialog, hashHref, type PluginPageProps } from '#web-sdk';
import { Breadcrumbs } from './breadcrumbs.tsx';
import { DavClient } from './dav-client.ts';
import type { DavEntry } from './dav-multistatus.ts';
import { DropZone } from './drop-zone.tsx';
import { FileTable } from './file-table.tsx';
import { SHARED_FOLDER, childPath, pathOf, segmentsOf } from './files-paths.ts';
import { NameDialog } from './name-dialog.tsx';
import { saveBlob } from './save-blob.ts';
import { ShareDialog } from './share-dialog.tsx';
import { UploadList } from './upload-list.tsx';
import { useFolder } from './use-folder.ts';
import { useShareAccess } from './use-share-access.ts';
import { useUploads } from './use-uploads.ts';

const ROUTE = 'files';

/** The files browser: one folder of the user's WebDAV tree, with upload, new folder, rename, delete, download and share. */
export function FilesPage(props: PluginPageProps) {
  const { api, user, toast } = props;
  const path = pathOf(props.path);
  // A 401 from WebDAV means the session ended: asking the API lets the shell notice and show the login.
  const dav = useMemo(
    () =>
      new DavClient(
        user.id,
        () => api.authHeaders(),
        () => void api.me().catch(() => undefined),
      ),
    [api, user.id],
  );
  const listing = useFolder(dav, path);
  const currentPath = useRef(path);
  currentPath.current = path;
  const uploads = useUploads(dav, (folder) => folder === currentPath.current && listing.reload(), toast);
  const input = useRef<HTMLInputElement>(null);
  const [newFolder, setNewFolder] = useState(false);
  const [renaming, setRenaming] = useState<DavEntry | null>(null);
  const [deleting, setDeleting] = useState<DavEntry | null>(null);
  const [sharing, setSharing] = useState<DavEntry | null>(null);
  const [busy, setBusy] = useState(false);

  const segs = segmentsOf(path);
  const folderName = segs[segs.length - 1] ?? 'All files';
  // The "Shared with me" folder itself only holds what others shared: nothing can be created in it.
  const shareAccess = useShareAccess(api, props.socket, path);
  const writable =
    path !== `/${SHARED_FOLDER}` &&
    (shareAccess?.canWrite ?? true) &&
    (listing.folder?.writable ?? true) &&
    !listing.error;

  const [replacing, setReplacing] = useState<{ files: File[]; clashes: string[] } | null>(null);
  const exists = (name: string) => listing.children.some((c) => c.name.toLowerCase() === name.toLowerCase());
  const upload = (files: File[], skipped = 0) => {
    if (skipped)
      toast.info(`${skipped} folder${skipped > 1 ? 's were' : ' was'} skipped: drop the files inside instead.`);
    const clashes = files.filter((f) => exists(f.name)).map((f) => f.name);
    if (clashes.length) setReplacing({ files, clashes });
    else if (files.length) uploads.add(files, path);
  };
  const clash = (name: string) => (exists(name) ? `An item named “${name}” already exists here.` : null);
  const actions = {
    download: async (e: DavEntry) => {
      try {
        saveBlob(await dav.download(e.path), e.name);
      } catch (err) {
        toast.error(`Downloading “${e.name}” failed: ${(err as Error).message}`);
      }
    },
    rename: (e: DavEntry) => setRenaming(e),
    share: (e: DavEntry) => setSharing(e),
    remove: (e: DavEntry) => setDeleting(e),
  };
  const onError = (err: unknown) => (err as Error).message;

  return (
    <section class="page files-page">
      <div class="files-header">
        <h1>{folderName}</h1>
        <div class="files-toolbar">
          <input
            ref={input}
            type="file"
            multiple
            hidden
            aria-label="Choose files to upload"
            data-testid="upload-input"
            onChange={(e) => {
              upload(Array.from(e.currentTarget.files ?? []));
              e.currentTarget.value = '';
            }}
          />
          <button type="button" class="btn btn-primary" disabled={!writable} onClick={() => input.current?.click()}>
            Upload files
          </button>
          <button type="button" class="btn" disabled={!writable} onClick={() => setNewFolder(true)}>
            New folder
          </button>
        </div>
      </div>
      <Breadcrumbs route={ROUTE} path={path} />
      <UploadList uploads={uploads} />
      <DropZone enabled={writable} label={`Drop files to upload them to “${folderName}”`} onFiles={upload}>
        <div class="panel files-panel" aria-busy={listing.loading}>
          {listing.error ? (
            <div role="alert" class="files-error">
              <p>
                {listing.notFound
                  ? 'This folder does not exist (any more).'
                  : `Could not open this folder: ${listing.error}`}
              </p>
              {segs.length > 0 && <a href={hashHref(ROUTE, ...segs.slice(0, -1))}>Go to the parent folder</a>}
              {!listing.notFound && (
                <button type="button" class="btn btn-small" onClick={listing.reload}>
                  Retry
                </button>
              )}
            </div>
          ) : listing.children.length === 0 ? (
            <p class="empty files-empty">
              {listing.loading
                ? 'Loading…'
                : path === `/${SHARED_FOLDER}`
                  ? 'Nothing has been shared with you yet. Accepted shares of files and folders appear here.'
                  : writable
                    ? 'This folder is empty. Drop files here or use “Upload files”.'
                    : 'This folder is empty.'}
            </p>
          ) : (
            <FileTable entries={listing.children} route={ROUTE} actions={actions} folderWritable={writable} />
          )}
        </div>
      </DropZone>

      <NameDialog
        open={newFolder}
        title="New folder"
        label="Folder name"
        submitLabel="Create"
        initial=""
        onClose={() => setNewFolder(false)}
        onSubmit={async (name) => {
          if (clash(name)) return clash(name);
          try {
            await dav.createFolder(childPath(path, name));
            setNewFolder(false);
            listing.reload();
            return null;
          } catch (err) {
            return onError(err);
          }
        }}
      />
      <NameDialog
        open={renaming !== null}
        title={`Rename “${renaming?.name ?? ''}”`}
        label="New name"
        submitLabel="Rename"
        initial={renaming?.name ?? ''}
        onClose={() => setRenaming(null)}
        onSubmit={async (name) => {
          if (!renaming || name === renaming.name) return (setRenaming(null), null);
          if (name.toLowerCase() !== renaming.name.toLowerCase() && clash(name)) return clash(name);
          try {
            await dav.move(renaming.path, childPath(path, name), renaming.isFolder);
            setRenaming(null);
            listing.reload();
            return null;
          } catch (err) {
            return onError(err);
          }
        }}
      />
      <ConfirmDialog
        open={deleting !== null}
        title={`Delete “${deleting?.name ?? ''}”?`}
        confirmLabel="Delete"
        danger
        busy={busy}
        onCancel={() => setDeleting(null)}
        onConfirm={async () => {
          if (!deleting) return;
          setBusy(true);
          try {
            await dav.remove(deleting.path, deleting.isFolder);
            toast.success(`Deleted “${deleting.name}”.`);
            listing.reload();
          } catch (err) {
            toast.error(`Deleting “${deleting.name}” failed: ${onError(err)}`);
          } finally {
            setBusy(false);
            setDeleting(null);
          }
        }}
      >
        <p>
          {deleting?.isFolder ? 'The folder and everything in it will be deleted. ' : ''}This cannot be undone. If you
          shared it, the people you shared it with lose access.
        </p>
      </ConfirmDialog>
      <ConfirmDialog
        open={replacing !== null}
        title="Replace existing files?"
        confirmLabel="Replace"
        onCancel={() => {
          // Keep the new files that clash with nothing.
          const rest = replacing?.files.filter((f) => !replacing.clashes.includes(f.name)) ?? [];
          if (rest.length) uploads.add(rest, path);
          setReplacing(null);
        }}
        onConfirm={() => {
          if (replacing) uploads.add(replacing.files, path);
          setReplacing(null);
        }}
      >
        <p>
          {replacing?.clashes.length === 1
            ? `“${replacing.clashes[0]}” already exists`
            : `${replacing?.clashes.length} files already exist`}{' '}
          in this folder. Replace with the new {replacing?.clashes.length === 1 ? 'file' : 'files'}? Cancel uploads only
          the others.
        </p>
      </ConfirmDialog>
      <ShareDialog entry={sharing} ctx={props} onClose={() => setSharing(null)} />
    </section>
  );
}
