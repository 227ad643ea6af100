import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { webStatic } from '../../scripts/web-static.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';
import { ensureWebBuild } from '../harness/web-build.ts';

describe('web app serving: static files with an SPA fallback that leaves the server’s own routes alone', function () {
  this.timeout(60_000);
  let s: TestServer;
  let empty: TestServer;
  let emptyDir: string;

  before(async () => {
    const dist = await ensureWebBuild();
    emptyDir = mkdtempSync(path.join(tmpdir(), 'meshwork-nodist-'));
    [s, empty] = await Promise.all([
      startTestServer({ fallback: webStatic({ distDir: dist }) }),
      startTestServer({ fallback: webStatic({ distDir: emptyDir }) }),
    ]);
  });
  after(async () => {
    await Promise.all([s, empty].map((x) => x?.destroy()));
    rmSync(emptyDir, { recursive: true, force: true });
  });

  it('serves index.html at / and for deep links, with a strict CSP and no caching', async () => {
    for (const p of ['/', '/files/anything', '/contacts']) {
      const res = await fetch(s.origin + p, { headers: { accept: 'text/html' } });
      assert.equal(res.status, 200, p);
      assert.match(await res.text(), /<div id="app">/);
      assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'self'/);
      assert.equal(res.headers.get('cache-control'), 'no-cache');
    }
  });

  it('serves hashed assets cacheable for a year, and a missing asset is a 404, not the app', async () => {
    const html = await (await fetch(`${s.origin}/`)).text();
    const js = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(js, 'index.html references a script under /assets/');
    const asset = await fetch(s.origin + js);
    assert.equal(asset.status, 200);
    assert.match(asset.headers.get('content-type') ?? '', /javascript/);
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
    assert.equal((await fetch(`${s.origin}/assets/missing-0000.js`)).status, 404);
  });

  it('keeps API, OCM, DAV and socket.io paths as the server answers them (JSON errors, never index.html)', async () => {
    const api = await fetch(`${s.origin}/api/v1/nope`, { headers: { accept: 'text/html' } });
    assert.equal(api.status, 401);
    assert.match(api.headers.get('content-type') ?? '', /json/);
    for (const p of ['/ocm/nope', '/dav/nope', '/.well-known/nope', '/plugins/nope']) {
      const res = await fetch(s.origin + p, { headers: { accept: 'text/html' } });
      assert.equal(res.status, 404, p);
      assert.doesNotMatch(await res.text(), /<div id="app">/, p);
    }
    const io = await fetch(`${s.origin}/socket.io/?EIO=4&transport=polling`, { headers: { accept: 'text/html' } });
    assert.equal(io.status, 200);
    assert.match(await io.text(), /^0\{"sid"/);
    const discovery = await fetch(`${s.origin}/.well-known/ocm`, { headers: { accept: 'text/html' } });
    assert.equal(discovery.status, 200);
    assert.equal(typeof ((await discovery.json()) as { endPoint?: unknown }).endPoint, 'string');
  });

  it('leaves non-GET requests and non-HTML clients to the server', async () => {
    assert.equal((await fetch(`${s.origin}/somewhere`, { method: 'POST' })).status, 404);
    assert.equal((await fetch(`${s.origin}/somewhere`, { headers: { accept: 'application/json' } })).status, 404);
  });

  it('says how to build the app when web/dist is missing', async () => {
    assert.deepEqual(readdirSync(emptyDir), []);
    const res = await fetch(`${empty.origin}/`, { headers: { accept: 'text/html' } });
    assert.equal(res.status, 503);
    assert.match(await res.text(), /npm run build:web/);
  });
});
