import assert from 'node:assert/strict';
import { notePlugin } from '../fixtures/note-plugin.ts';
import { freePort, startTestServer, type TestServer } from '../harness/test-server.ts';
import { received, shareSocket, type ShareSocket } from './share-test-kit.ts';
import { io as connect } from 'socket.io-client';

describe("the owner's share list: queued shares appear at once, ended and failed rows can be cleared", function () {
  this.timeout(30_000);
  let a: TestServer;
  let alice: string;
  let carol: string;
  let socket: ShareSocket | null = null;

  before(async () => {
    a = await startTestServer({ plugins: [notePlugin()] });
    alice = await a.user('alice', 'Alice');
    carol = await a.user('carol', 'Carol');
  });
  after(async () => {
    socket?.close();
    await a?.destroy();
  });

  async function share(to: string, title: string): Promise<{ status: number; body: any }> {
    const id = (await a.api(alice, 'POST', '/api/v1/note/notes', { title, body: 'x' })).body.id;
    return a.api(alice, 'POST', '/api/v1/shares', { resourceType: 'note', resourceId: id, shareWith: to });
  }
  const listed = async () =>
    new Map<string, string>(
      (await a.api(alice, 'GET', '/api/v1/shares/outgoing')).body.map((s: any) => [s.id, s.state]),
    );

  it("a share to a server that is down is announced to the owner's sessions at once, as sending", async () => {
    socket = await shareSocket(a, alice);
    const port = await freePort();
    const queued = await share(`bob@127.0.0.1:${port}`, 'While down');
    assert.equal(queued.status, 202, JSON.stringify(queued.body));
    await received(socket, 'share:outgoing-updated:sending:While down');
  });

  it('clears one ended row, refuses an active one (409) and an unknown id (404), and bad input (400)', async () => {
    const ended = await share(`carol@${a.host}`, 'Ended');
    assert.equal((await a.api(alice, 'DELETE', `/api/v1/shares/outgoing/${ended.body.id}`)).status, 200);
    const active = await share(`carol@${a.host}`, 'Active');

    const refused = await a.api(alice, 'POST', '/api/v1/shares/outgoing/clear', { ids: [active.body.id] });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.code, 'SHARE_STILL_ACTIVE');
    const unknown = await a.api(alice, 'POST', '/api/v1/shares/outgoing/clear', { ids: ['nope'] });
    assert.equal(unknown.status, 404);
    assert.equal((await a.api(alice, 'POST', '/api/v1/shares/outgoing/clear', { ids: 'x' })).status, 400);
    // Someone else's share is as unknown as a made-up id.
    assert.equal((await a.api(carol, 'POST', '/api/v1/shares/outgoing/clear', { ids: [ended.body.id] })).status, 404);

    const main = connect(a.origin, { auth: { token: alice }, transports: ['websocket'], reconnection: false });
    const removed = new Promise<{ id: string }>((resolve) => main.once('share:outgoing-removed', resolve));
    await new Promise<void>((resolve) => main.once('connect', () => resolve()));
    const cleared = await a.api(alice, 'POST', '/api/v1/shares/outgoing/clear', { ids: [ended.body.id] });
    assert.equal(cleared.status, 200);
    assert.deepEqual(cleared.body, { cleared: [ended.body.id] });
    assert.equal((await removed).id, ended.body.id);
    main.disconnect();
    const now = await listed();
    assert.equal(now.has(ended.body.id), false);
    assert.equal(now.get(active.body.id), 'pending');
  });

  it('without ids, clears every declined, unshared and failed row and keeps the active ones', async () => {
    const declined = await share(`carol@${a.host}`, 'Declined');
    const inbox = (await a.api(carol, 'GET', '/api/v1/shares/incoming')).body;
    const incomingId = inbox.find((s: any) => s.name === 'Declined').id;
    assert.equal((await a.api(carol, 'POST', `/api/v1/shares/incoming/${incomingId}/decline`)).status, 200);
    const unshared = await share(`carol@${a.host}`, 'Unshared');
    await a.api(alice, 'DELETE', `/api/v1/shares/outgoing/${unshared.body.id}`);
    const failing = await share(`bob@127.0.0.1:${await freePort()}`, 'Failed');
    await a.engine.shares.setOutgoingState(failing.body.id, 'failed', { lastError: 'refused' }, ['sending']);
    const kept = await share(`carol@${a.host}`, 'Kept');
    const before = await listed();
    assert.equal(before.get(declined.body.id), 'declined');
    assert.equal(before.get(failing.body.id), 'failed');

    const cleared = await a.api(alice, 'POST', '/api/v1/shares/outgoing/clear', {});
    assert.equal(cleared.status, 200);
    for (const id of [declined.body.id, unshared.body.id, failing.body.id])
      assert.ok(cleared.body.cleared.includes(id));
    const after = await listed();
    for (const id of [declined.body.id, unshared.body.id, failing.body.id]) assert.equal(after.has(id), false, id);
    assert.equal(after.get(kept.body.id), 'pending');
    assert.ok([...after.values()].every((s) => s === 'pending' || s === 'sending' || s === 'accepted'));
  });
});
