import { lazyComponent, lazyPage, type WebPlugin } from '#web-sdk';
import { IncomingCalendarShare } from './incoming-calendar-share.tsx';

/**
 * The calendars plugin's web part: the Calendar page (month, week and agenda views; loaded on first visit), and
 * "A calendar" for "Share with…" on a person.
 */
export const calendarsWebPlugin: WebPlugin = {
  id: 'calendars',
  title: 'Calendar',
  route: 'calendar',
  icon: 'M4.5 6.5h15v13h-15zM4.5 10.5h15M8.5 4v4M15.5 4v4',
  Page: lazyPage(() => import('./calendar-page.tsx').then((m) => m.CalendarPage)),
  resourceLabels: { calendar: 'Calendar' },
  incomingShareRenderers: { calendar: IncomingCalendarShare },
  shareTargets: [
    {
      label: 'A calendar',
      // The server's calendar type is assumable: Nextcloud takes calendar shares without listing the type.
      assumable: true,
      Dialog: lazyComponent(() => import('./share-target.tsx').then((m) => m.ShareCalendarWith)),
    },
  ],
};
