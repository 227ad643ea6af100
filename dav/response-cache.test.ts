import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { createDavServer } from './create-server.ts';
import { ResponseCache, responseCacheExtension } from './response-cache.ts';
import { syncExtension } from './sync/sync-extension.ts';
import { MemoryStore, testLogger } from './testing/memory-backend.ts';
import { serveDav, type TestDav } from './testing/test-http.ts';

const LISTING = '<d:propfind xmlns:d="DAV:"><d:prop><d:getetag/><d:displayname/></d:prop></d:propfind>';
const SYNC = (token = '') =>
  `<d:sync-collection xmlns:d="DAV:"><d:sync-token>${token}</d:sync-token><d:prop><d:getetag/></d:prop></d:sync-collection>`;

describe('dav: the response cache', () => {
  let t: TestDav;
  let store: MemoryStore;
  let cache: ResponseCache;

  async function start(maxBytes?: number): Promise<void> {
    store = new MemoryStore();
    store.versioned = true;
    store.entries.set('/cal', { body: null, contentType: '', modified: Date.now() });
    for (let i = 0; i < 40; i++) store.put(`/cal/member-${i}.ics`, Buffer.from(`body ${i}`));
    cache = new ResponseCache(maxBytes === undefined ? {} : { maxBytes });
    const dav = createDavServer({ logger: testLogger(), extensions: [syncExtension(), responseCacheExtension(cache)] });
    t = await serveDav(dav, '/dav', (req) => ({
      root: store.node('/')!,
      hrefPrefix: '/dav',
      space: 'space',
      basePath: '/',
      principal: String(req.headers['x-user'] ?? 'user:alice'),
      canWrite: req.headers['x-read-only'] === undefined,
    }));
  }
  afterEach(() => t.close());

  const list = (headers: Record<string, string> = {}) =>
    t.send('PROPFIND', '/dav/cal/', { headers: { depth: '1', ...headers }, body: LISTING });

  it('answers an identical request from the cache until the collection changes', async () => {
    await start();
    const first = await list();
    assert.equal(first.status, 207);
    assert.equal(cache.stats.hits, 0);
    const second = await list();
    assert.equal(cache.stats.hits, 1);
    assert.equal(second.text, first.text);
    assert.equal(second.headers['content-type'], first.headers['content-type']);
    store.put('/cal/new.ics', Buffer.from('new'));
    const third = await list();
    assert.equal(cache.stats.hits, 1, 'a changed version is a miss');
    assert.match(third.text, /new\.ics/);
  });

  it('keeps principals, write access, Depth, Prefer and bodies apart', async () => {
    await start();
    await list();
    const variants: Record<string, string>[] = [
      { 'x-user': 'user:bob' },
      { 'x-read-only': '1' },
      { depth: '0' },
      { prefer: 'return=minimal' },
    ];
    for (const headers of variants) await list(headers);
    await t.send('REPORT', '/dav/cal/', { body: SYNC() });
    assert.equal(cache.stats.hits, 0);
    assert.equal(cache.stats.entries, 6);
    await list({ 'x-user': 'user:bob' });
    assert.equal(cache.stats.hits, 1);
  });

  it('answers conditional requests afresh and keeps no error answers', async () => {
    await start();
    await list();
    await list({ 'if-none-match': '"x"' });
    assert.equal(cache.stats.hits, 0);
    const bad = () => t.send('REPORT', '/dav/cal/', { body: SYNC('http://sabre.io/ns/sync/999999') });
    assert.equal((await bad()).status, 403);
    assert.equal((await bad()).status, 403);
    assert.equal(cache.stats.entries, 1);
  });

  it('leaves collections that give no version alone', async () => {
    await start();
    store.versioned = false;
    await list();
    await list();
    assert.deepEqual([cache.stats.hits, cache.stats.entries], [0, 0]);
  });

  it('compresses an answer once it is asked for again; serves gzip to clients that accept it, plain to others', async () => {
    await start();
    const plain = await list();
    await cache.settled();
    const missed = cache.stats.bytes;
    assert.equal((await list()).text, plain.text);
    await cache.settled();
    assert.ok(cache.stats.bytes > missed, 'the first hit added the compressed bytes');
    const zipped = await new Promise<Buffer>((resolve, reject) => {
      void import('node:http').then((http) => {
        const u = new URL(t.origin);
        const req = http.request(
          {
            host: u.hostname,
            port: u.port,
            method: 'PROPFIND',
            path: '/dav/cal/',
            headers: { depth: '1', 'accept-encoding': 'gzip', 'content-length': String(LISTING.length) },
          },
          (res) => {
            assert.equal(res.headers['content-encoding'], 'gzip');
            assert.match(String(res.headers.vary), /Accept-Encoding/);
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve(Buffer.concat(chunks)));
          },
        );
        req.on('error', reject);
        req.end(LISTING);
      });
    });
    assert.equal(gunzipSync(zipped).toString('utf8'), plain.text);
    const again = await list({ 'accept-encoding': 'gzip;q=0' });
    assert.equal(again.headers['content-encoding'], undefined);
    assert.equal(again.text, plain.text);
  });

  it('stays within its byte bound, dropping the least recently used answers', async () => {
    await start(64 * 1024);
    for (let i = 0; i < 20; i++) await list({ 'x-user': `user:${i}` });
    await cache.settled();
    assert.ok(cache.stats.bytes <= 64 * 1024, String(cache.stats.bytes));
    assert.ok(cache.stats.entries < 20 && cache.stats.entries > 0);
    await list({ 'x-user': 'user:19' });
    assert.equal(cache.stats.hits, 1, 'the most recent answer is still there');
  });
});
