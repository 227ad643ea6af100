import assert from 'node:assert/strict';
import type { TestServer } from '../harness/test-server.ts';
import {
  acceptInvites,
  browser,
  createRoom,
  historyTexts,
  inviteAndAccept,
  startChatServer,
  type Browser,
} from '../../plugins/chat/testing/chat-fixture.ts';
import type { ChatEvent } from '../../plugins/chat/shared.ts';

describe('chat: ordering under concurrent senders on three servers', function () {
  this.timeout(60_000);
  let a: TestServer;
  let b: TestServer;
  let c: TestServer;
  const open: Browser[] = [];

  before(async () => {
    [a, b, c] = await Promise.all([startChatServer(), startChatServer(), startChatServer()]);
  });
  after(async () => {
    for (const br of open) br.close();
    await Promise.all([a?.destroy(), b?.destroy(), c?.destroy()]);
  });

  it("every member on every server sees the same total order, each sender's messages in the order sent", async () => {
    const alice = await a.user('alice');
    const amy = await a.user('amy');
    const bob = await b.user('bob');
    const dave = await b.user('dave');
    const carol = await c.user('carol');
    const room = await createRoom(a, alice, 'Race', ['amy']);
    assert.equal(await acceptInvites(a, amy), 1, 'amy, on the host server, is invited like everyone else');
    const bobRoom = await inviteAndAccept(a, alice, room.id, b, 'bob', bob);
    const daveRoom = await inviteAndAccept(a, alice, room.id, b, 'dave', dave);
    const carolRoom = await inviteAndAccept(a, alice, room.id, c, 'carol', carol);
    assert.equal(bobRoom, daveRoom, 'users of one server share one mirror of the room');

    const senders: Array<[string, Browser, string]> = [
      ['alice', await browser(a, alice), room.id],
      ['amy', await browser(a, amy), room.id],
      ['bob', await browser(b, bob), bobRoom],
      ['dave', await browser(b, dave), daveRoom],
      ['carol', await browser(c, carol), carolRoom],
    ];
    open.push(...senders.map(([, br]) => br));
    const PER_SENDER = 25;
    // Everyone fires at once; nobody waits for anyone else.
    const acks = await Promise.all(
      senders.flatMap(([name, br, rid]) =>
        Array.from({ length: PER_SENDER }, (_, i) => br.conn.send(rid, `${name} ${i}`)),
      ),
    );
    assert.ok(
      acks.every((r) => r.ok),
      JSON.stringify(acks.find((r) => !r.ok)),
    );

    const total = senders.length * PER_SENDER;
    for (const [, br, rid] of senders)
      await br.until(rid, () => br.texts(rid).length === total, 20_000, 'all messages on every browser');
    const reference = senders[0]![1].texts(room.id);
    for (const [name, br, rid] of senders) {
      assert.deepEqual(br.texts(rid), reference, `${name} sees the host's order`);
      const seqs = (br.events.get(rid) ?? []).map((e: ChatEvent) => e.seq);
      assert.deepEqual(
        seqs,
        [...seqs].sort((x, y) => x - y),
        'events arrive in seq order',
      );
      assert.equal(new Set(seqs).size, seqs.length, 'no event twice');
    }
    for (const [name] of senders) {
      const mine = reference.filter((t) => t.startsWith(`${name} `)).map((t) => Number(t.split(' ')[1]));
      assert.deepEqual(
        mine,
        Array.from({ length: PER_SENDER }, (_, i) => i),
        `${name}'s messages keep their order`,
      );
    }
    // Stored history agrees on every server.
    assert.deepEqual(await historyTexts(b, bob, bobRoom), reference);
    assert.deepEqual(await historyTexts(c, carol, carolRoom), reference);

    // One stream per member server, however many of its users are in the room.
    const peers = await a.engine.database.db
      .selectFrom('chat_peers')
      .select('server')
      .where('room_id', '=', room.id)
      .orderBy('server')
      .execute();
    assert.deepEqual(peers.map((p) => p.server).sort(), [b.host, c.host].sort());
  });
});
