import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  accept,
  eventually,
  revoke,
  share,
  signedPost,
  startFederation,
  type Federation,
  type FederationServer,
} from '#sdk/testing';
import deckPlugin from '../server/index.ts';
import type { BoardView } from '../server/shared.ts';
import { act, addCard, layout, placeAt, view } from './helpers.ts';
import { REBALANCE_AT } from '../server/positions.ts';

describe('deck: boards shared across two servers', function () {
  this.timeout(60_000);
  let fed: Federation;
  let a: FederationServer;
  let b: FederationServer;

  before(async () => {
    fed = await startFederation({
      servers: 2,
      plugins: () => [deckPlugin({ sweepMs: 500, attachments: false })],
      users: ['alice', 'bob', 'carol'],
    });
    [a, b] = fed.servers as [FederationServer, FederationServer];
  });
  after(async () => fed?.close());

  async function sharedBoard(permissions: string[]) {
    const created = await a.api<BoardView>('alice', 'POST', '/api/v1/deck/boards', { title: 'Launch' });
    assert.equal(created.status, 201);
    const id = created.body.id;
    const pair = await share(a, 'alice', { resourceType: 'deck-board', resourceId: id, permissions }, b, 'bob');
    await accept(pair, b, 'bob', a, 'alice');
    await eventually(
      async () => (await b.api('bob', 'GET', `/api/v1/deck/boards/${id}`)).status === 200,
      10_000,
      'mirror',
    );
    await eventually(async () => (await view(b, 'bob', id)).lists.length === 3, 10_000, 'lists on the mirror');
    return { id, pair };
  }

  const same = async (id: string) =>
    eventually(
      async () => {
        const [x, y] = [await view(a, 'alice', id), await view(b, 'bob', id)];
        return JSON.stringify(layout(x)) === JSON.stringify(layout(y)) && x.lastSeq === y.lastSeq ? layout(x) : null;
      },
      10_000,
      'both servers to show the same board',
    );

  it('share → accept → both edit → both see the same cards in the same order', async () => {
    const { id } = await sharedBoard(['read', 'write']);
    await addCard(a, 'alice', id, 'To do', 'Write plan');
    const queued = await act(b, 'bob', id, {
      type: 'card.update',
      cardId: (await view(a, 'alice', id)).cards[0]!.id,
      labels: ['urgent'],
      due: '2027-01-15',
    });
    assert.equal(queued.status, 202);
    await addCard(b, 'bob', id, 'To do', 'Book room');
    const final = await same(id);
    assert.deepEqual(final['To do'], ['Write plan', 'Book room']);
    for (const [server, user] of [
      [a, 'alice'],
      [b, 'bob'],
    ] as const) {
      const card = await eventually(
        async () => (await view(server, user, id)).cards.find((c) => c.title === 'Write plan' && c.due),
        10_000,
        `the update on ${server.name}`,
      );
      assert.deepEqual(card.labels, ['urgent']);
      assert.equal(card.due, '2027-01-15');
    }
  });

  it('concurrent moves on both servers converge to one order', async () => {
    const { id } = await sharedBoard(['read', 'write']);
    for (const t of ['c1', 'c2', 'c3', 'c4']) await addCard(a, 'alice', id, 'To do', t);
    await same(id);
    const [va, vb] = [await view(a, 'alice', id), await view(b, 'bob', id)];
    const doing = va.lists.find((l) => l.title === 'Doing')!.id;
    const card = (v: BoardView, t: string) => v.cards.find((c) => c.title === t)!.id;
    // Both put a card at the top of "Doing" at the same time: the same key, ordered by id everywhere.
    await Promise.all([
      act(a, 'alice', id, {
        type: 'card.move',
        cardId: card(va, 'c1'),
        listId: doing,
        position: placeAt(va, doing, 0),
      }),
      act(b, 'bob', id, { type: 'card.move', cardId: card(vb, 'c4'), listId: doing, position: placeAt(vb, doing, 0) }),
      act(b, 'bob', id, {
        type: 'card.move',
        cardId: card(vb, 'c2'),
        listId: va.lists[0]!.id,
        position: placeAt(vb, va.lists[0]!.id, 3, card(vb, 'c2')),
      }),
    ]);
    const final = await eventually(
      async () => {
        const l = await same(id);
        return l['Doing']!.length === 2 ? l : null;
      },
      10_000,
      'the moves',
    );
    assert.deepEqual([...final['Doing']!].sort(), ['c1', 'c4']);
    assert.deepEqual(final['To do'], ['c3', 'c2']);
  });

  it('a read-only recipient can see the board but its changes are refused', async () => {
    const { id } = await sharedBoard(['read']);
    const res = await act(b, 'bob', id, { type: 'board.rename', title: 'Mine now' });
    assert.equal(res.status, 403);
    assert.equal((res.body as { code: string }).code, 'READ_ONLY');
    assert.equal((await view(a, 'alice', id)).title, 'Launch');
  });

  it('revoking the share removes the board from the recipient and refuses its server', async () => {
    const { id, pair } = await sharedBoard(['read', 'write']);
    await revoke(pair, a, 'alice', b, 'bob');
    await eventually(
      async () => (await b.api('bob', 'GET', `/api/v1/deck/boards/${id}`)).status === 404,
      10_000,
      'gone',
    );
    const list = await b.api<unknown[]>('bob', 'GET', '/api/v1/deck/boards');
    assert.ok(!(list.body as Array<{ id: string }>).some((x) => x.id === id));
  });

  it('a member server that was down catches up from the host; its queued changes reach the host', async () => {
    const { id } = await sharedBoard(['read', 'write']);
    await addCard(a, 'alice', id, 'To do', 'before');
    await same(id);
    await b.down();
    await addCard(a, 'alice', id, 'To do', 'while b was down 1');
    await addCard(a, 'alice', id, 'Done', 'while b was down 2');
    await b.up();
    await same(id);
    assert.deepEqual((await view(b, 'bob', id)).cards.map((c) => c.title).sort(), [
      'before',
      'while b was down 1',
      'while b was down 2',
    ]);
    // The host down: bob's change waits in his server's outbox and arrives when the host is back.
    await a.down();
    await addCard(b, 'bob', id, 'Doing', 'while a was down');
    await a.up();
    await eventually(async () => (await same(id))['Doing']!.length === 1, 10_000, 'the queued change');
    assert.deepEqual((await same(id))['Doing'], ['while a was down']);
  });

  it('refuses bad or forged peer input: events only from the host, malformed ones with 400, unknown action types', async () => {
    const { id } = await sharedBoard(['read', 'write']);
    const before = (await view(b, 'bob', id)).lastSeq;
    const event = { seq: before + 1, actor: `alice@${a.host}`, actionId: 'forged-0001', at: Date.now() };
    // A push about this board signed by a server that is not its host (b to itself) is not applied.
    const forged = await signedPost(b, b, '/plugins/deck/s2s/events', {
      boardId: id,
      lastSeq: before + 1,
      events: [{ ...event, action: { type: 'board.rename', title: 'Forged' } }],
    });
    assert.equal(forged.status, 404);
    const malformed = await signedPost(a, b, '/plugins/deck/s2s/events', {
      boardId: id,
      events: [{ ...event, action: { type: 'board.explode' } }],
    });
    assert.equal(malformed.status, 400);
    const noSecret = await signedPost(b, a, '/plugins/deck/s2s/actions', {
      boardId: id,
      secret: 'not-the-secret-of-any-share',
      actionId: 'action-0001',
      action: { type: 'board.rename', title: 'x' },
    });
    assert.equal(noSecret.status, 403);
    const v = await view(b, 'bob', id);
    assert.equal(v.title, 'Launch');
    assert.equal(v.lastSeq, before);
    const bad = await act(b, 'bob', id, { type: 'card.move', cardId: 'x', listId: 'y', position: 'V' } as never);
    assert.equal(bad.status, 400);
  });

  it('a user of the same server reads and edits the hosted board directly (no mirror)', async () => {
    const created = await a.api<BoardView>('alice', 'POST', '/api/v1/deck/boards', { title: 'Local' });
    const id = created.body.id;
    const pair = await share(
      a,
      'alice',
      { resourceType: 'deck-board', resourceId: id, permissions: ['read', 'write'] },
      a,
      'carol',
    );
    const res = await a.api('carol', 'POST', `/api/v1/shares/incoming/${pair.incoming.id}/accept`);
    assert.equal(res.status, 200);
    await addCard(a, 'carol', id, 'Done', 'by carol');
    assert.deepEqual(layout(await view(a, 'alice', id))['Done'], ['by carol']);
  });

  it('renumbers a list whose keys grew long, in one host-ordered event both servers apply alike', async () => {
    const { id } = await sharedBoard(['read', 'write']);
    await addCard(a, 'alice', id, 'To do', 'first');
    const v = await view(a, 'alice', id);
    const listId = v.lists[0]!.id;
    const first = v.cards[0]!;
    // 150 inserts right after "first": keys grow about one character per five, so the host renumbers at least once.
    for (let i = 0; i < 150; i++) {
      const res = await act(a, 'alice', id, {
        type: 'card.create',
        cardId: randomUUID(),
        listId,
        title: `n${i}`,
        position: `${first.position}V`,
        after: first.id,
      });
      assert.equal(res.status, 201);
    }
    const final = await eventually(
      async () => {
        const [x, y] = [await view(a, 'alice', id), await view(b, 'bob', id)];
        return x.lastSeq === y.lastSeq ? ([x, y] as const) : null;
      },
      10_000,
      'the mirror caught up',
    );
    const [x, y] = final;
    assert.deepEqual(
      y.cards.map((c) => [c.title, c.position]),
      x.cards.map((c) => [c.title, c.position]),
    );
    assert.deepEqual(
      x.cards.map((c) => c.title),
      ['first', ...Array.from({ length: 150 }, (_, i) => `n${149 - i}`)],
    );
    assert.ok(Math.max(...x.cards.map((c) => c.position.length)) <= REBALANCE_AT);
    assert.ok(x.lastSeq > 3 + 151, `a rebalance event was ordered (lastSeq ${x.lastSeq})`);
  });
});
