import assert from 'node:assert/strict';
import type { TestServer } from '../harness/test-server.ts';
import { eventually } from '../harness/test-server.ts';
import {
  acceptInvites,
  browser,
  createRoom,
  detail,
  fullHistory,
  historyTexts,
  inviteAndAccept,
  rooms,
  startChatServer,
  type Browser,
} from '../../plugins/chat/testing/chat-fixture.ts';

describe('chat: rooms across two servers', function () {
  this.timeout(40_000);
  let a: TestServer;
  let b: TestServer;
  let alice: string;
  let bob: string;
  const open: Browser[] = [];

  before(async () => {
    [a, b] = await Promise.all([startChatServer(), startChatServer()]);
    alice = await a.user('alice', 'Alice');
    bob = await b.user('bob', 'Bob');
  });
  afterEach(() => {
    for (const br of open.splice(0)) br.close();
  });
  after(async () => {
    await Promise.all([a?.destroy(), b?.destroy()]);
  });

  it('invite → accept → both sides chat live, in one order, with history on both servers', async () => {
    const room = await createRoom(a, alice, 'Project', []);
    const bobRoom = await inviteAndAccept(a, alice, room.id, b, 'bob', bob);
    const aliceBr = await browser(a, alice);
    const bobBr = await browser(b, bob);
    open.push(aliceBr, bobBr);

    const r1 = await aliceBr.conn.send(room.id, 'hello from A');
    assert.equal(r1.ok, true);
    if (r1.ok) assert.equal(r1.queued, false);
    const r2 = await bobBr.conn.send(bobRoom, 'hello from B');
    assert.equal(r2.ok, true);
    if (r2.ok) assert.equal(r2.queued, true, 'a remote room queues the action for its host');

    await aliceBr.until(room.id, () => aliceBr.texts(room.id).length === 2, 8000, 'alice to see both');
    await bobBr.until(bobRoom, () => bobBr.texts(bobRoom).length === 2, 8000, 'bob to see both');
    assert.deepEqual(aliceBr.texts(room.id), bobBr.texts(bobRoom));
    assert.deepEqual(await historyTexts(a, alice, room.id), ['hello from A', 'hello from B']);
    assert.deepEqual(await historyTexts(b, bob, bobRoom), ['hello from A', 'hello from B']);

    // Both logs are the same events with the same seqs.
    const seqA = (await fullHistory(a, alice, room.id)).map((i) => `${i.seq}:${i.type}`);
    const seqB = (await fullHistory(b, bob, bobRoom)).map((i) => `${i.seq}:${i.type}`);
    assert.deepEqual(seqB, seqA);

    const d = await detail(b, bob, bobRoom);
    assert.equal(d.hosted, false);
    assert.equal(d.host, a.host);
    const aliceView = d.members.find((m) => m.address === `alice@${a.host}`);
    assert.equal(aliceView?.local, false);
    assert.equal(d.members.find((m) => m.address === `bob@${b.host}`)?.local, true);
  });

  it('counts unread messages and mentions per user, and read markers propagate', async () => {
    const room = await createRoom(a, alice, 'Unread');
    const bobRoom = await inviteAndAccept(a, alice, room.id, b, 'bob', bob);
    for (const t of ['one', 'two @bob please look']) {
      const res = await a.api(alice, 'POST', `/api/v1/chat/rooms/${room.id}/messages`, { text: t });
      assert.equal(res.status, 201, JSON.stringify(res.body));
    }
    const seen = await eventually(
      async () => (await rooms(b, bob)).find((r) => r.id === bobRoom && r.unread === 2),
      5000,
      'unread count on B',
    );
    assert.equal(seen.mentions, 1);
    const read = await b.api(bob, 'POST', `/api/v1/chat/rooms/${bobRoom}/read`, { upTo: seen.lastSeq });
    assert.equal(read.status, 202);
    await eventually(
      async () => (await rooms(b, bob)).find((r) => r.id === bobRoom)?.unread === 0,
      5000,
      'unread to clear on B',
    );
    // The host knows Bob's marker too.
    await eventually(
      async () => {
        const page = await a.api(alice, 'GET', `/api/v1/chat/rooms/${room.id}/events?after=0`);
        return (page.body.events as Array<{ type: string; sender: string }>).some(
          (e) => e.type === 'read.marker' && e.sender === `bob@${b.host}`,
        );
      },
      5000,
      'the host to store the read marker',
    );
    assert.equal((await rooms(a, alice)).find((r) => r.id === room.id)?.unread, 0, 'own messages are never unread');
  });

  it('a remote user who declines never gets in; one who leaves loses access on both sides', async () => {
    const room = await createRoom(a, alice, 'Choices');
    assert.equal(
      (await a.api(alice, 'POST', `/api/v1/chat/rooms/${room.id}/members`, { address: `bob@${b.host}` })).status,
      201,
    );
    const share = await eventually(
      async () =>
        (await b.api(bob, 'GET', '/api/v1/shares/incoming')).body.find(
          (s: { resourceType: string; state: string; name: string }) =>
            s.resourceType === 'chat-room' && s.state === 'pending' && s.name === 'Choices',
        ),
      5000,
      'invite',
    );
    assert.equal((await b.api(bob, 'POST', `/api/v1/shares/incoming/${share.id}/decline`)).status, 200);
    await eventually(
      async () =>
        (await detail(a, alice, room.id)).members.find((m) => m.address === `bob@${b.host}`)?.state === 'declined',
      5000,
      'decline on A',
    );
    assert.ok(!(await rooms(b, bob)).some((r) => r.name === 'Choices'));

    // Invited again, accepted, then bob leaves from his own server.
    const bobRoom = await inviteAndAccept(a, alice, room.id, b, 'bob', bob);
    const left = await b.api(bob, 'POST', `/api/v1/chat/rooms/${bobRoom}/leave`);
    assert.equal(left.status, 202);
    await eventually(
      async () =>
        (await detail(a, alice, room.id)).members.find((m) => m.address === `bob@${b.host}`)?.state === 'left',
      5000,
      'leave on A',
    );
    await eventually(async () => !(await rooms(b, bob)).some((r) => r.id === bobRoom), 5000, 'room gone on B');
    assert.equal((await b.api(bob, 'GET', `/api/v1/chat/rooms/${bobRoom}/history`)).status, 404);
    await eventually(
      async () =>
        !(await b.api(bob, 'GET', '/api/v1/shares/incoming')).body.some(
          (s: { state: string; resourceType: string; name: string }) =>
            s.state === 'accepted' && s.resourceType === 'chat-room' && s.name === 'Choices',
        ),
      5000,
      'share ended on B',
    );
  });

  it('owners manage local members and roles; a remote moderator acts through the host', async () => {
    await a.user('amy', 'Amy');
    const amy = await a.user('amy');
    const room = await createRoom(a, alice, 'Roles', ['amy']);
    assert.equal(await acceptInvites(a, amy), 1);
    const bobRoom = await inviteAndAccept(a, alice, room.id, b, 'bob', bob);
    assert.equal((await detail(a, amy, room.id)).myRole, 'member');
    const promote = await a.api(
      alice,
      'PUT',
      `/api/v1/chat/rooms/${room.id}/members/${encodeURIComponent(`bob@${b.host}`)}/role`,
      { role: 'moderator' },
    );
    assert.equal(promote.status, 201, JSON.stringify(promote.body));
    await eventually(async () => (await detail(b, bob, bobRoom)).myRole === 'moderator', 5000, 'role on B');
    assert.equal(
      (await b.api(bob, 'PATCH', `/api/v1/chat/rooms/${bobRoom}`, { topic: 'set by a remote moderator' })).status,
      202,
    );
    await eventually(
      async () => (await detail(a, alice, room.id)).topic === 'set by a remote moderator',
      5000,
      'topic on A',
    );
    // A moderator may not remove the owner; the owner removes a local member, who then cannot read.
    assert.equal((await a.api(amy, 'DELETE', `/api/v1/chat/rooms/${room.id}/members/alice`)).status, 403);
    assert.equal((await a.api(alice, 'DELETE', `/api/v1/chat/rooms/${room.id}/members/amy`)).status, 201);
    assert.equal((await a.api(amy, 'GET', `/api/v1/chat/rooms/${room.id}/history`)).status, 403);
    assert.equal(
      (await a.api(amy, 'POST', `/api/v1/chat/rooms/${room.id}/messages`, { text: 'still here?' })).status,
      403,
    );
    assert.ok(!(await rooms(a, amy)).some((r) => r.id === room.id));
  });
});
