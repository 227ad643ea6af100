/**
 * Recipient side of a federated share: every request under `Shared with me/<name>` is forwarded to the owner's
 * `/dav/ocm/...` URL, streaming bodies both ways, with hrefs in XML answers (and Destination/If headers in requests)
 * translated between the two URL spaces. A read-only share refuses writes locally.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable, Transform } from 'node:stream';
import { batchWrites, type PluginContext } from '#core';
import { DavError, decodeSegments, encodeSegment, forbidden, hasBodyHeaders } from '#dav';
import { WRITE_METHODS } from './files-dav.ts';
import { hrefRewriter, prefixMapper } from './href-rewriter.ts';
import { previewSize } from './previews/previews.ts';
import { FILES_ERRORS } from './error-codes.ts';
import { remoteTarget, type ShareMount } from './share-mounts.ts';

const FORWARDED = [
  'accept',
  'content-type',
  'content-length',
  'depth',
  'overwrite',
  'if-match',
  'if-none-match',
  'if-modified-since',
  'if-unmodified-since',
  'range',
  'if-range',
  'lock-token',
  'timeout',
  'prefer',
  'brief',
  'x-oc-mtime',
];
const DROPPED_RESPONSE = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'www-authenticate',
  'content-length',
  'set-cookie',
  'dav',
]);
const BODY_TIMEOUT_MS = 30 * 60_000;
const READ_TIMEOUT_MS = 30_000;

/** Maps a local URL (absolute or path) under the mount to the owner's URL; null when it lies outside the mount. */
function toRemote(raw: string, req: IncomingMessage, localPrefix: string, remoteBase: string): string | null {
  let url: URL;
  try {
    url = new URL(raw, `http://${req.headers.host ?? 'localhost'}`);
  } catch {
    return null;
  }
  if (url.host.toLowerCase() !== String(req.headers.host ?? '').toLowerCase()) return null;
  if (url.pathname !== localPrefix && !url.pathname.startsWith(`${localPrefix}/`)) return null;
  const segs = decodeSegments(url.pathname.slice(localPrefix.length));
  const tail = segs.map(encodeSegment).join('/');
  return `${remoteBase}${tail ? `/${tail}` : ''}${url.pathname.endsWith('/') && tail ? '/' : ''}`;
}

/** Forwards one request to the share's owner. `rawRest` is the encoded path below the mount; `localPrefix` the mount's href. */
export async function proxyToOwner(
  ctx: Pick<PluginContext, 'remote' | 'shares' | 'logger'>,
  req: IncomingMessage,
  res: ServerResponse,
  mount: ShareMount,
  rawRest: string,
  localPrefix: string,
): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  if (WRITE_METHODS.has(method) && !mount.share.permissions.includes('write'))
    throw forbidden('this share is read-only', 'need-privileges');
  const segs = decodeSegments(rawRest);
  if (!mount.collection && segs.length > 0) throw new DavError(404, 'a shared file has no members', 'DAV_NOT_FOUND');
  const tail = segs.map(encodeSegment).join('/');
  const q = rawRest.search(/[?#]/);
  const trailing = (q === -1 ? rawRest : rawRest.slice(0, q)).endsWith('/') && tail !== '';
  const withBody = hasBodyHeaders(req);

  const attempt = async (fresh: boolean): Promise<IncomingMessage> => {
    const target = await remoteTarget(ctx, mount.share, fresh);
    const headers: Record<string, string> = { authorization: target.authorization };
    for (const h of FORWARDED) {
      const v = req.headers[h];
      if (typeof v === 'string') headers[h] = v;
    }
    const dest = req.headers.destination;
    if (typeof dest === 'string') {
      const mapped = toRemote(dest.trim(), req, localPrefix, target.base);
      if (!mapped) throw new DavError(502, 'the destination is outside this share', 'DAV_CROSS_SERVER');
      headers.destination = mapped;
    }
    if (typeof req.headers.if === 'string') {
      headers.if = req.headers.if.replace(/<([^>]*)>/g, (m, u: string) => {
        if (!/^(https?:\/\/|\/)/i.test(u)) return m;
        const mapped = toRemote(u, req, localPrefix, target.base);
        return mapped ? `<${mapped}>` : m;
      });
    }
    // Previews are made by the owner, where the file is: the one query passed on, and only as a checked size.
    const preview = method === 'GET' ? previewSize(req.url) : null;
    const query = preview !== null ? `?preview=${preview}` : '';
    const url = `${target.base}${tail ? `/${tail}` : ''}${trailing ? '/' : ''}${query}`;
    const upstream = await ctx.remote.stream(url, {
      method,
      headers,
      ...(withBody ? { body: req } : {}),
      timeoutMs: withBody ? BODY_TIMEOUT_MS : READ_TIMEOUT_MS,
    });
    (upstream as IncomingMessage & { meshworkBase?: string }).meshworkBase = target.base;
    return upstream;
  };

  let upstream = await attempt(false);
  if (upstream.statusCode === 401 && !withBody) {
    // An exchanged token may have expired early (owner restart, clock skew): one retry with a fresh one.
    upstream.resume();
    upstream = await attempt(true);
  }
  if (upstream.statusCode === 401) {
    upstream.resume();
    throw new DavError(404, 'the owner no longer grants access to this share', FILES_ERRORS.SHARE_GONE);
  }
  const base = (upstream as IncomingMessage & { meshworkBase?: string }).meshworkBase as string;
  res.statusCode = upstream.statusCode ?? 502;
  const xml = /xml/i.test(String(upstream.headers['content-type'] ?? '')) && method !== 'GET' && method !== 'HEAD';
  for (const [k, v] of Object.entries(upstream.headers)) {
    if (v === undefined || DROPPED_RESPONSE.has(k)) continue;
    if (k === 'location' || k === 'content-location') {
      const mapped = prefixMapper(base, localPrefix)(String(v));
      res.setHeader(k, mapped);
    } else res.setHeader(k, v);
  }
  if (!xml && upstream.headers['content-length'] !== undefined)
    res.setHeader('content-length', upstream.headers['content-length']);
  res.setHeader('DAV', '1, 2');
  if (method === 'HEAD') {
    upstream.resume();
    res.end();
    return;
  }
  if (!xml) return relay(upstream, res);
  return relay(upstream, res, hrefRewriter(base, localPrefix));
}

/**
 * Streams the owner's answer to the client, through `via` when given, in batched writes (the core's `batchWrites`:
 * one `writev` per turn of the event loop, backpressure by bytes). A failure on any side tears down the others; a
 * client that goes away ends the request to the owner.
 */
function relay(upstream: IncomingMessage, res: ServerResponse, via?: Transform): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      stop();
      upstream.destroy();
      via?.destroy();
      res.destroy(err);
      reject(err);
    };
    const done = (): void => {
      if (settled) return;
      settled = true;
      stop();
      if (!res.writableFinished) {
        upstream.destroy();
        via?.destroy();
      }
      resolve();
    };
    const source: Readable = via ? upstream.pipe(via) : upstream;
    const stop = batchWrites(source, res);
    upstream.once('error', fail);
    via?.once('error', fail);
    res.once('finish', done).once('close', done);
  });
}
