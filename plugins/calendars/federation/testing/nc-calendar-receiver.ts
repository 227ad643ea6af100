/**
 * Nextcloud 33 as the *recipient* of a federated calendar, for tests (next-capabilities.md §2.2–§2.5): the checks of
 * `CalendarFederationProvider::shareReceived` and `::notificationReceived`, and the pull of
 * `FederatedCalendarSyncService` (REPORT sync-collection with no Depth and no sync-level, Basic
 * `base64(cloud id)`:secret, GET per changed member, 404 → delete, 401 → the calendar is deleted, sync tokens must be
 * `http://sabre.io/ns/sync/<n>` or they are not saved) and the write-back of `FederatedCalendar` (PUT without
 * If-Match; an answer without ETag is an error).
 */

/** A calendar share this fake Nextcloud received. */
export interface NcReceivedCalendar {
  body: Record<string, any>;
  url: string;
  token: string;
  shareWith: string;
  access: number;
  syncToken: string | null;
  deleted: boolean;
  objects: Map<string, string>;
  /** SYNC_CALENDAR notifications that matched this calendar. */
  syncNotifications: number;
}

type Answer = { status: number; body: unknown } | undefined;

const SYNC_TOKEN = /^http:\/\/sabre\.io\/ns\/sync\/([0-9]+)$/;

/** The receiving side's state and its answers to OCM requests. */
export class NcCalendarReceiver {
  readonly calendars: NcReceivedCalendar[] = [];
  /** Notifications refused, with Nextcloud's reason. */
  readonly refused: { body: unknown; reason: string }[] = [];
  /** Other notifications about calendars it took (201 `[]`, otherwise ignored: SHARE_UNSHARED, permission changes). */
  readonly ignored: any[] = [];

  /** CalendarFederationProvider::shareReceived, for calendar shares (undefined: not a calendar share). */
  shareReceived(body: any): Answer {
    if (body?.resourceType !== 'calendar') return undefined;
    if (body.shareType !== 'user')
      return { status: 501, body: { message: 'Support for sharing with non-users not implemented yet' } };
    const p = body.protocol ?? {};
    if (p.version === undefined) return { status: 400, body: { message: 'No protocol version' } };
    if (p.version !== 'v1') return { status: 400, body: { message: 'Unknown protocol version' } };
    if (
      typeof p.url !== 'string' ||
      typeof p.displayName !== 'string' ||
      !(typeof p.color === 'string' || p.color === null) ||
      !Number.isInteger(p.access) ||
      typeof p.components !== 'string'
    )
      return { status: 400, body: { message: 'Invalid protocol data (v1)' } };
    if (!p.url || !p.displayName) return { status: 400, body: { message: 'Incomplete protocol data' } };
    if (p.access !== 2 && p.access !== 3) return { status: 400, body: { message: 'Unsupported access value' } };
    const token = p.options?.sharedSecret;
    if (typeof token !== 'string') return { status: 400, body: { message: 'Missing sharedSecret' } };
    const existing = this.calendars.find((c) => c.url === p.url);
    if (existing) existing.token = token;
    else
      this.calendars.push({
        body,
        url: p.url,
        token,
        shareWith: String(body.shareWith),
        access: p.access,
        syncToken: null,
        deleted: false,
        objects: new Map(),
        syncNotifications: 0,
      });
    return { status: 201, body: {} };
  }

  /** CalendarFederationProvider::notificationReceived (undefined: not about a calendar). */
  notificationReceived(body: any): Answer {
    if (body?.resourceType !== 'calendar') return undefined;
    if (body.providerId !== 'calendar') {
      this.refused.push({ body, reason: 'providerId' });
      return { status: 400, body: { message: 'providerId' } };
    }
    if (body.notificationType !== 'SYNC_CALENDAR') {
      this.ignored.push(body);
      return { status: 201, body: [] };
    }
    const n = body.notification ?? {};
    for (const k of ['sharedSecret', 'shareWith', 'calendarUrl'])
      if (typeof n[k] !== 'string') {
        this.refused.push({ body, reason: k });
        return { status: 400, body: { message: k } };
      }
    const cal = this.calendars.find(
      (c) => !c.deleted && c.url === n.calendarUrl && c.token === n.sharedSecret && c.shareWith === n.shareWith,
    );
    if (!cal) {
      this.refused.push({ body, reason: 'ShareNotFound' });
      return { status: 400, body: { message: 'ShareNotFound' } };
    }
    cal.syncNotifications++;
    return { status: 201, body: [] };
  }

  #auth(cal: NcReceivedCalendar): string {
    const user = Buffer.from(cal.shareWith).toString('base64');
    return `Basic ${Buffer.from(`${user}:${cal.token}`).toString('base64')}`;
  }

  /** FederatedCalendarSyncService::syncOne. Returns the number of changed objects (0 on a bad token, as NC does). */
  async pull(cal: NcReceivedCalendar): Promise<number> {
    const body =
      '<?xml version="1.0" encoding="UTF-8"?>\n<d:sync-collection xmlns:d="DAV:">' +
      (cal.syncToken ? `<d:sync-token>${cal.syncToken}</d:sync-token>` : '<d:sync-token/>') +
      '<d:prop><d:getcontenttype/><d:getetag/></d:prop></d:sync-collection>';
    const res = await fetch(cal.url, {
      method: 'REPORT',
      headers: { authorization: this.#auth(cal), 'content-type': 'application/xml' },
      body,
    });
    const text = await res.text();
    if (res.status === 401) {
      cal.deleted = true; // "Remote server revoked access"
      return 0;
    }
    if (res.status !== 207) throw new Error(`sync-collection answered ${res.status}: ${text}`);
    let changed = 0;
    for (const r of text.matchAll(/<d:response>([\s\S]*?)<\/d:response>/g)) {
      const inner = r[1] as string;
      const href = /<d:href>([^<]*)<\/d:href>/.exec(inner)?.[1] ?? '';
      const name = decodeURIComponent(href.split('/').pop() ?? '');
      if (/<d:propstat>[\s\S]*?HTTP\/1\.1 200/.test(inner)) {
        const got = await fetch(new URL(href, cal.url), { headers: { authorization: this.#auth(cal) } });
        if (got.status !== 200) throw new Error(`GET ${href} answered ${got.status}`);
        cal.objects.set(name, await got.text());
      } else cal.objects.delete(name);
      changed++;
    }
    const token = /<d:sync-token>([^<]*)<\/d:sync-token>/.exec(text)?.[1] ?? '';
    if (!SYNC_TOKEN.test(token)) return 0; // "New sync token has unexpected format": not saved
    cal.syncToken = token;
    return changed;
  }

  /** FederatedCalendar::createFile/updateFile: PUT without conditions; an empty ETag is an error. */
  async writeBack(cal: NcReceivedCalendar, name: string, data: string): Promise<{ status: number; etag: string }> {
    const res = await fetch(`${cal.url.replace(/\/?$/, '/')}${encodeURIComponent(name)}`, {
      method: 'PUT',
      headers: { authorization: this.#auth(cal), 'content-type': 'text/calendar; charset=utf-8' },
      body: data,
    });
    await res.text();
    const etag = res.headers.get('etag') ?? '';
    if (res.ok && !etag) throw new Error('Failed to create/update calendar object on remote server');
    if (res.ok) cal.objects.set(name, data);
    return { status: res.status, etag };
  }
}
