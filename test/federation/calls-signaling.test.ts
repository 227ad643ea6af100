import assert from 'node:assert/strict';
import { callsPlugin } from '../../plugins/calls/index.ts';
import { callsSocket, type CallsSocket } from '../../plugins/calls/testing/calls-socket.ts';
import { chatPlugin } from '../../plugins/chat/index.ts';
import { createRoom, fullHistory, inviteAndAccept } from '../../plugins/chat/testing/chat-fixture.ts';
import { eventually, startTestServer, type TestServer } from '../harness/test-server.ts';

const plugins = () => [chatPlugin({ sweepMs: 300 }), callsPlugin({ aliveMs: 300, graceMs: 1500, ringMs: 1500 })];

describe('calls: call state and signaling across servers (no media)', function () {
  this.timeout(60_000);
  let a: TestServer;
  let b: TestServer;
  let alice: string;
  let bob: string;
  let carol: string;
  const sockets: CallsSocket[] = [];
  const open = async (s: TestServer, token: string) => {
    const c = await callsSocket(s.origin, token);
    sockets.push(c);
    return c;
  };

  before(async () => {
    [a, b] = await Promise.all([startTestServer({ plugins: plugins() }), startTestServer({ plugins: plugins() })]);
    alice = await a.user('alice', 'Alice');
    carol = await a.user('carol', 'Carol');
    bob = await b.user('bob', 'Bob');
  });
  after(async () => {
    for (const s of sockets) s.close();
    await Promise.all([a, b].map((s) => s?.destroy()));
  });

  it('orders a call in the room host’s stream: start, a remote join, mute, signals between servers, end with a summary', async () => {
    const room = await createRoom(a, alice, 'Standup');
    const bobRoom = await inviteAndAccept(a, alice, room.id, b, 'bob', bob);
    const sa = await open(a, alice);
    const sb = await open(b, bob);

    const started = await sa.ask('start', { roomId: room.id, audio: true, video: true });
    assert.equal(started.ok, true, JSON.stringify(started));
    assert.equal(started.call.mode, 'mesh');
    assert.deepEqual(
      started.call.participants.map((p: { address: string }) => p.address),
      [`alice@${a.host}`],
    );
    // Bob's server learns of the call through the room's stream and tells bob's browser.
    const seen = await sb.until(bobRoom, (v) => v.call?.callId === started.callId, 'bob to see the call');
    assert.equal(seen.call?.startedBy, `alice@${a.host}`);
    // A group call does not ring.
    assert.equal(sb.rings.length, 0);

    const joined = await sb.ask('join', { roomId: bobRoom, callId: started.callId, audio: true, video: false });
    assert.equal(joined.ok, true, JSON.stringify(joined));
    assert.equal(joined.call.participants.length, 2);
    await sa.until(room.id, (v) => v.call?.participants.length === 2, 'alice to see bob join');

    // Mesh signaling: alice's browser → A → B (signed, direct) → bob's tab, and back.
    const toBob = { address: `bob@${b.host}`, session: joined.session };
    const sent = await sa.ask('signal', {
      roomId: room.id,
      callId: started.callId,
      session: started.session,
      to: toBob,
      data: { kind: 'offer', pc: 'pc1', sdp: 'v=0 fake offer' },
    });
    assert.equal(sent.ok, true, JSON.stringify(sent));
    const got = await eventually(async () => sb.signals.find((m) => m.data.kind === 'offer'), 5000, 'the offer');
    assert.deepEqual(got.from, { address: `alice@${a.host}`, session: started.session });
    assert.equal(got.roomId, bobRoom);
    const answered = await sb.ask('signal', {
      roomId: bobRoom,
      callId: started.callId,
      session: joined.session,
      to: got.from,
      data: { kind: 'answer', pc: 'pc1', sdp: 'v=0 fake answer' },
    });
    assert.equal(answered.ok, true);
    await eventually(async () => sa.signals.find((m) => m.data.kind === 'answer'), 5000, 'the answer');

    // Bob mutes: alice sees it in the call state.
    const muted = await sb.ask('media', {
      roomId: bobRoom,
      callId: started.callId,
      session: joined.session,
      audio: false,
      video: false,
      screen: false,
    });
    assert.equal(muted.ok, true, JSON.stringify(muted));
    await sa.until(
      room.id,
      (v) => v.call?.participants.find((p) => p.address === `bob@${b.host}`)?.audio === false,
      'alice to see bob muted',
    );

    // Alice ends it; both timelines say who started it, how long and how many took part.
    assert.equal((await sa.ask('end', { roomId: room.id, callId: started.callId })).ok, true);
    await sb.until(bobRoom, (v) => v.call === null, 'the call to end on B');
    await eventually(async () => sb.dropped.find((d) => d.reason === 'ended'), 5000, 'bob’s tab to be told');
    for (const [srv, token, id] of [
      [a, alice, room.id],
      [b, bob, bobRoom],
    ] as const) {
      const items = await eventually(async () => {
        const h = await fullHistory(srv, token, id);
        return h.some((i) => i.type === 'call.ended') ? h : null;
      });
      const end = items.find((i) => i.type === 'call.ended');
      assert.equal(end?.data.startedBy, `alice@${a.host}`);
      assert.deepEqual(end?.data.participants, [`alice@${a.host}`, `bob@${b.host}`]);
      assert.ok(items.some((i) => i.type === 'call.started'));
    }
  });

  it('an offer sent the moment a joiner appears reaches the joiner, even before its own join is answered', async () => {
    const room = await createRoom(a, alice, 'Quick offer');
    const bobRoom = await inviteAndAccept(a, alice, room.id, b, 'bob', bob);
    const sa = await open(a, alice);
    const sb = await open(b, bob);
    const started = await sa.ask('start', { roomId: room.id, audio: true, video: true });
    await sb.until(bobRoom, (v) => v.call?.callId === started.callId, 'bob to see the call');
    // Alice's tab offers as soon as its server shows bob in the call, as a browser does.
    const offered = new Promise<void>((resolve) => {
      const onCall = (v: { call: { participants: Array<{ address: string; session: string }> } | null }) => {
        const p = v.call?.participants.find((x) => x.address === `bob@${b.host}`);
        if (!p) return;
        sa.socket.off('call', onCall as never);
        void sa
          .ask('signal', {
            roomId: room.id,
            callId: started.callId,
            session: started.session,
            to: p,
            data: { kind: 'offer', pc: 'early', sdp: 'v=0 early offer' },
          })
          .then(() => resolve());
      };
      sa.socket.on('call', onCall as never);
    });
    const joined = await sb.ask('join', { roomId: bobRoom, callId: started.callId, audio: true, video: false });
    assert.equal(joined.ok, true, JSON.stringify(joined));
    await offered;
    const got = await eventually(
      async () => sb.signals.find((m) => m.data.kind === 'offer' && (m.data as { pc?: string }).pc === 'early'),
      5000,
      'the early offer at bob’s tab',
    );
    assert.equal(got.to.session, joined.session);
    assert.equal((await sa.ask('end', { roomId: room.id, callId: started.callId })).ok, true);
  });

  it('refuses non-members, and a server speaking for another server’s user', async () => {
    const room = await createRoom(a, alice, 'Private');
    const sc = await open(a, carol);
    const r = await sc.ask('start', { roomId: room.id, audio: true, video: true });
    assert.deepEqual([r.ok, r.code], [false, 'CALL_NOT_MEMBER']);
    const sa = await open(a, alice);
    const started = await sa.ask('start', { roomId: room.id, audio: true, video: true });
    const j = await sc.ask('join', { roomId: room.id, callId: started.callId, audio: true, video: true });
    assert.deepEqual([j.ok, j.code], [false, 'CALL_NOT_MEMBER']);
    // Signals for someone else's session are refused too.
    const forged = await sc.ask('signal', {
      roomId: room.id,
      callId: started.callId,
      session: started.session,
      to: { address: `alice@${a.host}`, session: started.session },
      data: { kind: 'offer', pc: 'x', sdp: 'v=0' },
    });
    assert.deepEqual([forged.ok, forged.code], [false, 'CALL_NOT_PARTICIPANT']);
    // An unsigned server-to-server signal is refused.
    const raw = await fetch(`${a.origin}/plugins/calls/s2s/signal`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ host: a.host, hostRoomId: room.id, callId: started.callId }),
    });
    assert.equal(raw.status >= 400 && raw.status < 500, true, String(raw.status));
    await sa.ask('end', { roomId: room.id, callId: started.callId });
  });

  it('rings a one-to-one call on the other server, and marks it missed when nobody answers', async () => {
    const res = await a.api(alice, 'POST', '/api/v1/chat/rooms', { kind: 'direct', members: [`bob@${b.host}`] });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const shares = await eventually(async () => {
      const inbox = await b.api(bob, 'GET', '/api/v1/shares/incoming');
      return (inbox.body as Array<{ id: string; state: string; resourceType: string }>).find(
        (s) => s.resourceType === 'chat-room' && s.state === 'pending',
      );
    });
    await b.api(bob, 'POST', `/api/v1/shares/incoming/${shares.id}/accept`);
    const direct = await eventually(async () => {
      const list = (await b.api(bob, 'GET', '/api/v1/chat/rooms')).body as Array<{
        id: string;
        kind: string;
        lastSeq: number;
      }>;
      return list.find((r) => r.kind === 'direct' && r.lastSeq > 0);
    });
    const sa = await open(a, alice);
    const sb = await open(b, bob);
    const started = await sa.ask('start', { roomId: res.body.room.id, audio: true, video: true });
    assert.equal(started.ok, true, JSON.stringify(started));
    const ring = await eventually(async () => sb.rings.find((r) => r.callId === started.callId), 5000, 'the ring');
    assert.equal(ring.from, `alice@${a.host}`);
    assert.equal(ring.roomId, direct.id);
    // Nobody answers within the ring time: the host ends it as missed, everywhere.
    const items = await eventually(async () => {
      const h = await fullHistory(b, bob, direct.id);
      return h.find((i) => i.type === 'call.ended') ? h : null;
    }, 8000);
    assert.equal(items.find((i) => i.type === 'call.ended')?.data.reason, 'missed');
  });

  it('drops a removed member from a running call and tells their tab', async () => {
    const room = await createRoom(a, alice, 'Removal');
    const bobRoom = await inviteAndAccept(a, alice, room.id, b, 'bob', bob);
    const sa = await open(a, alice);
    const sb = await open(b, bob);
    const started = await sa.ask('start', { roomId: room.id, audio: true, video: true });
    await sb.until(bobRoom, (v) => v.call?.callId === started.callId);
    const joined = await sb.ask('join', { roomId: bobRoom, callId: started.callId, audio: true, video: true });
    assert.equal(joined.ok, true);
    const del = await a.api(
      alice,
      'DELETE',
      `/api/v1/chat/rooms/${room.id}/members/${encodeURIComponent(`bob@${b.host}`)}`,
    );
    assert.equal(del.status, 201, JSON.stringify(del.body));
    await sa.until(room.id, (v) => v.call?.participants.length === 1, 'bob to be dropped from the call');
    await eventually(async () => sb.dropped.find((d) => d.session === joined.session && d.reason === 'removed'), 5000);
    // And he cannot come back.
    const again = await sb.ask('join', { roomId: bobRoom, callId: started.callId, audio: true, video: true });
    assert.equal(again.ok, false);
    await sa.ask('end', { roomId: room.id, callId: started.callId });
  });

  it('a tab that loses its connection resumes its place within the grace period, and leaves after it', async () => {
    const room = await createRoom(a, alice, 'Blips');
    const bobRoom = await inviteAndAccept(a, alice, room.id, b, 'bob', bob);
    const sa = await open(a, alice);
    const started = await sa.ask('start', { roomId: room.id, audio: true, video: true });
    const sb1 = await open(b, bob);
    const joined = await sb1.ask('join', { roomId: bobRoom, callId: started.callId, audio: true, video: true });
    assert.equal(joined.ok, true, JSON.stringify(joined));
    await sa.until(room.id, (v) => v.call?.participants.length === 2);
    // The connection drops; a new one takes up the same session: nobody saw bob leave.
    sb1.close();
    const sb2 = await open(b, bob);
    const resumed = await sb2.ask('join', {
      roomId: bobRoom,
      callId: started.callId,
      audio: true,
      video: true,
      resume: joined.session,
    });
    assert.equal(resumed.ok, true, JSON.stringify(resumed));
    assert.equal(resumed.session, joined.session);
    assert.ok(sa.views.every((v) => v.roomId !== room.id || !v.call || v.call.participants.length >= 1));
    assert.equal(
      sa.views.filter((v) => v.roomId === room.id && v.call?.participants.length === 1).length,
      1, // only the moment alice started alone
    );
    // This time the tab does not come back: after the grace period bob has left, on every server.
    sb2.close();
    await sa.until(room.id, (v) => v.call?.participants.length === 1, 'bob to time out', 10_000);
    await sa.ask('end', { roomId: room.id, callId: started.callId });
  });

  it('a participant whose server goes down leaves the call; the others stay', async () => {
    const c = await startTestServer({ plugins: plugins() });
    try {
      const dave = await c.user('dave', 'Dave');
      const room = await createRoom(a, alice, 'Outage');
      const bobRoom = await inviteAndAccept(a, alice, room.id, b, 'bob', bob);
      const daveRoom = await inviteAndAccept(a, alice, room.id, c, 'dave', dave);
      const sa = await open(a, alice);
      const sb = await open(b, bob);
      const sd = await open(c, dave);
      const started = await sa.ask('start', { roomId: room.id, audio: true, video: true });
      await sb.until(bobRoom, (v) => v.call?.callId === started.callId);
      await sd.until(daveRoom, (v) => v.call?.callId === started.callId);
      assert.equal(
        (await sb.ask('join', { roomId: bobRoom, callId: started.callId, audio: true, video: true })).ok,
        true,
      );
      assert.equal(
        (await sd.ask('join', { roomId: daveRoom, callId: started.callId, audio: true, video: true })).ok,
        true,
      );
      await sa.until(room.id, (v) => v.call?.participants.length === 3);
      sd.close();
      await c.stop();
      const v = await sa.until(
        room.id,
        (x) => x.call?.participants.length === 2,
        'dave to be dropped after his server went away',
        15_000,
      );
      assert.deepEqual(v.call?.participants.map((p) => p.address).sort(), [`alice@${a.host}`, `bob@${b.host}`]);
      await sb.until(bobRoom, (x) => x.call?.participants.length === 2);
    } finally {
      await c.destroy();
    }
  });
});
