import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { filesPlugin } from '../../plugins/files/index.ts';
import { basicFor, davClient } from '../harness/dav-test-client.ts';
import { eventually, startTestServer, type TestServer } from '../harness/test-server.ts';

const SHARED = '/dav/files/bob/Shared%20with%20me';
const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

describe('federation: files and folders shared between two servers', function () {
  this.timeout(60_000);
  let a: TestServer;
  let b: TestServer;
  let alice: string;
  let bob: string;
  let aliceDav: ReturnType<typeof davClient>;
  let bobDav: ReturnType<typeof davClient>;
  const report = randomBytes(3 * 1024 * 1024 + 17);

  before(async () => {
    [a, b] = await Promise.all([
      startTestServer({ plugins: [filesPlugin()] }),
      startTestServer({ plugins: [filesPlugin()] }),
    ]);
    alice = await a.user('alice', 'Alice');
    bob = await b.user('bob', 'Bob');
    aliceDav = davClient(a.origin, basicFor('alice'));
    bobDav = davClient(b.origin, basicFor('bob'));
    for (const dir of ['Projects', 'Readonly', 'Other', 'Other/Projects'])
      assert.equal((await aliceDav.send('MKCOL', `/dav/files/alice/${dir}`)).status, 201);
    assert.equal((await aliceDav.send('PUT', '/dav/files/alice/Projects/report.pdf', { body: report })).status, 201);
    assert.equal(
      (await aliceDav.send('PUT', '/dav/files/alice/Readonly/read.txt', { body: 'look, do not touch' })).status,
      201,
    );
    assert.equal((await aliceDav.send('PUT', '/dav/files/alice/notes.txt', { body: 'plain notes' })).status, 201);
  });
  after(async () => Promise.all([a?.destroy(), b?.destroy()]));

  async function share(
    resourceType: string,
    resourceId: string,
    permissions: string[],
  ): Promise<{ outgoing: any; incomingId: string }> {
    const created = await a.api(alice, 'POST', '/api/v1/shares', {
      resourceType,
      resourceId,
      shareWith: `bob@${b.host}`,
      permissions,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const incoming = (await b.api(bob, 'GET', '/api/v1/shares/incoming')).body.find(
      (s: any) => s.providerId === created.body.providerId,
    );
    assert.ok(incoming, 'the share reached bob');
    assert.equal((await b.api(bob, 'POST', `/api/v1/shares/incoming/${incoming.id}/accept`)).status, 200);
    return { outgoing: created.body, incomingId: incoming.id };
  }

  it("shares a folder: listed in the recipient's own tree, identical bytes, ranges, uploads land at the owner", async () => {
    const { outgoing } = await share('folder', '/Projects', ['read', 'write']);
    const disc = (await fetch(`${a.origin}/.well-known/ocm`).then((r) => r.json())) as {
      resourceTypes: Array<{ name: string; protocols: Record<string, unknown> }>;
    };
    assert.deepEqual(disc.resourceTypes.find((r) => r.name === 'folder')?.protocols, {
      webdav: '/dav/ocm/',
      'webdav-receive': { uri: 'relative' },
    });

    const root = await bobDav.list('/dav/files/bob/');
    assert.ok(root.hrefs.includes(`${SHARED}/`), root.text);
    const shared = await bobDav.list(`${SHARED}/`);
    assert.ok(shared.hrefs.includes(`${SHARED}/Projects/`), shared.text);
    const inside = await bobDav.list(`${SHARED}/Projects/`);
    assert.equal(inside.status, 207);
    assert.deepEqual(
      inside.hrefs,
      [`${SHARED}/Projects/`, `${SHARED}/Projects/report.pdf`],
      "hrefs are rewritten into bob's tree",
    );
    assert.match(inside.text, new RegExp(`<d:getcontentlength>${report.length}</d:getcontentlength>`));

    const got = await bobDav.send('GET', `${SHARED}/Projects/report.pdf`);
    assert.equal(got.status, 200);
    assert.equal(sha(got.bytes), sha(report));
    const ranged = await bobDav.send('GET', `${SHARED}/Projects/report.pdf`, { headers: { range: 'bytes=100-199' } });
    assert.equal(ranged.status, 206);
    assert.deepEqual(ranged.bytes, report.subarray(100, 200));

    const upload = randomBytes(200_000);
    assert.equal((await bobDav.send('PUT', `${SHARED}/Projects/from-bob.bin`, { body: upload })).status, 201);
    assert.equal(sha(readFileSync(path.join(a.dataDir, 'files', 'alice', 'Projects', 'from-bob.bin'))), sha(upload));
    assert.equal((await bobDav.send('MKCOL', `${SHARED}/Projects/sub`)).status, 201);
    const moved = await bobDav.send('MOVE', `${SHARED}/Projects/from-bob.bin`, {
      headers: { destination: `${b.origin}${SHARED}/Projects/sub/moved.bin` },
    });
    assert.equal(moved.status, 201);
    assert.equal((await aliceDav.send('GET', '/dav/files/alice/Projects/sub/moved.bin')).bytes.length, upload.length);
    const outside = await bobDav.send('COPY', `${SHARED}/Projects/report.pdf`, {
      headers: { destination: `${b.origin}/dav/files/bob/copy.pdf` },
    });
    assert.equal(outside.status, 502, 'copies out of a share are cross-server');
    assert.equal((await bobDav.send('DELETE', `${SHARED}/Projects/sub`)).status, 204);
    assert.equal(
      (await aliceDav.send('PROPFIND', '/dav/files/alice/Projects/sub', { headers: { depth: '0' } })).status,
      404,
    );

    // Owner renames the shared folder: the share follows it.
    assert.equal(
      (
        await aliceDav.send('MOVE', '/dav/files/alice/Projects', {
          headers: { destination: '/dav/files/alice/Projects-2026' },
        })
      ).status,
      201,
    );
    assert.equal((await bobDav.send('GET', `${SHARED}/Projects/report.pdf`)).status, 200);
    assert.equal(
      (
        await aliceDav.send('MOVE', '/dav/files/alice/Projects-2026', {
          headers: { destination: '/dav/files/alice/Projects' },
        })
      ).status,
      201,
    );

    // Unshare: access ends at once, before the notification reaches bob's server.
    const secret = String(
      (await b.engine.shares.listIncoming('bob')).find((s) => s.providerId === outgoing.providerId)?.protocol.protocols
        .webdav?.sharedSecret,
    );
    const direct = davClient(a.origin, `Bearer ${secret}`);
    assert.equal(
      (await direct.send('PROPFIND', `/dav/ocm/${outgoing.providerId}/`, { headers: { depth: '0' } })).status,
      207,
    );
    await b.stop(); // keep the SHARE_UNSHARED notification from arriving
    const unshared = await a.api(alice, 'DELETE', `/api/v1/shares/outgoing/${outgoing.id}`);
    assert.equal(unshared.body.state, 'unshared');
    assert.equal(
      (await direct.send('PROPFIND', `/dav/ocm/${outgoing.providerId}/`, { headers: { depth: '0' } })).status,
      401,
    );
    b = await startTestServer({ plugins: [filesPlugin()], dataDir: b.dataDir, port: b.port });
    bobDav = davClient(b.origin, basicFor('bob'));
    const gone = await bobDav.send('GET', `${SHARED}/Projects/report.pdf`);
    assert.ok(gone.status === 404, `status ${gone.status}`);
    await eventually(
      async () => !(await bobDav.list(`${SHARED}/`)).hrefs.some((h) => h.includes('Projects')),
      10_000,
      "the share to leave bob's tree",
    );
  });

  it('a read-only share answers 403 to writes, locally and at the owner', async () => {
    const { outgoing } = await share('folder', '/Readonly', ['read']);
    assert.equal((await bobDav.send('GET', `${SHARED}/Readonly/read.txt`)).text, 'look, do not touch');
    for (const [method, p] of [
      ['PUT', 'read.txt'],
      ['DELETE', 'read.txt'],
      ['MKCOL', 'x'],
      ['PROPPATCH', 'read.txt'],
    ] as const) {
      assert.equal(
        (await bobDav.send(method, `${SHARED}/Readonly/${p}`, { body: method === 'PUT' ? 'x' : undefined })).status,
        403,
        method,
      );
    }
    const secret = String(
      (await b.engine.shares.listIncoming('bob')).find((s) => s.providerId === outgoing.providerId)?.protocol.protocols
        .webdav?.sharedSecret,
    );
    const direct = davClient(a.origin, `Bearer ${secret}`);
    assert.equal(
      (await direct.send('PUT', `/dav/ocm/${outgoing.providerId}/read.txt`, { body: 'overwrite' })).status,
      403,
    );
    assert.equal((await direct.send('DELETE', `/dav/ocm/${outgoing.providerId}/read.txt`)).status, 403);
    const legacy = davClient(a.origin, `Basic ${Buffer.from(`${secret}:`).toString('base64')}`);
    assert.equal(
      (await legacy.send('GET', `/dav/ocm/${outgoing.providerId}/read.txt`)).text,
      'look, do not touch',
      'legacy Basic secret: works',
    );
    for (const evil of ['../notes.txt', '%2e%2e/notes.txt', '..%2fnotes.txt', 'read.txt%00', '%2e%2e%2f%2e%2e%2fbob']) {
      assert.equal(
        await direct.raw('GET', `/dav/ocm/${outgoing.providerId}/${evil}`),
        400,
        `no way out of the shared root: ${evil}`,
      );
    }
    assert.equal(
      readFileSync(path.join(a.dataDir, 'files', 'alice', 'Readonly', 'read.txt'), 'utf8'),
      'look, do not touch',
    );
  });

  it('shares a single file, and names colliding shares with a suffix', async () => {
    await share('file', '/notes.txt', ['read']);
    await share('folder', '/Other/Projects', ['read']);
    const listing = await bobDav.list(`${SHARED}/`);
    assert.ok(listing.hrefs.includes(`${SHARED}/notes.txt`), listing.text);
    assert.match(
      listing.text,
      /<d:getcontentlength>11<\/d:getcontentlength>/,
      `file props come from the owner: ${listing.text}`,
    );
    assert.equal((await bobDav.send('GET', `${SHARED}/notes.txt`)).text, 'plain notes');
    await share('folder', '/Readonly', ['read']);
    const again = await bobDav.list(`${SHARED}/`);
    assert.ok(again.hrefs.includes(`${SHARED}/Readonly%20%282%29/`), again.text);
    assert.match(again.text, /<d:displayname>Readonly \(2\)<\/d:displayname>/);
  });

  it("deleting a share's entry in Shared with me leaves the share; the owner's data stays", async () => {
    const { outgoing, incomingId } = await share('folder', '/Other', ['read', 'write']);
    const entry = `${SHARED}/Other`;
    assert.equal((await bobDav.send('DELETE', entry)).status, 204);
    assert.equal((await b.engine.shares.getIncoming(incomingId))?.state, 'removed');
    assert.equal((await bobDav.send('PROPFIND', `${entry}/`, { headers: { depth: '0' } })).status, 404);
    await eventually(
      async () => (await a.engine.shares.getOutgoing(outgoing.id))?.state === 'unshared',
      5000,
      'the owner to learn the recipient left',
    );
    assert.equal(
      (await aliceDav.send('PROPFIND', '/dav/files/alice/Other/Projects/', { headers: { depth: '0' } })).status,
      207,
    );
  });

  it('refuses shares of missing paths, wrong types and traversal with 4xx', async () => {
    const cases: Array<[string, string, number]> = [
      ['folder', '/nope', 404],
      ['file', '/Readonly', 400],
      ['folder', '/notes.txt', 400],
      ['folder', '/../etc', 400],
      ['folder', '/', 400],
    ];
    for (const [resourceType, resourceId, status] of cases) {
      const res = await a.api(alice, 'POST', '/api/v1/shares', {
        resourceType,
        resourceId,
        shareWith: `bob@${b.host}`,
      });
      assert.equal(res.status, status, `${resourceType} ${resourceId}: ${JSON.stringify(res.body)}`);
    }
  });
});
