import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import './files.css';
import { hashHref, partyLabel, saveBlob, type PluginPageProps } from '#web-sdk';
import { Breadcrumbs } from './breadcrumbs.tsx';
import { DavClient } from './dav-client.ts';
import type { DavEntry } from './dav-multistatus.ts';
import { DropZone } from './drop-zone.tsx';
import { FileIcon } from './file-icons.tsx';
import { FileList } from './file-list.tsx';
import type { RowContext } from './file-row.tsx';
import { FilesDialogs, type DialogState } from './files-dialogs.tsx';
import { SHARED_FOLDER, isShared, pathOf, segmentsOf } from './files-paths.ts';
import { FilesToolbar } from './files-toolbar.tsx';
import { createFolders, topNames, type UploadTree } from './folder-upload.ts';
import { PreviewLoader } from './preview-loader.ts';
import { SearchResults } from './search-results.tsx';
import { SelectionBar } from './selection-bar.tsx';
import { filterEntries, saveOrder, savedOrder, sortEntries, type SortOrder } from './sort.ts';
import { UploadPanel } from './upload-panel.tsx';
import { useFolder } from './use-folder.ts';
import { ownerName, useShareContext } from './use-share-context.ts';
import { useSharedItems } from './use-shared-items.ts';
import { useUploads } from './use-uploads.ts';

const ROUTE = 'files';

/**
 * The files browser: one folder of the user's tree (or of a share in "Shared with me") as a sortable, searchable,
 * selectable, virtual list with thumbnails; uploads of files and whole folders; who owns or has access to what.
 */
