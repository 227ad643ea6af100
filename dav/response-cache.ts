/**
 * Whole PROPFIND and REPORT answers of unchanged collections, kept as the bytes that were sent. Real clients poll
 * with the same requests (a Depth 1 PROPFIND for ETags, a sync-collection from their last token, the same
 * calendar-query for the visible range, a multiget of the same hrefs) and get the same answer until something
 * changes; building one `<d:response>` per member again is most of what such a request costs.
 *
 * Only collections that say what their answers depend on take part (`DavCollection.responseVersion`): a database
 * collection gives its id, the change counter read with its row for this request and the caller's access. Every
 * member change, collection PROPPATCH and dead-property change bumps that counter in its transaction, on whichever
 * app node made it, so a changed collection is never answered from an entry made before the change. The key also
 * holds everything else of the request that can change an answer: method, target, Depth, the body's bytes,
 * Prefer/Brief, Accept, the mount (href prefix, storage space) and the authenticated principal with its write access.
 *
 * Bounded by bytes (least recently used entries go first). An entry is compressed with gzip off the event loop
 * (zlib's thread pool) when it is first hit (one-off answers are never compressed); clients that send
 * `Accept-Encoding: gzip` get those bytes from then on.
 */
import { createHash } from 'node:crypto';
import { gzip } from 'node:zlib';
import type { OutgoingHttpHeaders } from 'node:http';
import type { DavRequest } from './request.ts';
import type { DavExtension, MethodHandler } from './server.ts';
import { isCollection } from './tree.ts';

/** One kept answer. */
interface Entry {
  body: Buffer;
  gzipped: Buffer | null;
  /** Asked for again at least once (then compressed). */
  hit: boolean;
  /** Headers the handler set beyond those already set when the cache let it run (Content-Type …). */
  headers: OutgoingHttpHeaders;
  bytes: number;
}

/** Cache figures (for tests and the bench). */
export interface ResponseCacheStats {
  hits: number;
  misses: number;
  entries: number;
  bytes: number;
}

/** Headers never replayed from an entry: they belong to the connection or are set for every answer anyway. */
const NOT_REPLAYED = new Set(['content-length', 'date', 'connection', 'keep-alive', 'transfer-encoding']);

/** Request headers that change a PROPFIND or REPORT answer (with method, target, body and the mount). */
const KEY_HEADERS = ['depth', 'prefer', 'brief', 'accept'] as const;

/**
 * The methods whose answers a DAV server gives without changing anything (the response cache answers PROPFIND and
 * REPORT; GET and HEAD stream a member): what a plugin hands to the core's hot mounts (`ctx.hotMount`) so polling
 * clients skip express. Write methods stay on the express mount.
 */
export const DAV_READ_METHODS: readonly string[] = ['GET', 'HEAD', 'PROPFIND', 'REPORT'];

/** Conditional headers: a request carrying one is answered afresh (never cached). */
const CONDITIONAL = ['if', 'if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since'] as const;

/** Smallest answer worth compressing. */
const GZIP_FROM = 1024;

/** A byte-bounded LRU of whole multistatus answers. */
export class ResponseCache {
  readonly #entries = new Map<string, Entry>();
  #bytes = 0;
  #hits = 0;
  #misses = 0;
  readonly maxBytes: number;
  readonly maxEntryBytes: number;

  /** `maxBytes` for all entries together (default 32 MiB); one entry may take at most a quarter of it. */
  constructor(opts: { maxBytes?: number } = {}) {
    this.maxBytes = opts.maxBytes ?? 32 << 20;
    this.maxEntryBytes = Math.floor(this.maxBytes / 4);
  }

  get stats(): ResponseCacheStats {
    return { hits: this.#hits, misses: this.#misses, entries: this.#entries.size, bytes: this.#bytes };
  }

  /** Drops every entry. */
  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }

  get(key: string): Entry | undefined {
    const e = this.#entries.get(key);
    if (!e) {
      this.#misses++;
      return undefined;
    }
    this.#hits++;
    this.#entries.delete(key);
    this.#entries.set(key, e);
    if (!e.hit) this.#compress(key, e);
    return e;
  }

  set(key: string, body: Buffer, headers: OutgoingHttpHeaders): void {
    this.#drop(key);
    if (body.length > this.maxEntryBytes) return;
    const entry: Entry = { body, gzipped: null, hit: false, headers, bytes: body.length + key.length };
    this.#entries.set(key, entry);
    this.#bytes += entry.bytes;
    this.#trim();
  }

