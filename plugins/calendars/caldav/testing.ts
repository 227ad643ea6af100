/** Test helpers for the CalDAV layer: a server with the calendars plugin and a DAV client per user. */
import { davClient, basicFor } from '../../../test/harness/dav-test-client.ts';
import { startTestServer, type TestServer } from '../../../test/harness/test-server.ts';
import { calendarsPlugin, type CalendarServices } from '../index.ts';

export const CAL_NS = 'xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"';

/** A running server with the calendars plugin, its services and users. */
export async function caldavServer(
  opts: { env?: Record<string, string>; maxResourceSize?: number } = {},
): Promise<{ server: TestServer; services: CalendarServices }> {
  let services: CalendarServices | null = null;
  const server = await startTestServer({
    ...(opts.env ? { env: opts.env } : {}),
    plugins: [
      calendarsPlugin({
        onReady: (s) => (services = s),
        ...(opts.maxResourceSize ? { maxResourceSize: opts.maxResourceSize } : {}),
      }),
    ],
  });
  if (!services) throw new Error('calendars plugin did not start');
  return { server, services };
}

/** A DAV client acting as a user created with `<id>-password`. */
export async function userClient(server: TestServer, id: string) {
  await server.user(id);
  return davClient(server.origin, basicFor(id));
}

/** A MKCALENDAR body setting a display name (and optionally the component set). */
export function mkcalendarBody(name: string, components?: string[]): string {
  const comps = components
    ? `<c:supported-calendar-component-set>${components.map((c) => `<c:comp name="${c}"/>`).join('')}</c:supported-calendar-component-set>`
    : '';
  return `<?xml version="1.0"?><c:mkcalendar ${CAL_NS}><d:set><d:prop><d:displayname>${name}</d:displayname>${comps}</d:prop></d:set></c:mkcalendar>`;
}

/** A PROPFIND body asking for the given `prefix:name` properties (prefixes d, c, cs, ic). */
export function propfindBody(...props: string[]): string {
  return `<?xml version="1.0"?><d:propfind ${CAL_NS} xmlns:cs="http://calendarserver.org/ns/" xmlns:ic="http://apple.com/ns/ical/"><d:prop>${props.map((p) => `<${p}/>`).join('')}</d:prop></d:propfind>`;
}
