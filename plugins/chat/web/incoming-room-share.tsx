import { hashHref, type IncomingShareRendererProps } from '#web-sdk';

/** In the inbox, an accepted room invitation links to Chat. */
export function IncomingRoomShare(props: IncomingShareRendererProps) {
  if (props.share.state !== 'accepted') return null;
  return (
    <p class="share-open">
      <a href={hashHref('chat')} aria-label={`Open “${props.share.name}” in Chat`}>
        Open in Chat
      </a>
    </p>
  );
}
