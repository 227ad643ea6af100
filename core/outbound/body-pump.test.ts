import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { BODY_BATCH, pumpBody } from './body-pump.ts';

/** A body of `chunks` distinct 64 KiB chunks, produced on demand; counts what was read from it. */
function source(chunks: number): { body: Readable; produced: () => number; hash: string } {
  let i = 0;
  let produced = 0;
  const all = createHash('sha256');
  const make = (n: number): Buffer => Buffer.alloc(64 * 1024, n % 251);
  for (let n = 0; n < chunks; n++) all.update(make(n));
  const body = new Readable({
    read() {
      if (i === chunks) return void this.push(null);
      const c = make(i++);
      produced += c.length;
      this.push(c);
    },
  });
  return { body, produced: () => produced, hash: all.digest('hex') };
}

async function listen(handler: http.RequestListener): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, port: (server.address() as AddressInfo).port };
}

describe('outbound: streamed request bodies', () => {
  it('delivers a body of many chunks intact and in order', async () => {
    const { server, port } = await listen((req, res) => {
      const h = createHash('sha256');
      req.on('data', (c: Buffer) => h.update(c));
      req.on('end', () => res.end(h.digest('hex')));
    });
    try {
      const src = source(80); // 5 MiB
      const answer = await new Promise<string>((resolve, reject) => {
        const req = http.request({ port, method: 'PUT', headers: { 'content-length': 80 * 64 * 1024 } }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve(text));
        });
        req.on('error', reject);
        pumpBody(src.body, req);
      });
      assert.equal(answer, src.hash);
    } finally {
      server.close();
    }
  });

  it('stops reading the body while the peer does not take it', async () => {
    let peer: http.IncomingMessage | undefined;
    const { server, port } = await listen((req) => {
      peer = req;
      req.pause();
    });
    try {
      const src = source(1600); // 100 MiB offered
      const req = http.request({ port, method: 'PUT', headers: { 'content-length': 1600 * 64 * 1024 } });
      req.on('error', () => {});
      pumpBody(src.body, req);
      // Reading must come to rest (however long filling the socket buffers takes on a busy machine) ...
      let stalled = -1;
      for (const deadline = Date.now() + 10_000; src.produced() !== stalled;) {
        assert.ok(Date.now() < deadline, `reading went on while the peer took nothing (${src.produced()} bytes)`);
        stalled = src.produced();
        await new Promise((r) => setTimeout(r, 200));
      }
      // ... well short of the 100 MiB offered.
      // The socket buffers of both ends hold some; what is read beyond them is bounded by the batches.
      assert.ok(stalled < 16 * BODY_BATCH, `read ${stalled} bytes`);
      peer?.destroy();
      req.destroy();
    } finally {
      server.close();
    }
  });

  it('destroys the request when the body fails, so the peer sees an aborted upload', async () => {
    const body = new Readable({ read() {} });
    let received = 0;
    const aborted = new Promise<boolean>((resolve) => {
      void listen((req) => {
        req.on('aborted', () => resolve(true));
        req.on('error', () => resolve(true));
        req.on('end', () => resolve(false));
        // The body fails only once the peer holds the request and its first bytes: failing earlier (before the
        // connection is up, on a busy machine) would leave the peer nothing to see aborted.
        req.on('data', (c: Buffer) => {
          if (received === 0) setImmediate(() => body.destroy(new Error('client went away')));
          received += c.length;
        });
      }).then(({ server, port }) => {
        const req = http.request({ port, method: 'PUT', headers: { 'content-length': 1024 * 1024 } });
        req.on('error', () => {});
        req.on('close', () => server.close());
        pumpBody(body, req);
        body.push(Buffer.alloc(1000));
      });
    });
    assert.equal(await aborted, true);
    assert.equal(received, 1000);
  });
});
