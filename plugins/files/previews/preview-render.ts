/**
 * Making a preview: images are decoded and scaled by sharp (libvips; prebuilt binaries from the npm registry), the
 * first page of a PDF is drawn by Debian's `pdftoppm` (poppler) in a child process and then scaled by sharp, and text
 * is its first few kilobytes. Nothing here runs code from a file: sharp and poppler only decode pixels and pages
 * (PDF JavaScript is never run by pdftoppm), SVG and HTML are never rendered, and every step has a size, pixel and
 * time limit. sharp works on libuv's thread pool and pdftoppm in its own process, so the event loop stays free.
 *
 * Why pdftoppm rather than a pure-JS renderer: pdf.js needs a canvas implementation under Node (node-canvas or
 * @napi-rs/canvas, both native) and runs the document's fonts and images through JS in our process; poppler is the
 * renderer every Linux desktop uses, packaged and patched by Debian, and a crash or hang there kills one child.
 */
import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type Sharp from 'sharp';
import { DavError } from '#dav';
import { FILES_ERRORS } from '../error-codes.ts';

let sharpModule: Promise<typeof Sharp> | undefined;

/**
 * sharp on the first preview, not at start-up: libvips and its threads add about 25 MB of RSS to every server,
 * most of which never make a preview (measured with `npm run bench:chat`, README.md "Memory").
 */
function loadSharp(): Promise<typeof Sharp> {
  return (sharpModule ??= import('sharp').then(({ default: sharp }) => {
    // One libvips thread per job (the queue bounds how many jobs run) and no libvips operation cache to grow.
    sharp.concurrency(1);
    sharp.cache(false);
    return sharp;
  }));
}

/** Limits of preview making. */
export interface RenderLimits {
  /** Largest image file decoded, in bytes. */
  maxImageBytes: number;
  /** Largest PDF handed to pdftoppm, in bytes. */
  maxPdfBytes: number;
  /** Largest decoded image, in pixels (a "decompression bomb" of a tiny PNG is refused). */
  maxPixels: number;
  /** How long pdftoppm may take. */
  pdfTimeoutMs: number;
  /** The pdftoppm program. */
  pdftoppm: string;
}

/** Bytes of text a text preview holds. */
export const TEXT_PREVIEW_BYTES = 8192;

const MAX_PDF_PAGE_PNG = 64 << 20;

async function readAll(input: Readable, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of input as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > max) {
      input.destroy();
      throw new DavError(413, 'the file is too large to preview', FILES_ERRORS.PREVIEW_TOO_LARGE);
    }
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}

/** Scales encoded image bytes to fit a `box`×`box` square, as WebP. */
async function scale(bytes: Buffer, box: number, limits: RenderLimits): Promise<Buffer> {
  const sharp = await loadSharp();
  try {
    return await sharp(bytes, { limitInputPixels: limits.maxPixels, failOn: 'error', animated: false })
      .rotate() // EXIF orientation, as the picture was taken
      .resize(box, box, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 78, effort: 2 })
      .toBuffer();
  } catch (err) {
    throw new DavError(422, `the image could not be read: ${(err as Error).message}`, FILES_ERRORS.PREVIEW_FAILED);
  }
}

/** A preview of an image file: WebP, fitting `box`. */
export async function renderImage(input: Readable, box: number, limits: RenderLimits): Promise<Buffer> {
  return scale(await readAll(input, limits.maxImageBytes), box, limits);
}

/** The first page of a PDF as WebP, fitting `box`: drawn by pdftoppm (killed when it runs too long). */
export async function renderPdf(input: Readable, box: number, limits: RenderLimits): Promise<Buffer> {
  const args = ['-f', '1', '-l', '1', '-singlefile', '-png', '-scale-to', String(box), '-q', '-'];
  const png = await new Promise<Buffer>((resolve, reject) => {
    const child = spawn(limits.pdftoppm, args, {
      stdio: ['pipe', 'pipe', 'ignore'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' },
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let failed: Error | null = null;
    const fail = (err: Error) => {
      failed ??= err;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(
      () => fail(new DavError(422, 'the PDF took too long to draw', FILES_ERRORS.PREVIEW_FAILED)),
      limits.pdfTimeoutMs,
    );
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(
        new DavError(
          503,
          `PDF previews need pdftoppm (Debian package poppler-utils): ${err.message}`,
          FILES_ERRORS.PREVIEW_UNAVAILABLE,
        ),
      );
    });
    child.stdout.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_PDF_PAGE_PNG) fail(new DavError(422, 'the PDF page is too large', FILES_ERRORS.PREVIEW_FAILED));
      else chunks.push(c);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (failed) return reject(failed);
      if (code !== 0)
        return reject(new DavError(422, 'the file could not be read as a PDF', FILES_ERRORS.PREVIEW_FAILED));
      resolve(Buffer.concat(chunks));
    });
    // pdftoppm may stop reading early (a broken file): its closed stdin is not our error.
    child.stdin.on('error', () => {});
    let sent = 0;
    input.on('data', (c: Buffer) => {
      sent += c.length;
      if (sent > limits.maxPdfBytes) {
        input.destroy();
        fail(new DavError(413, 'the file is too large to preview', FILES_ERRORS.PREVIEW_TOO_LARGE));
      } else if (!child.stdin.write(c)) input.pause();
    });
    child.stdin.on('drain', () => input.resume());
    input.on('end', () => child.stdin.end());
    input.on('error', (err) => fail(err));
  });
  return scale(png, box, limits);
}

/** The first few kilobytes of a text file, cut at a whole UTF-8 character. */
export async function renderText(input: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of input as AsyncIterable<Buffer>) {
    chunks.push(c);
    size += c.length;
    if (size >= TEXT_PREVIEW_BYTES) break;
  }
  input.destroy();
  let text = Buffer.concat(chunks).subarray(0, TEXT_PREVIEW_BYTES);
  // Drop a character cut in half by the limit (continuation bytes are 10xxxxxx).
  let end = text.length;
  let back = 0;
  while (back < 4 && end - back - 1 >= 0 && ((text[end - back - 1] as number) & 0xc0) === 0x80) back++;
  const lead = text[end - back - 1];
  if (lead !== undefined && lead >= 0xc0) {
    const need = lead >= 0xf0 ? 3 : lead >= 0xe0 ? 2 : 1;
    if (back < need) end = end - back - 1;
  }
  text = text.subarray(0, end);
  return text;
}
