import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { SsrfError } from '../errors.ts';
import { remoteRequest, remoteStream } from './remote-client.ts';

const insecure = { allowInsecure: true };
const strict = { allowInsecure: false };

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** A test server on 127.0.0.1:0 that counts connections. */
async function serve(
  handler: Handler,
): Promise<{ origin: string; connections: () => number; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  let connections = 0;
  server.on('connection', () => {
    connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const code =
  (expected: string) =>
  (e: unknown): boolean =>
    (e as { code?: string }).code === expected;

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('remote-client', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map((c) => c()));
  });
  const start = async (handler: Handler): Promise<Awaited<ReturnType<typeof serve>>> => {
    const s = await serve(handler);
    closers.push(s.close);
    return s;
  };

  describe('remoteRequest', () => {
    it('sends method, headers, body and the original Host; returns lower-cased headers and JSON', async () => {
      const s = await start(async (req, res) => {
        const body = await readAll(req);
        res.setHeader('X-Echo', 'yes');
        res.setHeader('Content-Type', 'application/json');
        res.end(
          JSON.stringify({
            method: req.method,
            host: req.headers.host,
            len: req.headers['content-length'],
            body: body.toString(),
          }),
        );
      });
      const r = await remoteRequest(
        `${s.origin}/ocm/shares?x=1`,
        { method: 'post', headers: { 'Content-Type': 'application/json' }, body: '{"a":1}' },
        insecure,
      );
      assert.equal(r.status, 200);
      assert.equal(r.headers['x-echo'], 'yes');
      assert.equal(r.url, `${s.origin}/ocm/shares?x=1`);
      assert.deepEqual(r.json(), { method: 'POST', host: new URL(s.origin).host, len: '7', body: '{"a":1}' });
    });

    it('json() throws PEER_BAD_RESPONSE on invalid JSON', async () => {
      const s = await start((_req, res) => res.end('<html>'));
      const r = await remoteRequest(s.origin, {}, insecure);
      assert.throws(() => r.json(), code('PEER_BAD_RESPONSE'));
    });

    it('reuses keep-alive connections', async () => {
      const s = await start((_req, res) => res.end('ok'));
      for (let i = 0; i < 5; i++) await remoteRequest(`${s.origin}/${i}`, {}, insecure);
      assert.equal(s.connections(), 1);
    });

    it('times out when the peer never answers', async () => {
      const s = await start(() => {
        /* never answers */
      });
      const t0 = Date.now();
      await assert.rejects(remoteRequest(s.origin, { timeoutMs: 200 }, insecure), code('PEER_TIMEOUT'));
      assert.ok(Date.now() - t0 < 1500);
    });

    it('times out when the body stalls (total deadline)', async () => {
      const s = await start((_req, res) => {
        res.writeHead(200);
        res.write('partial');
      });
      await assert.rejects(remoteRequest(s.origin, { timeoutMs: 300 }, insecure), code('PEER_TIMEOUT'));
    });

    it('aborts a streamed 20 MB body at a 1 MB cap, quickly and without buffering it', async () => {
      let sent = 0;
      let finished: () => void = () => {};
      const serverDone = new Promise<void>((resolve) => {
        finished = resolve;
      });
      const chunk = Buffer.alloc(64 * 1024, 120);
      const s = await start((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/octet-stream' }); // chunked, no content-length
        const pump = (): void => {
          while (sent < 20 * 1024 * 1024 && !res.destroyed) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        res.once('close', finished);
        pump();
      });
      const before = process.memoryUsage().arrayBuffers;
      const t0 = Date.now();
      await assert.rejects(
        remoteRequest(s.origin, { maxBytes: 1024 * 1024 }, insecure),
        code('PEER_RESPONSE_TOO_LARGE'),
      );
      assert.ok(Date.now() - t0 < 2000, 'fails fast');
      const grown = process.memoryUsage().arrayBuffers - before;
      await serverDone;
      assert.ok(sent < 20 * 1024 * 1024, `server stopped early (sent ${sent})`);
      assert.ok(grown < 8 * 1024 * 1024, `memory grew by ${grown}`);
    });

    it('refuses a declared Content-Length above the cap before reading', async () => {
      const s = await start((_req, res) => {
        res.writeHead(200, { 'content-length': String(50 * 1024 * 1024) });
        res.write('x');
      });
      await assert.rejects(remoteRequest(s.origin, { maxBytes: 1024 }, insecure), code('PEER_RESPONSE_TOO_LARGE'));
    });

    it('follows same-origin redirects (302 relative, 307 keeps the POST body, 303 becomes GET)', async () => {
      const s = await start(async (req, res) => {
        const body = (await readAll(req)).toString();
        if (req.url === '/a') return void res.writeHead(302, { location: '/b' }).end();
        if (req.url === '/p307') return void res.writeHead(307, { location: '/echo' }).end();
        if (req.url === '/p303') return void res.writeHead(303, { location: '/echo' }).end();
        res.end(JSON.stringify({ url: req.url, method: req.method, body }));
      });
      const r = await remoteRequest(`${s.origin}/a`, {}, insecure);
      assert.equal(r.url, `${s.origin}/b`);
      assert.deepEqual(r.json(), { url: '/b', method: 'GET', body: '' });
      assert.deepEqual((await remoteRequest(`${s.origin}/p307`, { method: 'POST', body: 'hi' }, insecure)).json(), {
        url: '/echo',
        method: 'POST',
        body: 'hi',
      });
      assert.deepEqual((await remoteRequest(`${s.origin}/p303`, { method: 'POST', body: 'hi' }, insecure)).json(), {
        url: '/echo',
        method: 'GET',
        body: '',
      });
    });

    it('refuses cross-origin redirects', async () => {
      const other = await start((_req, res) => res.end('elsewhere'));
      const s = await start((_req, res) => res.writeHead(302, { location: `${other.origin}/x` }).end());
      await assert.rejects(remoteRequest(s.origin, {}, insecure), code('PEER_REDIRECT_REFUSED'));
      assert.equal(other.connections(), 0);
    });

    it('refuses redirect loops past the limit, and returns the 3xx itself with followRedirects 0', async () => {
      const s = await start((req, res) => res.writeHead(302, { location: `/n${req.url}` }).end());
      await assert.rejects(remoteRequest(s.origin, { followRedirects: 2 }, insecure), code('PEER_REDIRECT_REFUSED'));
      const r = await remoteRequest(s.origin, { followRedirects: 0 }, insecure);
      assert.equal(r.status, 302);
    });

    it('blocks loopback and plain http when insecure peers are not allowed', async () => {
      const s = await start((_req, res) => res.end('should not be reached'));
      const port = new URL(s.origin).port;
      const blocked = (e: unknown): boolean => e instanceof SsrfError && e.code === 'ssrf_blocked';
      await assert.rejects(remoteRequest(`https://127.0.0.1:${port}/`, {}, strict), blocked);
      await assert.rejects(remoteRequest(`https://localhost:${port}/`, {}, strict), blocked);
      await assert.rejects(remoteRequest(`https://[::ffff:127.0.0.1]:${port}/`, {}, strict), blocked);
      await assert.rejects(remoteRequest(`http://example.org/`, {}, strict), blocked);
      await assert.rejects(remoteRequest(s.origin, {}, strict), blocked);
      assert.equal(s.connections(), 0);
    });

    it('maps refused connections to PEER_UNREACHABLE without leaking the query', async () => {
      const s = await start(() => {});
      const url = `${s.origin}/x?token=supersecret`;
      await s.close();
      await assert.rejects(
        remoteRequest(url, {}, insecure),
        (e: unknown) => code('PEER_UNREACHABLE')(e) && !(e as Error).message.includes('supersecret'),
      );
    });

    it('honours the caller signal', async () => {
      const s = await start(() => {});
      const ctl = new AbortController();
      setTimeout(() => ctl.abort(new Error('caller gave up')), 50);
      await assert.rejects(remoteRequest(s.origin, { signal: ctl.signal }, insecure), /caller gave up/);
    });
  });

  describe('remoteStream', () => {
    it('returns the live response and accepts a Readable request body', async () => {
      const s = await start(async (req, res) => {
        const body = await readAll(req);
        res.writeHead(201, { 'content-type': 'text/plain' });
        res.end(`got ${body.length}`);
      });
      const res = await remoteStream(
        `${s.origin}/dav/file`,
        { method: 'PUT', body: Readable.from([Buffer.alloc(1000), Buffer.alloc(500)]) },
        insecure,
      );
      assert.equal(res.statusCode, 201);
      assert.equal(res.headers['content-type'], 'text/plain');
      assert.equal((await readAll(res)).toString(), 'got 1500');
    });

    it('has no size cap', async () => {
      const s = await start((_req, res) => res.end(Buffer.alloc(12 * 1024 * 1024)));
      const res = await remoteStream(s.origin, {}, insecure);
      assert.equal((await readAll(res)).length, 12 * 1024 * 1024);
    });

    it('errors the body with PEER_TIMEOUT when the peer stalls mid-body', async () => {
      const s = await start((_req, res) => {
        res.writeHead(200);
        res.write('partial');
      });
      const res = await remoteStream(s.origin, { timeoutMs: 300 }, insecure);
      await assert.rejects(readAll(res), code('PEER_TIMEOUT'));
    });

    it('applies the SSRF guard', async () => {
      await assert.rejects(remoteStream('https://127.0.0.1:1/', {}, strict), SsrfError);
    });
  });

  describe("this server's own origin", () => {
    it('reaches exactly our own origin on our own listener under a strict policy, with the public Host', async () => {
      const s = await start((req, res) => res.end(`${req.headers.host} ${req.url}`));
      const port = Number(new URL(s.origin).port);
      // The public origin is https on a name that resolves nowhere: only the self route can reach it.
      const self = () => ({ origin: 'https://cloud.invalid', listen: { host: '127.0.0.1', port } });
      const policy = { allowInsecure: false, self };
      const res = await remoteStream('https://cloud.invalid/dav/ocm/x?y=1', {}, policy);
      assert.equal((await readAll(res)).toString(), 'cloud.invalid /dav/ocm/x?y=1');
      const buffered = await remoteRequest('https://cloud.invalid/.well-known/ocm', {}, policy);
      assert.equal(buffered.body.toString(), 'cloud.invalid /.well-known/ocm');
      assert.equal(s.connections() >= 1, true);
    });

    it('still refuses every other loopback origin, another port or scheme of our host included', async () => {
      const s = await start((_req, res) => res.end('reached'));
      const port = Number(new URL(s.origin).port);
      const policy = {
        allowInsecure: false,
        self: () => ({ origin: `http://127.0.0.1:${port + 1}`, listen: { host: '127.0.0.1', port } }),
      };
      await assert.rejects(remoteRequest(s.origin, {}, policy), SsrfError);
      await assert.rejects(remoteRequest(`https://127.0.0.1:${port + 1}/`, {}, policy), SsrfError);
      await assert.rejects(remoteRequest(`http://user:pw@127.0.0.1:${port + 1}/`, {}, policy), SsrfError);
      assert.equal(s.connections(), 0);
    });
  });
});
