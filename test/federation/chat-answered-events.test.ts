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

/**
 * The host does not wake a member server's event stream for events that member gets in the answer to its own
 * action push (HostService #after): those events then reach the member's other users through that answer, and its
 * stream catches up with the next push. With the periodic sweep out of the picture (an hour), nothing may wait for
 * it: bursts from both servers at once, where answers can arrive before the host's push of an earlier event (a gap
 * the member cannot apply the answer over), must still reach everyone promptly.
 */
describe("chat: the host does not wake a member server's stream for events answered to it, and nothing waits for a sweep", function () {
  this.timeout(60_000);
  let a: TestServer;
  let b: TestServer;
  const open: Browser[] = [];

  before(async () => {
    [a, b] = await Promise.all([startChatServer({ sweepMs: 3_600_000 }), startChatServer({ sweepMs: 3_600_000 })]);
  });
  after(async () => {
    for (const br of open) br.close();
    await Promise.all([a?.destroy(), b?.destroy()]);
  });

  it('every message reaches every member without a sweep, in one order, each once', async () => {
    const alice = await a.user('alice');
    const amy = await a.user('amy');
    const bob = await b.user('bob');
    const dave = await b.user('dave');
    const room = await createRoom(a, alice, 'Answered', ['amy']);
    assert.equal(await acceptInvites(a, amy), 1);
    const mirror = await inviteAndAccept(a, alice, room.id, b, 'bob', bob);
    assert.equal(await inviteAndAccept(a, alice, room.id, b, 'dave', dave), mirror);
    const senders: Array<[string, Browser, string]> = [
      ['alice', await browser(a, alice), room.id],
      ['amy', await browser(a, amy), room.id],
      ['bob', await browser(b, bob), mirror],
      ['dave', await browser(b, dave), mirror],
    ];
    open.push(...senders.map(([, br]) => br));
    // Each round the host's users send a few and the member's many: after the host's last one, only answers carry
    // the member's events, and an answer that arrives before the push of an earlier event cannot be applied.
    const count = (name: string) => (name === 'bob' || name === 'dave' ? 20 : 2);
    let total = 0;
    for (let round = 0; round < 5; round++) {
      const acks = await Promise.all(
        senders.flatMap(([name, br, rid]) =>
          Array.from({ length: count(name) }, (_, i) => br.conn.send(rid, `${name} ${round}.${i}`)),
        ),
      );
      assert.ok(acks.every((r) => r.ok));
      total += senders.reduce((n, [name]) => n + count(name), 0);
      // Well under any sweep: what arrives here came by push or by an answer.
      for (const [name, br, rid] of senders)
        await br.until(rid, () => br.texts(rid).length === total, 5_000, `${name} has round ${round}`);
    }
    const reference = senders[0]![1].texts(room.id);
    for (const [name, br, rid] of senders) {
      assert.deepEqual(br.texts(rid), reference, `${name} sees the host's order`);
      const seqs = (br.events.get(rid) ?? []).map((e) => e.seq);
      assert.equal(new Set(seqs).size, seqs.length, `${name} got no event twice`);
    }
    assert.deepEqual(await historyTexts(b, bob, mirror), reference, "the member server's stored history");
  });
});
