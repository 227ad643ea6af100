/**
 * One DAV request resolved against its mount: the decoded target path, node lookup (cached for the request), hrefs,
 * storage keys for locks and dead properties, and the request's headers and body in the forms handlers need.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DavError } from './errors.ts';
import { baseName, decodeSegments, encodeSegment, hrefFor, isWithin, joinTree, parentOf, treePath } from './paths.ts';
import { multistatusBytes } from './prop-find.ts';
import { isCollection, type DavMount, type DavNode, type WriteInput } from './tree.ts';
import { decodeUtf8, parseXml } from './xml-parse.ts';
import type { XmlElement } from './xml.ts';

/** What the request context needs from its server. */
export interface DavRequestLimits {
  /** Largest XML request body accepted (413 beyond). */
  maxXmlBytes: number;
}

/** A Depth header value. */
export type Depth = '0' | '1' | 'infinity';

/** A request in progress. Method handlers, property providers and report handlers all receive one. */
export class DavRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  readonly mount: DavMount;
  /** Target path inside the mount, decoded ('/' = the mount root, '/a/b' below it). */
  readonly path: string;
  /** Whether the request URL ended with '/'. */
  readonly trailingSlash: boolean;
  readonly #limits: DavRequestLimits;
  #nodes = new Map<string, Promise<DavNode | null>>();

  constructor(req: IncomingMessage, res: ServerResponse, mount: DavMount, rawPath: string, limits: DavRequestLimits) {
    this.req = req;
    this.res = res;
    this.method = (req.method ?? 'GET').toUpperCase();
    this.mount = mount;
    this.#limits = limits;
    this.path = treePath(decodeSegments(rawPath));
    const q = rawPath.search(/[?#]/);
    this.trailingSlash = (q === -1 ? rawPath : rawPath.slice(0, q)).endsWith('/');
  }

  /** The node at a mount path (default: the request target), or null. Lookups are cached until `forget()`. */
  node(path = this.path): Promise<DavNode | null> {
    let hit = this.#nodes.get(path);
    if (!hit) {
      hit = this.#resolve(path);
      this.#nodes.set(path, hit);
    }
    return hit;
  }

  async #resolve(path: string): Promise<DavNode | null> {
    if (path === '/') return this.mount.root;
    const parent = await this.node(parentOf(path));
    return isCollection(parent) ? parent.child(baseName(path)) : null;
  }

  /** Drops cached lookups (after a change to the tree). */
  forget(): void {
    this.#nodes.clear();
  }

  /**
   * The href of a mount path. A listing asks for thousands of members of one parent: the parent's encoded href
   * is kept for the request and only the last segment is encoded per member.
   */
  href(path: string, collection: boolean): string {
    const cut = path.lastIndexOf('/');
    if (cut <= 0 || cut === path.length - 1) return hrefFor(this.mount.hrefPrefix, path, collection);
    const parent = path.slice(0, cut);
    let base = this.#parentHrefs.get(parent);
    if (base === undefined) {
      base = hrefFor(this.mount.hrefPrefix, parent, true);
      if (this.#parentHrefs.size < 64) this.#parentHrefs.set(parent, base);
    }
    const href = base + encodeSegment(path.slice(cut + 1));
    return collection ? `${href}/` : href;
  }
  readonly #parentHrefs = new Map<string, string>();

  /** The storage path of a mount path: where locks and dead properties of it are kept. */
  key(path = this.path): string {
    return joinTree(this.mount.basePath, path);
  }

  /** The mount path of a storage path, or null when it lies outside this mount. */
  pathOfKey(key: string): string | null {
    const base = this.mount.basePath;
    if (!isWithin(key, base)) return null;
    return base === '/' ? key : key === base ? '/' : key.slice(base.length);
  }

  /** Maps a Destination or If-header URL (absolute or a path) to a mount path; null when it points elsewhere. */
  pathFromUrl(raw: string): string | null {
    // A multiget names up to hundreds of members as plain absolute paths below the mount: those skip the URL
    // parser, which would return them unchanged (no dot segments, empty segments, query or characters it encodes).
    const prefix = this.mount.hrefPrefix;
    if (raw.startsWith(prefix) && raw[prefix.length] === '/' && PLAIN_PATH.test(raw) && !DOT_OR_EMPTY.test(raw))
      return treePath(decodeSegments(raw.slice(prefix.length)));
    let url: URL;
    try {
      url = new URL(raw, `http://${this.req.headers.host ?? 'localhost'}`);
    } catch {
      return null;
    }
    if (url.host.toLowerCase() !== String(this.req.headers.host ?? '').toLowerCase()) return null;
    if (url.pathname !== prefix && !url.pathname.startsWith(`${prefix}/`)) return null;
    return treePath(decodeSegments(url.pathname.slice(prefix.length)));
  }

  /** A single request header as a string, or undefined. */
  header(name: string): string | undefined {
    const v = this.req.headers[name.toLowerCase()];
    return Array.isArray(v) ? v.join(', ') : v;
  }

  /** Depth header: '0', '1' or 'infinity' (missing = `def`); 400 for anything else. */
  depth(def: Depth): Depth {
    const raw = this.header('depth');
    if (raw === undefined) return def;
    const v = raw.trim().toLowerCase();
    if (v === '0' || v === '1' || v === 'infinity') return v;
    throw new DavError(400, `invalid Depth: ${v.slice(0, 20)}`, 'DAV_BAD_DEPTH');
  }

  /** Brief: t and Prefer: return=minimal ask to leave out 404 propstats. */
  wantsMinimal(): boolean {
    const prefer = (this.header('prefer') ?? '').toLowerCase();
    return (
      prefer.includes('return=minimal') ||
      prefer.includes('return-minimal') ||
      (this.header('brief') ?? '').toLowerCase() === 't'
    );
  }

  /** True when the request announces a body (Content-Length > 0 or chunked). */
  hasBody(): boolean {
    return hasBodyHeaders(this.req);
  }

  /**
   * The raw XML body (at most `maxXmlBytes`, 413 beyond); null when there is none. Read once and kept, so an
   * extension that looks at the bytes first (the response cache) leaves them for the handler.
   */
  readBody(): Promise<Buffer | null> {
    this.#body ??= this.#readBody();
    return this.#body;
  }
  #body: Promise<Buffer | null> | undefined;

  async #readBody(): Promise<Buffer | null> {
    if (!this.hasBody()) return null;
    const max = this.#limits.maxXmlBytes;
    const tooLarge = (): DavError => new DavError(413, `XML bodies are limited to ${max} bytes`, 'DAV_BODY_TOO_LARGE');
    if (Number(this.header('content-length') ?? 0) > max) throw tooLarge();
    // Plain 'data'/'end' listeners: an async iterator over the request cost more CPU than a small body's parse.
    const req = this.req;
    return new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const onData = (chunk: Buffer) => {
        size += chunk.length;
        if (size > max) {
          done();
          req.resume();
          reject(tooLarge());
        } else chunks.push(chunk);
      };
      const onEnd = () => {
        done();
        resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
      };
      const onError = (err: Error) => {
        done();
        reject(err);
      };
      const onClose = () => {
        if (!req.complete) onError(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
      };
      const done = () => {
        req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      };
      req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
    });
  }

  /** Reads and parses an XML body (strict UTF-8, size- and depth-limited); null when there is none. */
  async readXml(): Promise<XmlElement | null> {
    const bytes = await this.readBody();
    if (!bytes) return null;
    const text = decodeUtf8(bytes);
    return text.trim() === '' ? null : parseXml(text);
  }

  /**
   * The body as a backend write input: the request stream itself. Node's parser never passes more than
   * Content-Length, and a client that stops short fails the stream (ECONNRESET, "aborted"), so no counting hop is
   * needed in between (it cost two promise turns per chunk).
   */
  writeInput(): WriteInput {
    const declared = this.header('content-length');
    const length = declared !== undefined && /^\d+$/.test(declared.trim()) ? Number(declared) : null;
    return { body: this.req, length, contentType: this.header('content-type'), headers: this.req.headers };
  }

  /** Answers 207 with these `<d:response>` elements (and trailing elements such as `<d:sync-token>`). */
  sendMultistatus(responses: string[], trailer = ''): void {
    // Encoded once: byteLength and then end(string) would each walk a big listing's text again.
    const body = multistatusBytes(responses, trailer);
    this.res.statusCode = 207;
    this.res.setHeader('Content-Type', 'application/xml; charset=utf-8');
    this.res.setHeader('Content-Length', body.length);
    this.#onMultistatus?.(body);
    this.res.end(body);
  }

  /** Calls `fn` with the bytes of the 207 answer just before it is sent (the response cache keeps them). */
  onMultistatus(fn: (body: Buffer) => void): void {
    this.#onMultistatus = fn;
  }
  #onMultistatus: ((body: Buffer) => void) | null = null;

  /** Mount path of a member of `parent`. */
  static childPath(parent: string, name: string): string {
    return joinTree(parent, `/${name}`);
  }
}

/** Characters a URL path keeps as they are (percent escapes included, decoded later); no `?`, `#` or `\\`. */
const PLAIN_PATH = /^\/[A-Za-z0-9\-._~%!$&'()*+,;=:@/]*$/;
/** `.` or `..` segments and empty segments (`//`), which the URL parser would resolve or a path would not have. */
const DOT_OR_EMPTY = /\/\.{1,2}(?:\/|$)|\/\/|%2e/i;

/** True when a request announces a body (Content-Length > 0 or chunked). */
export function hasBodyHeaders(req: IncomingMessage): boolean {
  const len = req.headers['content-length'];
  if (len !== undefined) return Number(len) > 0;
  return req.headers['transfer-encoding'] !== undefined;
}
