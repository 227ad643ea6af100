import assert from 'node:assert/strict';
import type { TestServer } from '../harness/test-server.ts';
import { createRoom, rooms, startChatServer } from '../../plugins/chat/testing/chat-fixture.ts';

describe('chat: muting a room is each member’s own setting', function () {
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
});
