/** The CalDAV extension of the DAV toolkit and the DAV server the calendars plugin serves with. */
import {
  createDavServer,
  deadPropertiesExtension,
  ResponseCache,
  responseCacheExtension,
  syncExtension,
  type DavExtension,
  type DavLogger,
  type DavServer,
  type DeadPropertyStore,
} from '#dav';
import { CALDAV_NS } from './calendar-node.ts';
import { calendarPropPatch, extendedMkcol, mkcalendar } from './collections.ts';
import { caldavProperties, P } from './props.ts';
import { calendarMultiget, calendarQuery, freeBusyQuery, inCalendar } from './reports.ts';
import { CalendarNode } from './calendar-node.ts';

/** MKCALENDAR, extended MKCOL, the calendar reports, CalDAV properties and PROPPATCH of calendar properties. */
export function caldavExtension(): DavExtension {
  return {
    name: 'caldav',
    setup(server) {
      server.addFeature('3', 'access-control', 'calendar-access', 'extended-mkcol');
      server.addMethod('MKCALENDAR', mkcalendar, { write: true });
      server.addMethod('MKCOL', extendedMkcol, { write: true });
      server.addReport({ name: `{${CALDAV_NS}}calendar-query`, handler: calendarQuery(server), appliesTo: inCalendar });
      server.addReport({
        name: `{${CALDAV_NS}}calendar-multiget`,
        handler: calendarMultiget(server),
        appliesTo: inCalendar,
      });
      server.addReport({
        name: `{${CALDAV_NS}}free-busy-query`,
        handler: freeBusyQuery,
        appliesTo: (n) => n instanceof CalendarNode,
      });
      server.addPropertyProvider(caldavProperties(), 90);
      server.addPropPatchHandler(calendarPropPatch(), 100);
      server.protect(
        P.currentUserPrincipal,
        P.principalUrl,
        P.principalCollectionSet,
        P.owner,
        P.privileges,
        P.calendarHomeSet,
        P.userAddressSet,
        P.userType,
        P.components,
        P.dataTypes,
        P.maxSize,
        P.collations,
        P.calendarData,
        P.ctag,
      );
    },
  };
}

/**
 * The DAV server of the CalDAV tree: no locks (CalDAV clients do not lock); dead properties in `props` (what
 * clients PROPPATCH beyond the calendar's own properties).
 */
export function createCaldavServer(
  logger: DavLogger,
  props: DeadPropertyStore,
  cache: ResponseCache = new ResponseCache(),
): DavServer {
  return createDavServer({
    logger,
    extensions: [syncExtension(), caldavExtension(), deadPropertiesExtension(props), responseCacheExtension(cache)],
  });
}
