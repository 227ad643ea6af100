/** Test helpers for the CalDAV layer: a server with the calendars plugin and a DAV client per user. */
import type { ResponseCache } from '#dav';
import { freshPostgresUrl, postgresAvailable } from '../../../test/harness/databases.ts';
import { davClient, basicFor } from '../../../test/harness/dav-test-client.ts';
import { startTestServer, type TestServer } from '../../../test/harness/test-server.ts';
import { calendarsPlugin, type CalendarServices } from '../index.ts';

export const CAL_NS = 'xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:caldav"';

/** A running server with the calendars plugin, its services and users. */
export async function caldavServer(
  opts: { env?: Record<string, string>; maxResourceSize?: number; responseCache?: ResponseCache } = {},
): Promise<{ server: TestServer; services: CalendarServices }> {
  let services: CalendarServices | null = null;
  const server = await startTestServer({
    ...(opts.env ? { env: opts.env } : {}),
    plugins: [
      calendarsPlugin({
        onReady: (s) => (services = s),
        ...(opts.maxResourceSize ? { maxResourceSize: opts.maxResourceSize } : {}),
        ...(opts.responseCache ? { responseCache: opts.responseCache } : {}),
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

/** The database engines the protocol tests run on. */
export const ENGINES = ['sqlite', 'postgres'] as const;

/**
 * Starts a calendars server on an engine (PostgreSQL in a fresh schema; skipped outside CI when it is not
 * running, a failure in CI); returns null when skipped.
 */
export async function engineServer(
  ctx: Mocha.Context,
  engine: (typeof ENGINES)[number],
  opts: { maxResourceSize?: number } = {},
): Promise<{ server: TestServer; services: CalendarServices; cleanup: () => Promise<void> } | null> {
  if (engine === 'sqlite') {
    const s = await caldavServer(opts);
    return { ...s, cleanup: () => s.server.destroy() };
  }
  if (!(await postgresAvailable())) {
    ctx.skip();
    return null;
  }
  const pgdb = await freshPostgresUrl();
  const s = await caldavServer({ ...opts, env: { MESHWORK_DATABASE_URL: pgdb.url } });
  return {
    ...s,
    cleanup: async () => {
      await s.server.destroy();
      await pgdb.drop().catch(() => {});
    },
  };
}

/** PUT of an iCalendar text (text/calendar). */
export function putIcs(
  client: Awaited<ReturnType<typeof userClient>>,
  path: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
) {
  return client.send('PUT', path, { headers: { 'content-type': 'text/calendar; charset=utf-8', ...headers }, body });
}

/** A REPORT with Depth (default 1). */
export function report(
  client: Awaited<ReturnType<typeof userClient>>,
  path: string,
  body: string,
  depth: string | null = '1',
) {
  return client.send('REPORT', path, { headers: depth === null ? {} : { depth }, body });
}

/** The hrefs of the `<d:response>` elements of a multistatus, in order. */
export function responseHrefs(text: string): string[] {
  return [...text.matchAll(/<d:response><d:href>([^<]*)</g)].map((m) => m[1]!);
}
