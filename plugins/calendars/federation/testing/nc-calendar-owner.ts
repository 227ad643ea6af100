/**
 * Nextcloud 33 as the *owner* of a federated calendar, for tests (next-capabilities.md §2.2–§2.5): the share body
 * `FederationSharingService` sends (providerId "calendar", the v1 protocol block), `SYNC_CALENDAR` as
 * `CalendarFederationNotifier` sends it, and the CalDAV collection at
 * `/remote.php/dav/remote-calendars/<base64(cloud id)>/<uri>_shared_by_<owner>` guarded as `FederatedCalendarAuth`
 * does (Basic user = the base64 principal of the path, password = the share's token; anything else 401). Sync
 * tokens are `http://sabre.io/ns/sync/<n>`; deletions come back as 404 responses; PUT honours If-Match /
 * If-None-Match as sabre does and always answers an ETag.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

interface Obj {
  data: string;
  etag: string;
}

/** One calendar this fake Nextcloud owns and shares with one remote user. */
export interface NcOwnedCalendar {
  uri: string;
  displayName: string;
  color: string | null;
  access: 2 | 3;
  shareWith: string;
  token: string;
  revoked: boolean;
  objects: Map<string, Obj>;
  changes: { token: number; name: string }[];
  syncToken: number;
  /** Requests the recipient's server made, in order (`METHOD name`, with the headers that matter). */
  requests: { method: string; name: string; ifMatch?: string; ifNoneMatch?: string; depth?: string }[];
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const etagOf = (data: string) => createHash('md5').update(data).digest('hex');
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** The owning side's calendars and their CalDAV routes. */
export class NcCalendarOwner {
  readonly calendars = new Map<string, NcOwnedCalendar>();

  constructor(private readonly origin: () => string) {}

  /** Path of a calendar share, as Nextcloud builds it. */
  path(cal: { uri: string; shareWith: string }): string {
    return `/remote.php/dav/remote-calendars/${b64(cal.shareWith)}/${cal.uri}_shared_by_alice`;
  }

  add(opts: { uri: string; displayName: string; color: string | null; access: 2 | 3; shareWith: string }) {
    const cal: NcOwnedCalendar = {
      ...opts,
      token: randomBytes(24).toString('base64url').slice(0, 32),
      revoked: false,
      objects: new Map(),
      changes: [],
      syncToken: 1,
      requests: [],
    };
    this.calendars.set(this.path(cal), cal);
    return cal;
  }

  /** The share body `FederationSharingService::shareWith` sends. */
  shareBody(cal: NcOwnedCalendar, host: string): Record<string, unknown> {
    return {
      shareWith: cal.shareWith,
      name: cal.uri,
      description: cal.displayName,
      providerId: 'calendar',
      owner: `alice@${host}`,
      ownerDisplayName: 'Alice NC',
      sharedBy: `alice@${host}`,
      sharedByDisplayName: 'Alice NC',
      shareType: 'user',
      resourceType: 'calendar',
      protocol: {
        name: 'webdav',
        options: { sharedSecret: cal.token, permissions: '{http://open-cloud-mesh.org/ns}share-permissions' },
        version: 'v1',
        url: `${this.origin()}${this.path(cal)}`,
        displayName: cal.displayName,
        color: cal.color,
        access: cal.access,
        components: 'VEVENT,VTODO',
      },
    };
  }

  /** The `SYNC_CALENDAR` body `CalendarFederationNotifier` sends. */
  syncBody(cal: NcOwnedCalendar): Record<string, unknown> {
    return {
      notificationType: 'SYNC_CALENDAR',
      resourceType: 'calendar',
      providerId: 'calendar',
      notification: {
        sharedSecret: cal.token,
        shareWith: cal.shareWith,
        calendarUrl: `${this.origin()}${this.path(cal)}`,
      },
    };
  }

  /** A change by the owner (in Nextcloud's own UI). */
  put(cal: NcOwnedCalendar, name: string, data: string): void {
    cal.objects.set(name, { data, etag: etagOf(data) });
    cal.changes.push({ token: ++cal.syncToken, name });
  }

  remove(cal: NcOwnedCalendar, name: string): void {
    cal.objects.delete(name);
    cal.changes.push({ token: ++cal.syncToken, name });
  }