  /**
   * Compresses an entry the first time it is hit: an answer asked for once (a client's one-off request) never pays
   * for gzip; one asked for again is likely asked for often (a client's poll), and later hits get the gzip bytes.
   */
  #compress(key: string, entry: Entry): void {
    entry.hit = true;
    if (entry.body.length < GZIP_FROM) return;
    const done = new Promise<void>((resolve) =>
      gzip(entry.body, { level: 6 }, (err, out) => {
        this.#compressing.delete(done);
        resolve();
        // Only if the entry is still the one compressed (it may have been replaced or evicted meanwhile).
        if (err || this.#entries.get(key) !== entry) return;
        entry.gzipped = out;
        entry.bytes += out.length;
        this.#bytes += out.length;
        this.#trim();
      }),
    );
    this.#compressing.add(done);
  }
  readonly #compressing = new Set<Promise<void>>();

  /** Resolves when every compression started so far has finished (tests). */
  async settled(): Promise<void> {
    await Promise.all([...this.#compressing]);
  }

  #drop(key: string): void {
    const e = this.#entries.get(key);
    if (!e) return;
    this.#entries.delete(key);
    this.#bytes -= e.bytes;
  }

  #trim(): void {
    while (this.#bytes > this.maxBytes && this.#entries.size) {
      const [oldest] = this.#entries.keys();
      this.#drop(oldest!);
    }
  }
}

function acceptsGzip(d: DavRequest): boolean {
  const ae = d.header('accept-encoding');
  if (!ae) return false;
  for (const part of ae.toLowerCase().split(',')) {
    const [coding, ...params] = part.trim().split(';');
    if (coding?.trim() !== 'gzip') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  }
  return false;
}

/** The key of a request whose target gave `version`, or null when the request is not cacheable. */
async function keyOf(d: DavRequest, version: string): Promise<string> {
  const h = createHash('sha256');
  const m = d.mount;
  const field = (s: string) => h.update(`${s.length}:${s}|`);
  for (const s of [d.method, m.hrefPrefix, m.space, m.basePath, m.principal, m.canWrite ? 'w' : 'r', d.path]) field(s);
  field(d.trailingSlash ? '/' : '');
  field(version);
  for (const name of KEY_HEADERS) field(d.header(name) ?? '\u0000');
  const body = await d.readBody();
  h.update(body ?? Buffer.alloc(0));
  return h.digest('base64');
}

function send(d: DavRequest, e: Entry): void {
  const res = d.res;
  res.statusCode = 207;
  for (const [name, value] of Object.entries(e.headers)) if (value !== undefined) res.setHeader(name, value);
  res.setHeader('Vary', 'Accept-Encoding');
  const body = e.gzipped && acceptsGzip(d) ? e.gzipped : e.body;
  if (body === e.gzipped) res.setHeader('Content-Encoding', 'gzip');
  res.setHeader('Content-Length', body.length);
  res.end(body);
}

function cachedHandler(cache: ResponseCache): MethodHandler {
  return async (d, next) => {
    if (CONDITIONAL.some((n) => d.header(n) !== undefined)) return next();
    const node = await d.node();
    const version = isCollection(node) ? (node.responseVersion?.() ?? null) : null;
    if (version === null) return next();
    const key = await keyOf(d, version);
    const hit = cache.get(key);
    if (hit) return send(d, hit);
    const before = new Set(Object.keys(d.res.getHeaders()));
    d.onMultistatus((body) => {
      const headers: OutgoingHttpHeaders = {};
      for (const [name, value] of Object.entries(d.res.getHeaders()))
        if (!before.has(name) && !NOT_REPLAYED.has(name)) headers[name] = value;
      cache.set(key, body, headers);
    });
    d.res.setHeader('Vary', 'Accept-Encoding');
    await next();
  };
}

/**
 * The response-cache extension: PROPFIND and REPORT on collections that give a `responseVersion` are answered from
 * `cache` when an identical request already got its answer at the same version. Install it after the extensions
 * that add REPORTs (its handlers then run first and hand everything else on).
 */
export function responseCacheExtension(cache: ResponseCache): DavExtension {
  return {
    name: 'response-cache',
    setup(server) {
      const handler = cachedHandler(cache);
      server.addMethod('PROPFIND', handler);
      server.addMethod('REPORT', handler);
    },
  };
}
