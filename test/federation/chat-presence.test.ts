import assert from 'node:assert/strict';
import { eventually, type TestServer } from '../harness/test-server.ts';
import {
  browser,
  createRoom,
  detail,
  inviteAndAccept,
  probePlugin,
  startChatServer,
  type Browser,
} from '../../plugins/chat/testing/chat-fixture.ts';

/**
 * Typing and presence between servers go through one request per peer at a time, the notices raised meanwhile
 * together (ephemeral-relay.ts): a session that comes online in several rooms, or a thousand sessions reconnecting,
 * is a few signed requests, not one per room and user.
 */
describe('chat: presence notices between servers, batched per peer', function () {
  this.timeout(40_000);
  let a: TestServer;
  let b: TestServer;
  let alice: string;
  let bob: string;
  const roomsA: string[] = [];
  const roomsB: string[] = [];
  const secrets: string[] = [];
  const probeA = probePlugin();
  const probeB = probePlugin();
  const open: Browser[] = [];

  before(async () => {
    [a, b] = await Promise.all([
      startChatServer({ extra: [probeA.plugin], wiretap: probeA.wiretap }),
      startChatServer({ extra: [probeB.plugin], wiretap: probeB.wiretap }),
    ]);
    alice = await a.user('alice', 'Alice');
    bob = await b.user('bob', 'Bob');
    for (const name of ['One', 'Two', 'Three']) {
      const id = (await createRoom(a, alice, name)).id;
      roomsA.push(id);
      roomsB.push(await inviteAndAccept(a, alice, id, b, 'bob', bob));
      const row = await a.engine.database.db
        .selectFrom('chat_rooms')
        .select('secret')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      secrets.push(String(row.secret));
    }
  });
  after(async () => {
    for (const br of open) br.close();
    await Promise.all([a?.destroy(), b?.destroy()]);
  });

  const ephemeralTo = (captured: typeof probeA.captured) => captured.filter((r) => r.path.endsWith('/ephemeral'));

  it('a session coming online in three rooms hosted on another server is one request to it, and is seen online in each', async () => {
    const before = ephemeralTo(probeA.captured).length;
    const bb = await browser(b, bob);
    open.push(bb);
    const address = `bob@${b.host}`;
    for (const id of roomsA)
      await eventually(
        async () => (await detail(a, alice, id)).members.find((m) => m.address === address)?.online === true,
        5000,
        `bob online in ${id} on A`,
      );
    const sent = ephemeralTo(probeA.captured).slice(before);
    const notices = sent.flatMap((r) => (Array.isArray(r.body?.notices) ? r.body.notices : [r.body]));
    assert.deepEqual(
      notices
        .filter((n) => n.address === address && n.kind === 'presence' && n.on)
        .map((n) => n.roomId)
        .sort(),
      [...roomsA].sort(),
    );
    assert.equal(sent.length, 1, `one request for the three rooms, got ${sent.length}`);
  });

  it('applies each notice of a batch on its own: forged ones are refused and counted, the rest take effect', async () => {
    const address = `bob@${b.host}`;
    const notice = (i: number, over: Record<string, unknown> = {}) => ({
      roomId: roomsA[i],
      secret: secrets[i],
      kind: 'presence',
      address,
      on: false,
      ...over,
    });
    const post = (notices: unknown[]) =>
      probeB.ctx().remote.post(a.host, '/plugins/chat/s2s/ephemeral', { notices }, { base: 'origin' });
    const online = async (i: number) =>
      (await detail(a, alice, roomsA[i] as string)).members.find((m) => m.address === address)?.online;
    assert.equal(await online(0), true);
    // Forged notices only: a wrong room secret, a member B does not have, an address of another server.
    const forged = await post([
      notice(1, { secret: 'wrong' }),
      notice(1, { address: `mallory@${b.host}` }),
      notice(2, { address: `carol@${a.host}` }),
    ]);
    assert.equal(forged.status, 200);
    assert.deepEqual(forged.body, { refused: 3 });
    assert.equal(await online(0), true);
    // One good notice among forged ones takes effect.
    const mixed = await post([notice(1, { secret: 'wrong' }), notice(2)]);
    assert.deepEqual(mixed.body, { refused: 1 });
    for (const i of [0, 1, 2])
      await eventually(async () => (await online(i)) === false, 5000, `bob offline in room ${i}`);

    const tooMany = await probeB
      .ctx()
      .remote.post(
        a.host,
        '/plugins/chat/s2s/ephemeral',
        { notices: Array.from({ length: 501 }, () => notice(0)) },
        { base: 'origin' },
      );
    assert.equal(tooMany.status, 400);
  });
});
