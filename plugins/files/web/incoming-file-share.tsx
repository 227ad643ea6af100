import { hashHref, type IncomingShareRendererProps } from '#web-sdk';
import { SHARED_FOLDER } from './files-paths.ts';
import { cleanName } from './share-mounts.ts';

/** In the inbox, an accepted file or folder share links to where it appears in Files. */
export function IncomingFileShare(props: IncomingShareRendererProps) {
  const { share } = props;
  if (share.state !== 'accepted') return null;
  // The files plugin adds " (2)" only when two shares have the same name: rare enough to link by name here.
  const name = cleanName(share.name);
  const href =
    share.resourceType === 'folder' && name ? hashHref('files', SHARED_FOLDER, name) : hashHref('files', SHARED_FOLDER);
  return (
    <p class="share-open">
      <a href={href} aria-label={`Open “${share.name}” in Files`}>
        Open in Files
      </a>
    </p>
  );
}
