import { hashHref } from '../../../web/src/shell/hash-route.ts';
import type { IncomingShareRendererProps } from '../../../web/src/plugin-host.ts';
import { SHARED_FOLDER } from './files-paths.ts';

/** In the inbox, an accepted file or folder share links to where it appears in Files. */
export function IncomingFileShare(props: IncomingShareRendererProps) {
  if (props.share.state !== 'accepted') return null;
  return (
    <p class="share-open">
      <a href={hashHref('files', SHARED_FOLDER)}>Open in Files → {SHARED_FOLDER}</a>
    </p>
  );
}
