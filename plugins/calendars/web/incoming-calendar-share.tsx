import { hashHref, type IncomingShareRendererProps } from '#web-sdk';

/** In the inbox, an accepted calendar share opens the Calendar page, where it is listed under "Shared with me". */
export function IncomingCalendarShare(props: IncomingShareRendererProps) {
  if (props.share.state !== 'accepted') return null;
  const title = props.share.description || props.share.name;
  return (
    <p class="share-open">
      <a href={hashHref('calendar')} aria-label={`Open in Calendar: “${title}”`}>
        Open in Calendar
      </a>
    </p>
  );
}
