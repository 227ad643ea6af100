/**
 * Pulls a recipient's synced copy of a shared DAV collection from its owner (next-capabilities.md §2.4, done
 * better): `REPORT sync-collection` from the copy's last token (empty the first time), then a multiget (batches of
 * 100) of the members whose ETag differs from the copy's, `GET` for whatever the multiget did not answer with data
 * (Nextcloud-style owners have no multiget), and local deletion of members reported gone. A 507 for the collection
 * means "more": the pull continues from the new token. A 403 `valid-sync-token` starts over from nothing (members the
 * owner no longer lists are dropped). 401 (after a fresh token exchange, see owner-request.ts), 403 or 404 on the
 * collection mean the owner revoked the share: the core ends it (`shares.endedBySender`), which removes the copy.
 * Network errors, 5xx and other answers leave the copy as it is and record the error. The resource type's storage
 * and validation sit behind {@link SyncedCopies}.
 */
import type { IncomingShare, PluginContext } from '#core';
import {
  multigetBody,
  parseMultistatus,
  syncCollectionBody,
  type MultigetSpec,
  type SyncMember,
} from './multistatus.ts';
import { ownerRequest, OwnerUnreachable, unquoteEtag, type OwnerAccess } from './owner-request.ts';

const MULTIGET_BATCH = 100;

/** The copy of an incoming share, as the sync client needs it. */
export interface SyncedCopy {
  id: string;
  /** The owner's collection URL, with a trailing slash. */
  url: string;
  syncToken: string | null;
  access: OwnerAccess;
}

/** The resource type's side of a pull: where copies and their members live, and how a member is stored. */
export interface SyncedCopies {
  /** The copy of an incoming share, or null when it has none (nothing to pull). */
  copyOf(share: IncomingShare): Promise<SyncedCopy | null>;
  /** The copy's members with the owner's ETag each was stored with. */
  members(copyId: string): Promise<Array<{ uri: string; etag: string | null }>>;
  /** Validates and stores one member as the owner sent it; a throw skips it (logged, retried on the next pull). */
  put(copyId: string, uri: string, data: Buffer, ownerEtag: string | null): Promise<void>;
  delete(copyId: string, uri: string): Promise<void>;
  /** Records the copy's sync state: the owner's token, the time of the last complete pull, the last error. */
  setState(copyId: string, s: { syncToken?: string; syncedAt?: number; error?: string | null }): Promise<void>;
}

/** What differs between resource types on the wire. */
export interface DavSyncOptions {
  /** For log lines: "federated calendar", "shared address book". */
  what: string;
  multiget: MultigetSpec;
  /** Extra `sync-collection` props (calendars ask for `getcontenttype`, as Nextcloud does). */
  syncProps?: string;
  /** The sync tokens the owner may send (others fail the pull); default any non-empty token. */
  syncToken?: RegExp;
}

/** The owner ended the share (401 after a fresh credential, or the collection is no longer there for us). */
class Revoked extends Error {}

/** Pulls synced copies; one pull per copy at a time, and a request during a pull runs once after it. */
export class DavSyncClient {
  readonly #running = new Map<string, Promise<void>>();
  readonly #again = new Set<string>();

  constructor(
    private readonly ctx: PluginContext,
    private readonly copies: SyncedCopies,
    private readonly opts: DavSyncOptions,
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
    const copy = await this.copies.copyOf(share);
    if (!copy) return;
    try {
      await this.#sync(share, copy);
      await this.copies.setState(copy.id, { syncedAt: Date.now(), error: null });
    } catch (err) {
      if (err instanceof Revoked) {
        this.ctx.logger.info({ shareId: share.id, status: err.message }, `owner revoked a ${this.opts.what}`);
        await this.ctx.shares.endedBySender(share.id);
        return;
      }
      const message = err instanceof OwnerUnreachable ? `owner unreachable: ${err.message}` : (err as Error).message;
      this.ctx.logger.warn({ shareId: share.id, err: message }, `${this.opts.what} pull failed`);
      await this.copies.setState(copy.id, { error: message });
    }
  }

