// Heavy (about a minute): kept out of the package's own `plugin test` run, which test/sdk/deck-package.test.ts times.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { accept, eventually, share, startFederation, type Federation, type FederationServer } from '#sdk/testing';
import deckPlugin from '../../packages/deck/server/index.ts';
import { REBALANCE_AT } from '../../packages/deck/server/positions.ts';
import type { BoardView } from '../../packages/deck/server/shared.ts';
import { act, addCard, view } from '../../packages/deck/test/helpers.ts';

/** Inserts per server, all right after the same card: 2 × 999 + 2 cards is the board's limit of 2,000. */
const N = 999;

describe('deck: position keys stay bounded (host-ordered rebalancing)', function () {
  this.timeout(300_000);
  let fed: Federation;
  let a: FederationServer;
  let b: FederationServer;

  before(async () => {
    fed = await startFederation({
      servers: 2,
      plugins: () => [deckPlugin({ sweepMs: 500, attachments: false })],
      users: ['alice', 'bob'],
    });
    [a, b] = fed.servers as [FederationServer, FederationServer];
  });
  after(async () => fed?.close());

  it(`${2 * N} inserts at one spot from two servers at once: one order everywhere, keys ≤ ${REBALANCE_AT} characters`, async () => {
    const created = await a.api<BoardView>('alice', 'POST', '/api/v1/deck/boards', { title: 'Busy' });
    const id = created.body.id;
    const pair = await share(
      a,
      'alice',
      { resourceType: 'deck-board', resourceId: id, permissions: ['read', 'write'] },
      b,
      'bob',
    );
    await accept(pair, b, 'bob', a, 'alice');
    await addCard(a, 'alice', id, 'To do', 'Anchor');
    await addCard(a, 'alice', id, 'To do', 'End');
    const start = await eventually(
      async () => {
        const v = await view(b, 'bob', id).catch(() => null);
        return v && v.cards.length === 2 ? v : null;
      },
      10_000,
      'the mirror with both cards',
    );
    const listId = start.lists[0]!.id;
    const anchor = start.cards.find((c) => c.title === 'Anchor')!;

    // Every insert goes right after "Anchor", with the key each side computes from what it saw first (stale soon:
    // the host places anchored actions itself).
    const insert = async (s: FederationServer, user: string, prefix: string) => {
      for (let i = 0; i < N; i++) {
        const res = await act(s, user, id, {
          type: 'card.create',
          cardId: randomUUID(),
          listId,
          title: `${prefix}${i}`,
          position: `${anchor.position}V`,
          after: anchor.id,
        });
        assert.ok(res.status === 201 || res.status === 202, `${prefix}${i}: ${res.status} ${JSON.stringify(res.body)}`);
      }
    };
    await Promise.all([insert(a, 'alice', 'a'), insert(b, 'bob', 'b')]);

    const [va, vb] = await eventually(
      async () => {
        const x = await view(a, 'alice', id);
        const y = await view(b, 'bob', id);
        return x.cards.length === 2 * N + 2 && y.lastSeq === x.lastSeq ? [x, y] : null;
      },
      120_000,
      'every insert on both servers',
    );
    const order = (v: BoardView) => v.cards.map((c) => c.title);
    assert.deepEqual(order(vb), order(va));
    assert.deepEqual(
      vb.cards.map((c) => c.position),
      va.cards.map((c) => c.position),
    );
    const titles = order(va);
    assert.equal(titles[0], 'Anchor');
    assert.equal(titles.at(-1), 'End');
    // Each side's inserts went right after the anchor, so each side's cards are newest first.
    for (const p of ['a', 'b']) {
      const mine = titles.filter((t) => t.startsWith(p)).map((t) => Number(t.slice(1)));
      assert.deepEqual(
        mine,
        [...mine].sort((x, y) => y - x),
        `${p}'s cards newest first`,
      );
      assert.equal(mine.length, N);
    }
    const longest = Math.max(...va.cards.map((c) => c.position.length));
    assert.ok(longest <= REBALANCE_AT, `longest key ${longest}`);
    // Renumbering happened (events beyond the 3 lists, 2 + 2N cards), and keys are all distinct.
    assert.ok(va.lastSeq > 2 * N + 5, `lastSeq ${va.lastSeq}`);
    assert.equal(new Set(va.cards.map((c) => c.position)).size, va.cards.length);
  });
});
