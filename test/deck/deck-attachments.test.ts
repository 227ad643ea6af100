import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  accept,
  eventually,
  revoke,
  share,
  startFederation,
  type Federation,
  type FederationServer,
} from '#sdk/testing';
import deckPlugin from '../../packages/deck/server/index.ts';
import type { BoardView, DeckAttachment } from '../../packages/deck/server/shared.ts';
import { filesPlugin } from '../../plugins/files/index.ts';

const seg = (p: string) => p.split('/').map(encodeURIComponent).join('/');

/** Deck card attachments across servers: the files plugin stores and shares them, Deck orders them. */
describe('deck: card attachments from the user’s files, opened on another server', function () {
  this.timeout(90_000);
  let fed: Federation;
  let a: FederationServer;
  let b: FederationServer;

  before(async () => {
    fed = await startFederation({
      servers: 2,
      plugins: () => [filesPlugin(), deckPlugin({ sweepMs: 500 })],
      users: ['alice', 'bob', 'carol'],
    });
    [a, b] = fed.servers as [FederationServer, FederationServer];
  });
  after(async () => fed?.close());

  const view = async (s: FederationServer, user: string, id: string) =>
    (await s.api<BoardView>(user, 'GET', `/api/v1/deck/boards/${id}`)).body;

  async function upload(
    s: FederationServer,
    user: string,
    boardId: string,
    cardId: string,
    name: string,
    body: string,
  ) {
    const res = await fetch(
      `${s.origin}/api/v1/deck/boards/${boardId}/cards/${cardId}/attachments?name=${encodeURIComponent(name)}`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${await s.token(user)}`, 'content-type': 'application/octet-stream' },
        body,
      },
    );
    return { status: res.status, body: (await res.json()) as { attachment?: DeckAttachment; code?: string } };
  }

  /** What a user gets for an attachment on their own server: their own file, or the attacher's shared folder. */
  async function open(s: FederationServer, user: string, att: DeckAttachment) {
    const own = att.owner.toLowerCase() === s.address(user).toLowerCase();
    const path = own ? att.path : `/Shared with me/${att.folder}/${att.name}`;
    const res = await fetch(`${s.origin}/dav/files/${user}${seg(path)}`, {
      headers: { authorization: `Bearer ${await s.token(user)}` },
    });
    return { status: res.status, text: await res.text() };
  }

  it('alice attaches a file; bob on the other server opens it, carol joining later too; bob removed loses it', async () => {
    const id = (await a.api<BoardView>('alice', 'POST', '/api/v1/deck/boards', { title: 'Launch / plan' })).body.id;
    const pair = await share(
      a,
      'alice',
      { resourceType: 'deck-board', resourceId: id, permissions: ['read', 'write'] },
      b,
      'bob',
    );
    await accept(pair, b, 'bob', a, 'alice');
    const cardId = randomUUID();
    const listId = (await view(a, 'alice', id)).lists[0]!.id;
    await a.api('alice', 'POST', `/api/v1/deck/boards/${id}/actions`, {
      action: { type: 'card.create', cardId, listId, title: 'Spec', position: 'V' },
    });
    // Bob's server knows bob is on the board before alice attaches (the host announced it).
    await eventually(
      async () => (await view(b, 'bob', id))?.members?.includes(b.address('bob')),
      10_000,
      'members on b',
    );

    const up = await upload(a, 'alice', id, cardId, 'notes.txt', 'the plan, in words');
    assert.equal(up.status, 201, JSON.stringify(up.body));
    const att = await eventually(
      async () => (await view(b, 'bob', id)).cards.find((c) => c.id === cardId)?.attachments[0],
      10_000,
      'the attachment on the mirror',
    );
    assert.equal(att.name, 'notes.txt');
    assert.equal(att.owner, a.address('alice'));
    assert.equal((await view(b, 'bob', id)).attachments, true);
    assert.deepEqual(await open(a, 'alice', att), { status: 200, text: 'the plan, in words' });
    // Bob's server accepted alice's attachment folder for him (no inbox step), and proxies it from alice's server.
    const opened = await eventually(
      async () => {
        const r = await open(b, 'bob', att);
        return r.status === 200 ? r : null;
      },
      10_000,
      'bob opens the file',
    );
    assert.equal(opened.text, 'the plan, in words');

    // Carol (alice's server) joins after the file was attached: she gets alice's folder too.
    const local = await share(
      a,
      'alice',
      { resourceType: 'deck-board', resourceId: id, permissions: ['read'] },
      a,
      'carol',
    );
    assert.equal((await a.api('carol', 'POST', `/api/v1/shares/incoming/${local.incoming.id}/accept`)).status, 200);
    const carols = await eventually(
      async () => {
        const r = await open(a, 'carol', att);
        return r.status === 200 ? r : null;
      },
      10_000,
      'carol opens the file',
    );
    assert.equal(carols.text, 'the plan, in words');

    // Bob attaches too (through his server; the host orders it); alice opens his file.
    const bobCard = (await view(b, 'bob', id)).cards.find((c) => c.id === cardId)!;
    const mine = await upload(b, 'bob', id, bobCard.id, 'bob.txt', 'from bob');
    assert.equal(mine.status, 202, JSON.stringify(mine.body));
    const bobAtt = await eventually(
      async () =>
        (await view(a, 'alice', id)).cards.find((c) => c.id === cardId)?.attachments.find((x) => x.name === 'bob.txt'),
      10_000,
      'bob’s attachment at the host',
    );
    await eventually(async () => (await open(a, 'alice', bobAtt)).status === 200, 10_000, 'alice opens bob’s file');

    // Detaching is a board event like the others.
    const detached = await a.api(
      'alice',
      'DELETE',
      `/api/v1/deck/boards/${id}/cards/${cardId}/attachments/${bobAtt.id}`,
    );
    assert.equal(detached.status, 200);
    await eventually(
      async () => (await view(b, 'bob', id)).cards.find((c) => c.id === cardId)?.attachments.length === 1,
      10_000,
      'the detach on the mirror',
    );

    // Bob is removed from the board: his server can no longer read alice's attachment.
    await revoke(pair, a, 'alice', b, 'bob');
    const after = await eventually(
      async () => {
        const r = await open(b, 'bob', att);
        return r.status === 403 || r.status === 404 ? r : null;
      },
      10_000,
      'bob loses the file',
    );
    assert.ok([403, 404].includes(after.status));
    const outgoing = (
      await a.api<Array<{ resourceType: string; shareWith: string; state: string }>>(
        'alice',
        'GET',
        '/api/v1/shares/outgoing',
      )
    ).body.filter((s) => s.resourceType === 'folder' && s.shareWith === b.address('bob'));
    assert.ok(outgoing.length > 0 && outgoing.every((s) => s.state !== 'accepted'), JSON.stringify(outgoing));
  });

  it('refuses what is not allowed: a reader attaching, a nameless file, attaching someone else’s file by action', async () => {
    const id = (await a.api<BoardView>('alice', 'POST', '/api/v1/deck/boards', { title: 'Readers' })).body.id;
    const pair = await share(
      a,
      'alice',
      { resourceType: 'deck-board', resourceId: id, permissions: ['read'] },
      b,
      'bob',
    );
    await accept(pair, b, 'bob', a, 'alice');
    const cardId = randomUUID();
    const listId = (await view(a, 'alice', id)).lists[0]!.id;
    await a.api('alice', 'POST', `/api/v1/deck/boards/${id}/actions`, {
      action: { type: 'card.create', cardId, listId, title: 'Card', position: 'V' },
    });
    await eventually(async () => (await view(b, 'bob', id))?.cards?.length === 1, 10_000, 'the card on b');
    assert.equal((await upload(b, 'bob', id, cardId, 'x.txt', 'x')).status, 403);
    assert.equal((await upload(a, 'alice', id, cardId, '', 'x')).status, 400);
    assert.equal((await upload(a, 'alice', id, 'no-such-card-id', 'x.txt', 'x')).status, 404);
    const forged = await a.api('alice', 'POST', `/api/v1/deck/boards/${id}/actions`, {
      action: {
        type: 'card.attach',
        attachmentId: randomUUID(),
        cardId,
        attachment: { name: 'x', size: 1, mime: 'text/plain', owner: b.address('bob'), path: '/x', folder: 'x' },
      },
    });
    assert.equal(forged.status, 403);
    const hostOnly = await a.api('alice', 'POST', `/api/v1/deck/boards/${id}/actions`, {
      action: { type: 'rebalance', listId },
    });
    assert.equal(hostOnly.status, 400);
  });
});
