import assert from 'node:assert/strict';
import { filesPlugin } from '../../plugins/files/index.ts';
import { basicFor, davClient } from '../harness/dav-test-client.ts';
import { ocmPost, serverKey } from '../harness/forge.ts';
import { eventually, startTestServer, type TestServer } from '../harness/test-server.ts';
import { received, shareSocket } from './share-test-kit.ts';

const SHARED = '/dav/files/bob/Shared%20with%20me';

/** alice shares /<folder> with bob (read only) and bob accepts; returns both sides' ids. */
async function shareAccepted(
  owner: TestServer,
  alice: string,
  recipient: TestServer,
  bob: string,
  folder: string,
): Promise<{ outgoingId: string; incomingId: string; providerId: string }> {
  const created = await owner.api(alice, 'POST', '/api/v1/shares', {
    resourceType: 'folder',
    resourceId: `/${folder}`,
    shareWith: `bob@${recipient.host}`,
    permissions: ['read'],
  });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const incoming = await eventually(
    async () =>
      (await recipient.api(bob, 'GET', '/api/v1/shares/incoming')).body.find(
        (x: any) => x.providerId === created.body.providerId,
      ),
    5000,
    'the share to arrive',
  );
  assert.equal((await recipient.api(bob, 'POST', `/api/v1/shares/incoming/${incoming.id}/accept`)).status, 200);
  return { outgoingId: created.body.id, incomingId: incoming.id, providerId: created.body.providerId };
}

