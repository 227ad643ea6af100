import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type RequestHandler } from 'express';

/** Where `npm run build:web` puts the browser app. */
export const WEB_DIST = fileURLToPath(new URL('../web/dist', import.meta.url));

// Paths the server answers itself: never replaced by the app's index.html (their 404s stay JSON).
const RESERVED = ['/api/', '/ocm/', '/ocm-provider', '/dav/', '/plugins/', '/socket.io/', '/.well-known/', '/invite/'];

// The app loads only its own files and talks only to its own origin (REST, WebDAV, socket.io).
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // The hash allows one thing more: an EMPTY <style> element. FullCalendar (Calendar page) creates one and fills it
  // through the CSSOM (insertRule), which CSP does not restrict; any <style> with content stays refused.
  "style-src 'self' 'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

function isReserved(p: string): boolean {
  return RESERVED.some((r) => p === r.replace(/\/$/, '') || p.startsWith(r));
}

/**
 * The web app for `new Engine({ fallback })`: static files from web/dist (hashed assets cached for a year)
 * and index.html for every other GET that wants HTML, so deep links like `/#/files` and `/files` both work.
 */
export function webStatic(opts: { distDir?: string } = {}): RequestHandler[] {
  const dist = opts.distDir ?? WEB_DIST;
  const index = path.join(dist, 'index.html');
  const files = express.static(dist, {
    index: false,
    redirect: false,
    setHeaders(res, file) {
      res.setHeader('x-content-type-options', 'nosniff');
      if (file.endsWith('.html')) res.setHeader('content-security-policy', CSP);
      // Vite names assets by content hash: they never change under the same URL.
      if (file.includes(`${path.sep}assets${path.sep}`))
        res.setHeader('cache-control', 'public, max-age=31536000, immutable');
      else res.setHeader('cache-control', 'no-cache');
    },
  });
  const app: RequestHandler = (req, res, next) => {
    // A path with a file extension is a missing file (a stale asset), not a page: let it 404.
    const looksLikeFile = /\.[A-Za-z0-9]+$/.test(req.path);
    if (
      (req.method !== 'GET' && req.method !== 'HEAD') ||
      isReserved(req.path) ||
      looksLikeFile ||
      !req.accepts('html')
    )
      return next();
    res.set({
      'cache-control': 'no-cache',
      'content-security-policy': CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'same-origin',
    });
    if (!existsSync(index)) {
      res
        .status(503)
        .type('html')
        .send(
          '<!doctype html><meta charset="utf-8"><title>Meshwork</title><p>The web app is not built yet: run <code>npm run build:web</code>.</p>',
        );
      return;
    }
    res.sendFile(index, (err?: NodeJS.ErrnoException) => {
      // A client that went away mid-answer (aborted, reset, parse error after the head) needs no answer and is
      // not a server error: express's own rule when no callback is given, plus anything after the head was sent.
      if (!err || res.headersSent || err.code === 'ECONNABORTED' || err.syscall === 'write') return;
      next(err);
    });
  };
  return [(req, res, next) => (isReserved(req.path) ? next() : files(req, res, next)), app];
}
