import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import deckPlugin from '../../packages/deck/server/index.ts';
import { keyBetween } from '../../packages/deck/server/positions.ts';
import type { BoardView } from '../../packages/deck/server/shared.ts';
import { freshPostgresUrl, postgresAvailable } from '../harness/databases.ts';
import { eventually, startTestServer, type TestServer } from '../harness/test-server.ts';

describe('deck on PostgreSQL: two servers, each on its own database', function () {
  this.timeout(60_000);
  let a: TestServer;
  let b: TestServer;
  const drops: Array<() => Promise<void>> = [];

  before(async function () {
    if (!(await postgresAvailable())) {
      console.log('    (PostgreSQL not reachable on loopback; skipping outside CI)');
      return this.skip();
    }
    const [pa, pb] = await Promise.all([freshPostgresUrl(), freshPostgresUrl()]);
    drops.push(pa.drop, pb.drop);
    [a, b] = await Promise.all([
      startTestServer({ plugins: [deckPlugin({ attachments: false })], env: { MESHWORK_DATABASE_URL: pa.url } }),
      startTestServer({ plugins: [deckPlugin({ attachments: false })], env: { MESHWORK_DATABASE_URL: pb.url } }),
    ]);
  });
  after(async () => {
    await Promise.all([a?.destroy(), b?.destroy()]);
    for (const d of drops) await d().catch(() => {});
  });

  it('shares a board; both servers add cards at once with clashing keys; both show the same order', async () => {
    const alice = await a.user('alice');
    const bob = await b.user('bob');
    const created = await a.api<BoardView>(alice, 'POST', '/api/v1/deck/boards', { title: 'On Postgres' });
    const id = created.body.id;
    const todo = created.body.lists[0]!.id;
    await a.api(alice, 'POST', '/api/v1/shares', {
      resourceType: 'deck-board',
      resourceId: id,
      shareWith: `bob@${b.host}`,
      permissions: ['read', 'write'],
    });
    const incoming = await eventually(
      async () => ((await b.api(bob, 'GET', '/api/v1/shares/incoming')).body as Array<{ id: string }>)[0],
      10_000,
      'the share',
    );
    assert.equal((await b.api(bob, 'POST', `/api/v1/shares/incoming/${incoming.id}/accept`)).status, 200);
    await eventually(
      async () => (await b.api(bob, 'GET', `/api/v1/deck/boards/${id}`)).status === 200,
      10_000,
      'mirror',
    );

    // Ten cards from each side at once, each appended after a key its server chose: ties ordered by id.
    let ka: string | null = null;
    let kb: string | null = null;
    const writes = [];
    for (let i = 0; i < 10; i++) {
      ka = keyBetween(ka, null);
      kb = keyBetween(kb, null);
      const card = (title: string, position: string) => ({
        actionId: randomUUID(),
        action: { type: 'card.create', cardId: randomUUID(), listId: todo, title, position },
      });
      writes.push(a.api(alice, 'POST', `/api/v1/deck/boards/${id}/actions`, card(`a${i}`, ka)));
      writes.push(b.api(bob, 'POST', `/api/v1/deck/boards/${id}/actions`, card(`b${i}`, kb)));
    }
    for (const w of await Promise.all(writes)) assert.ok(w.status === 201 || w.status === 202, String(w.status));
    const titles = (v: BoardView) => v.cards.map((c) => c.title).join(',');
    const agreed = await eventually(
      async () => {
        const va = (await a.api<BoardView>(alice, 'GET', `/api/v1/deck/boards/${id}`)).body;
        const vb = (await b.api<BoardView>(bob, 'GET', `/api/v1/deck/boards/${id}`)).body;
        return va.cards.length === 20 && titles(va) === titles(vb) && va.lastSeq === vb.lastSeq ? va : null;
      },
      15_000,
      'both servers to hold the same 20 cards in the same order',
    );
    // Pairs with equal keys (a_i, b_i) sit next to each other, in id order.
    for (let i = 0; i < 20; i += 2) {
      const [x, y] = [agreed.cards[i]!, agreed.cards[i + 1]!];
      assert.equal(x.position, y.position);
      assert.ok(x.id < y.id);
    }
  });
});
