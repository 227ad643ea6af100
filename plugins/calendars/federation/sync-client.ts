/**
 * Pulls a synced copy from the owner's calendar (§2.4): `REPORT sync-collection` from the last token (empty the
 * first time, `sync-level` 1), then `GET` of each changed member whose ETag differs from the copy's, and local
 * deletion of members reported 404. A 507 for the request URI means "more": the pull continues from the new token.
 * A 403 `valid-sync-token` starts over from nothing (members the owner no longer lists are dropped). 401 means the
 * owner revoked the share: the core ends it, which removes the copy. Network errors and 5xx leave the copy as it is
 * and record the error.
 */
import type { IncomingShare, PluginContext } from '#core';
import { child, DAV_NS, elements, parseXml, textOf, type XmlElement } from '#dav';
import type { Calendar, CalendarStore } from '../calendar-store.ts';
import { validateCalendarObject } from '../ical-validate.ts';
import type { ObjectStore } from '../object-store.ts';
import { readCalendarShare, type CalendarShareInfo } from './protocol.ts';
import { collectionUrl, ownerRequest, OwnerUnreachable, unquoteEtag } from './remote-http.ts';

/** A copy holds whatever its owner holds. */
const MIRRORED = ['VEVENT', 'VTODO', 'VJOURNAL', 'VFREEBUSY'];
const CALDAV_NS = 'urn:ietf:params:xml:ns:caldav';
const MULTIGET_BATCH = 100;
const SYNC_TOKEN = /^http:\/\/sabre\.io\/ns\/sync\/[0-9]+$/;

interface Member {
  name: string;
  etag: string | null;
  present: boolean;
}

function syncBody(token: string | null): Buffer {
  return Buffer.from(
    '<?xml version="1.0" encoding="UTF-8"?>\n<d:sync-collection xmlns:d="DAV:">' +
      (token
        ? `<d:sync-token>${token.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</d:sync-token>`
        : '<d:sync-token/>') +
      '<d:sync-level>1</d:sync-level><d:prop><d:getcontenttype/><d:getetag/></d:prop></d:sync-collection>',
  );
}

function memberName(href: string): string | null {
  const last = href.replace(/\/+$/, '').split('/').pop() ?? '';
  try {
    const name = decodeURIComponent(last);
    return name && !name.includes('/') ? name : null;
  } catch {
    return null;
  }
}

function parseMultistatus(
  xml: string,
  requestPath: string,
): { members: Member[]; token: string | null; more: boolean } {
  const root = parseXml(xml);
  const members: Member[] = [];
  let more = false;
  for (const r of elements(root).filter((e) => e.ns === DAV_NS && e.local === 'response')) {
    const href = textOf(child(r, DAV_NS, 'href') ?? ({ children: [] } as unknown as XmlElement)).trim();
    const status = child(r, DAV_NS, 'status');
    const hrefPath = href.startsWith('http') ? new URL(href).pathname : href;
    if (status && / 507 /.test(textOf(status)) && hrefPath.replace(/\/+$/, '') === requestPath.replace(/\/+$/, '')) {
      more = true;
      continue;
    }
    const name = memberName(href);
    if (!name) continue;
    const ok = elements(r).find(
      (p) =>
        p.local === 'propstat' &&
        / 200 /.test(textOf(child(p, DAV_NS, 'status') ?? ({ children: [] } as unknown as XmlElement))),
    );
    const etagEl = ok && child(child(ok, DAV_NS, 'prop') ?? ok, DAV_NS, 'getetag');
    members.push({ name, present: ok !== undefined, etag: etagEl ? unquoteEtag(textOf(etagEl)) : null });
  }
  const tokenEl = child(root, DAV_NS, 'sync-token');
  return { members, token: tokenEl ? textOf(tokenEl).trim() : null, more };
}

/** Pulls synced copies; one pull per copy at a time, and a request during a pull runs once after it. */
export class SyncClient {
  readonly #running = new Map<string, Promise<void>>();
  readonly #again = new Set<string>();

  constructor(
    private readonly ctx: PluginContext,
    private readonly calendars: CalendarStore,
    private readonly objects: ObjectStore,
  ) {}

  /** Pulls the copy of an incoming share (no-op without one); resolves when it is up to date or failed. */
  async pull(share: IncomingShare): Promise<void> {
    const running = this.#running.get(share.id);
    if (running) {
      this.#again.add(share.id);
      return running;
    }
    const run = (async () => {
      try {
        do {
          this.#again.delete(share.id);
          await this.#pullOnce(share);
        } while (this.#again.has(share.id));
      } finally {
        this.#running.delete(share.id);
      }
    })();
    this.#running.set(share.id, run);
    return run;
  }

  async #pullOnce(share: IncomingShare): Promise<void> {
    const copy = await this.calendars.findByShareId(share.id);
    if (!copy?.remote) return;
    const info = readCalendarShare(share);
    try {
      await this.#sync(share, info, copy, copy.remote.syncToken);
      await this.calendars.setRemoteState(copy.id, { syncedAt: Date.now(), error: null });
    } catch (err) {
      if (err instanceof Revoked) {
        this.ctx.logger.info({ shareId: share.id }, 'owner revoked a federated calendar (401 on pull)');
        await this.ctx.shares.endedBySender(share.id);
        return;
      }
      const message = err instanceof OwnerUnreachable ? `owner unreachable: ${err.message}` : (err as Error).message;
      this.ctx.logger.warn({ shareId: share.id, err: message }, 'federated calendar pull failed');
      await this.calendars.setRemoteState(copy.id, { error: message });
    }
  }

