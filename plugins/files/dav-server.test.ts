import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { startTestServer, type TestServer } from '../../test/harness/test-server.ts';
import { basicFor, davClient } from '../../test/harness/dav-test-client.ts';
import { filesPlugin } from './index.ts';

const LOCK_BODY =
  '<?xml version="1.0"?><d:lockinfo xmlns:d="DAV:"><d:lockscope><d:exclusive/></d:lockscope><d:locktype><d:write/></d:locktype><d:owner>me</d:owner></d:lockinfo>';

describe('files: WebDAV behaviour of /dav/files/<user>/', function () {
  this.timeout(30_000);
  let s: TestServer;
  let dav: ReturnType<typeof davClient>;
  const U = '/dav/files/ann';

  before(async () => {
    s = await startTestServer({ plugins: [filesPlugin()] });
    await s.user('ann');
    await s.user('ben');
    dav = davClient(s.origin, basicFor('ann'));
  });
  after(async () => s?.destroy());

  it('authenticates with Basic or a Bearer session and keeps users in their own tree', async () => {
    assert.equal((await davClient(s.origin, '').send('PROPFIND', `${U}/`)).status, 401);
    const wrong = await davClient(s.origin, basicFor('ann', 'nope-nope')).send('PROPFIND', `${U}/`);
    assert.equal(wrong.status, 401);
    assert.match(wrong.headers.get('www-authenticate') ?? '', /^Basic /);
    const fromApp = await davClient(s.origin, '').send('PROPFIND', `${U}/`, {
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    });
    assert.equal(fromApp.status, 401);
    assert.equal(fromApp.headers.get('www-authenticate'), null, 'no browser login dialog for the web app');
    assert.equal(
      (await davClient(s.origin, basicFor('ben')).send('PROPFIND', `${U}/`, { headers: { depth: '0' } })).status,
      403,
    );
    const token = await s.user('ann');
    assert.equal(
      (await davClient(s.origin, `Bearer ${token}`).send('PROPFIND', `${U}/`, { headers: { depth: '0' } })).status,
      207,
    );
    const opts = await dav.send('OPTIONS', `${U}/`);
    assert.equal(opts.headers.get('dav'), '1, 2');
  });

  it('PUT streams to disk: 201 then 204, 409 without parent, 405 over a collection, no temp files left', async () => {
    assert.equal((await dav.send('PUT', `${U}/a.txt`, { body: 'one' })).status, 201);
    const second = await dav.send('PUT', `${U}/a.txt`, { body: 'two!' });
    assert.equal(second.status, 204);
    assert.match(second.headers.get('etag') ?? '', /^"[^"]+"$/, 'strong ETag');
    assert.equal((await dav.send('GET', `${U}/a.txt`)).text, 'two!');
    assert.equal((await dav.send('PUT', `${U}/missing/a.txt`, { body: 'x' })).status, 409);
    assert.equal((await dav.send('MKCOL', `${U}/dir`)).status, 201);
    assert.equal((await dav.send('PUT', `${U}/dir`, { body: 'x' })).status, 405);
    assert.deepEqual(readdirSync(path.join(s.dataDir, 'files-tmp')), []);
  });

  it('MKCOL: 405 if it exists, 409 without parent, 415 with a body', async () => {
    assert.equal((await dav.send('MKCOL', `${U}/dir`)).status, 405);
    assert.equal((await dav.send('MKCOL', `${U}/no/such`)).status, 409);
    assert.equal(
      (await dav.send('MKCOL', `${U}/withbody`, { body: '<x/>', headers: { 'content-type': 'application/xml' } }))
        .status,
      415,
    );
    assert.equal((await dav.send('MKCOL', `${U}/Shared%20with%20me`)).status, 405, 'the shares folder is reserved');
  });

  it('GET/HEAD: ranges, suffix ranges, 416, multiple ranges served whole', async () => {
    await dav.send('PUT', `${U}/digits.txt`, { body: '0123456789' });
    const r = await dav.send('GET', `${U}/digits.txt`, { headers: { range: 'bytes=2-4' } });
    assert.equal(r.status, 206);
    assert.equal(r.text, '234');
    assert.equal(r.headers.get('content-range'), 'bytes 2-4/10');
    assert.equal((await dav.send('GET', `${U}/digits.txt`, { headers: { range: 'bytes=-3' } })).text, '789');
    assert.equal((await dav.send('GET', `${U}/digits.txt`, { headers: { range: 'bytes=20-' } })).status, 416);
    const multi = await dav.send('GET', `${U}/digits.txt`, { headers: { range: 'bytes=0-1,4-5' } });
    assert.equal(multi.status, 200);
    assert.equal(multi.text, '0123456789');
    const head = await dav.send('HEAD', `${U}/digits.txt`);
    assert.equal(head.headers.get('content-length'), '10');
    assert.equal(head.text, '');
    assert.ok(head.headers.get('last-modified'));
  });

  it('PUT and GET of bodies over several 1 MiB buffers keep every byte, whole and in ranges across buffers', async () => {
    const big = Buffer.alloc(3.5 * 1024 * 1024 + 17);
    for (let i = 0; i < big.length; i++) big[i] = (i * 31 + (i >> 11)) & 0xff;
    assert.equal((await dav.send('PUT', `${U}/big.bin`, { body: big })).status, 201);
    const whole = await dav.send('GET', `${U}/big.bin`);
    assert.equal(whole.headers.get('content-length'), String(big.length));
    assert.ok(whole.bytes.equals(big), 'the whole body');
    const from = 1024 * 1024 - 5;
    const to = 3 * 1024 * 1024 + 9;
    const part = await dav.send('GET', `${U}/big.bin`, { headers: { range: `bytes=${from}-${to}` } });
    assert.equal(part.status, 206);
    assert.ok(part.bytes.equals(big.subarray(from, to + 1)), 'a range across buffer boundaries');
    // Many reads at once: a buffer is reused only after the socket has written it.
    const all = await Promise.all(Array.from({ length: 6 }, () => dav.send('GET', `${U}/big.bin`)));
    for (const r of all) assert.ok(r.bytes.equals(big));
  });

  it('a PUT whose client stops short of Content-Length stores nothing and leaves no temporary file', async () => {
    const url = new URL(`${U}/cut.bin`, s.origin);
    await new Promise<void>((resolve, reject) => {
      const req = http.request(url, {
        method: 'PUT',
        headers: { authorization: basicFor('ann'), 'content-length': String(4 * 1024 * 1024) },
      });
      req.on('error', () => resolve());
      req.write(Buffer.alloc(1536 * 1024, 1), () => req.destroy());
      req.on('response', () => reject(new Error('no answer expected')));
    });
    // The server learns of the abort on its own time: wait for its clean-up (bounded), then check.
    for (let i = 0; i < 100 && readdirSync(path.join(s.dataDir, 'files-tmp')).length > 0; i++)
      await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(readdirSync(path.join(s.dataDir, 'files-tmp')), []);
    assert.equal((await dav.send('GET', `${U}/cut.bin`)).status, 404);
  });

  it('conditional requests: If-None-Match 304/412, If-Match 412, ETag changes with content', async () => {
    const etag = (await dav.send('HEAD', `${U}/digits.txt`)).headers.get('etag') as string;
    assert.equal((await dav.send('GET', `${U}/digits.txt`, { headers: { 'if-none-match': etag } })).status, 304);
    assert.equal(
      (await dav.send('PUT', `${U}/digits.txt`, { body: 'x', headers: { 'if-none-match': '*' } })).status,
      412,
    );
    assert.equal(
      (await dav.send('PUT', `${U}/digits.txt`, { body: 'x', headers: { 'if-match': '"nope"' } })).status,
      412,
    );
    assert.equal(
      (await dav.send('PUT', `${U}/digits.txt`, { body: 'abc', headers: { 'if-match': etag } })).status,
      204,
    );
    assert.notEqual((await dav.send('HEAD', `${U}/digits.txt`)).headers.get('etag'), etag);
    assert.equal((await dav.send('DELETE', `${U}/digits.txt`, { headers: { 'if-match': etag } })).status, 412);
  });

  it('PROPFIND: depth 0/1, infinity refused with propfind-finite-depth, bad XML is 400 not 500', async () => {
    const list = await dav.list(`${U}/`);
    assert.equal(list.status, 207);
    assert.ok(
      list.hrefs.includes(`${U}/a.txt`) &&
        list.hrefs.includes(`${U}/dir/`) &&
        list.hrefs.includes(`${U}/Shared%20with%20me/`),
    );
    assert.equal((await dav.list(`${U}/`, '0')).hrefs.length, 1);
    const inf = await dav.send('PROPFIND', `${U}/`, { headers: { depth: 'infinity' } });
    assert.equal(inf.status, 403);
    assert.match(inf.text, /propfind-finite-depth/);
    for (const body of ['<propfind', '<!DOCTYPE x [<!ENTITY a "b">]><x/>', '<x xmlns="DAV:"/>']) {
      const r = await dav.send('PROPFIND', `${U}/`, { headers: { depth: '0' }, body });
      assert.equal(r.status, 400, body);
      assert.match(r.text, /<d:error/);
    }
    const named = await dav.send('PROPFIND', `${U}/a.txt`, {
      headers: { depth: '0' },
      body: '<propfind xmlns="DAV:"><prop><getcontentlength/><nope xmlns="urn:x"/></prop></propfind>',
    });
    assert.match(named.text, /<d:getcontentlength>4<\/d:getcontentlength>/);
    assert.match(named.text, /<x:nope xmlns:x="urn:x"\/>.*404 Not Found/);
  });

  it('PROPPATCH: dead properties persist, protected live ones are refused with 403 and nothing changes', async () => {
    const set =
      '<d:propertyupdate xmlns:d="DAV:" xmlns:z="urn:z"><d:set><d:prop><z:color>blue</z:color></d:prop></d:set></d:propertyupdate>';
    assert.equal((await dav.send('PROPPATCH', `${U}/a.txt`, { body: set })).status, 207);
    const bad =
      '<d:propertyupdate xmlns:d="DAV:" xmlns:z="urn:z"><d:set><d:prop><z:color>red</z:color><d:getetag>x</d:getetag></d:prop></d:set></d:propertyupdate>';
    const refused = await dav.send('PROPPATCH', `${U}/a.txt`, { body: bad });
    assert.match(refused.text, /403 Forbidden.*cannot-modify-protected-property/);
    assert.match(refused.text, /424 Failed Dependency/);
    assert.equal(
      (await dav.send('MOVE', `${U}/a.txt`, { headers: { destination: `${s.origin}${U}/b.txt` } })).status,
      201,
    );
    const got = await dav.send('PROPFIND', `${U}/b.txt`, {
      headers: { depth: '0' },
      body: '<propfind xmlns="DAV:"><prop><color xmlns="urn:z"/></prop></propfind>',
    });
    assert.match(
      got.text,
      /<x:color xmlns:x="urn:z">blue<\/x:color>/,
      'the property moved with the file and kept its value',
    );
  });

  it('COPY/MOVE: Overwrite F gives 412, T replaces (204), Depth 0 copies a collection shallowly, bad Destination is 400/502', async () => {
    await dav.send('PUT', `${U}/dir/inner.txt`, { body: 'inner' });
    assert.equal(
      (await dav.send('COPY', `${U}/b.txt`, { headers: { destination: `${U}/dir/inner.txt`, overwrite: 'F' } })).status,
      412,
    );
    assert.equal(
      (await dav.send('COPY', `${U}/b.txt`, { headers: { destination: `${U}/dir/inner.txt`, overwrite: 'T' } })).status,
      204,
    );
    assert.equal(
      (await dav.send('COPY', `${U}/dir`, { headers: { destination: `${U}/shallow`, depth: '0' } })).status,
      201,
    );
    assert.deepEqual((await dav.list(`${U}/shallow/`)).hrefs, [`${U}/shallow/`]);
    assert.equal((await dav.send('COPY', `${U}/dir`, { headers: { destination: `${U}/deep` } })).status, 201);
    assert.equal((await dav.send('GET', `${U}/deep/inner.txt`)).text, 'two!');
    assert.equal((await dav.send('MOVE', `${U}/b.txt`)).status, 400);
    assert.equal(
      (await dav.send('MOVE', `${U}/b.txt`, { headers: { destination: 'http://elsewhere.example/x' } })).status,
      502,
    );
    assert.equal((await dav.send('MOVE', `${U}/dir`, { headers: { destination: `${U}/dir/sub` } })).status, 403);
    assert.equal((await dav.send('MOVE', `${U}/b.txt`, { headers: { destination: `${U}/nope/b.txt` } })).status, 409);
    assert.equal((await dav.send('DELETE', `${U}/deep`)).status, 204);
    assert.equal((await dav.send('DELETE', `${U}/deep`)).status, 404);
  });

  it('LOCK: 423 without the token, If header with the token works, UNLOCK frees it', async () => {
    const lock = await dav.send('LOCK', `${U}/b.txt`, { body: LOCK_BODY, headers: { timeout: 'Second-600' } });
    assert.equal(lock.status, 200);
    const token = (lock.headers.get('lock-token') ?? '').replace(/[<>]/g, '');
    assert.match(token, /^urn:uuid:/);
    assert.match(lock.text, /<d:timeout>Second-600<\/d:timeout>/);
    const blocked = await dav.send('PUT', `${U}/b.txt`, { body: 'x' });
    assert.equal(blocked.status, 423);
    assert.match(blocked.text, /lock-token-submitted/);
    assert.equal((await dav.send('DELETE', `${U}/b.txt`)).status, 423);
    assert.equal((await dav.send('LOCK', `${U}/b.txt`, { body: LOCK_BODY })).status, 423);
    assert.equal(
      (await dav.send('PUT', `${U}/b.txt`, { body: 'locked write', headers: { if: `(<${token}>)` } })).status,
      204,
    );
    const refreshed = await dav.send('LOCK', `${U}/b.txt`, { headers: { if: `(<${token}>)`, timeout: 'Second-100' } });
    assert.equal(refreshed.status, 200);
    assert.equal(
      (await dav.send('UNLOCK', `${U}/b.txt`, { headers: { 'lock-token': '<urn:uuid:nope>' } })).status,
      409,
    );
    assert.equal((await dav.send('UNLOCK', `${U}/b.txt`, { headers: { 'lock-token': `<${token}>` } })).status, 204);
    assert.equal((await dav.send('PUT', `${U}/b.txt`, { body: 'free' })).status, 204);
    const unmapped = await dav.send('LOCK', `${U}/new-locked.txt`, { body: LOCK_BODY });
    assert.equal(unmapped.status, 201, 'locking an unmapped URL creates an empty file');
    assert.equal((await dav.send('GET', `${U}/new-locked.txt`)).text, '');
  });

  it('path traversal attempts never leave the tree', async () => {
    const evil = [
      '/dav/files/ann/../ben/x',
      '/dav/files/ann/%2e%2e/ben',
      '/dav/files/ann/..%2f..%2fetc%2fpasswd',
      '/dav/files/ann/a%00b',
      '/dav/files/..%2fann/',
    ];
    for (const p of evil) {
      const status = await new Promise<number>((resolve, reject) => {
        const u = new URL(s.origin);
        const req = http.request(
          {
            host: u.hostname,
            port: u.port,
            method: 'PUT',
            path: p,
            headers: { authorization: basicFor('ann'), 'content-length': '1' },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end('x');
      });
      assert.ok(status === 400 || status === 403 || status === 404, `${p} -> ${status}`);
    }
    assert.equal(existsSync(path.join(s.dataDir, 'files', 'ben', 'x')), false);
  });
});
