import { ChangeAnnouncer, definePlugin, type MeshworkPlugin } from '#core';
import type { ResponseCache } from '#dav';
import { CALENDAR_CHANGED, mountCalendarApi } from './api/routes.ts';
import { CalendarStore } from './calendar-store.ts';
import { defaultCalendar } from './default-calendar.ts';
import { mountCaldav, type CaldavServices } from './caldav/setup.ts';
import { ObjectStore } from './object-store.ts';
import { calendarMigrations } from './schema.ts';
import type { CalendarsTables } from './tables.ts';
import { calendarPropsMigration } from './caldav/dead-props-schema.ts';
import { federationApi } from './federation/api.ts';
import { setupFederation, type CalendarFederation } from './federation/federation.ts';
import { federationWriter } from './federation/caldav-writer.ts';

/** Where the CalDAV tree is mounted (calendar homes at `/dav/calendars/<user>/`). */
export const CALDAV_BASE = '/dav/calendars';

/** The stores and CalDAV seams of a running calendars plugin. */
export interface CalendarServices {
  calendars: CalendarStore;
  objects: ObjectStore;
  caldav: CaldavServices;
  /** Synced copies of calendars shared from other servers: write-through and pulls (federation/). */
  federation: CalendarFederation;
}

/** Options (defaults suit a server; tests tighten them). */
export interface CalendarsPluginOptions {
  onReady?: (services: CalendarServices) => void;
  /** Largest accepted calendar object (CALDAV:max-resource-size), default 1 MiB. */
  maxResourceSize?: number;
  /** Where whole CalDAV answers of unchanged calendars are kept (default: a new 32 MiB one). */
  responseCache?: ResponseCache;
}

/**
 * Calendars (`calendar` over `webdav`, CalDAV): calendar collections and objects in the database, with
 * validation, indexing, recurrence expansion and queries, served over CalDAV at `/dav/calendars/<user>/`
 * with principals at `/dav/principals/<user>/` and discovery at `/.well-known/caldav` (see README.md).
 */
export function calendarsPlugin(opts: CalendarsPluginOptions = {}): MeshworkPlugin {
  return definePlugin<CalendarsTables>({
    id: 'calendars',
    resourceTypes: [
      {
        name: 'calendar',
        shareTypes: ['user'],
        protocols: { webdav: `${CALDAV_BASE}/`, 'webdav-receive': {} },
        // Nextcloud's discovery lists no calendar type, yet its servers take calendar shares (§2.6).
        assumable: true,
      },
    ],
    migrations: [...calendarMigrations, calendarPropsMigration],
    async setup(ctx) {
      const calendars = new CalendarStore(ctx.db);
      const objects = new ObjectStore(ctx.db);
      const changes = new ChangeAnnouncer(ctx.realtime, {
        event: CALENDAR_CHANGED,
        field: 'calendarId',
        ownerOf: async (id) => (await calendars.getById(id))?.ownerId ?? null,
      });
      objects.onChange(changes.changed);
      const defaults = defaultCalendar(ctx.db);
      const caldav = mountCaldav(ctx, { calendars, objects, defaults }, opts);
      const { hooks, federation } = setupFederation(ctx, { calendars, objects });
      caldav.context.writers.remote = federationWriter(ctx, federation);
      federationApi(ctx, { calendars, objects }, federation);
      mountCalendarApi(ctx.api, { calendars, objects, federation, changes, defaults });
      ctx.events.on('account:deleted', ({ userId }) => defaults.forget(userId));
      opts.onReady?.({ calendars, objects, caldav, federation });
      return {
        ...hooks,
        async dispose() {
          federation.dispose();
        },
      };
    },
  });
}