export function FilesPage(props: PluginPageProps) {
  const { api, user, toast, socket } = props;
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
  const previews = useMemo(() => new PreviewLoader(dav), [dav]);
  useEffect(() => () => previews.dispose(), [previews]);
  const listing = useFolder(dav, path);
  const shares = useShareContext(api, socket, path);
  const shared = useSharedItems(api, socket, path);
  const currentPath = useRef(path);
  currentPath.current = path;
  const uploads = useUploads(dav, (folder) => folder === currentPath.current && listing.reload(), toast);
  const [order, setOrder] = useState<SortOrder>(savedOrder);
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [dialog, setDialog] = useState<DialogState>({ kind: null });

  // A new folder starts with nothing selected and no filter.
  useEffect(() => {
    setSelected(new Set());
    setQuery('');
  }, [path]);
  // "Shared with me" follows the user's shares live; inside a share, a permission change shows at once.
  const mountKey = [...shares.mounts.values()].map((s) => `${s.id}:${s.permissions.join()}`).join('|');
  useEffect(() => {
    if (isShared(path)) listing.reload();
  }, [mountKey]);

  const segs = segmentsOf(path);
  const folderName = segs[segs.length - 1] ?? 'All files';
  const atSharedRoot = path === `/${SHARED_FOLDER}`;
  const writable = !atSharedRoot && (shares.canWrite ?? true) && (listing.folder?.writable ?? true) && !listing.error;
  const sorted = useMemo(() => sortEntries(listing.children, order), [listing.children, order]);
  const shown = useMemo(() => filterEntries(sorted, query), [sorted, query]);
  const picked = listing.children.filter((e) => selected.has(e.path));

  const exists = (name: string) => listing.children.some((c) => c.name.toLowerCase() === name.toLowerCase());
  const upload = async (tree: UploadTree) => {
    try {
      await createFolders(dav, path, tree.folders);
      if (tree.folders.length) listing.reload();
      if (tree.files.length) uploads.add(tree.files, path);
    } catch (err) {
      toast.error(`Creating the folders failed: ${(err as Error).message}`);
    }
  };
  const startUpload = (tree: UploadTree) => {
    if (!tree.files.length && !tree.folders.length) return;
    const clashes = topNames(tree).filter(exists);
    if (clashes.length) setDialog({ kind: 'replace', tree, clashes });
    else void upload(tree);
  };
  const download = async (e: DavEntry) => {
    try {
      saveBlob(await dav.download(e.path), e.name);
    } catch (err) {
      toast.error(`Downloading “${e.name}” failed: ${(err as Error).message}`);
    }
  };
  const ctx: RowContext = {
    route: ROUTE,
    previews,
    folderWritable: writable,
    selected,
    shared: shared.byPath,
    mounts: shares.mounts,
    inShare: shares.current,
    toggle: (e, on) =>
      setSelected((s) => {
        const next = new Set(s);
        if (on) next.add(e.path);
        else next.delete(e.path);
        return next;
      }),
    actions: {
      download: (e) => void download(e),
      rename: (e) => setDialog({ kind: 'rename', entry: e }),
      share: (e) => setDialog({ kind: 'share', entry: e }),
      remove: (e) => setDialog({ kind: 'delete', entries: [e] }),
      details: (e) => setDialog({ kind: 'details', entry: e }),
    },
  };

  return (
    <section class="page files-page">
      <div class="files-header">
        <h1>{folderName}</h1>
        <FilesToolbar
          writable={writable}
          query={query}
          onQuery={setQuery}
          onUpload={startUpload}
          onNewFolder={() => setDialog({ kind: 'new-folder' })}
        />
      </div>
      <Breadcrumbs route={ROUTE} path={path} />
      {shares.notice && (
        <p class="share-notice" role="alert" data-testid="share-notice">
          {shares.notice}
        </p>
      )}
      {shares.current && (
        <p class="share-banner" data-testid="share-banner">
          <FileIcon name="people" size={18} />
          <span>
            Shared with you by <strong>{partyLabel(ownerName(shares.current), shares.current.owner)}</strong>.{' '}
            {shares.canWrite ? 'You can view and edit.' : 'You can view and download; only the owner can change it.'}
          </span>
        </p>
      )}
      <SelectionBar
        selected={picked}
        canWrite={writable}
        onClear={() => setSelected(new Set())}
        onDelete={() => setDialog({ kind: 'delete', entries: picked })}
        onMove={() => setDialog({ kind: 'move', entries: picked })}
        onDownload={async () => {
          const files = picked.filter((e) => !e.isFolder);
          if (files.length < picked.length)
            toast.info('Folders are not downloaded: open them to download their files.');
          // One after the other: the browser asks once whether the site may download several files.
          for (const f of files) await download(f);
        }}
      />
      <DropZone
        enabled={writable}
        label={`Drop files or folders to upload them to “${folderName}”`}
        onDrop={startUpload}
        onError={(m) => toast.error(m)}
      >
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
          ) : shown.length === 0 ? (
            <EmptyFolder
              loading={listing.loading}
              filtered={listing.children.length > 0 ? query : null}
              sharedRoot={atSharedRoot}
              writable={writable}
              inShare={shares.current !== null}
            />
          ) : (
            <FileList
              entries={shown}
              ctx={ctx}
              order={order}
              label={`Contents of ${folderName}`}
              onOrder={(o) => {
                setOrder(o);
                saveOrder(o);
              }}
              onSelectAll={(on) =>
                setSelected(
                  on ? new Set(shown.filter((e) => e.path !== `/${SHARED_FOLDER}`).map((e) => e.path)) : new Set(),
                )
              }
            />
          )}
        </div>
      </DropZone>
      {query.trim() && !isShared(path) && <SearchResults api={api} query={query} folder={path} />}
      <UploadPanel uploads={uploads} />
      <FilesDialogs
        state={dialog}
        setState={setDialog}
        page={props}
        dav={dav}
        path={path}
        listing={listing}
        shared={shared}
        shares={shares}
        previews={previews}
        exists={exists}
        download={download}
        upload={(tree) => void upload(tree)}
        clearSelection={() => setSelected(new Set())}
      />
    </section>
  );
}

/** An empty folder: where to drop files (when the user may add some), or why there is nothing. */
function EmptyFolder(props: {
  loading: boolean;
  filtered: string | null;
  sharedRoot: boolean;
  writable: boolean;
  inShare: boolean;
}) {
  if (props.loading) return <p class="empty files-empty">Loading…</p>;
  if (props.filtered !== null)
    return <p class="empty files-empty">Nothing in this folder is named like “{props.filtered}”.</p>;
  if (props.sharedRoot)
    return (
      <p class="empty files-empty">
        Nothing has been shared with you yet. Files and folders others share with you appear here once you accept them.
      </p>
    );
  if (!props.writable)
    return (
      <p class="empty files-empty">This folder is empty.{props.inShare ? ' You can only view this share.' : ''}</p>
    );
  return (
    <div class="files-drop-here" data-testid="drop-hint">
      <FileIcon name="upload" size={32} />
      <p>
        <strong>Drop files or folders here</strong>
      </p>
      <p class="hint">or use “Upload files” and “Upload folder” above.</p>
    </div>
  );
}