  /** Serves the remote-calendars tree; false for other paths. */
  async handle(req: IncomingMessage, raw: Buffer, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://x');
    const m = /^(\/remote\.php\/dav\/remote-calendars\/[^/]+\/[^/]+)(?:\/([^/]*))?$/.exec(url.pathname);
    if (!m) return false;
    const cal = this.calendars.get(m[1] as string);
    const name = decodeURIComponent(m[2] ?? '');
    const method = req.method ?? 'GET';
    const send = (status: number, body = '', headers: Record<string, string> = {}) =>
      void res.writeHead(status, headers).end(body);
    // FederatedCalendarAuth: Basic <b64 principal>:<token>, and the path must be that principal's.
    const auth = req.headers.authorization ?? '';
    const [user, pass] = auth.startsWith('Basic ')
      ? Buffer.from(auth.slice(6), 'base64').toString('utf8').split(':', 2)
      : [];
    if (!cal || cal.revoked || pass !== cal.token || user !== b64(cal.shareWith)) {
      send(401, '<?xml version="1.0"?><d:error xmlns:d="DAV:"/>', { 'www-authenticate': 'Basic realm="sabre/dav"' });
      return true;
    }
    cal.requests.push({
      method,
      name,
      ...(req.headers['if-match'] ? { ifMatch: String(req.headers['if-match']) } : {}),
      ...(req.headers['if-none-match'] ? { ifNoneMatch: String(req.headers['if-none-match']) } : {}),
      ...(req.headers.depth ? { depth: String(req.headers.depth) } : {}),
    });
    const href = (n: string) => `${m[1]}/${encodeURIComponent(n)}`;
    if (method === 'REPORT' && !name) {
      const text = raw.toString('utf8');
      const tm = /<d:sync-token>([^<]*)<\/d:sync-token>/.exec(text);
      const tok = tm ? (tm[1] ?? '').trim() : '';
      let names: string[];
      if (tok === '') names = [...cal.objects.keys()];
      else {
        const n = /^http:\/\/sabre\.io\/ns\/sync\/(\d+)$/.exec(tok);
        if (!n || Number(n[1]) > cal.syncToken) {
          send(403, '<?xml version="1.0"?><d:error xmlns:d="DAV:"><d:valid-sync-token/></d:error>');
          return true;
        }
        names = [...new Set(cal.changes.filter((c) => c.token > Number(n[1])).map((c) => c.name))];
      }
      const parts = names.map((n) => {
        const o = cal.objects.get(n);
        return o
          ? `<d:response><d:href>${esc(href(n))}</d:href><d:propstat><d:prop><d:getcontenttype>text/calendar; charset=utf-8; component=vevent</d:getcontenttype><d:getetag>"${o.etag}"</d:getetag></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>`
          : `<d:response><d:href>${esc(href(n))}</d:href><d:status>HTTP/1.1 404 Not Found</d:status></d:response>`;
      });
      send(
        207,
        `<?xml version="1.0"?>\n<d:multistatus xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns">${parts.join('')}<d:sync-token>http://sabre.io/ns/sync/${cal.syncToken}</d:sync-token></d:multistatus>`,
        { 'content-type': 'application/xml; charset=utf-8' },
      );
      return true;
    }
    const current = cal.objects.get(name);
    if (method === 'GET' && name) {
      if (!current) send(404);
      else send(200, current.data, { 'content-type': 'text/calendar; charset=utf-8', etag: `"${current.etag}"` });
      return true;
    }
    if ((method === 'PUT' || method === 'DELETE') && name) {
      if (cal.access !== 2) {
        send(403, '<?xml version="1.0"?><d:error xmlns:d="DAV:"><d:need-privileges/></d:error>');
        return true;
      }
      const ifMatch = req.headers['if-match'];
      const ifNoneMatch = req.headers['if-none-match'];
      if (
        (ifMatch !== undefined && (!current || (ifMatch !== '*' && ifMatch !== `"${current.etag}"`))) ||
        (ifNoneMatch === '*' && current)
      ) {
        send(412);
        return true;
      }
      if (method === 'DELETE') {
        if (!current) send(404);
        else {
          this.remove(cal, name);
          send(204);
        }
        return true;
      }
      this.put(cal, name, raw.toString('utf8'));
      send(current ? 204 : 201, '', { etag: `"${cal.objects.get(name)!.etag}"` });
      return true;
    }
    send(405);
    return true;
  }
}
