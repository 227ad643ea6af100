/** Test-only: serves a DavServer on loopback (port 0) under one URL prefix, and a tiny client for it. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DavServer } from '../server.ts';
import type { DavMount } from '../tree.ts';

/** A running test server. */
export interface TestDav {
  origin: string;
  /** Sends a request; `path` is sent as given (no normalisation). */
  send(
    method: string,
    path: string,
    opts?: { headers?: Record<string, string>; body?: string | Buffer },
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string }>;
  close(): Promise<void>;
}

/** Starts an HTTP server handing every request under `prefix` to `dav` with the mount `mountFor` returns. */
export async function serveDav(
  dav: DavServer,
  prefix: string,
  mountFor: (req: http.IncomingMessage) => DavMount,
): Promise<TestDav> {
  const server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    if (!url.startsWith(prefix)) {
      res.writeHead(404).end();
      return;
    }
    void dav.handle(req, res, mountFor(req), url.slice(prefix.length));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    send(method, path, opts = {}) {
      return new Promise((resolve, reject) => {
        const body = opts.body === undefined ? undefined : Buffer.from(opts.body);
        const req = http.request(
          {
            host: '127.0.0.1',
            port,
            method,
            path,
            headers: { ...(body ? { 'content-length': String(body.length) } : {}), ...(opts.headers ?? {}) },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () =>
              resolve({
                status: res.statusCode ?? 0,
                headers: res.headers,
                text: Buffer.concat(chunks).toString('utf8'),
              }),
            );
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
