import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startTestServer, type TestServer } from '../../test/harness/test-server.ts';
import { basicFor, davClient } from '../../test/harness/dav-test-client.ts';
import { filesPlugin } from './index.ts';

const LOCK_BODY =
  '<d:lockinfo xmlns:d="DAV:"><d:lockscope><d:exclusive/></d:lockscope><d:locktype><d:write/></d:locktype></d:lockinfo>';

describe('files: hostile paths and bodies on /dav/files/<user>/', function () {
  this.timeout(30_000);
  let s: TestServer;
  let dav: ReturnType<typeof davClient>;
  let outside: string;
  const U = '/dav/files/ann';

  before(async () => {
    s = await startTestServer({ plugins: [filesPlugin()] });
    await s.user('ann');
    dav = davClient(s.origin, basicFor('ann'));
    assert.equal((await dav.send('MKCOL', `${U}/dir`)).status, 201);
    assert.equal((await dav.send('PUT', `${U}/a.txt`, { body: 'mine' })).status, 201);
    // Planted on disk (WebDAV cannot create symlinks): a folder outside every user's tree, linked from inside.
    outside = path.join(s.dataDir, 'outside');
    mkdirSync(path.join(outside, 'inner'), { recursive: true });
    writeFileSync(path.join(outside, 'secret.txt'), 'not yours');
    symlinkSync(outside, path.join(s.dataDir, 'files', 'ann', 'link'));
    symlinkSync(outside, path.join(s.dataDir, 'files', 'ann', 'dir', 'deeper'));
  });
  after(async () => s?.destroy());

  it('never follows a symlinked folder in the middle of a path, for any method', async () => {
    for (const via of [`${U}/link`, `${U}/dir/deeper`]) {
      assert.equal((await dav.send('GET', `${via}/secret.txt`)).status, 404, `GET ${via}`);
      assert.equal((await dav.send('HEAD', `${via}/secret.txt`)).status, 404, `HEAD ${via}`);
      assert.equal((await dav.send('PROPFIND', `${via}/`, { headers: { depth: '1' } })).status, 404, `PROPFIND ${via}`);
      assert.equal((await dav.send('PROPFIND', `${via}/inner/`, { headers: { depth: '0' } })).status, 404);
      assert.equal((await dav.send('PUT', `${via}/planted.txt`, { body: 'x' })).status, 409, `PUT ${via}`);
      assert.equal((await dav.send('MKCOL', `${via}/made`)).status, 409, `MKCOL ${via}`);
      assert.equal((await dav.send('DELETE', `${via}/secret.txt`)).status, 404, `DELETE ${via}`);
      assert.equal(
        (
          await dav.send('PROPPATCH', `${via}/secret.txt`, {
            body: '<d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><z xmlns="urn:z">1</z></d:prop></d:set></d:propertyupdate>',
          })
        ).status,
        404,
      );
      assert.equal((await dav.send('LOCK', `${via}/secret.txt`, { body: LOCK_BODY })).status, 409, `LOCK ${via}`);
      const copyOut = await dav.send('COPY', `${via}/secret.txt`, { headers: { destination: `${U}/stolen.txt` } });
      assert.equal(copyOut.status, 404, `COPY from ${via}`);
      const moveOut = await dav.send('MOVE', `${via}/secret.txt`, { headers: { destination: `${U}/moved.txt` } });
      assert.equal(moveOut.status, 404, `MOVE from ${via}`);
      const copyIn = await dav.send('COPY', `${U}/a.txt`, { headers: { destination: `${via}/copied.txt` } });
      assert.equal(copyIn.status, 409, `COPY into ${via}`);
      const moveIn = await dav.send('MOVE', `${U}/a.txt`, { headers: { destination: `${via}/inner/moved.txt` } });
      assert.equal(moveIn.status, 409, `MOVE into ${via}`);
    }
    assert.equal(readFileSync(path.join(outside, 'secret.txt'), 'utf8'), 'not yours');
    for (const f of ['planted.txt', 'made', 'copied.txt', 'inner/moved.txt', 'inner/made'])
      assert.equal(existsSync(path.join(outside, f)), false, f);
    assert.equal(existsSync(path.join(s.dataDir, 'files', 'ann', 'stolen.txt')), false);
    assert.equal((await dav.send('GET', `${U}/a.txt`)).text, 'mine');
    const listing = await dav.list(`${U}/`);
    assert.ok(!listing.hrefs.some((h) => h.includes('link')), 'symlinks are not listed');
  });

  it('answers malformed percent-encoding anywhere in a DAV request with 400', async () => {
    const bad = ['%zz', '%', '%E2%82', 'a%ff', '%C0%AF'];
    for (const b of bad) {
      for (const p of [
        `/dav/files/${b}/`,
        `${U}/${b}`,
        `${U}/dir/${b}/x`,
        `${U}/Shared%20with%20me/${b}`,
        `/dav/ocm/${b}/x`,
      ])
        for (const m of ['GET', 'PUT', 'PROPFIND', 'MKCOL', 'DELETE', 'MOVE']) {
          const status = await dav.raw(m, p);
          assert.ok(status === 400 || (p.startsWith('/dav/ocm/') && status === 401), `${m} ${p} -> ${status}`);
        }
      const moved = await dav.send('MOVE', `${U}/a.txt`, { headers: { destination: `${U}/${b}` } });
      assert.equal(moved.status, 400, `Destination ${b}`);
      const iffy = await dav.send('PUT', `${U}/a.txt`, {
        body: 'x',
        headers: { if: `<${s.origin}${U}/${b}> (["x"])` },
      });
      assert.equal(iffy.status, 400, `If ${b}`);
    }
    assert.equal((await dav.send('GET', `${U}/a.txt`)).text, 'mine');
  });

  it('refuses deeply nested XML in PROPPATCH and LOCK bodies with 400 and stores nothing', async () => {
    const nest = (n: number): string => `${'<a>'.repeat(n)}${'</a>'.repeat(n)}`;
    const patch = await dav.send('PROPPATCH', `${U}/a.txt`, {
      body: `<d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><z xmlns="urn:z">${nest(100_000)}</z></d:prop></d:set></d:propertyupdate>`,
    });
    assert.equal(patch.status, 400);
    assert.match(patch.text, /<d:error/);
    const lock = await dav.send('LOCK', `${U}/a.txt`, {
      body: `<d:lockinfo xmlns:d="DAV:"><d:lockscope><d:exclusive/></d:lockscope><d:locktype><d:write/></d:locktype><d:owner>${nest(100_000)}</d:owner></d:lockinfo>`,
    });
    assert.equal(lock.status, 400);
    const props = await dav.send('PROPFIND', `${U}/a.txt`, {
      headers: { depth: '0' },
      body: '<propfind xmlns="DAV:"><prop><z xmlns="urn:z"/><lockdiscovery/></prop></propfind>',
    });
    assert.match(props.text, /<x:z xmlns:x="urn:z"\/>.*404 Not Found/);
    assert.doesNotMatch(props.text, /activelock/);
    const huge = await dav.send('PROPPATCH', `${U}/a.txt`, {
      body: `<d:propertyupdate xmlns:d="DAV:">${nest(300_000)}`,
    });
    assert.equal(huge.status, 413);
  });

  it('honours a sane X-OC-Mtime and ignores one no date can hold', async () => {
    const ok = await dav.send('PUT', `${U}/dated.txt`, { body: 'x', headers: { 'x-oc-mtime': '1600000000' } });
    assert.equal(ok.status, 201);
    assert.equal(ok.headers.get('x-oc-mtime'), 'accepted');
    assert.equal(
      (await dav.send('HEAD', `${U}/dated.txt`)).headers.get('last-modified'),
      new Date(1600000000_000).toUTCString(),
    );
    for (const v of ['1e20', '-5', 'soon', '99999999999999999999'])
      assert.equal(
        (await dav.send('PUT', `${U}/dated.txt`, { body: 'y', headers: { 'x-oc-mtime': v } })).status,
        204,
        v,
      );
  });

  it('refuses XML that is not valid UTF-8 with 400', async () => {
    const body = Buffer.concat([
      Buffer.from('<d:propertyupdate xmlns:d="DAV:"><d:set><d:prop><z xmlns="urn:z">caf'),
      Buffer.from([0xe9]),
      Buffer.from('</z></d:prop></d:set></d:propertyupdate>'),
    ]);
    const r = await dav.send('PROPPATCH', `${U}/a.txt`, { body });
    assert.equal(r.status, 400);
    assert.match(r.text, /not valid UTF-8/);
    const find = await dav.send('PROPFIND', `${U}/`, {
      headers: { depth: '0' },
      body: Buffer.from([0x3c, 0x70, 0xff, 0x2f, 0x3e]),
    });
    assert.equal(find.status, 400);
  });
});
