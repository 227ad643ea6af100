import assert from 'node:assert/strict';
import type { TestServer } from '../harness/test-server.ts';
import { acceptInvites, createRoom, rooms, startChatServer } from '../../plugins/chat/testing/chat-fixture.ts';

describe('chat: the web app’s own routes (mute, the room of an invitation)', function () {
  this.timeout(30_000);
  let a: TestServer;
  let alice: string;
  let eve: string;

  before(async () => {
    a = await startChatServer();
    alice = await a.user('alice', 'Alice');
    eve = await a.user('eve', 'Eve');
  });
  after(async () => a?.destroy());

  it('mutes and unmutes for the caller only, in the room list too; refuses non-members and bad input', async () => {
    const room = await createRoom(a, alice, 'Noisy');
    const mute = (token: string, body: unknown, id = room.id) =>
      a.api(token, 'PUT', `/api/v1/chat/rooms/${id}/mute`, body);
    assert.equal((await rooms(a, alice)).find((r) => r.id === room.id)?.muted, false);

    const muted = await mute(alice, { muted: true });
    assert.equal(muted.status, 200, JSON.stringify(muted.body));
    assert.equal(muted.body.muted, true);
    assert.equal((await mute(alice, { muted: true })).status, 200, 'muting twice is fine');
    assert.equal((await rooms(a, alice)).find((r) => r.id === room.id)?.muted, true);

    assert.equal((await mute(alice, { muted: 'yes' })).status, 400);
    assert.equal((await mute(alice, {})).status, 400);
    assert.equal((await mute(eve, { muted: true })).status, 404, 'not a member: no such room for her');
    assert.equal((await mute(alice, { muted: true }, 'no-such-room')).status, 404);

    assert.equal((await mute(alice, { muted: false })).body.muted, false);
    assert.equal((await rooms(a, alice)).find((r) => r.id === room.id)?.muted, false);
  });

  it('leads from an accepted room invitation to its room, for its recipient only', async () => {
    const amy = await a.user('amy', 'Amy');
    const room = await createRoom(a, alice, 'Invited');
    assert.equal((await a.api(alice, 'POST', `/api/v1/chat/rooms/${room.id}/members`, { address: 'amy' })).status, 201);
    const share = (await a.api(amy, 'GET', '/api/v1/shares/incoming')).body.find((s: any) => s.name === 'Invited');
    const forShare = (token: string, id: string) => a.api(token, 'GET', `/api/v1/chat/rooms/for-share/${id}`);
    assert.equal((await forShare(amy, share.id)).status, 403, 'not joined yet');
    assert.equal(await acceptInvites(a, amy), 1);
    const found = await forShare(amy, share.id);
    assert.equal(found.status, 200, JSON.stringify(found.body));
    assert.deepEqual(found.body, { roomId: room.id });
    assert.equal((await forShare(eve, share.id)).status, 404, 'someone else’s share');
    assert.equal((await forShare(amy, 'no-such-share')).status, 404);
  });
});
