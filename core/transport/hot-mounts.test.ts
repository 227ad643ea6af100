import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import { createLogger } from '../logger.ts';
import { accessLog } from './access-log.ts';
import { errorMiddleware } from './error-middleware.ts';
import { HotRoutes } from './hot-routes.ts';

/** The hot mounts of core/transport/hot-routes.ts on a bare express app (no plugin, no DAV). */
describe('hot mounts: a prefix answered ahead of express, everything else left to it', () => {
  let server: Server;
  let origin: string;
  let ready = true;
  const lines: Array<Record<string, unknown>> = [];
  const seen: string[] = [];

  before(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const l of chunk.toString().split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
        done();
      },
    });
    const log = createLogger('info', sink);
    const app = express();
    app.use(accessLog(() => log));
    const hot = new HotRoutes();
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      if (req.url?.startsWith('/boom')) throw Object.assign(new Error('no'), { status: 418, code: 'TEAPOT' });
      seen.push(`${req.method} ${req.url} ${'app' in req ? 'express' : 'hot'}`);
      res.end('ok');
    };
    app.use('/p', hot.addMount('/p', ['GET', 'PROPFIND'], handler));
    app.use((_req, res) => void res.status(404).end('express 404'));
    app.use(errorMiddleware(log));
    server = createServer(hot.listener({ app, ready: () => ready, log: () => log }));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  async function call(method: string, path: string) {
    seen.length = 0;
    const res = await fetch(origin + path, { method });
    return { status: res.status, text: await res.text(), id: res.headers.get('x-request-id'), seen: [...seen] };
  }

  it('gives the handler the URL relative to the mount, with its query, for the listed methods', async () => {
    assert.deepEqual((await call('GET', '/p')).seen, ['GET / hot']);
    assert.deepEqual((await call('GET', '/p?x=1')).seen, ['GET /?x=1 hot']);
    assert.deepEqual((await call('PROPFIND', '/p/a/b/')).seen, ['PROPFIND /a/b/ hot']);
  });

  it('leaves other methods, other spellings and a server not ready yet to express', async () => {
    assert.deepEqual((await call('PUT', '/p/a')).seen, ['PUT /a express']);
    assert.deepEqual((await call('GET', '/P/a')).seen, ['GET /a express']);
    const other = await call('GET', '/px');
    assert.equal(other.text, 'express 404');
    ready = false;
    try {
      assert.deepEqual((await call('GET', '/p/a')).seen, ['GET /a express']);
    } finally {
      ready = true;
    }
  });

  it('writes the access log line with the request id and the full path, and answers errors through the middleware', async () => {
    lines.length = 0;
    const ok = await call('GET', '/p/q?token=secret');
    assert.ok(ok.id);
    const line = lines.find((l) => l.reqId === ok.id);
    assert.equal(line?.path, '/p/q?token=[redacted]');
    assert.equal(line?.status, 200);
    const boom = await call('GET', '/p/boom');
    assert.equal(boom.status, 418);
    assert.match(boom.text, /"code":/);
    assert.ok(boom.id);
  });
});
