import assert from 'node:assert/strict';
import { eventually, type TestServer } from '../harness/test-server.ts';
import {
  browser,
  createRoom,
  fullHistory,
  historyTexts,
  inviteAndAccept,
  probePlugin,
  replay,
  rooms,
  startChatServer,
  type Browser,
  type CapturedRequest,
} from '../../plugins/chat/testing/chat-fixture.ts';

describe('chat: forged, replayed and unauthorised server-to-server requests', function () {
  this.timeout(40_000);
  let a: TestServer;
  let b: TestServer;
  let c: TestServer;
  let alice: string;
  let bob: string;
  let roomA: string;
  let roomB: string;
  let secret: string;
  const probeA = probePlugin();
  const probeB = probePlugin();
  const probeC = probePlugin();
  const open: Browser[] = [];

  before(async () => {
    [a, b, c] = await Promise.all([
      startChatServer({ extra: [probeA.plugin], wiretap: probeA.wiretap }),
      startChatServer({ extra: [probeB.plugin], wiretap: probeB.wiretap }),
      startChatServer({ extra: [probeC.plugin], wiretap: probeC.wiretap }),
    ]);
    alice = await a.user('alice');
    bob = await b.user('bob');
    await c.user('carol');
    roomA = (await createRoom(a, alice, 'Guarded')).id;
    roomB = await inviteAndAccept(a, alice, roomA, b, 'bob', bob);
    const row = await a.engine.database.db
      .selectFrom('chat_rooms')
      .select('secret')
      .where('id', '=', roomA)
      .executeTakeFirstOrThrow();
    secret = String(row.secret);
  });
  after(async () => {
    for (const br of open) br.close();
    await Promise.all([a?.destroy(), b?.destroy(), c?.destroy()]);
  });

  const lastCaptured = (captured: CapturedRequest[], path: string) =>
    [...captured].reverse().find((r) => r.path.endsWith(path));

  it('a replayed action push is answered with its first result and adds nothing', async () => {
    assert.equal((await b.api(bob, 'POST', `/api/v1/chat/rooms/${roomB}/messages`, { text: 'said once' })).status, 202);
    await eventually(async () => (await historyTexts(a, alice, roomA)).includes('said once'), 5000, 'message on A');
    const captured = lastCaptured(probeA.captured, '/actions');
    assert.ok(captured, 'captured the signed action push from B');
    const again = await replay(a, captured);
    assert.equal(again.status, 200);
    assert.equal(again.body.results[0].ok, true);
    assert.equal((await historyTexts(a, alice, roomA)).filter((t) => t === 'said once').length, 1);
  });

  it('a replayed event push changes nothing on the member server', async () => {
    await a.api(alice, 'POST', `/api/v1/chat/rooms/${roomA}/messages`, { text: 'pushed once' });
    await eventually(async () => (await historyTexts(b, bob, roomB)).includes('pushed once'), 5000, 'message on B');
    const captured = lastCaptured(probeB.captured, '/events');
    assert.ok(captured);
    const before = await fullHistory(b, bob, roomB);
    const again = await replay(b, captured);
    assert.equal(again.status, 200);
    assert.deepEqual(await fullHistory(b, bob, roomB), before);
  });

  it('refuses requests that are unsigned, signed by a third server, or from a server with no member', async () => {
    const unsigned = await fetch(`${a.origin}/plugins/chat/s2s/actions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        actions: [
          { roomId: roomA, secret, actor: `bob@${b.host}`, actionId: 'u1', action: { type: 'post', text: 'unsigned' } },
        ],
      }),
    });
    // The core's peerAuth refuses it (today with 400 INVALID_HOST for the missing signer, not 401).
    assert.ok([400, 401].includes(unsigned.status), `unsigned request answered ${unsigned.status}`);

    const remoteC = probeC.ctx().remote;
    // C knows the room secret (say it leaked) and claims to act for bob@B: the signature says C.
    const impersonation = await remoteC.post(
      a.host,
      '/plugins/chat/s2s/actions',
      {
        actions: [
          {
            roomId: roomA,
            secret,
            actor: `bob@${b.host}`,
            actionId: 'c1',
            action: { type: 'post', text: 'forged by C' },
          },
        ],
      },
      { base: 'origin' },
    );
    assert.equal(impersonation.status, 403);
    assert.equal((impersonation.body as any).results[0].code, 'ACTOR_NOT_FROM_PEER');
    // C acting for its own user, who is not in the room.
    const outsider = await remoteC.post(
      a.host,
      '/plugins/chat/s2s/actions',
      {
        actions: [
          {
            roomId: roomA,
            secret,
            actor: `carol@${c.host}`,
            actionId: 'c2',
            action: { type: 'post', text: 'carol was here' },
          },
        ],
      },
      { base: 'origin' },
    );
    assert.equal(outsider.status, 403);
    const pull = await remoteC.post(
      a.host,
      '/plugins/chat/s2s/pull',
      { roomId: roomA, secret, after: 0 },
      { base: 'origin' },
    );
    assert.equal(pull.status, 403);
    assert.equal((pull.body as any).code, 'NOT_MEMBER');
    // C pretending to be the room's host towards B.
    const fakeHost = await remoteC.post(
      b.host,
      '/plugins/chat/s2s/events',
      {
        rooms: [
          {
            roomId: roomA,
            lastSeq: 999,
            events: [
              {
                roomId: roomA,
                seq: 999,
                eventId: 'x',
                type: 'message.posted',
                sender: `alice@${a.host}`,
                clientMsgId: null,
                ts: Date.now(),
                data: { text: 'forged history', replyTo: null, mentions: [] },
              },
            ],
          },
        ],
      },
      { base: 'origin' },
    );
    assert.equal(fakeHost.status, 404);
    // B is a member server, but without the room secret.
    const wrongSecret = await probeB.ctx().remote.post(
      a.host,
      '/plugins/chat/s2s/actions',
      {
        actions: [
          {
            roomId: roomA,
            secret: 'x'.repeat(43),
            actor: `bob@${b.host}`,
            actionId: 'b-bad',
            action: { type: 'post', text: 'no secret' },
          },
        ],
      },
      { base: 'origin' },
    );
    assert.equal(wrongSecret.status, 403);
    assert.equal((wrongSecret.body as any).results[0].code, 'ROOM_SECRET_INVALID');

    const textsA = await historyTexts(a, alice, roomA);
    const textsB = await historyTexts(b, bob, roomB);
    for (const t of ['unsigned', 'forged by C', 'carol was here', 'forged history', 'no secret']) {
      assert.ok(!textsA.includes(t) && !textsB.includes(t), `${t} must not be stored`);
    }
  });

  it('a removed member can no longer read or post, and a replay of their earlier request is refused', async () => {
    const bb = await browser(b, bob);
    open.push(bb);
    assert.equal(
      (await b.api(bob, 'POST', `/api/v1/chat/rooms/${roomB}/messages`, { text: 'before removal' })).status,
      202,
    );
    await eventually(
      async () => (await historyTexts(a, alice, roomA)).includes('before removal'),
      5000,
      'message on A',
    );
    const captured = lastCaptured(probeA.captured, '/actions') as CapturedRequest;
    const removedNotice = new Promise<{ roomId: string }>((resolve) => bb.conn.socket.once('roomRemoved', resolve));

    const removed = await a.api(
      alice,
      'DELETE',
      `/api/v1/chat/rooms/${roomA}/members/${encodeURIComponent(`bob@${b.host}`)}`,
    );
    assert.equal(removed.status, 201, JSON.stringify(removed.body));
    assert.deepEqual(await removedNotice, { roomId: roomB });
    await eventually(async () => !(await rooms(b, bob)).some((r) => r.id === roomB), 5000, 'the room to leave B');
    assert.equal((await b.api(bob, 'GET', `/api/v1/chat/rooms/${roomB}/history`)).status, 404);
    assert.equal(
      (await b.api(bob, 'POST', `/api/v1/chat/rooms/${roomB}/messages`, { text: 'after removal' })).status,
      404,
    );
    await eventually(
      async () =>
        !(await b.api(bob, 'GET', '/api/v1/shares/incoming')).body.some(
          (s: { resourceType: string }) => s.resourceType === 'chat-room',
        ),
      5000,
      'the share to end on B',
    );

    // Messages after the removal never reach B, not even through a direct pull.
    await a.api(alice, 'POST', `/api/v1/chat/rooms/${roomA}/messages`, { text: 'after bob left' });
    const pull = await probeB
      .ctx()
      .remote.post(a.host, '/plugins/chat/s2s/pull', { roomId: roomA, secret, after: 0 }, { base: 'origin' });
    assert.equal(pull.status, 403);
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(!bb.texts(roomB).includes('after bob left'));

    // The captured, validly signed request from before the removal is now refused.
    const tampered = Buffer.from(
      JSON.stringify({
        ...captured.body,
        actions: captured.body.actions.map((x: object) => ({ ...x, actionId: 'replay-new-id' })),
      }),
    );
    const replayed = await replay(a, {
      ...captured,
      headers: { ...captured.headers, 'content-length': String(tampered.length) },
      raw: tampered,
    });
    assert.equal(replayed.status, 401, 'a modified body breaks the signature');
    const verbatim = await replay(a, captured);
    assert.equal(verbatim.body.results[0].ok, false, 'a repeat is answered only while the actor is a member');
    assert.equal(verbatim.body.results[0].code, 'NOT_MEMBER');
    const direct = await probeB.ctx().remote.post(
      a.host,
      '/plugins/chat/s2s/actions',
      {
        actions: [
          {
            roomId: roomA,
            secret,
            actor: `bob@${b.host}`,
            actionId: 'after-removal',
            action: { type: 'post', text: 'sneaking back' },
          },
        ],
      },
      { base: 'origin' },
    );
    assert.equal((direct.body as any).results[0].ok, false);
    assert.equal((direct.body as any).results[0].code, 'NOT_MEMBER');
    assert.ok(!(await historyTexts(a, alice, roomA)).includes('sneaking back'));
  });
});