  async #request(share: IncomingShare, copy: SyncedCopy, url: string, method: string, body?: Buffer, depth?: string) {
    const res = await ownerRequest(this.ctx, share, copy.access, url, {
      method,
      ...(body
        ? { body, headers: { 'content-type': 'application/xml; charset=utf-8', ...(depth ? { depth } : {}) } }
        : {}),
    });
    if (res.status === 401) throw new Revoked('401');
    return res;
  }

  async #sync(share: IncomingShare, copy: SyncedCopy): Promise<void> {
    const requestPath = new URL(copy.url).pathname;
    let from = copy.syncToken;
    let full = from === null;
    const seen = new Set<string>();
    for (let round = 0; round < 1000; round++) {
      const res = await this.#request(share, copy, copy.url, 'REPORT', syncCollectionBody(from, this.opts.syncProps));
      const text = res.body.toString('utf8');
      if (res.status === 403 && text.includes('valid-sync-token') && from !== null) {
        [from, full] = [null, true];
        continue;
      }
      // The collection itself is gone or closed to us: the share ended (Nextcloud answers these for a removed share).
      if (res.status === 404 || res.status === 403) throw new Revoked(String(res.status));
      if (res.status !== 207) throw new Error(`the owner's server answered ${res.status} to sync-collection`);
      const ms = parseMultistatus(text, requestPath);
      await this.#apply(share, copy, ms.members);
      for (const m of ms.members) if (m.present) seen.add(m.name);
      const next = ms.token && (this.opts.syncToken ?? /./).test(ms.token) ? ms.token : null;
      if (next === null) throw new Error('the owner sent no usable sync token');
      await this.copies.setState(copy.id, { syncToken: next });
      from = next;
      if (!ms.more) break;
    }
    if (full) {
      // A sync from nothing lists every member: whatever the copy holds beyond that is gone on the owner.
      for (const local of await this.copies.members(copy.id))
        if (!seen.has(local.uri)) await this.copies.delete(copy.id, local.uri);
    }
  }

  async #apply(share: IncomingShare, copy: SyncedCopy, members: SyncMember[]): Promise<void> {
    const local = new Map((await this.copies.members(copy.id)).map((m) => [m.uri, m]));
    const wanted: SyncMember[] = [];
    for (const m of members) {
      if (!m.present) {
        if (local.has(m.name)) await this.copies.delete(copy.id, m.name);
        continue;
      }
      const have = local.get(m.name);
      if (!have || m.etag === null || have.etag !== m.etag) wanted.push(m);
    }
    const fetched = new Map<string, { data: Buffer; etag: string | null } | 'gone'>();
    for (let i = 0; i < wanted.length; i += MULTIGET_BATCH)
      for (const [k, v] of await this.#multiget(share, copy, wanted.slice(i, i + MULTIGET_BATCH))) fetched.set(k, v);
    for (const m of wanted) {
      let got = fetched.get(m.name);
      if (got === undefined) {
        const res = await this.#request(share, copy, copy.url + encodeURIComponent(m.name), 'GET');
        if (res.status === 404) got = 'gone';
        else if (res.status !== 200) throw new Error(`the owner's server answered ${res.status} to GET ${m.name}`);
        else got = { data: res.body, etag: unquoteEtag(res.headers.etag) };
      }
      if (got === 'gone') {
        if (local.has(m.name)) await this.copies.delete(copy.id, m.name);
        continue;
      }
      try {
        await this.copies.put(copy.id, m.name, got.data, got.etag ?? m.etag);
      } catch (err) {
        // One member the copy cannot hold must not stop the rest; it is retried on the next pull.
        this.ctx.logger.warn({ shareId: share.id, member: m.name, err: (err as Error).message }, 'member not mirrored');
      }
    }
  }

  /** One multiget: members with data, members reported gone; an owner without it (no 207) yields nothing. */
  async #multiget(share: IncomingShare, copy: SyncedCopy, members: SyncMember[]) {
    const out = new Map<string, { data: Buffer; etag: string | null } | 'gone'>();
    if (members.length === 0) return out;
    const base = new URL(copy.url).pathname;
    const spec = this.opts.multiget;
    const body = multigetBody(
      spec,
      members.map((m) => base + encodeURIComponent(m.name)),
    );
    const res = await this.#request(share, copy, copy.url, 'REPORT', body, '1');
    if (res.status !== 207) return out;
    const asked = new Set(members.map((m) => m.name));
    for (const m of parseMultistatus(res.body.toString('utf8'), base, { ns: spec.ns, local: spec.data }).members) {
      if (!asked.has(m.name)) continue;
      if (!m.present) out.set(m.name, 'gone');
      else if (m.data !== undefined) out.set(m.name, { data: Buffer.from(m.data, 'utf8'), etag: m.etag });
    }
    return out;
  }
}
