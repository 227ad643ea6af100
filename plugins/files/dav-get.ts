/** GET and HEAD: streamed file bodies with single byte ranges (206), conditional requests (304/412) and a plain collection index. */
import { createReadStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { DavError, notFound, escapeXml, baseName, encodeSegment } from '#dav';
import { checkHttpConditions, fsOf, hrefOf, isVirtual, statOf, type DavRequest } from './dav-context.ts';
import { listNames, mimeOf } from './file-store.ts';

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

function setCommon(d: DavRequest, etag: string, mtimeMs: number): void {
  d.res.setHeader('ETag', etag);
  d.res.setHeader('Last-Modified', new Date(mtimeMs).toUTCString());
  d.res.setHeader('X-Content-Type-Options', 'nosniff');
  // Uploaded HTML/SVG must never run script in this origin (where the web app keeps its session).
  d.res.setHeader(
    'Content-Security-Policy',
    "sandbox; default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'",
  );
}

/** GET/HEAD. */
export async function handleGet(d: DavRequest): Promise<void> {
  const info = await statOf(d);
  if (!info || isVirtual(d)) throw notFound();
  const head = d.method === 'HEAD';
  setCommon(d, info.etag, info.mtimeMs);
  if (checkHttpConditions(d, info) === 304) {
    d.res.statusCode = 304;
    d.res.end();
    return;
  }
  if (info.collection) {
    const names = await listNames(fsOf(d));
    const base = hrefOf(d.scope, d.path, true);
    const items = names
      .map((n) => `<li><a href="${escapeXml(base + encodeSegment(n))}">${escapeXml(n)}</a></li>`)
      .join('');
    const html = `<!doctype html><meta charset="utf-8"><title>${escapeXml(baseName(d.path) || '/')}</title><ul>${items}</ul>`;
    d.res.setHeader('Content-Type', 'text/html; charset=utf-8');
    d.res.setHeader('Content-Length', Buffer.byteLength(html));
    d.res.end(head ? undefined : html);
    return;
  }
  d.res.setHeader('Accept-Ranges', 'bytes');
  d.res.setHeader('Content-Type', mimeOf(baseName(d.path)));
  let range = parseRange(typeof d.req.headers.range === 'string' ? d.req.headers.range : undefined, info.size);
  const ifRange = d.req.headers['if-range'];
  if (range && typeof ifRange === 'string') {
    const fresh = ifRange.startsWith('"')
      ? ifRange === info.etag
      : Date.parse(ifRange) >= Math.floor(info.mtimeMs / 1000) * 1000;
    if (!fresh) range = null;
  }
  if (range === 'unsatisfiable') {
    d.res.setHeader('Content-Range', `bytes */${info.size}`);
    throw new DavError(416, 'range not satisfiable', 'DAV_RANGE_NOT_SATISFIABLE');
  }
  const start = range ? range.start : 0;
  const end = range ? range.end : info.size - 1;
  d.res.statusCode = range ? 206 : 200;
  if (range) d.res.setHeader('Content-Range', `bytes ${start}-${end}/${info.size}`);
  d.res.setHeader('Content-Length', info.size === 0 ? 0 : end - start + 1);
  if (head || info.size === 0) {
    d.res.end();
    return;
  }
  await pipeline(createReadStream(fsOf(d), { start, end, highWaterMark: 256 * 1024 }), d.res);
}
