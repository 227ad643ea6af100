import assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { filesPlugin } from '../../plugins/files/index.ts';
import { basicFor, davClient } from '../harness/dav-test-client.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';

describe('files API: who has access to what in a folder, and search by name', function () {
  this.timeout(30_000);
  let s: TestServer;
  let alice: string;
  let bob: string;
  const dav = () => davClient(s.origin, basicFor('alice'));

  before(async () => {
    s = await startTestServer({ plugins: [filesPlugin()] });
    alice = await s.user('alice', 'Alice');
    bob = await s.user('bob', 'Bob Marley');
    await s.user('carol', 'Carol');
    for (const p of ['/Projects', '/Projects/2024', '/Archive'])
      assert.equal((await dav().send('MKCOL', `/dav/files/alice${p}`)).status, 201);
    for (const p of ['/Projects/report.pdf', '/Projects/2024/Annual Report.odt', '/Archive/Résumé.txt', '/notes.txt'])
      assert.equal((await dav().send('PUT', `/dav/files/alice${p}`, { body: 'x' })).status, 201);
  });
  after(async () => s?.destroy());

  it('lists the shared items of a folder with their recipients, following a move and dropping unshared ones', async () => {
    const share = async (resourceType: string, resourceId: string, to: string, permissions: string[]) => {
      const r = await s.api(alice, 'POST', '/api/v1/shares', {
        resourceType,
        resourceId,
        shareWith: `${to}@${s.host}`,
        permissions,
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.id as string;
    };
    const toBob = await share('folder', '/Projects', 'bob', ['read', 'write']);
    await share('folder', '/Projects', 'carol', ['read']);
    await share('file', '/Projects/report.pdf', 'bob', ['read']);

    const root = await s.api(alice, 'GET', '/api/v1/files/shares?folder=/');
    assert.equal(root.status, 200);
    assert.deepEqual(
      root.body.items.map((i: any) => [i.path, i.kind, i.shares.map((x: any) => `${x.shareWith}:${x.permissions}`)]),
      [['/Projects', 'folder', [`bob@${s.host}:read,write`, `carol@${s.host}:read`]]],
      'only direct children: report.pdf lives one level down',
    );
    assert.equal(root.body.items[0].shares[0].recipientDisplayName, 'Bob Marley');
    const inside = await s.api(alice, 'GET', '/api/v1/files/shares?folder=/Projects');
    assert.deepEqual(
      inside.body.items.map((i: any) => i.path),
      ['/Projects', '/Projects/report.pdf'],
      'the folder itself and its shared child',
    );

    assert.equal(
      (
        await dav().send('MOVE', '/dav/files/alice/Projects', {
          headers: { destination: `${s.origin}/dav/files/alice/Work` },
        })
      ).status,
      201,
    );
    const moved = await s.api(alice, 'GET', '/api/v1/files/shares?folder=/');
    assert.deepEqual(
      moved.body.items.map((i: any) => i.path),
      ['/Work'],
    );

    await s.api(alice, 'DELETE', `/api/v1/shares/outgoing/${toBob}`);
    const after = await s.api(alice, 'GET', '/api/v1/files/shares?folder=/');
    assert.deepEqual(
      after.body.items[0].shares.map((x: any) => x.shareWith),
      [`carol@${s.host}`],
    );
    // Bob sees none of alice's shares.
    assert.deepEqual((await s.api(bob, 'GET', '/api/v1/files/shares?folder=/')).body.items, []);
    for (const bad of ['', 'Projects', '/a/../b', '/a/./b'])
      assert.equal(
        (await s.api(alice, 'GET', `/api/v1/files/shares?folder=${encodeURIComponent(bad)}`)).status,
        400,
        bad,
      );
    assert.equal((await s.api(null, 'GET', '/api/v1/files/shares?folder=/')).status, 401);
  });

  it('finds files and folders by name anywhere in the tree, case- and accent-insensitively, shallowest first', async () => {
    const r = await s.api(alice, 'GET', '/api/v1/files/search?q=REPORT');
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.results.map((h: any) => [h.path, h.isFolder]),
      [
        ['/Work/report.pdf', false],
        ['/Work/2024/Annual Report.odt', false],
      ],
    );
    assert.equal(r.body.complete, true);
    assert.equal(r.body.results[0].size, 1);
    const accents = await s.api(alice, 'GET', '/api/v1/files/search?q=resume');
    assert.deepEqual(
      accents.body.results.map((h: any) => h.path),
      ['/Archive/Résumé.txt'],
    );
    const folders = await s.api(alice, 'GET', `/api/v1/files/search?q=${encodeURIComponent('2024')}`);
    assert.deepEqual(
      folders.body.results.map((h: any) => [h.path, h.isFolder]),
      [['/Work/2024', true]],
    );
    const limited = await s.api(alice, 'GET', '/api/v1/files/search?q=.&limit=2');
    assert.equal(limited.body.results.length, 2);
    assert.equal(limited.body.complete, false, 'says it stopped early');
  });

  it('never follows a symlink planted on disk, and never searches another user’s tree', async () => {
    // A link from alice's tree into carol's: search must not walk through it.
    assert.equal(
      (await davClient(s.origin, basicFor('carol')).send('PUT', '/dav/files/carol/secret-report.txt', { body: 's' }))
        .status,
      201,
    );
    symlinkSync(path.join(s.dataDir, 'files', 'carol'), path.join(s.dataDir, 'files', 'alice', 'carol-link'));
    const r = await s.api(alice, 'GET', '/api/v1/files/search?q=secret');
    assert.deepEqual(r.body.results, []);
    assert.deepEqual((await s.api(alice, 'GET', '/api/v1/files/search?q=carol-link')).body.results, []);
    assert.deepEqual((await s.api(bob, 'GET', '/api/v1/files/search?q=report')).body.results, []);
    for (const q of ['', ' ', 'x'.repeat(201)])
      assert.equal((await s.api(alice, 'GET', `/api/v1/files/search?q=${encodeURIComponent(q)}`)).status, 400);
  });
  it('lists Shared with me with the share behind each entry: two shares with one name get two entries', async () => {
    const carol = await s.api(null, 'POST', '/api/v1/auth/login', { username: 'carol', password: 'carol-password' });
    const carolToken = carol.body.token as string;
    const carolDav = davClient(s.origin, basicFor('carol'));
    assert.equal((await carolDav.send('MKCOL', '/dav/files/carol/Mine')).status, 201);
    assert.equal((await carolDav.send('PUT', '/dav/files/carol/Mine/carol.txt', { body: 'from carol' })).status, 201);
    const ids: Record<string, string> = {};
    for (const [token, owner, folder] of [
      [alice, 'alice', '/Archive'],
      [carolToken, 'carol', '/Mine'],
    ] as const) {
      const r = await s.api(token, 'POST', '/api/v1/shares', {
        resourceType: 'folder',
        resourceId: folder,
        shareWith: `bob@${s.host}`,
        permissions: ['read'],
        name: 'Team',
      });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      const incoming = (await s.api(bob, 'GET', '/api/v1/shares/incoming')).body as Array<{
        id: string;
        owner: string;
      }>;
      const mine = incoming.find((i) => i.owner === `${owner}@${s.host}`)!;
      assert.equal((await s.api(bob, 'POST', `/api/v1/shares/incoming/${mine.id}/accept`)).status, 200);
      ids[owner] = mine.id;
    }
    const r = await s.api(bob, 'GET', '/api/v1/files/shared-with-me');
    assert.equal(r.status, 200);
    const teams = (r.body.items as any[]).filter((i) => i.shareName === 'Team');
    assert.deepEqual(
      teams.map((i) => [i.name, i.path, i.owner, i.shareId, i.kind]),
      [
        ['Team', '/Shared with me/Team', `alice@${s.host}`, ids.alice, 'folder'],
        ['Team (2)', '/Shared with me/Team (2)', `carol@${s.host}`, ids.carol, 'folder'],
      ],
      'the older share keeps the plain name',
    );
    // The second entry is carol's folder.
    const got = await davClient(s.origin, basicFor('bob')).send(
      'GET',
      '/dav/files/bob/Shared%20with%20me/Team%20(2)/carol.txt',
    );
    assert.equal(got.status, 200);
    assert.equal(got.text, 'from carol');
    assert.equal((await s.api(null, 'GET', '/api/v1/files/shared-with-me')).status, 401);
  });
});
