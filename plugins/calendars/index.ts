import { definePlugin, type MeshworkPlugin } from '#core';
import { CalendarStore } from './calendar-store.ts';
import { ObjectStore } from './object-store.ts';
import { calendarMigrations } from './schema.ts';
import { federationApi } from './federation/api.ts';
import { setupFederation, type CalendarFederation } from './federation/federation.ts';

/** Where the CalDAV tree will be mounted (calendar homes at `/dav/calendars/<user>/`). */
export const CALDAV_BASE = '/dav/calendars';

/** The stores of a running calendars plugin (for the CalDAV layer that will be built on the DAV toolkit). */
export interface CalendarServices {
  calendars: CalendarStore;
  objects: ObjectStore;
  /** Synced copies of calendars shared from other servers: write-through and pulls (federation/). */
  federation: CalendarFederation;
}

/**
 * Calendars (`calendar` over `webdav`, CalDAV): calendar collections and objects in the database, with
 * validation, indexing, recurrence expansion and queries (see README.md). This skeleton owns the schema
 * and the stores; the CalDAV endpoints come with the DAV toolkit and are not mounted yet, and the plugin
 * is not in the default plugin list until they are.
 */
export function calendarsPlugin(opts: { onReady?: (services: CalendarServices) => void } = {}): MeshworkPlugin {
  return definePlugin({
    id: 'calendars',
    resourceTypes: [
      {
        name: 'calendar',
        shareTypes: ['user'],
        protocols: { webdav: `${CALDAV_BASE}/`, 'webdav-receive': {} },
      },
    ],
    migrations: calendarMigrations,
    async setup(ctx) {
      const stores = { calendars: new CalendarStore(ctx.db), objects: new ObjectStore(ctx.db) };
      const { hooks, federation } = setupFederation(ctx, stores);
      federationApi(ctx, stores, federation);
      const services: CalendarServices = { ...stores, federation };
      opts.onReady?.(services);
      return {
        ...hooks,
        async dispose() {
          federation.dispose();
        },
      };
    },
  });
}
