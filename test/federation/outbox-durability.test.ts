import assert from 'node:assert/strict';
import { eventually, startTestServer, type TestServer } from '../harness/test-server.ts';

/** Restarts a stopped test server on the same port and data dir (same origin, same database). */
async function restart(s: TestServer): Promise<TestServer> {
  return startTestServer({ port: s.port, dataDir: s.dataDir });
}

describe('federation: a peer that is down, and a sender that restarts, lose nothing and double nothing', function () {
  this.timeout(60_000);
  let a: TestServer;
  let b: TestServer;
  let alice: string;
  let bob: string;
  let noteId: string;

  beforeEach(async () => {
    [a, b] = await Promise.all([startTestServer(), startTestServer()]);
    alice = await a.user('alice', 'Alice');
    bob = await b.user('bob', 'Bob');
    noteId = (await a.api(alice, 'POST', '/api/v1/note/notes', { title: 't0', body: 'x' })).body.id;
    await a.api(alice, 'POST', '/api/v1/shares', {
      resourceType: 'note',
      resourceId: noteId,
      shareWith: `bob@${b.host}`,
    });
    const [incoming] = (await b.api(bob, 'GET', '/api/v1/shares/incoming')).body;
    await b.api(bob, 'POST', `/api/v1/shares/incoming/${incoming.id}/accept`);
    await eventually(
      async () => (await a.api(alice, 'GET', '/api/v1/shares/outgoing')).body[0]?.state === 'accepted',
      5000,
      'acceptance',
    );
  });
  afterEach(async () => Promise.all([a, b].map((s) => s?.destroy())));

  async function titlesAtBob(): Promise<string[]> {
    const fresh = await b.user('bob');
    return (await b.api(fresh, 'GET', '/api/v1/note/events')).body.map((e: any) => e.title);
  }

  it('delivers every notification and a new share, once and in order, when the peer comes back', async () => {
    await b.stop();
    const started = Date.now();
    for (let i = 1; i <= 5; i++) {
      const res = await a.api(alice, 'POST', `/api/v1/note/notes/${noteId}/touch`, { title: `t${i}` });
      assert.equal(res.status, 200);
    }
    assert.ok(Date.now() - started < 2000, 'a dead peer does not slow local requests');
    const other = (await a.api(alice, 'POST', '/api/v1/note/notes', { title: 'later', body: 'y' })).body.id;
    const queued = await a.api(alice, 'POST', '/api/v1/shares', {
      resourceType: 'note',
      resourceId: other,
      shareWith: `bob@${b.host}`,
    });
    assert.equal(queued.status, 202, 'the share is queued while the peer is down');
    assert.equal(queued.body.state, 'sending');
    assert.ok((await a.engine.outbox.pending(b.host)) >= 6);

    b = await restart(b);
    await eventually(async () => (await a.engine.outbox.pending(b.host)) === 0, 15_000, 'outbox to drain');
    assert.deepEqual(await titlesAtBob(), ['t1', 't2', 't3', 't4', 't5']);
    const shares = await b.engine.shares.listIncoming('bob');
    assert.equal(shares.filter((s) => s.name === 'later').length, 1);
    await eventually(
      async () =>
        (await a.api(alice, 'GET', '/api/v1/shares/outgoing')).body.find((s: any) => s.id === queued.body.id)?.state ===
        'pending',
      5000,
      'share state to follow delivery',
    );
  });

  it('keeps undelivered notifications across a restart of the sender', async () => {
    await b.stop();
    for (let i = 1; i <= 3; i++) await a.api(alice, 'POST', `/api/v1/note/notes/${noteId}/touch`, { title: `r${i}` });
    await a.stop();
    b = await restart(b);
    // Nothing can arrive while the sender is down.
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(await titlesAtBob(), []);
    a = await restart(a);
    await eventually(async () => (await titlesAtBob()).length === 3, 15_000, 'notifications after the sender restarts');
    assert.deepEqual(await titlesAtBob(), ['r1', 'r2', 'r3']);
  });
});
