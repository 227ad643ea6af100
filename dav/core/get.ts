/** GET and HEAD: streamed bodies with single byte ranges (206), conditional requests (304/412), a plain collection index. */
import type { Readable, Writable } from 'node:stream';
import { checkHttpConditions } from '../conditions.ts';
import { DavError, notFound } from '../errors.ts';
import { baseName, encodeSegment } from '../paths.ts';
import type { DavRequest } from '../request.ts';
import type { MethodHandler } from '../server.ts';
import { isCollection, type DavFile } from '../tree.ts';
import { escapeXml } from '../xml.ts';

/** A single satisfiable range, 'unsatisfiable', or null (serve everything: no, bad or multiple ranges). */
export function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header.trim());
  if (!m) return null; // multiple ranges or another unit: answering 200 with the full body is allowed (RFC 9110 §14.2)
  const [, a = '', b = ''] = m;
  if (a === '' && b === '') return null;
  let start: number;
  let end: number;
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
    if (b !== '' && Number(b) < start) return null;
  }
  if (start >= size || size === 0) return 'unsatisfiable';
  return { start, end };
}

function setCommon(d: DavRequest, etag: string | null, lastModified: number | null): void {
  if (etag) d.res.setHeader('ETag', etag);
  if (lastModified !== null) d.res.setHeader('Last-Modified', new Date(lastModified).toUTCString());
  d.res.setHeader('X-Content-Type-Options', 'nosniff');
  // Stored HTML/SVG must never run script in this origin (where a web app may keep its session).
  d.res.setHeader(
    'Content-Security-Policy',
    "sandbox; default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'",
  );
}

async function sendIndex(d: DavRequest, names: string[]): Promise<void> {
  const base = d.href(d.path, true);
  const items = names
    .map((n) => `<li><a href="${escapeXml(base + encodeSegment(n))}">${escapeXml(n)}</a></li>`)
    .join('');
  const html = `<!doctype html><meta charset="utf-8"><title>${escapeXml(baseName(d.path) || '/')}</title><ul>${items}</ul>`;
  d.res.setHeader('Content-Type', 'text/html; charset=utf-8');
  d.res.setHeader('Content-Length', Buffer.byteLength(html));
  d.res.end(d.method === 'HEAD' ? undefined : html);
}

async function sendBody(d: DavRequest, file: DavFile): Promise<void> {
  const size = file.size ?? 0;
  d.res.setHeader('Accept-Ranges', 'bytes');
  d.res.setHeader('Content-Type', file.contentType ?? 'application/octet-stream');
  let range = parseRange(d.header('range'), size);
  const ifRange = d.header('if-range');
  if (range && ifRange !== undefined) {
    const fresh = ifRange.startsWith('"')
      ? ifRange === file.etag
      : file.lastModified !== null && Date.parse(ifRange) >= Math.floor(file.lastModified / 1000) * 1000;
    if (!fresh) range = null;
  }
  if (range === 'unsatisfiable') {
    d.res.setHeader('Content-Range', `bytes */${size}`);
    throw new DavError(416, 'range not satisfiable', 'DAV_RANGE_NOT_SATISFIABLE');
  }
  const start = range ? range.start : 0;
  const end = range ? range.end : size - 1;
  d.res.statusCode = range ? 206 : 200;
  if (range) d.res.setHeader('Content-Range', `bytes ${start}-${end}/${size}`);
  d.res.setHeader('Content-Length', size === 0 ? 0 : end - start + 1);
  if (d.method === 'HEAD' || size === 0) {
    d.res.end();
    return;
  }
  if (file.send) return file.send(d.res, { start, end });
  await pipe(await file.read(range ? { start, end } : undefined), d.res);
}

/**
 * A `DavFile.send` for a backend that holds the bytes in memory (calendar objects, cards): the range in one `end`,
 * which writes the headers and the body together, instead of a stream piped into the response.
 */
export function sendBytes(out: Writable, data: Buffer, range: { start: number; end: number }): Promise<void> {
  out.end(range.start === 0 && range.end === data.length - 1 ? data : data.subarray(range.start, range.end + 1));
  return Promise.resolve();
}

/**
 * Streams a body to the response: `stream/promises` pipeline would cost an AbortController per request and a
 * DOMException when it settles; a failure on either side tears down both.
 */
function pipe(src: Readable, res: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      res.off('finish', onDone).off('close', onDone);
      res.destroy(err);
      reject(err);
    };
    const onDone = (): void => {
      res.off('finish', onDone).off('close', onDone);
      src.off('error', onError);
      src.destroy();
      resolve();
    };
    src.once('error', onError);
    res.once('finish', onDone).once('close', onDone);
    src.pipe(res);
  });
}

/** GET/HEAD. */
export const handleGet: MethodHandler = async (d) => {
  const node = await d.node();
  if (!node) throw notFound();
  setCommon(d, node.etag, node.lastModified);
  if (checkHttpConditions(d, node) === 304) {
    d.res.statusCode = 304;
    d.res.end();
    return;
  }
  if (isCollection(node))
    return sendIndex(
      d,
      (await node.children()).map((c) => c.name),
    );
  return sendBody(d, node as DavFile);
};