describe('changing the permissions of an existing share', function () {
  this.timeout(60_000);

  describe('between two users of the same server', () => {
    let s: TestServer;
    let alice: string;
    let bob: string;
    const aliceDav = () => davClient(s.origin, basicFor('alice'));
    const bobDav = () => davClient(s.origin, basicFor('bob'));

    before(async () => {
      s = await startTestServer({ plugins: [filesPlugin()] });
      alice = await s.user('alice', 'Alice');
      bob = await s.user('bob', 'Bob');
      assert.equal((await aliceDav().send('MKCOL', '/dav/files/alice/Plans')).status, 201);
    });
    after(async () => s?.destroy());

    it("bob's writes switch from 403 to allowed and back as alice changes read ↔ read-write", async () => {
      const { outgoingId, incomingId } = await shareAccepted(s, alice, s, bob, 'Plans');
      const socket = await shareSocket(s, bob);
      try {
        assert.equal((await bobDav().send('PUT', `${SHARED}/Plans/a.txt`, { body: 'one' })).status, 403);

        const up = await s.api(alice, 'PATCH', `/api/v1/shares/outgoing/${outgoingId}`, {
          permissions: ['read', 'write'],
        });
        assert.equal(up.status, 200, JSON.stringify(up.body));
        assert.deepEqual(up.body.permissions, ['read', 'write']);
        const mine = (await s.api(bob, 'GET', `/api/v1/shares/incoming/${incomingId}`)).body;
        assert.deepEqual(mine.permissions, ['read', 'write'], 'applied in-process at once');
        await received(socket, 'share:incoming-updated:accepted:Plans');
        assert.equal((await bobDav().send('PUT', `${SHARED}/Plans/a.txt`, { body: 'one' })).status, 201);
        assert.equal((await aliceDav().send('GET', '/dav/files/alice/Plans/a.txt')).text, 'one');

        const down = await s.api(alice, 'PATCH', `/api/v1/shares/outgoing/${outgoingId}`, { permissions: ['read'] });
        assert.equal(down.status, 200);
        assert.equal((await bobDav().send('PUT', `${SHARED}/Plans/a.txt`, { body: 'two' })).status, 403);
        assert.equal((await bobDav().send('DELETE', `${SHARED}/Plans/a.txt`)).status, 403);
        assert.equal((await aliceDav().send('GET', '/dav/files/alice/Plans/a.txt')).text, 'one');
      } finally {
        socket.close();
      }
    });

    it('refuses bad permission lists, other users, and ended shares with plain 4xx answers', async () => {
      assert.equal((await aliceDav().send('MKCOL', '/dav/files/alice/Other')).status, 201);
      const { outgoingId } = await shareAccepted(s, alice, s, bob, 'Other');
      for (const permissions of [[], ['write'], ['read', 'admin'], 'read', null]) {
        const r = await s.api(alice, 'PATCH', `/api/v1/shares/outgoing/${outgoingId}`, { permissions });
        assert.equal(r.status, 400, `${JSON.stringify(permissions)} → ${r.status}`);
        assert.equal(r.body.code, 'INVALID_INPUT');
      }
      const notHers = await s.api(bob, 'PATCH', `/api/v1/shares/outgoing/${outgoingId}`, {
        permissions: ['read', 'write'],
      });
      assert.equal(notHers.status, 404);
      assert.equal((await s.api(alice, 'DELETE', `/api/v1/shares/outgoing/${outgoingId}`)).status, 200);
      const ended = await s.api(alice, 'PATCH', `/api/v1/shares/outgoing/${outgoingId}`, {
        permissions: ['read', 'write'],
      });
      assert.equal(ended.status, 409);
      assert.equal(ended.body.code, 'SHARE_NOT_ACTIVE');
    });
  });

  describe('with a user of another server', () => {
    let a: TestServer;
    let b: TestServer;
    let alice: string;
    let bob: string;

    before(async () => {
      [a, b] = await Promise.all([
        startTestServer({ plugins: [filesPlugin()] }),
        startTestServer({ plugins: [filesPlugin()] }),
      ]);
      alice = await a.user('alice', 'Alice');
      bob = await b.user('bob', 'Bob');
      assert.equal((await davClient(a.origin, basicFor('alice')).send('MKCOL', '/dav/files/alice/Team')).status, 201);
    });
    after(async () => Promise.all([a, b].map((s) => s?.destroy())));

    it("the owner's server enforces the change at once and tells the recipient's server (SHARE_CHANGE_PERMISSION)", async () => {
      const { outgoingId, incomingId, providerId } = await shareAccepted(a, alice, b, bob, 'Team');
      const bobDav = davClient(b.origin, basicFor('bob'));
      // The share's own credential, straight at the owner: what the owner allows, whatever bob's server believes.
      const row = await b.engine.database.db
        .selectFrom('shares_in')
        .select('protocol')
        .where('id', '=', incomingId)
        .executeTakeFirstOrThrow();
      const secret = JSON.parse(String(row.protocol)).protocols.webdav.sharedSecret as string;
      const direct = davClient(a.origin, `Bearer ${secret}`);
      assert.equal((await direct.send('PUT', `/dav/ocm/${providerId}/x.txt`, { body: 'x' })).status, 403);
      assert.equal((await bobDav.send('PUT', `${SHARED}/Team/b.txt`, { body: 'b' })).status, 403);

      const up = await a.api(alice, 'PATCH', `/api/v1/shares/outgoing/${outgoingId}`, {
        permissions: ['read', 'write'],
      });
      assert.equal(up.status, 200, JSON.stringify(up.body));
      assert.equal((await direct.send('PUT', `/dav/ocm/${providerId}/x.txt`, { body: 'x' })).status, 201);
      await eventually(
        async () =>
          (await b.api(bob, 'GET', `/api/v1/shares/incoming/${incomingId}`)).body.permissions.includes('write'),
        10_000,
        "the change to reach bob's server",
      );
      assert.equal((await bobDav.send('PUT', `${SHARED}/Team/b.txt`, { body: 'b' })).status, 201);

      assert.equal(
        (await a.api(alice, 'PATCH', `/api/v1/shares/outgoing/${outgoingId}`, { permissions: ['read'] })).status,
        200,
      );
      assert.equal((await direct.send('PUT', `/dav/ocm/${providerId}/x.txt`, { body: 'y' })).status, 403);
      await eventually(
        async () =>
          !(await b.api(bob, 'GET', `/api/v1/shares/incoming/${incomingId}`)).body.permissions.includes('write'),
        10_000,
        "the downgrade to reach bob's server",
      );
      assert.equal((await bobDav.send('PUT', `${SHARED}/Team/b.txt`, { body: 'c' })).status, 403);
    });

    it("a recipient's server cannot raise its own share's permissions by notifying the owner", async () => {
      assert.equal((await davClient(a.origin, basicFor('alice')).send('MKCOL', '/dav/files/alice/Locked')).status, 201);
      const { outgoingId, providerId } = await shareAccepted(a, alice, b, bob, 'Locked');
      for (const notificationType of ['SHARE_CHANGE_PERMISSION', 'RESHARE_CHANGE_PERMISSION']) {
        const r = await ocmPost(
          a,
          '/notifications',
          {
            notificationType,
            resourceType: 'folder',
            providerId,
            notification: { permissions: ['read', 'write', 'share'], permission: ['read', 'write', 'share'] },
          },
          { key: await serverKey(b) },
        );
        assert.equal(r.status, 403, JSON.stringify(r.body));
        assert.equal(r.body.message, 'PERMISSION_CHANGE_NOT_ALLOWED');
      }
      const out = (await a.api(alice, 'GET', '/api/v1/shares/outgoing')).body.find((x: any) => x.id === outgoingId);
      assert.deepEqual(out.permissions, ['read']);
    });

    it("accepts the owner's change under Nextcloud's key and name, and refuses an unusable list with 400", async () => {
      assert.equal((await davClient(a.origin, basicFor('alice')).send('MKCOL', '/dav/files/alice/Wiki')).status, 201);
      const { incomingId, providerId } = await shareAccepted(a, alice, b, bob, 'Wiki');
      const send = async (notification: Record<string, unknown>) =>
        ocmPost(
          b,
          '/notifications',
          { notificationType: 'RESHARE_CHANGE_PERMISSION', resourceType: 'folder', providerId, notification },
          { key: await serverKey(a) },
        );
      const ok = await send({ permission: ['read', 'write'] });
      assert.equal(ok.status, 201, JSON.stringify(ok.body));
      const mine = (await b.api(bob, 'GET', `/api/v1/shares/incoming/${incomingId}`)).body;
      assert.deepEqual(mine.permissions, ['read', 'write']);
      for (const bad of [{}, { permissions: [] }, { permissions: 'all' }, { permissions: ['write'] }]) {
        const r = await send(bad);
        assert.equal(r.status, 400, `${JSON.stringify(bad)} → ${r.status}`);
      }
      assert.deepEqual(
        (await b.api(bob, 'GET', `/api/v1/shares/incoming/${incomingId}`)).body.permissions,
        ['read', 'write'],
        'a refused change leaves the share as it was',
      );
    });
  });
});
