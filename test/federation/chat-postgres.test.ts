import assert from 'node:assert/strict';
import { freshPostgresUrl, postgresAvailable } from '../harness/databases.ts';
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

describe('chat on PostgreSQL: two servers, each on its own database', function () {
  this.timeout(60_000);
  let a: TestServer;
  let b: TestServer;
  const drops: Array<() => Promise<void>> = [];
  const open: Browser[] = [];

  before(async function () {
    if (!(await postgresAvailable())) {
      console.log('    (PostgreSQL not reachable on loopback; skipping outside CI)');
      return this.skip();
    }
    const [pa, pb] = await Promise.all([freshPostgresUrl(), freshPostgresUrl()]);
    drops.push(pa.drop, pb.drop);
    [a, b] = await Promise.all([
      startChatServer({ env: { MESHWORK_DATABASE_URL: pa.url } }),
      startChatServer({ env: { MESHWORK_DATABASE_URL: pb.url } }),
    ]);
  });
  after(async () => {
    for (const br of open) br.close();
    await Promise.all([a?.destroy(), b?.destroy()]);
    for (const d of drops) await d().catch(() => {});
  });

  it('orders concurrent senders, applies edits, reactions and deletes, and survives a host restart', async () => {
    const alice = await a.user('alice');
    const bob = await b.user('bob');
    const room = (await createRoom(a, alice, 'On Postgres')).id;
    const bobRoom = await inviteAndAccept(a, alice, room, b, 'bob', bob);
    const ab = await browser(a, alice);
    const bb = await browser(b, bob);
    open.push(ab, bb);

    const N = 20;
    const acks = await Promise.all([
      ...Array.from({ length: N }, (_, i) => ab.conn.send(room, `alice ${i}`)),
      ...Array.from({ length: N }, (_, i) => bb.conn.send(bobRoom, `bob ${i}`)),
    ]);
    assert.ok(acks.every((r) => r.ok));
    await bb.until(bobRoom, () => bb.texts(bobRoom).length === 2 * N, 15_000, 'all messages on B');
    await ab.until(room, () => ab.texts(room).length === 2 * N, 15_000, 'all messages on A');
    assert.deepEqual(bb.texts(bobRoom), ab.texts(room));

    const first = (await fullHistory(a, alice, room)).find((i) => i.message?.text === 'alice 0');
    assert.ok(first);
    assert.ok((await ab.conn.act(room, { type: 'edit', target: first.eventId, text: 'alice 0 (edited)' })).ok);
    assert.ok((await bb.conn.act(bobRoom, { type: 'react', target: first.eventId, key: '👍', on: true })).ok);
    await eventually(
      async () => {
        const item = (await fullHistory(b, bob, bobRoom)).find((i) => i.eventId === first.eventId);
        return item?.message?.text === 'alice 0 (edited)' && item.message.reactions['👍']?.length === 1;
      },
      8000,
      'edit and reaction on B',
    );
    assert.ok((await ab.conn.act(room, { type: 'delete', target: first.eventId })).ok);
    await eventually(
      async () => (await fullHistory(b, bob, bobRoom)).find((i) => i.eventId === first.eventId)?.message?.deleted,
      8000,
      'delete on B',
    );

    // The host restarts on the same database while bob keeps writing.
    const env = a.env;
    const sending = Promise.all(Array.from({ length: 15 }, (_, i) => bb.conn.send(bobRoom, `after ${i}`)));
    await a.stop();
    a = await startChatServer({
      port: a.port,
      dataDir: a.dataDir,
      env: { MESHWORK_DATABASE_URL: env.MESHWORK_DATABASE_URL as string },
    });
    assert.ok((await sending).every((r) => r.ok));
    await eventually(
      async () => (await historyTexts(a, alice, room)).filter((t) => t.startsWith('after ')).length === 15,
      15_000,
      "bob's messages on the restarted host",
    );
    const onA = await historyTexts(a, alice, room);
    assert.deepEqual(
      onA.filter((t) => t.startsWith('after ')),
      Array.from({ length: 15 }, (_, i) => `after ${i}`),
    );
    await eventually(
      async () => JSON.stringify(await historyTexts(b, bob, bobRoom)) === JSON.stringify(onA),
      15_000,
      'B to match the host',
    );
  });
});
