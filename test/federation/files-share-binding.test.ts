import assert from 'node:assert/strict';
import { mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { filesPlugin } from '../../plugins/files/index.ts';
import { basicFor, davClient } from '../harness/dav-test-client.ts';
import { eventually, startTestServer, type TestServer } from '../harness/test-server.ts';

const SHARED = '/dav/files/bob/Shared%20with%20me';

describe('federation: a file share binds to the resource, not to its path', function () {
  this.timeout(60_000);
  let a: TestServer;
  let b: TestServer;
  let alice: string;
  let bob: string;
  let aliceDav: ReturnType<typeof davClient>;
  let bobDav: ReturnType<typeof davClient>;
  const A = '/dav/files/alice';
  const onDisk = (p: string): string => path.join(a.dataDir, 'files', 'alice', p);

  before(async () => {
    [a, b] = await Promise.all([
      startTestServer({ plugins: [filesPlugin()] }),
      startTestServer({ plugins: [filesPlugin()] }),
    ]);
    alice = await a.user('alice', 'Alice');
    bob = await b.user('bob', 'Bob');
    aliceDav = davClient(a.origin, basicFor('alice'));
    bobDav = davClient(b.origin, basicFor('bob'));
  });
  after(async () => Promise.all([a?.destroy(), b?.destroy()]));

  async function folder(name: string, files: Record<string, string> = { 'x.txt': 'shared bytes' }): Promise<void> {
    assert.equal((await aliceDav.send('MKCOL', `${A}/${name}`)).status, 201);
    for (const [f, body] of Object.entries(files))
      assert.equal((await aliceDav.send('PUT', `${A}/${name}/${f}`, { body })).status, 201);
  }

  /** Shares with bob, who accepts; returns the outgoing share and a client holding the share's secret. */
  async function share(resourceType: 'file' | 'folder', resourceId: string) {
    const created = await a.api(alice, 'POST', '/api/v1/shares', {
      resourceType,
      resourceId,
      shareWith: `bob@${b.host}`,
      permissions: ['read', 'write'],
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const incoming = (await b.engine.shares.listIncoming('bob')).find((s) => s.providerId === created.body.providerId);
    assert.ok(incoming);
    assert.equal((await b.api(bob, 'POST', `/api/v1/shares/incoming/${incoming.id}/accept`)).status, 200);
    const secret = String(incoming.protocol.protocols.webdav?.sharedSecret);
    return {
      outgoing: created.body as { id: string; providerId: string },
      incomingId: incoming.id,
      direct: davClient(a.origin, `Bearer ${secret}`),
      base: `/dav/ocm/${created.body.providerId}`,
    };
  }

  async function ended(s: { outgoing: { id: string }; incomingId: string }): Promise<void> {
    await eventually(
      async () => (await a.engine.shares.getOutgoing(s.outgoing.id))?.state === 'unshared',
      5000,
      'the share to be revoked',
    );
    await eventually(
      async () => (await b.engine.shares.getIncoming(s.incomingId))?.state !== 'accepted',
      10_000,
      "the recipient's server to be told",
    );
  }

  it('deleting a shared folder over WebDAV ends the share, and a folder made again at its path stays private', async () => {
    await folder('Gone');
    const s = await share('folder', '/Gone');
    assert.equal((await s.direct.send('GET', `${s.base}/x.txt`)).text, 'shared bytes');
    assert.equal((await aliceDav.send('DELETE', `${A}/Gone`)).status, 204);
    assert.equal((await s.direct.send('PROPFIND', `${s.base}/`, { headers: { depth: '1' } })).status, 401);
    await ended(s);
    await folder('Gone', { 'new.txt': 'never shared' });
    assert.equal((await s.direct.send('GET', `${s.base}/new.txt`)).status, 401);
    assert.equal((await bobDav.send('GET', `${SHARED}/Gone/new.txt`)).status, 404);
  });

  it('a shared folder deleted (or moved away) on disk and recreated at its path is never served; the share ends', async () => {
    for (const how of ['deleted', 'moved'] as const) {
      const name = `Disk-${how}`;
      await folder(name);
      const s = await share('folder', `/${name}`);
      assert.equal((await s.direct.send('GET', `${s.base}/x.txt`)).status, 200);
      if (how === 'deleted') rmSync(onDisk(name), { recursive: true });
      else renameSync(onDisk(name), onDisk(`${name}-elsewhere`));
      // Created again at once: ext4 hands the new folder the old inode number.
      mkdirSync(onDisk(name));
      writeFileSync(onDisk(`${name}/new.txt`), 'never shared');
      const r = await s.direct.send('PROPFIND', `${s.base}/`, { headers: { depth: '1' } });
      assert.equal(r.status, 404, `${how}: ${r.text}`);
      assert.equal((await s.direct.send('GET', `${s.base}/new.txt`)).status, 404);
      await ended(s);
      assert.equal((await s.direct.send('GET', `${s.base}/new.txt`)).status, 401);
    }
  });

  it('a folder moved over WebDAV keeps its share; a new folder at the old path is not shared', async () => {
    await folder('Moving');
    const s = await share('folder', '/Moving');
    assert.equal((await aliceDav.send('MKCOL', `${A}/Archive`)).status, 201);
    const moved = await aliceDav.send('MOVE', `${A}/Moving`, { headers: { destination: `${A}/Archive/Moved` } });
    assert.equal(moved.status, 201);
    await folder('Moving', { 'new.txt': 'never shared' });
    const listing = await s.direct.list(`${s.base}/`);
    assert.equal(listing.status, 207);
    assert.deepEqual(listing.hrefs, [`${s.base}/`, `${s.base}/x.txt`]);
    assert.equal((await s.direct.send('GET', `${s.base}/new.txt`)).status, 404);
    assert.equal((await bobDav.send('GET', `${SHARED}/Moving/x.txt`)).text, 'shared bytes');
    assert.equal((await a.engine.shares.getOutgoing(s.outgoing.id))?.state, 'accepted');
  });

  it('overwriting a shared folder with COPY or MOVE ends its share', async () => {
    await folder('Target');
    await folder('Replacement', { 'r.txt': 'other' });
    const s = await share('folder', '/Target');
    const r = await aliceDav.send('COPY', `${A}/Replacement`, {
      headers: { destination: `${A}/Target`, overwrite: 'T' },
    });
    assert.equal(r.status, 204);
    assert.equal((await s.direct.send('GET', `${s.base}/r.txt`)).status, 401);
    await ended(s);
  });

  it('replacing a shared file with PUT keeps the share (new bytes, same resource), from either side', async () => {
    assert.equal((await aliceDav.send('PUT', `${A}/doc.txt`, { body: 'v1' })).status, 201);
    const s = await share('file', '/doc.txt');
    for (let i = 2; i <= 4; i++) {
      assert.equal((await aliceDav.send('PUT', `${A}/doc.txt`, { body: `v${i}` })).status, 204);
      assert.equal((await s.direct.send('GET', s.base)).text, `v${i}`);
    }
    assert.equal((await bobDav.send('PUT', `${SHARED}/doc.txt`, { body: 'from bob' })).status, 204);
    assert.equal((await aliceDav.send('GET', `${A}/doc.txt`)).text, 'from bob');
    assert.equal((await bobDav.send('GET', `${SHARED}/doc.txt`)).text, 'from bob');
    rmSync(onDisk('doc.txt'));
    writeFileSync(onDisk('doc.txt'), 'a different file');
    assert.equal((await s.direct.send('GET', s.base)).status, 404, 'a file recreated on disk is another resource');
    await ended(s);
  });

  it('keeps a shared file shared through many PUTs racing on it', async () => {
    assert.equal((await aliceDav.send('PUT', `${A}/busy.txt`, { body: 'v0' })).status, 201);
    const s = await share('file', '/busy.txt');
    const puts = await Promise.all(
      Array.from({ length: 16 }, (_v, i) =>
        i % 2
          ? aliceDav.send('PUT', `${A}/busy.txt`, { body: `a${i}` })
          : s.direct.send('PUT', s.base, { body: `b${i}` }),
      ),
    );
    assert.deepEqual(new Set(puts.map((p) => p.status)), new Set([204]));
    const now = (await aliceDav.send('GET', `${A}/busy.txt`)).text;
    assert.equal((await s.direct.send('GET', s.base)).text, now);
    await new Promise((r) => setTimeout(r, 1500)); // past the confirming second look
    assert.equal((await a.engine.shares.getOutgoing(s.outgoing.id))?.state, 'accepted');
    assert.equal((await s.direct.send('GET', s.base)).status, 200);
  });

  it('never follows a symlink inside a shared folder, nor shares a path that goes through one', async () => {
    await folder('Linked');
    const outside = path.join(a.dataDir, 'outside');
    mkdirSync(path.join(outside, 'inner'), { recursive: true });
    writeFileSync(path.join(outside, 'secret.txt'), 'not shared');
    symlinkSync(outside, onDisk('Linked/esc'));
    symlinkSync(outside, onDisk('via'));
    const s = await share('folder', '/Linked');
    assert.equal((await s.direct.send('GET', `${s.base}/esc/secret.txt`)).status, 404);
    assert.equal((await s.direct.send('PUT', `${s.base}/esc/planted.txt`, { body: 'x' })).status, 409);
    assert.equal((await bobDav.send('GET', `${SHARED}/Linked/esc/secret.txt`)).status, 404);
    assert.deepEqual((await s.direct.list(`${s.base}/`)).hrefs, [`${s.base}/`, `${s.base}/x.txt`]);
    const through = await a.api(alice, 'POST', '/api/v1/shares', {
      resourceType: 'folder',
      resourceId: '/via/inner',
      shareWith: `bob@${b.host}`,
    });
    assert.equal(through.status, 404, JSON.stringify(through.body));
  });
});