  async #sync(share: IncomingShare, info: CalendarShareInfo, copy: Calendar, token: string | null): Promise<void> {
    const url = collectionUrl(info);
    const requestPath = new URL(url).pathname;
    let from = token;
    let full = from === null;
    const seen = new Set<string>();
    for (let round = 0; round < 1000; round++) {
      const res = await ownerRequest(this.ctx, share, info, url, {
        method: 'REPORT',
        headers: { 'content-type': 'application/xml; charset=utf-8' },
        body: syncBody(from),
      });
      if (res.status === 401) throw new Revoked();
      if (res.status === 403 && res.body.toString('utf8').includes('valid-sync-token') && from !== null) {
        from = null;
        full = true;
        continue;
      }
      if (res.status !== 207) throw new Error(`the owner's server answered ${res.status} to sync-collection`);
      const ms = parseMultistatus(res.body.toString('utf8'), requestPath);
      await this.#apply(share, info, copy, url, ms.members);
      for (const m of ms.members) if (m.present) seen.add(m.name);
      const next = ms.token && SYNC_TOKEN.test(ms.token) ? ms.token : null;
      if (next === null) throw new Error('the owner sent no usable sync token');
      await this.calendars.setRemoteState(copy.id, { syncToken: next });
      from = next;
      if (!ms.more) break;
    }
    if (full) {
      // A sync from nothing lists every member: whatever the copy holds beyond that is gone on the owner.
      for (const local of await this.objects.list(copy.id))
        if (!seen.has(local.uri)) await this.objects.delete(copy.id, local.uri);
    }
  }

  async #apply(share: IncomingShare, info: CalendarShareInfo, copy: Calendar, url: string, members: Member[]) {
    const local = new Map((await this.objects.list(copy.id)).map((o) => [o.uri, o]));
    const wanted: Member[] = [];
    for (const m of members) {
      if (!m.present) {
        if (local.has(m.name)) await this.objects.delete(copy.id, m.name);
        continue;
      }
      const have = local.get(m.name);
      if (!have || m.etag === null || have.remoteEtag !== m.etag) wanted.push(m);
    }
    // calendar-multiget in batches; whatever it does not answer with data is fetched with GET, as Nextcloud does.
    const fetched = new Map<string, { data: Buffer; etag: string | null }>();
    for (let i = 0; i < wanted.length; i += MULTIGET_BATCH)
      for (const [k, v] of await this.#multiget(share, info, url, wanted.slice(i, i + MULTIGET_BATCH)))
        fetched.set(k, v);
    for (const m of wanted) {
      let got = fetched.get(m.name);
      if (!got) {
        const res = await ownerRequest(this.ctx, share, info, url + encodeURIComponent(m.name), { method: 'GET' });
        if (res.status === 401) throw new Revoked();
        if (res.status === 404) {
          if (local.has(m.name)) await this.objects.delete(copy.id, m.name);
          continue;
        }
        if (res.status !== 200) throw new Error(`the owner's server answered ${res.status} to GET ${m.name}`);
        got = { data: res.body, etag: unquoteEtag(res.headers.etag) };
      }
      try {
        const v = validateCalendarObject(got.data, { supportedComponents: MIRRORED, mode: 'mirror' });
        await this.objects.put(copy.id, m.name, v.bytes, v.index, {}, { remoteEtag: got.etag ?? m.etag });
      } catch (err) {
        // One object the copy cannot hold must not stop the rest; it is retried on the next pull.
        this.ctx.logger.warn({ shareId: share.id, object: m.name, err: (err as Error).message }, 'object not mirrored');
      }
    }
  }

  /** One calendar-multiget; an owner that does not offer it (any answer but 207) yields nothing. */
  async #multiget(
    share: IncomingShare,
    info: CalendarShareInfo,
    url: string,
    members: Member[],
  ): Promise<Map<string, { data: Buffer; etag: string | null }>> {
    const out = new Map<string, { data: Buffer; etag: string | null }>();
    if (members.length === 0) return out;
    const base = new URL(url).pathname;
    const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
    const body = Buffer.from(
      `<?xml version="1.0" encoding="UTF-8"?>\n<c:calendar-multiget xmlns:d="DAV:" xmlns:c="${CALDAV_NS}">` +
        '<d:prop><d:getetag/><c:calendar-data/></d:prop>' +
        members.map((m) => `<d:href>${esc(base + encodeURIComponent(m.name))}</d:href>`).join('') +
        '</c:calendar-multiget>',
    );
    const res = await ownerRequest(this.ctx, share, info, url, {
      method: 'REPORT',
      headers: { 'content-type': 'application/xml; charset=utf-8', depth: '1' },
      body,
    });
    if (res.status === 401) throw new Revoked();
    if (res.status !== 207) return out;
    const root = parseXml(res.body.toString('utf8'));
    for (const r of elements(root).filter((e) => e.ns === DAV_NS && e.local === 'response')) {
      const hrefEl = child(r, DAV_NS, 'href');
      const name = hrefEl ? memberName(textOf(hrefEl).trim()) : null;
      const ok = elements(r).find(
        (p) => p.local === 'propstat' && / 200 /.test(textOf(child(p, DAV_NS, 'status') ?? p)),
      );
      const prop = ok && child(ok, DAV_NS, 'prop');
      const data = prop && child(prop, CALDAV_NS, 'calendar-data');
      if (!name || !prop || !data) continue;
      const etagEl = child(prop, DAV_NS, 'getetag');
      out.set(name, { data: Buffer.from(textOf(data), 'utf8'), etag: etagEl ? unquoteEtag(textOf(etagEl)) : null });
    }
    return out;
  }
}

class Revoked extends Error {}
