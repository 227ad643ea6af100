import { hashHref, navigate, partyLabel, permissionLabel, type IncomingShareView } from '#web-sdk';
import type { DavEntry } from './dav-multistatus.ts';
import { FileIcon, iconFor } from './file-icons.tsx';
import { SHARED_FOLDER, isShared, segmentsOf } from './files-paths.ts';
import { formatSize } from './format-size.ts';
import { hasThumbnail, usePreview, type PreviewLoader } from './preview-loader.ts';
import { RowMenu, type MenuAction } from './row-menu.tsx';
import { ownerName } from './use-share-context.ts';
import { activeShares, type SharedItem } from './use-shared-items.ts';

/** What a row can ask the page to do. */
export interface FileActions {
  download(e: DavEntry): void;
  rename(e: DavEntry): void;
  share(e: DavEntry): void;
  remove(e: DavEntry): void;
  details(e: DavEntry): void;
}

/** What every row of one listing shares. */
export interface RowContext {
  route: string;
  actions: FileActions;
  previews: PreviewLoader;
  folderWritable: boolean;
  selected: ReadonlySet<string>;
  toggle(e: DavEntry, on: boolean): void;
  /** The user's own shares of items here, by path. */
  shared: Map<string, SharedItem>;
  /** Shares others made with the user: by mount name ("Shared with me" itself) or the one the folder is in. */
  mounts: Map<string, IncomingShareView>;
  inShare: IncomingShareView | null;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const shortDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

function who(item: SharedItem | undefined): string {
  const people = activeShares(item).map(
    (s) => `${partyLabel(s.recipientDisplayName, s.shareWith)} (${permissionLabel(s.permissions).toLowerCase()})`,
  );
  return people.length ? `Shared with ${people.join(', ')}` : '';
}

function Thumb(props: { entry: DavEntry; ctx: RowContext }) {
  const { entry: e } = props;
  const preview = usePreview(props.ctx.previews, hasThumbnail(e) ? e : null, 128);
  if (preview && preview !== 'loading' && preview.kind === 'image')
    return <img class="file-thumb" src={preview.url} alt="" width={36} height={36} loading="lazy" decoding="async" />;
  return (
    <span class={`file-thumb file-thumb-icon file-kind-${iconFor(e.isFolder, e.contentType)}`}>
      <FileIcon name={iconFor(e.isFolder, e.contentType)} size={22} />
    </span>
  );
}

/** One file or folder in the listing: select box, thumbnail, name with who owns or has access, size, date, menu. */
export function FileRow(props: { entry: DavEntry; ctx: RowContext; index: number }) {
  const { entry: e, ctx } = props;
  const { actions } = ctx;
  const virtualRoot = e.path === `/${SHARED_FOLDER}`;
  const inShared = isShared(e.path);
  // Items others shared with the user are theirs to share; the virtual folder itself is fixed.
  const canShare = !virtualRoot && !inShared;
  const canWrite = !virtualRoot && ctx.folderWritable && e.writable;
  const segs = segmentsOf(e.path);
  // Where the item comes from, for items others shared: the share of "Shared with me/<name>" it belongs to.
  const incoming = inShared
    ? (ctx.inShare ?? (segs.length === 2 ? ctx.mounts.get(segs[1] as string) : undefined))
    : undefined;
  const mine = ctx.shared.get(e.path);
  const sharedWith = who(mine);
  const modified = e.modified && !virtualRoot ? e.modified : null;
  const menu: MenuAction[] = [];
  if (!e.isFolder) menu.push({ label: 'Download', run: () => actions.download(e) });
  if (e.isFolder) menu.push({ label: 'Open', run: () => navigate(hashHref(ctx.route, ...segs)) });
  menu.push({ label: 'Details', run: () => actions.details(e) });
  if (canShare) menu.push({ label: 'Share', run: () => actions.share(e) });
  if (canWrite) menu.push({ label: 'Rename', run: () => actions.rename(e) });
  if (canWrite) menu.push({ label: 'Delete', run: () => actions.remove(e), danger: true });
  const selected = ctx.selected.has(e.path);
  return (
    <tr
      data-testid="file-row"
      data-name={e.name}
      aria-rowindex={props.index + 2}
      aria-selected={selected}
      class={selected ? 'file-row selected' : 'file-row'}
    >
      <td class="file-select">
        {!virtualRoot && (
          <input
            type="checkbox"
            checked={selected}
            aria-label={`Select ${e.name}`}
            onChange={(ev) => ctx.toggle(e, ev.currentTarget.checked)}
          />
        )}
      </td>
      <td class="file-name">
        <span class="file-name-inner">
          <Thumb entry={e} ctx={ctx} />
          <span class="file-name-text">
            <span class="file-name-line">
              {e.isFolder ? (
                <a href={hashHref(ctx.route, ...segs)} class="file-open" data-row={props.index}>
                  {e.name}
                </a>
              ) : (
                <button
                  type="button"
                  class="btn-link file-open"
                  data-row={props.index}
                  onClick={() => actions.details(e)}
                >
                  {e.name}
                </button>
              )}
              <span class="visually-hidden">{e.isFolder ? ', folder' : ', file'}</span>
              {sharedWith && (
                <button
                  type="button"
                  class="shared-marker"
                  title={sharedWith}
                  aria-label={`${sharedWith}. Manage sharing of ${e.name}`}
                  onClick={() => actions.share(e)}
                >
                  <FileIcon name="people" size={14} />
                  <span aria-hidden="true">Shared</span>
                </button>
              )}
            </span>
            <span class="file-meta">
              {incoming && (
                <span class="file-owner" data-testid="share-owner">
                  {ownerName(incoming)} · {permissionLabel(incoming.permissions)}
                </span>
              )}
              <span class="file-meta-phone">
                {e.isFolder ? '' : `${formatSize(e.size)} · `}
                {modified ? shortDate.format(modified) : ''}
              </span>
            </span>
          </span>
        </span>
      </td>
      <td class="file-size">{e.isFolder ? '—' : formatSize(e.size)}</td>
      <td class="file-modified">{modified ? dateFormat.format(modified) : '—'}</td>
      <td class="file-actions">
        {canShare && (
          <button
            type="button"
            class="btn btn-small file-share-button"
            onClick={() => actions.share(e)}
            aria-label={`Share ${e.name}`}
          >
            Share
          </button>
        )}
        <RowMenu label={`Actions for ${e.name}`} actions={menu} />
      </td>
    </tr>
  );
}
