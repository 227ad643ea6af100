import assert from 'node:assert/strict';
import { eventually, startTestServer, type TestServer } from '../harness/test-server.ts';

describe('federation: share lifecycle between two servers', function () {
  this.timeout(30_000);
  let a: TestServer;
  let b: TestServer;
  let alice: string;
  let bob: string;

  before(async () => {
    [a, b] = await Promise.all([startTestServer(), startTestServer()]);
    alice = await a.user('alice', 'Alice Owner');
    bob = await b.user('bob', 'Bob Receiver');
  });
  after(async () => {
    await Promise.all([a?.destroy(), b?.destroy()]);
  });

  async function newNote(title: string): Promise<string> {
    const res = await a.api(alice, 'POST', '/api/v1/note/notes', { title, body: `body of ${title}` });
    assert.equal(res.status, 201);
    return res.body.id;
  }

  it('shares, accepts, reads with the secret, sends a custom notification and unshares', async () => {
    const noteId = await newNote('Plan');
    const created = await a.api(alice, 'POST', '/api/v1/shares', {
      resourceType: 'note',
      resourceId: noteId,
      shareWith: `bob@${b.host}`,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.state, 'pending');
    assert.equal(created.body.recipientDisplayName, 'Bob Receiver');

    const inbox = await b.api(bob, 'GET', '/api/v1/shares/incoming');
    assert.equal(inbox.body.length, 1);
    const incoming = inbox.body[0];
    assert.equal(incoming.state, 'pending');
    assert.equal(incoming.owner, `alice@${a.host}`);
    assert.equal(incoming.name, 'Plan');
    assert.equal(JSON.stringify(incoming).includes('sharedSecret'), false, 'the client API never shows the secret');

    const accepted = await b.api(bob, 'POST', `/api/v1/shares/incoming/${incoming.id}/accept`);
    assert.equal(accepted.status, 200);
    await eventually(
      async () => (await a.api(alice, 'GET', '/api/v1/shares/outgoing')).body[0]?.state === 'accepted',
      5000,
      'owner to see the acceptance',
    );

    const read = await b.api(bob, 'GET', `/api/v1/note/shared/${incoming.id}`);
    assert.equal(read.status, 200, JSON.stringify(read.body));
    assert.equal(read.body.body, 'body of Plan');

    const touched = await a.api(alice, 'POST', `/api/v1/note/notes/${noteId}/touch`, { title: 'Plan v2' });
    assert.equal(touched.body.notified, 1);
    const events = await eventually(
      async () => {
        const ev = await b.api(bob, 'GET', '/api/v1/note/events');
        return ev.body.length > 0 ? ev.body : null;
      },
      5000,
      'NOTE_UPDATED to arrive',
    );
    assert.equal(events[0].title, 'Plan v2');

    const unshared = await a.api(alice, 'DELETE', `/api/v1/shares/outgoing/${created.body.id}`);
    assert.equal(unshared.body.state, 'unshared');
    await eventually(
      async () => (await b.api(bob, 'GET', '/api/v1/shares/incoming')).body.length === 0,
      5000,
      'share to vanish at the recipient',
    );
    const after = await b.api(bob, 'GET', `/api/v1/note/shared/${incoming.id}`);
    assert.equal(after.status, 404);
  });

  it('declining tells the owner and ends access', async () => {
    const noteId = await newNote('Declined');
    const created = await a.api(alice, 'POST', '/api/v1/shares', {
      resourceType: 'note',
      resourceId: noteId,
      shareWith: `bob@${b.host}`,
    });
    const incoming = (await b.api(bob, 'GET', '/api/v1/shares/incoming')).body.find((s: any) => s.name === 'Declined');
    const declined = await b.api(bob, 'POST', `/api/v1/shares/incoming/${incoming.id}/decline`);
    assert.equal(declined.body.state, 'declined');
    await eventually(
      async () =>
        (await a.api(alice, 'GET', '/api/v1/shares/outgoing')).body.find((s: any) => s.id === created.body.id)
          ?.state === 'declined',
      5000,
      'owner to see the decline',
    );
  });

  it('refuses a share to an unknown user with the peer reason in plain words, keeping no share', async () => {
    const noteId = await newNote('Nobody');
    const before = (await a.api(alice, 'GET', '/api/v1/shares/outgoing')).body.length;
    const res = await a.api(alice, 'POST', '/api/v1/shares', {
      resourceType: 'note',
      resourceId: noteId,
      shareWith: `nobody@${b.host}`,
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.code, 'RECIPIENT_NOT_FOUND');
    assert.equal(res.body.message, `nobody is not a user on ${b.host}`);
    assert.equal((await a.api(alice, 'GET', '/api/v1/shares/outgoing')).body.length, before);
  });

  it('refuses bad client input with 4xx and a code, never 500', async () => {
    const cases: Array<[unknown, number]> = [
      [{}, 400],
      [{ resourceType: 'note', resourceId: 'x', shareWith: 'not-an-address' }, 400],
      [{ resourceType: 'calendar', resourceId: 'x', shareWith: `bob@${b.host}` }, 501],
      [{ resourceType: 'note', resourceId: 'missing', shareWith: `bob@${b.host}` }, 404],
      [{ resourceType: 'note', resourceId: 'x', shareWith: `bob@${b.host}`, permissions: ['root'] }, 400],
    ];
    for (const [body, status] of cases) {
      const res = await a.api(alice, 'POST', '/api/v1/shares', body);
      assert.equal(res.status, status, `${JSON.stringify(body)} -> ${JSON.stringify(res.body)}`);
      assert.equal(typeof res.body.code, 'string');
    }
    const noAuth = await a.api(null, 'GET', '/api/v1/shares/outgoing');
    assert.equal(noAuth.status, 401);
  });
});
