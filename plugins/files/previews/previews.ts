/**
 * `GET <file>?preview=<size>` on `/dav/files/<user>/…` and `/dav/ocm/<providerId>/…`: a preview made on the server
 * that holds the file. Images and the first page of PDFs come back as WebP fitting a `size`×`size` box (rounded up
 * to 64, 128, 256, 512, 1024 or 2048), text as its first kilobytes (`text/plain`); anything else is 415. Previews are
 * cached on disk by content identity (the file's strong ETag) and answered with an ETag of their own (304 on
 * If-None-Match). Through `Shared with me/` the recipient's server forwards `?preview=` to the owner, so previews
 * of shared files are made where the file lives, with the share's permissions checked there as for any read.
 */
import type { DavFile, DavRequest } from '#dav';
import { DavError, notFound } from '#dav';
import { FILES_ERRORS } from '../error-codes.ts';
import { PreviewCache, type CachedPreview } from './preview-cache.ts';
import { PreviewQueue, type QueueLimits } from './preview-queue.ts';
import { renderImage, renderPdf, renderText, type RenderLimits } from './preview-render.ts';
import { SNIFF_BYTES, sniff } from './preview-sniff.ts';

/** Size buckets previews are made in. */
export const PREVIEW_SIZES = [64, 128, 256, 512, 1024, 2048];

/** How previews are made and kept. */
export interface PreviewOptions extends RenderLimits, QueueLimits {
  /** Where previews are cached. */
  cacheDir: string;
  /** Largest total size of the cache, in bytes. */
  maxCacheBytes: number;
}

/** Defaults for everything but the cache directory. */
export const PREVIEW_DEFAULTS: Omit<PreviewOptions, 'cacheDir'> = {
  maxCacheBytes: 512 << 20,
  concurrency: 2,
  maxWaiting: 64,
  maxImageBytes: 48 << 20,
  maxPdfBytes: 200 << 20,
  maxPixels: 64_000_000,
  pdfTimeoutMs: 20_000,
  pdftoppm: 'pdftoppm',
};

/** The `?preview=` size of a request URL, rounded up to a bucket; null without one; 400 when it is not a size. */
export function previewSize(url: string | undefined): number | null {
  const q = (url ?? '').indexOf('?');
  if (q === -1) return null;
  const raw = new URLSearchParams((url as string).slice(q + 1)).get('preview');
  if (raw === null) return null;
  const n = /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
  const size = PREVIEW_SIZES.find((s) => s >= n);
  if (!(n >= 16) || size === undefined)
    throw new DavError(400, 'preview must be a size in pixels from 16 to 2048', FILES_ERRORS.PREVIEW_SIZE_INVALID);
  return size;
}

async function head(file: DavFile): Promise<Buffer> {
  if ((file.size ?? 0) === 0) return Buffer.alloc(0);
  const stream = await file.read({ start: 0, end: Math.min(SNIFF_BYTES, file.size ?? SNIFF_BYTES) - 1 });
  const chunks: Buffer[] = [];
  for await (const c of stream as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

/** Makes, caches and serves previews. */
export class Previews {
  readonly cache: PreviewCache;
  readonly queue: PreviewQueue<CachedPreview>;
  readonly #opts: PreviewOptions;
  /** Previews made (not served from the cache) since start: for tests and metrics. */
  made = 0;

  constructor(opts: PreviewOptions) {
    this.#opts = opts;
    this.cache = new PreviewCache(opts.cacheDir, opts.maxCacheBytes);
    this.queue = new PreviewQueue(opts);
  }

  /** Answers a `?preview=` GET on the request's target, in the storage `space` it belongs to. */
  async serve(d: DavRequest, space: string, box: number): Promise<void> {
    const node = await d.node();
    if (!node) throw notFound('no such file');
    if (node.collection) throw new DavError(415, 'folders have no preview', FILES_ERRORS.PREVIEW_UNSUPPORTED);
    const file = node as DavFile;
    if (!file.etag) throw new DavError(415, 'this file has no preview', FILES_ERRORS.PREVIEW_UNSUPPORTED);
    const key = PreviewCache.key(space, file.etag, box, 'auto');
    const etag = `"pv-${key.slice(0, 32)}"`;
    const res = d.res;
    const inm = d.header('if-none-match');
    if (inm && inm.split(',').some((t) => t.trim() === etag || t.trim() === '*')) {
      res.writeHead(304, { ETag: etag, 'Cache-Control': 'private, no-cache' }).end();
      return;
    }
    const preview = (await this.cache.get(key)) ?? (await this.#make(file, key, box));
    res.writeHead(200, {
      'Content-Type': preview.type,
      'Content-Length': preview.body.length,
      ETag: etag,
      'Cache-Control': 'private, no-cache',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Content-Disposition': 'inline',
    });
    res.end(preview.body);
  }

  async #make(file: DavFile, key: string, box: number): Promise<CachedPreview> {
    // Sniffing is cheap and needs no slot: files that get no preview never wait in the queue.
    const kind = sniff(await head(file));
    if (!kind)
      throw new DavError(415, 'previews are made of images, PDFs and text only', FILES_ERRORS.PREVIEW_UNSUPPORTED);
    const max = kind === 'image' ? this.#opts.maxImageBytes : kind === 'pdf' ? this.#opts.maxPdfBytes : Infinity;
    if ((file.size ?? 0) > max)
      throw new DavError(413, 'the file is too large to preview', FILES_ERRORS.PREVIEW_TOO_LARGE);
    return this.queue.run(key, async () => {
      const input = await file.read();
      const preview: CachedPreview =
        kind === 'text'
          ? { body: await renderText(input), type: 'text/plain; charset=utf-8' }
          : {
              body: await (kind === 'pdf' ? renderPdf : renderImage)(input, box, this.#opts),
              type: 'image/webp',
            };
      this.made++;
      await this.cache.put(key, preview);
      return preview;
    });
  }
}
