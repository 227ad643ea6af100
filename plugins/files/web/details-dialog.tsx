import { ModalDialog, hashHref, partyLabel, permissionLabel, type IncomingShareView } from '#web-sdk';
import type { DavEntry } from './dav-multistatus.ts';
import { FileIcon, iconFor } from './file-icons.tsx';
import { SHARED_FOLDER, segmentsOf } from './files-paths.ts';
import { formatSize } from './format-size.ts';
import { usePreview, type PreviewLoader } from './preview-loader.ts';
import { ownerName } from './use-share-context.ts';
import { activeShares, type SharedItem } from './use-shared-items.ts';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'long', timeStyle: 'short' });

function PreviewArea(props: { entry: DavEntry; previews: PreviewLoader }) {
  const { entry: e } = props;
  const preview = usePreview(props.previews, e.isFolder ? null : e, 1024);
  if (preview === 'loading')
    return (
      <div class="details-preview details-preview-empty" aria-busy="true">
        Loading preview…
      </div>
    );
  if (preview?.kind === 'image')
    return (
      <div class="details-preview">
        <img src={preview.url} alt={`Preview of ${e.name}`} data-testid="details-image" />
      </div>
    );
  if (preview?.kind === 'text')
    return (
      <div class="details-preview details-preview-text">
        <pre data-testid="details-text" aria-label={`Start of ${e.name}`} tabIndex={0}>
          {preview.text}
          {(e.size ?? 0) > new TextEncoder().encode(preview.text).length ? '\n…' : ''}
        </pre>
      </div>
    );
  return (
    <div class="details-preview details-preview-empty">
      <FileIcon name={iconFor(e.isFolder, e.contentType)} size={48} />
      <span>{e.isFolder ? 'Folder' : 'No preview for this kind of file'}</span>
    </div>
  );
}

/** An item's details: a preview made by the server that holds it, what it is, where, who owns it or has access. */
export function DetailsDialog(props: {
  entry: DavEntry | null;
  previews: PreviewLoader;
  shared: SharedItem | undefined;
  incoming: IncomingShareView | null;
  canShare: boolean;
  onDownload: (e: DavEntry) => void;
  onShare: (e: DavEntry) => void;
  onClose: () => void;
}) {
  const { entry: e } = props;
  if (!e)
    return (
      <ModalDialog open={false} title="" onClose={props.onClose}>
        {null}
      </ModalDialog>
    );
  const parent = segmentsOf(e.path).slice(0, -1);
  const access = activeShares(props.shared);
  return (
    <ModalDialog open title={e.name} onClose={props.onClose} class="details-dialog">
      <PreviewArea entry={e} previews={props.previews} />
      <dl class="details-facts">
        <dt>Type</dt>
        <dd>{e.isFolder ? 'Folder' : (e.contentType ?? 'File')}</dd>
        {!e.isFolder && (
          <>
            <dt>Size</dt>
            <dd>{formatSize(e.size)}</dd>
          </>
        )}
        {e.modified && (
          <>
            <dt>Modified</dt>
            <dd>{dateFormat.format(e.modified)}</dd>
          </>
        )}
        <dt>Location</dt>
        <dd>
          <a href={hashHref('files', ...parent)} onClick={props.onClose}>
            {parent.length ? parent.join(' / ') : 'All files'}
          </a>
        </dd>
        {props.incoming && (
          <>
            <dt>Owner</dt>
            <dd>
              {partyLabel(ownerName(props.incoming), props.incoming.owner)} · you{' '}
              {permissionLabel(props.incoming.permissions) === 'Can edit' ? 'can edit' : 'can view'}
            </dd>
          </>
        )}
        {!props.incoming && parent[0] !== SHARED_FOLDER && (
          <>
            <dt>Shared with</dt>
            <dd>
              {access.length
                ? access
                    .map(
                      (s) =>
                        `${partyLabel(s.recipientDisplayName, s.shareWith)} (${permissionLabel(s.permissions).toLowerCase()})`,
                    )
                    .join(', ')
                : 'Only you'}
            </dd>
          </>
        )}
      </dl>
      <div class="modal-actions">
        {props.canShare && (
          <button type="button" class="btn" onClick={() => props.onShare(e)}>
            Share
          </button>
        )}
        {!e.isFolder && (
          <button type="button" class="btn btn-primary" onClick={() => props.onDownload(e)}>
            Download
          </button>
        )}
      </div>
    </ModalDialog>
  );
}
