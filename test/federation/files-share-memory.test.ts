import assert from 'node:assert/strict';
import { mkdirSync, openSync, closeSync, writeSync } from 'node:fs';
import { request, type IncomingMessage } from 'node:http';
import path from 'node:path';
import { filesPlugin } from '../../plugins/files/index.ts';
import { basicFor } from '../harness/dav-test-client.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

const MB = 1024 * 1024;
const SIZE = 96 * MB;
/** Growth of Node's buffer memory allowed while a client holds a large download: socket buffers and two batches. */
const BOUND = 32 * MB;

/**
 * Large downloads through a federated share stream with bounded memory: a client that stops reading holds the
 * owner (backpressure through the receiver's relay), instead of the relay gathering the whole body. Both servers run
 * in this process, so `arrayBuffers` counts the owner's, the relay's and the client's buffers together.
 */
describe('federation: a large download through a share holds bounded memory', function () {
  this.timeout(120_000);
  let a: TestServer;
  let b: TestServer;

  before(async () => {
    [a, b] = await Promise.all([
      startTestServer({ plugins: [filesPlugin()] }),
      startTestServer({ plugins: [filesPlugin()] }),
    ]);
    const alice = await a.user('alice', 'Alice');
    const bob = await b.user('bob', 'Bob');
    // Written straight into alice's tree in 1 MiB pieces: the test itself never holds the body.
    const dir = path.join(a.dataDir, 'files', 'alice', 'Big');
    mkdirSync(dir, { recursive: true });
    const fd = openSync(path.join(dir, 'big.bin'), 'w');
    const chunk = Buffer.alloc(MB, 5);
    for (let i = 0; i < SIZE / MB; i++) writeSync(fd, chunk);
    closeSync(fd);
    const created = await a.api(alice, 'POST', '/api/v1/shares', {
      resourceType: 'folder',
      resourceId: '/Big',
      shareWith: `bob@${b.host}`,
      permissions: ['read'],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const incoming = (await b.api(bob, 'GET', '/api/v1/shares/incoming')).body.find(
      (s: any) => s.providerId === created.body.providerId,
    );
    assert.equal((await b.api(bob, 'POST', `/api/v1/shares/incoming/${incoming.id}/accept`)).status, 200);
  });
  after(async () => Promise.all([a?.destroy(), b?.destroy()]));

  it('a client that stops reading holds the owner back; the body then arrives whole', async () => {
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(`${b.origin}/dav/files/bob/Shared%20with%20me/Big/big.bin`, {
        headers: { authorization: basicFor('bob') },
      });
      req.once('response', resolve).once('error', reject).end();
    });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['content-length'], String(SIZE));
    res.pause();
    const base = process.memoryUsage().arrayBuffers;
    // While the client reads nothing, watch buffer memory until it stops growing (the pipeline is full).
    let peak = base;
    let still = 0;
    for (let i = 0; i < 200 && still < 10; i++) {
      await new Promise((r) => setTimeout(r, 20));
      const now = process.memoryUsage().arrayBuffers;
      still = now > peak ? 0 : still + 1;
      peak = Math.max(peak, now);
    }
    assert.ok(
      peak - base < BOUND,
      `buffers grew by ${((peak - base) / MB).toFixed(1)} MB for a ${SIZE / MB} MB body held by the client`,
    );
    let bytes = 0;
    res.on('data', (c: Buffer) => {
      bytes += c.length;
    });
    const ended = new Promise((r) => res.once('end', r));
    res.resume(); // paused explicitly: a data listener alone does not restart the flow
    await ended;
    assert.equal(bytes, SIZE);
  });
});
