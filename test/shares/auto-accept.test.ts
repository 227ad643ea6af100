import assert from 'node:assert/strict';
import { eventually, startTestServer, type TestServer } from '../harness/test-server.ts';
import { received, shareSocket } from './share-test-kit.ts';

describe('user settings and auto-accepting shares', function () {
  this.timeout(30_000);
  let a: TestServer;
  let b: TestServer;

  before(async () => {
    [a, b] = await Promise.all([startTestServer(), startTestServer()]);
  });
  after(async () => Promise.all([a?.destroy(), b?.destroy()]));

  async function note(server: TestServer, token: string, title: string): Promise<string> {
    return (await server.api(token, 'POST', '/api/v1/note/notes', { title, body: 'x' })).body.id;
  }

  it('reads and changes a user’s own settings; refuses unknown keys and wrong types with 400', async () => {
    const dora = await a.user('dora');
    const eli = await a.user('eli');
    assert.deepEqual((await a.api(dora, 'GET', '/api/v1/me/settings')).body, { autoAcceptShares: false });
    const set = await a.api(dora, 'PATCH', '/api/v1/me/settings', { autoAcceptShares: true });
    assert.equal(set.status, 200);
    assert.deepEqual(set.body, { autoAcceptShares: true });
    assert.deepEqual((await a.api(dora, 'GET', '/api/v1/me/settings')).body, { autoAcceptShares: true });
    assert.deepEqual((await a.api(eli, 'GET', '/api/v1/me/settings')).body, { autoAcceptShares: false });
    assert.equal((await a.api(dora, 'PATCH', '/api/v1/me/settings', 'true')).status, 400);
    for (const bad of [{ autoAcceptShares: 'yes' }, { colour: 'blue' }, [true]]) {
      const res = await a.api(dora, 'PATCH', '/api/v1/me/settings', bad);
      assert.equal(res.status, 400, JSON.stringify(bad));
      assert.equal(res.body.code, 'SETTINGS_INVALID');
    }
    assert.deepEqual((await a.api(dora, 'GET', '/api/v1/me/settings')).body, { autoAcceptShares: true });
    assert.equal((await a.api(null, 'GET', '/api/v1/me/settings')).status, 401);
    assert.equal((await a.api(null, 'PATCH', '/api/v1/me/settings', { autoAcceptShares: false })).status, 401);
  });

  it('accepts a share from a user of the same server on arrival, through the normal accept path', async () => {
    const alice = await a.user('alice', 'Alice');
    const bob = await a.user('bob', 'Bob');
    await a.api(bob, 'PATCH', '/api/v1/me/settings', { autoAcceptShares: true });
    const [aliceSocket, bobSocket] = await Promise.all([shareSocket(a, alice), shareSocket(a, bob)]);
    try {
      const created = await a.api(alice, 'POST', '/api/v1/shares', {
        resourceType: 'note',
        resourceId: await note(a, alice, 'Auto'),
        shareWith: `bob@${a.host}`,
      });
      assert.equal(created.status, 201);
      assert.equal(created.body.state, 'accepted', 'accepted before the owner’s request returned');
      const [incoming] = (await a.api(bob, 'GET', '/api/v1/shares/incoming')).body;
      assert.equal(incoming.state, 'accepted');
      assert.equal((await a.api(bob, 'GET', `/api/v1/note/shared/${incoming.id}`)).status, 200);
      await received(bobSocket, 'share:incoming-updated:accepted:Auto');
      assert.deepEqual(bobSocket.events.slice(0, 2), [
        'share:received:pending:Auto',
        'share:incoming-updated:accepted:Auto',
      ]);
      await received(aliceSocket, 'share:outgoing-updated:accepted:Auto');
    } finally {
      aliceSocket.close();
      bobSocket.close();
    }
  });

  it('between servers, accepts shares from contacts only; a stranger’s share waits in the inbox', async () => {
    const alice = await a.user('alice', 'Alice');
    const carol = await a.user('carol', 'Carol');
    const bob = await b.user('bob', 'Bob');
    await b.api(bob, 'PATCH', '/api/v1/me/settings', { autoAcceptShares: true });
    assert.equal((await b.api(bob, 'POST', '/api/v1/contacts', { address: `alice@${a.host}` })).status, 201);

    const fromStranger = await a.api(carol, 'POST', '/api/v1/shares', {
      resourceType: 'note',
      resourceId: await note(a, carol, 'From Carol'),
      shareWith: `bob@${b.host}`,
    });
    assert.equal(fromStranger.status, 201);
    const fromContact = await a.api(alice, 'POST', '/api/v1/shares', {
      resourceType: 'note',
      resourceId: await note(a, alice, 'From Alice'),
      shareWith: `bob@${b.host}`,
    });
    assert.equal(fromContact.status, 201);
    await eventually(
      async () =>
        (await a.api(alice, 'GET', '/api/v1/shares/outgoing')).body.find((s: any) => s.id === fromContact.body.id)
          ?.state === 'accepted',
      5000,
      'the contact’s share to be accepted and the owner told',
    );
    const inbox = (await b.api(bob, 'GET', '/api/v1/shares/incoming')).body;
    assert.equal(inbox.find((s: any) => s.name === 'From Alice').state, 'accepted');
    assert.equal(inbox.find((s: any) => s.name === 'From Carol').state, 'pending');
  });
});
