import assert from 'node:assert/strict';
import {
  accept,
  eventually,
  revoke,
  share,
  startFederation,
  type Federation,
  type FederationServer,
} from '#sdk/testing';
import deckPlugin from '../src/index.ts';

describe('deck: boards shared between servers', function () {
  this.timeout(60_000);
  let fed: Federation;
  let a: FederationServer;
  let b: FederationServer;
  before(async () => {
    fed = await startFederation({ servers: 2, plugins: () => [deckPlugin()] });
    [a, b] = fed.servers as [FederationServer, FederationServer];
  });
  after(async () => fed?.close());

  it('a recipient reads the shared board, hears about moved cards, and loses it when unshared', async () => {
    const board = (await a.api('alice', 'POST', '/api/v1/deck/boards', { title: 'Launch' })).body;
    assert.deepEqual(
      board.stacks.map((s: { title: string }) => s.title),
      ['To do', 'Doing', 'Done'],
    );
    const [todo, doing] = board.stacks;
    const card = await a.api('alice', 'POST', `/api/v1/deck/boards/${board.id}/cards`, {
      stackId: todo.id,
      title: 'Write the announcement',
    });
    assert.equal(card.status, 201);

    const pair = await share(a, 'alice', { resourceType: 'deck', resourceId: board.id }, b, 'bob');
    assert.equal(pair.incoming.name, 'Launch');
    await accept(pair, b, 'bob', a, 'alice');
    const read = await b.api('bob', 'GET', `/api/v1/deck/shared/${pair.incoming.id}`);
    assert.equal(read.status, 200, JSON.stringify(read.body));
    assert.equal(read.body.board.stacks[0].cards[0].title, 'Write the announcement');

    // Moving the card tells bob's server (through the outbox).
    const moved = await a.api('alice', 'PATCH', `/api/v1/deck/cards/${card.body.id}`, { stackId: doing.id });
    assert.equal(moved.status, 200);
    await eventually(
      async () => (await b.api('bob', 'GET', `/api/v1/deck/received/${pair.incoming.id}`)).body?.cards === 1,
      10_000,
      'DECK_BOARD_CHANGED',
    );
    const after = await b.api('bob', 'GET', `/api/v1/deck/shared/${pair.incoming.id}`);
    assert.equal(after.body.board.stacks[1].cards[0].title, 'Write the announcement');

    await revoke(pair, a, 'alice', b, 'bob');
    assert.equal((await b.api('bob', 'GET', `/api/v1/deck/shared/${pair.incoming.id}`)).status, 404);
  });

  it('refuses bad input in plain words and keeps boards private', async () => {
    assert.equal((await a.api('alice', 'POST', '/api/v1/deck/boards', { title: '' })).status, 400);
    const board = (await a.api('alice', 'POST', '/api/v1/deck/boards', { title: 'Private' })).body;
    const bad = await a.api('alice', 'POST', `/api/v1/deck/boards/${board.id}/cards`, { stackId: 'nope', title: 'x' });
    assert.equal(bad.status, 400);
    assert.equal((await a.api('bob', 'GET', `/api/v1/deck/boards/${board.id}`)).status, 404);
  });
});
