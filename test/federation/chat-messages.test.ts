import assert from 'node:assert/strict';
import { eventually, type TestServer } from '../harness/test-server.ts';
import {
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
import { ChatConnection } from '../../plugins/chat/client/chat-connection.ts';
import type { TimelineItem, TypingNotice } from '../../plugins/chat/shared.ts';

describe('chat: messages, edits, deletes, reactions and typing across servers', function () {
  this.timeout(40_000);
  let a: TestServer;
  let b: TestServer;
  let alice: string;
  let bob: string;
  let roomA: string;
  let roomB: string;
  const open: Browser[] = [];

  before(async () => {
    [a, b] = await Promise.all([startChatServer(), startChatServer()]);
    alice = await a.user('alice', 'Alice');
    bob = await b.user('bob', 'Bob');
    roomA = (await createRoom(a, alice, 'Team')).id;
    roomB = await inviteAndAccept(a, alice, roomA, b, 'bob', bob);
  });
  afterEach(() => {
    for (const br of open.splice(0)) br.close();
  });
  after(async () => {
    await Promise.all([a?.destroy(), b?.destroy()]);
  });

  async function itemOn(
    server: TestServer,
    token: string,
    roomId: string,
    eventId: string,
  ): Promise<TimelineItem | undefined> {
    return (await fullHistory(server, token, roomId)).find((i) => i.eventId === eventId);
  }

  it('replies, edits, reactions and deletes made on either server show on both', async () => {
    const ab = await browser(a, alice);
    const bb = await browser(b, bob);
    open.push(ab, bb);
    const posted = await ab.conn.send(roomA, 'first draft **bold**');
    assert.ok(posted.ok && posted.eventId);
    const id = posted.eventId as string;
    const reply = await bb.conn.send(roomB, 'a reply from B', { replyTo: id });
    assert.ok(reply.ok);
    assert.ok((await ab.conn.act(roomA, { type: 'edit', target: id, text: 'final text' })).ok);
    assert.ok((await bb.conn.act(roomB, { type: 'react', target: id, key: '👍', on: true })).ok);
    assert.ok((await ab.conn.act(roomA, { type: 'react', target: id, key: '👍', on: true })).ok);

    const onB = await eventually(
      async () => {
        const item = await itemOn(b, bob, roomB, id);
        return item?.message?.text === 'final text' && (item.message.reactions['👍']?.length ?? 0) === 2 ? item : null;
      },
      8000,
      'edit and reactions on B',
    );
    assert.ok(onB.message?.editedAt);
    assert.deepEqual(onB.message?.reactions['👍']?.sort(), [`alice@${a.host}`, `bob@${b.host}`].sort());
    const replyOnA = (await fullHistory(a, alice, roomA)).find((i) => i.message?.text === 'a reply from B');
    assert.equal(replyOnA?.message?.replyTo, id);

    assert.ok((await bb.conn.act(roomB, { type: 'react', target: id, key: '👍', on: false })).ok);
    await eventually(
      async () => (await itemOn(a, alice, roomA, id))?.message?.reactions['👍']?.length === 1,
      8000,
      'reaction removal on A',
    );

    // Only the author edits; a member cannot delete someone else's message.
    const notAuthor = await bb.conn.act(roomB, { type: 'edit', target: id, text: 'hijack' });
    assert.equal(notAuthor.ok, true, 'accepted as queued; the host refuses it');
    const refused = await new Promise<{ code: string }>((resolve) => bb.conn.socket.once('actionFailed', resolve));
    assert.equal(refused.code, 'NOT_AUTHOR');
    const forbidden = await a.api(
      alice,
      'PATCH',
      `/api/v1/chat/rooms/${roomA}/messages/${reply.ok ? (reply.eventId ?? 'x') : 'x'}`,
      { text: 'x' },
    );
    assert.ok([403, 404].includes(forbidden.status));

    // The author deletes: text is gone on both servers, from the message and from the stored events.
    assert.ok((await ab.conn.act(roomA, { type: 'delete', target: id })).ok);
    const gone = await eventually(
      async () => {
        const item = await itemOn(b, bob, roomB, id);
        return item?.message?.deleted ? item : null;
      },
      8000,
      'delete on B',
    );
    assert.equal(gone.message?.text, '');
    const events = (await b.api(bob, 'GET', `/api/v1/chat/rooms/${roomB}/events?after=0&limit=1000`)).body
      .events as Array<{ type: string; data: { text?: string } }>;
    assert.ok(!JSON.stringify(events).includes('first draft'), 'the original text is redacted everywhere');
    assert.ok(!JSON.stringify(events).includes('final text'), 'edits are redacted too');
  });

  it("a moderator deletes a remote member's message; rename and topic reach the remote", async () => {
    const bb = await browser(b, bob);
    open.push(bb);
    const r = await b.api(bob, 'POST', `/api/v1/chat/rooms/${roomB}/messages`, {
      text: 'spam from bob',
      clientMsgId: 'bob-spam-1',
    });
    assert.equal(r.status, 202);
    const msg = await eventually(
      async () => (await fullHistory(a, alice, roomA)).find((i) => i.message?.text === 'spam from bob'),
      5000,
      'message on A',
    );
    const del = await a.api(alice, 'DELETE', `/api/v1/chat/rooms/${roomA}/messages/${msg.eventId}`);
    assert.equal(del.status, 201, JSON.stringify(del.body));
    await eventually(
      async () => (await itemOn(b, bob, roomB, msg.eventId))?.message?.deleted,
      5000,
      'delete to reach B',
    );

    const renamed = await a.api(alice, 'PATCH', `/api/v1/chat/rooms/${roomA}`, {
      name: 'Team (renamed)',
      topic: 'launch on friday',
    });
    assert.equal(renamed.status, 201, JSON.stringify(renamed.body));
    await eventually(
      async () => {
        const d = await detail(b, bob, roomB);
        return d.name === 'Team (renamed)' && d.topic === 'launch on friday';
      },
      5000,
      'rename on B',
    );
    const notMod = await b.api(bob, 'PATCH', `/api/v1/chat/rooms/${roomB}`, { name: 'mine now' });
    assert.equal(notMod.status, 202, 'queued for the host');
    const failed = await new Promise<{ code: string }>((resolve) => bb.conn.socket.once('actionFailed', resolve));
    assert.equal(failed.code, 'NOT_MODERATOR');
  });

  it("pages history back to the room's start and searches it, on the remote mirror", async () => {
    const room = await createRoom(a, alice, 'Long');
    const bobRoom = await inviteAndAccept(a, alice, room.id, b, 'bob', bob);
    const ab = await browser(a, alice);
    open.push(ab);
    const N = 230;
    await Promise.all(
      Array.from({ length: N }, (_, i) => ab.conn.send(room.id, `line ${i}${i % 50 === 7 ? ' needle' : ''}`)),
    );
    await eventually(
      async () => (await rooms(b, bob)).find((r) => r.id === bobRoom && r.unread === N),
      10_000,
      'all lines on B',
    );
    const texts = await historyTexts(b, bob, bobRoom);
    assert.deepEqual(
      texts,
      Array.from({ length: N }, (_, i) => `line ${i}${i % 50 === 7 ? ' needle' : ''}`),
    );
    const first = await b.api(bob, 'GET', `/api/v1/chat/rooms/${bobRoom}/history?limit=20`);
    assert.equal(first.body.items.length, 20);
    assert.equal(first.body.more, true);
    const found = await b.api(bob, 'GET', `/api/v1/chat/rooms/${bobRoom}/search?q=NEEDLE`);
    assert.deepEqual(
      found.body.items.map((i: TimelineItem) => i.message?.text),
      ['line 207 needle', 'line 157 needle', 'line 107 needle', 'line 57 needle', 'line 7 needle'],
    );
    const none = await b.api(bob, 'GET', `/api/v1/chat/rooms/${bobRoom}/search?q=${encodeURIComponent('50%_')}`);
    assert.deepEqual(none.body.items, []);
  });

  it('relays typing live between servers, and replays missed events to a reconnecting client', async () => {
    const ab = await browser(a, alice);
    const bb = await browser(b, bob);
    open.push(ab, bb);
    const typing = new Promise<TypingNotice>((resolve) => ab.conn.socket.on('typing', (t) => t.typing && resolve(t)));
    // Typing is volatile: resend until the relay is up, as a browser does while the user types.
    const t = setInterval(() => bb.conn.typing(roomB, true), 100);
    const notice = await typing.finally(() => clearInterval(t));
    assert.deepEqual(notice, { roomId: roomA, address: `bob@${b.host}`, typing: true });

    // A client that was offline hands its last seq in the handshake and gets exactly what it missed.
    await bb.conn.sequencer.fill(roomB);
    const before = bb.conn.sequencer.lastSeq(roomB);
    bb.conn.socket.disconnect();
    for (const text of ['while you were away 1', 'while you were away 2'])
      await a.api(alice, 'POST', `/api/v1/chat/rooms/${roomA}/messages`, { text });
    await eventually(
      async () => (await rooms(b, bob)).find((r) => r.id === roomB)?.lastMessage?.text === 'while you were away 2',
      5000,
      'B to have the messages',
    );
    const replayed: number[] = [];
    bb.conn.socket.on('event', (e) => replayed.push(e.seq));
    bb.conn.socket.connect();
    await bb.until(roomB, () => bb.texts(roomB).includes('while you were away 2'), 5000, 'the replay');
    assert.ok(
      replayed.length >= 2 && replayed.every((s) => s > before),
      `replayed only what was missed: ${replayed} after ${before}`,
    );
  });

  it('refuses bad input with codes, over the socket and REST', async () => {
    const conn = new ChatConnection(a.origin, alice, { transports: ['websocket'] });
    try {
      await conn.connected();
      const empty = await conn.send(roomA, '   ');
      assert.deepEqual(empty.ok ? null : empty.code, 'INVALID_INPUT');
      const unknown = await conn.act('no-such-room', { type: 'post', text: 'x' });
      assert.deepEqual(unknown.ok ? null : unknown.code, 'ROOM_NOT_FOUND');
      const badType = await conn.socket.emitWithAck('act', {
        roomId: roomA,
        clientMsgId: 'x1',
        action: { type: 'explode' } as never,
      });
      assert.equal(badType.ok ? null : badType.code, 'INVALID_INPUT');
    } finally {
      conn.close();
    }
    const long = await a.api(alice, 'POST', `/api/v1/chat/rooms/${roomA}/messages`, { text: 'x'.repeat(9000) });
    assert.equal(long.status, 400);
    const badRoom = await a.api(alice, 'POST', '/api/v1/chat/rooms', { kind: 'direct', members: [] });
    assert.equal(badRoom.status, 400);
    const noAuth = await a.api(null, 'GET', '/api/v1/chat/rooms');
    assert.equal(noAuth.status, 401);
  });

  it('a one-to-one conversation with a remote user is created once and works both ways', async () => {
    const res = await a.api(alice, 'POST', '/api/v1/chat/rooms', { kind: 'direct', members: [`bob@${b.host}`] });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.deepEqual(res.body.failed, []);
    const again = await a.api(alice, 'POST', '/api/v1/chat/rooms', { kind: 'direct', members: [`bob@${b.host}`] });
    assert.equal(again.body.room.id, res.body.room.id, 'the same pair gets the same conversation');
    const share = await eventually(
      async () =>
        (await b.api(bob, 'GET', '/api/v1/shares/incoming')).body.find(
          (s: { resourceType: string; state: string }) => s.resourceType === 'chat-room' && s.state === 'pending',
        ),
      5000,
      'invite',
    );
    await b.api(bob, 'POST', `/api/v1/shares/incoming/${share.id}/accept`);
    const dm = await eventually(
      async () => (await rooms(b, bob)).find((r) => r.kind === 'direct' && r.peer !== null),
      5000,
      'dm on B',
    );
    assert.equal(dm.peer, `alice@${a.host}`);
    await eventually(
      async () => (await detail(b, bob, dm.id)).members.every((m) => m.state === 'joined'),
      5000,
      'both joined',
    );
    assert.equal((await b.api(bob, 'POST', `/api/v1/chat/rooms/${dm.id}/messages`, { text: 'hi alice' })).status, 202);
    await eventually(
      async () => (await historyTexts(a, alice, res.body.room.id)).includes('hi alice'),
      5000,
      'dm on A',
    );
    const rename = await a.api(alice, 'PATCH', `/api/v1/chat/rooms/${res.body.room.id}`, { name: 'x' });
    assert.equal(rename.status, 403);
  });
});
