import { hashHref, type IncomingShareRendererProps } from '#web-sdk';

/** In the inbox, an accepted room invitation opens its room in Chat. */
export function IncomingRoomShare(props: IncomingShareRendererProps) {
  if (props.share.state !== 'accepted') return null;
  return (
    <p class="share-open">
      <a
        href={`${hashHref('chat')}?share=${encodeURIComponent(props.share.id)}`}
        aria-label={`Open in Chat: “${props.share.name}”`}
      >
        Open in Chat
      </a>
    </p>
  );
}
