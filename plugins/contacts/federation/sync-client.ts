/**
 * Pulls a synced address-book copy from its owner: `REPORT sync-collection` from the last token (empty the first
 * time), then `addressbook-multiget` of the changed members, and local deletion of members reported 404. A 507 for
 * the request URI means "more". A 403 `valid-sync-token` starts over. 401 means the owner revoked the share: the core
 * ends it, which removes the copy. Network errors and 5xx keep the copy and record the error.
 */
import type { IncomingShare, PluginContext } from '#core';
import { child, DAV_NS, elements, parseXml, textOf, type XmlElement } from '#dav';
import type { CardStore } from '../card-store.ts';
import { validateCard, type CardLimits } from '../vcard.ts';
import { readAddressbookShare } from './protocol.ts';
import { ownerRequest, OwnerUnreachable, unquoteEtag } from './remote-http.ts';
import type { SharedBooks, SharedBookState } from './shared-books.ts';

const CARDDAV_NS = 'urn:ietf:params:xml:ns:carddav';
const MULTIGET_BATCH = 100;
const NONE = { children: [] } as unknown as XmlElement;
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

interface Member {
  name: string;
  etag: string | null;
  present: boolean;
  data?: string;
}

function syncBody(token: string | null): Buffer {
  return Buffer.from(
    '<?xml version="1.0" encoding="UTF-8"?>\n<d:sync-collection xmlns:d="DAV:">' +
      (token ? `<d:sync-token>${esc(token)}</d:sync-token>` : '<d:sync-token/>') +
      '<d:sync-level>1</d:sync-level><d:prop><d:getetag/></d:prop></d:sync-collection>',
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

/** The responses of a multistatus: members (with address-data when present), the token, and 507 "more". */
function parseMultistatus(xml: string, requestPath: string) {
  const root = parseXml(xml);
  const members: Member[] = [];
  let more = false;
  for (const r of elements(root).filter((e) => e.ns === DAV_NS && e.local === 'response')) {
    const href = textOf(child(r, DAV_NS, 'href') ?? NONE).trim();
    const status = child(r, DAV_NS, 'status');
    const hrefPath = href.startsWith('http') ? new URL(href).pathname : href;
    if (status && / 507 /.test(textOf(status)) && hrefPath.replace(/\/+$/, '') === requestPath.replace(/\/+$/, '')) {
      more = true;
      continue;
    }
    const name = memberName(href);
    if (!name || hrefPath.replace(/\/+$/, '') === requestPath.replace(/\/+$/, '')) continue;
    const ok = elements(r).find(
      (p) => p.local === 'propstat' && / 200 /.test(textOf(child(p, DAV_NS, 'status') ?? NONE)),
    );
    const prop = ok && child(ok, DAV_NS, 'prop');
    const etagEl = prop && child(prop, DAV_NS, 'getetag');
    const data = prop && child(prop, CARDDAV_NS, 'address-data');
    members.push({
      name,
      present: ok !== undefined,
      etag: etagEl ? unquoteEtag(textOf(etagEl)) : null,
      ...(data ? { data: textOf(data) } : {}),
    });
  }
  const tokenEl = child(root, DAV_NS, 'sync-token');
  return { members, token: tokenEl ? textOf(tokenEl).trim() : null, more };
}

class Revoked extends Error {}

/** Pulls shared copies; one pull per copy at a time, and a request during a pull runs once after it. */
export class SyncClient {
  readonly #running = new Map<string, Promise<void>>();
  readonly #again = new Set<string>();

  constructor(
    private readonly ctx: PluginContext,
    private readonly shared: SharedBooks,
    private readonly cards: CardStore,
    private readonly limits: CardLimits,
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
    const state = await this.shared.byShare(share.id);
    if (!state) return;
    try {
      await this.#sync(share, state);
      await this.shared.setState(state.bookId, { syncedAt: Date.now(), error: null });
    } catch (err) {
      if (err instanceof Revoked) {
        this.ctx.logger.info({ shareId: share.id }, 'owner revoked a shared address book (401 on pull)');
        await this.ctx.shares.endedBySender(share.id);
        return;
      }
      const message = err instanceof OwnerUnreachable ? `owner unreachable: ${err.message}` : (err as Error).message;
      this.ctx.logger.warn({ shareId: share.id, err: message }, 'shared address book pull failed');
      await this.shared.setState(state.bookId, { error: message });
    }
  }

  async #request(share: IncomingShare, url: string, method: string, body: Buffer, depth?: string) {
    const secret = readAddressbookShare(share).sharedSecret;
    const res = await ownerRequest(this.ctx, share, secret, url, {
      method,
      headers: { 'content-type': 'application/xml; charset=utf-8', ...(depth ? { depth } : {}) },
      body,
    });
    if (res.status === 401) throw new Revoked();
    return res;
  }

  async #sync(share: IncomingShare, state: SharedBookState): Promise<void> {
    const url = state.url;
    const requestPath = new URL(url).pathname;
    let from = state.remoteSyncToken;
    let full = from === null;
    const seen = new Set<string>();
    for (let round = 0; round < 1000; round++) {
      const res = await this.#request(share, url, 'REPORT', syncBody(from));
      if (res.status === 403 && res.body.toString('utf8').includes('valid-sync-token') && from !== null) {
        [from, full] = [null, true];
        continue;
      }
      if (res.status !== 207) throw new Error(`the owner's server answered ${res.status} to sync-collection`);
      const ms = parseMultistatus(res.body.toString('utf8'), requestPath);
      await this.#apply(share, state, ms.members);
      for (const m of ms.members) if (m.present) seen.add(m.name);
      if (!ms.token) throw new Error('the owner sent no sync token');
      await this.shared.setState(state.bookId, { remoteSyncToken: ms.token });
      from = ms.token;
      if (!ms.more) break;
    }
    if (full)
      for (const local of await this.cards.list(state.bookId))
        if (!seen.has(local.uri)) await this.cards.delete(state.bookId, local.uri);
  }

  async #apply(share: IncomingShare, state: SharedBookState, members: Member[]): Promise<void> {
    const local = new Map((await this.cards.list(state.bookId)).map((c) => [c.uri, c]));
    const wanted: Member[] = [];
    for (const m of members) {
      if (!m.present) {
        if (local.has(m.name)) await this.cards.delete(state.bookId, m.name);
      } else if (m.etag === null || local.get(m.name)?.etag !== m.etag) wanted.push(m);
    }
    const base = new URL(state.url).pathname;
    for (let i = 0; i < wanted.length; i += MULTIGET_BATCH) {
      const batch = wanted.slice(i, i + MULTIGET_BATCH);
      const body = Buffer.from(
        `<?xml version="1.0" encoding="UTF-8"?>\n<c:addressbook-multiget xmlns:d="DAV:" xmlns:c="${CARDDAV_NS}">` +
          '<d:prop><d:getetag/><c:address-data/></d:prop>' +
          batch.map((m) => `<d:href>${esc(base + encodeURIComponent(m.name))}</d:href>`).join('') +
          '</c:addressbook-multiget>',
      );
      const res = await this.#request(share, state.url, 'REPORT', body, '1');
      if (res.status !== 207) throw new Error(`the owner's server answered ${res.status} to addressbook-multiget`);
      for (const m of parseMultistatus(res.body.toString('utf8'), base).members) {
        if (!m.present || m.data === undefined) {
          if (local.has(m.name)) await this.cards.delete(state.bookId, m.name);
          continue;
        }
        try {
          const bytes = Buffer.from(m.data, 'utf8');
          await this.cards.put(state.bookId, m.name, bytes, validateCard(bytes, undefined, this.limits));
        } catch (err) {
          // One card the copy cannot hold must not stop the rest.
          this.ctx.logger.warn({ shareId: share.id, card: m.name, err: (err as Error).message }, 'card not mirrored');
        }
      }
    }
  }
}
