import assert from 'node:assert/strict';
import { eventually, type TestServer } from '../harness/test-server.ts';
import {
  browser,
  createRoom,
  fullHistory,
  historyTexts,
  inviteAndAccept,
  startChatServer,
  type Browser,
} from '../../plugins/chat/testing/chat-fixture.ts';
import type { ChatEvent } from '../../plugins/chat/shared.ts';

/** Asserts a browser applied a room's events exactly once each, in seq order, with no hole. */
function assertCleanStream(br: Browser, roomId: string): void {
  const seqs = (br.events.get(roomId) ?? []).map((e: ChatEvent) => e.seq);
  const first = seqs[0] ?? 1;
  assert.deepEqual(
    seqs,
    Array.from({ length: seqs.length }, (_, i) => first + i),
    'contiguous, ordered, no duplicates',
  );
}

describe('chat: outages lose nothing and double nothing', function () {
  this.timeout(90_000);
  const servers: TestServer[] = [];
  const open: Browser[] = [];

  afterEach(async () => {
    for (const br of open.splice(0)) br.close();
    await Promise.all(servers.splice(0).map((s) => s.destroy()));
  });

  it('a member server down during a burst gets every message exactly once, in order, when it is back', async () => {
    const a = await startChatServer();
    let b = await startChatServer();
    servers.push(a, b);
    const alice = await a.user('alice');
    const bob = await b.user('bob');
    const room = (await createRoom(a, alice, 'Outage')).id;
    const bobRoom = await inviteAndAccept(a, alice, room, b, 'bob', bob);
    const ab = await browser(a, alice);
    const bb = await browser(b, bob);
    open.push(ab, bb);

    // Bob sends a burst and his server goes down right after acknowledging it (queued = durable).
    const bobAcks = await Promise.all(Array.from({ length: 20 }, (_, i) => bb.conn.send(bobRoom, `bob ${i}`)));
    assert.ok(bobAcks.every((r) => r.ok));
    const sent: string[] = [];
    const send = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const text = `alice ${sent.length}`;
        sent.push(text);
        assert.ok((await ab.conn.send(room, text)).ok);
      }
    };
    await send(10);
    await b.stop();
    servers.splice(servers.indexOf(b), 1);
    await send(40);
    // Long enough for the host's outbox to fail and back off several times.
    await new Promise((r) => setTimeout(r, 1500));

    b = await startChatServer({ port: b.port, dataDir: b.dataDir });
    servers.push(b);
    const expectedBob = Array.from({ length: 20 }, (_, i) => `bob ${i}`);
    await eventually(
      async () => {
        const texts = await historyTexts(b, bob, bobRoom);
        return sent.every((t) => texts.includes(t)) && expectedBob.every((t) => texts.includes(t));
      },
      20_000,
      'B to catch up',
    );
    const onA = await historyTexts(a, alice, room);
    const onB = await historyTexts(b, bob, bobRoom);
    assert.deepEqual(onB, onA, "B holds exactly the host's log");
    assert.equal(onA.length, 70, 'every message exactly once');
    assert.deepEqual(
      onA.filter((t) => t.startsWith('alice')),
      sent,
    );
    assert.deepEqual(
      onA.filter((t) => t.startsWith('bob')),
      expectedBob,
    );
    assert.deepEqual(
      (await fullHistory(b, bob, bobRoom)).map((i) => i.seq),
      (await fullHistory(a, alice, room)).map((i) => i.seq),
    );

    // Bob's browser reconnected to the restarted server by itself and replayed from its last seq.
    await bb.until(bobRoom, () => bb.texts(bobRoom).length === 70, 20_000, "bob's browser to catch up");
    assert.deepEqual(bb.texts(bobRoom), onA);
    assertCleanStream(bb, bobRoom);
  });

  it('a host restart in the middle of bursts from both servers keeps every acknowledged message once, in order', async () => {
    let a = await startChatServer();
    const b = await startChatServer();
    servers.push(a, b);
    const alice = await a.user('alice');
    const bob = await b.user('bob');
    const room = (await createRoom(a, alice, 'Restart')).id;
    const bobRoom = await inviteAndAccept(a, alice, room, b, 'bob', bob);
    const ab = await browser(a, alice);
    const bb = await browser(b, bob);
    open.push(ab, bb);

    const N = 60;
    // Both users fire their whole burst without waiting; the clients queue and retry unacknowledged sends.
    const aliceAcks = Promise.all(Array.from({ length: N }, (_, i) => ab.conn.send(room, `alice ${i}`)));
    const bobAcks = Promise.all(Array.from({ length: N }, (_, i) => bb.conn.send(bobRoom, `bob ${i}`)));
    await ab.until(room, () => ab.texts(room).length >= 15, 10_000, 'the burst to be under way');
    await a.stop();
    servers.splice(servers.indexOf(a), 1);
    await new Promise((r) => setTimeout(r, 800));
    a = await startChatServer({ port: a.port, dataDir: a.dataDir });
    servers.push(a);

    assert.ok(
      (await aliceAcks).every((r) => r.ok),
      "alice's sends were all acknowledged in the end",
    );
    assert.ok((await bobAcks).every((r) => r.ok));
    const want = (who: string) => Array.from({ length: N }, (_, i) => `${who} ${i}`);
    await eventually(
      async () => (await historyTexts(a, alice, room)).length === 2 * N,
      20_000,
      'the host to have every message',
    );
    await eventually(
      async () => (await historyTexts(b, bob, bobRoom)).length === 2 * N,
      20_000,
      'B to have every message',
    );
    const onA = await historyTexts(a, alice, room);
    assert.deepEqual(
      onA.filter((t) => t.startsWith('alice')),
      want('alice'),
      "alice's messages once each, in order",
    );
    assert.deepEqual(
      onA.filter((t) => t.startsWith('bob')),
      want('bob'),
      "bob's messages once each, in order",
    );
    assert.deepEqual(await historyTexts(b, bob, bobRoom), onA);
    for (const [br, rid] of [
      [ab, room],
      [bb, bobRoom],
    ] as const) {
      await br.until(rid, () => br.texts(rid).length === 2 * N, 20_000, 'browsers to catch up');
      assert.deepEqual(br.texts(rid), onA);
      assertCleanStream(br, rid);
    }
  });

  it('after an outage long enough for an hour-long back-off, both directions resume as soon as the server is back', async () => {
    // One failed delivery pushes the next attempt a minute away: only the restart greeting can bring it forward.
    const env = { MESHWORK_OUTBOX_RETRY_BASE_MS: '60000', MESHWORK_OUTBOX_RETRY_MAX_MS: '3600000' };
    let a = await startChatServer({ env });
    let b = await startChatServer({ env });
    servers.push(a, b);
    const alice = await a.user('alice');
    const bob = await b.user('bob');
    const room = (await createRoom(a, alice, 'Long outage')).id;
    const bobRoom = await inviteAndAccept(a, alice, room, b, 'bob', bob);

    // The host is down while bob writes: his server queues and backs off.
    await a.stop();
    servers.splice(servers.indexOf(a), 1);
    for (let i = 0; i < 5; i++)
      assert.equal(
        (await b.api(bob, 'POST', `/api/v1/chat/rooms/${bobRoom}/messages`, { text: `while A was down ${i}` })).status,
        202,
      );
    await eventually(async () => (await b.engine.outbox.pending(a.host)) > 0, 5000, 'B to queue for A');
    await new Promise((r) => setTimeout(r, 500));
    a = await startChatServer({ port: a.port, dataDir: a.dataDir, env });
    servers.push(a);
    await eventually(
      async () => (await historyTexts(a, alice, room)).filter((t) => t.startsWith('while A was down')).length === 5,
      10_000,
      "bob's messages on A well before the back-off ends",
    );

    // The member server is down while alice writes: the host queues and backs off.
    await b.stop();
    servers.splice(servers.indexOf(b), 1);
    for (let i = 0; i < 5; i++)
      assert.equal(
        (await a.api(alice, 'POST', `/api/v1/chat/rooms/${room}/messages`, { text: `while B was down ${i}` })).status,
        201,
      );
    await new Promise((r) => setTimeout(r, 500));
    b = await startChatServer({ port: b.port, dataDir: b.dataDir, env });
    servers.push(b);
    await eventually(
      async () =>
        JSON.stringify(await historyTexts(b, bob, bobRoom)) === JSON.stringify(await historyTexts(a, alice, room)),
      10_000,
      'B to match A',
    );
    assert.equal((await historyTexts(b, bob, bobRoom)).filter((t) => t.startsWith('while B was down')).length, 5);
  });
});
