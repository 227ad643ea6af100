/**
 * The fuzzer's two tools: a raw HTTP/1.1 client (so any bytes can be sent: bad methods, bad UTF-8 in paths, headers
 * a normal client refuses to send, truncated bodies) and the list of routes an express app really mounts, read from
 * its router stack rather than written by hand.
 */
import { connect } from 'node:net';
import type { Express } from 'express';

/** One request as bytes on the wire. */
export interface RawRequest {
  method: string;
  /** Path and query, possibly with bytes no URL parser would accept (latin1 string = raw bytes). */
  target: string;
  headers: Array<[string, string]>;
  body: Buffer;
  /** Send fewer body bytes than Content-Length says, then close our side. */
  truncate?: boolean;
  /** Replace the whole head (request line and headers) with these bytes. */
  rawHead?: string;
}

/** What came back: the status (0 when the connection ended without one) and the first bytes of the body. */
export interface RawResponse {
  status: number;
  head: string;
  body: string;
  outcome: 'answered' | 'closed' | 'timeout';
}

/** Sends one request on a fresh connection and reads until the server closes it (Connection: close). */
export function sendRaw(port: number, req: RawRequest, timeoutMs = 5000): Promise<RawResponse> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (outcome: RawResponse['outcome']) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      let text = Buffer.concat(chunks).toString('latin1');
      // Interim answers (100 Continue) come first; the final one follows.
      while (/^HTTP\/1\.[01] 1\d\d/.test(text) && text.includes('\r\n\r\n'))
        text = text.slice(text.indexOf('\r\n\r\n') + 4);
      const end = text.indexOf('\r\n\r\n');
      const head = end === -1 ? text : text.slice(0, end);
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      resolve({
        status: m ? Number(m[1]) : 0,
        head,
        body: end === -1 ? '' : text.slice(end + 4, end + 4 + 2000),
        outcome: m ? 'answered' : outcome,
      });
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('end', () => finish('closed'));
    socket.on('close', () => finish('closed'));
    // A server may answer and close before reading a large body: what it answered still counts.
    socket.on('error', () => finish('closed'));
    socket.on('connect', () => {
      const head =
        req.rawHead ??
        `${req.method} ${req.target} HTTP/1.1\r\n` +
          `Host: 127.0.0.1:${port}\r\nConnection: close\r\n` +
          req.headers.map(([k, v]) => `${k}: ${v}\r\n`).join('') +
          (req.headers.some(([k]) => /^(content-length|transfer-encoding)$/i.test(k))
            ? ''
            : `Content-Length: ${req.truncate ? req.body.length + 100 : req.body.length}\r\n`) +
          '\r\n';
      socket.write(Buffer.from(head, 'latin1'));
      if (req.body.length) socket.write(req.body);
      if (req.truncate) socket.end();
    });
  });
}

/** A route the app mounts: its methods (empty for a mounted handler that takes any method) and path template. */
export interface MountedRoute {
  methods: string[];
  path: string;
  /** A mounted handler (e.g. WebDAV) that serves everything under `path`. */
  prefix: boolean;
}

/** Reads every route and mounted handler from an express 5 app's router stack (recursing into routers). */
export function mountedRoutes(app: Express): MountedRoute[] {
  const out: MountedRoute[] = [];
  const walk = (stack: any[], prefix: string) => {
    for (const layer of stack) {
      const raw = layer.rawPath ?? '/';
      const paths: string[] = (Array.isArray(raw) ? raw : [raw]).filter((p: unknown) => typeof p === 'string');
      for (const p of paths) {
        const full = `${prefix}${p === '/' ? '' : p}` || '/';
        if (layer.route) {
          out.push({
            methods: Object.keys(layer.route.methods).map((m) => m.toUpperCase()),
            path: full,
            prefix: false,
          });
        } else if (layer.handle?.stack) {
          walk(layer.handle.stack, full === '/' ? '' : full);
        } else if (full !== '/') {
          out.push({ methods: [], path: full, prefix: true });
        }
      }
    }
  };
  walk((app as any).router.stack, '');
  // The same prefix is mounted once per handler in its chain (parser, auth, router): keep one.
  return out.filter(
    (r, i) =>
      out.findIndex((o) => o.path === r.path && o.prefix === r.prefix && o.methods.join() === r.methods.join()) === i,
  );
}
