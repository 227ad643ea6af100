import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { eventually, startTestServer, type TestServer } from '../harness/test-server.ts';

/**
 * A share delivered while its user waits is answered as soon as the receiver took it: the held outbox copy stored
 * with it (before it was sent) keeps it durable, and dropping that copy and recording `pending` follow the answer.
 */
describe('a delivered share is answered before its bookkeeping commit, which can be lost without losing it', function () {
  this.timeout(30_000);
  let a: TestServer;
  let b: TestServer;
  let alice: string;
  let bob: string;
  let noteId: string;

  beforeEach(async () => {
    [a, b] = await Promise.all([startTestServer(), startTestServer()]);
    alice = await a.user('alice', 'Alice');
    bob = await b.user('bob', 'Bob Receiver');
    noteId = (await a.api(alice, 'POST', '/api/v1/note/notes', { title: 'Plan', body: 'x' })).body.id;
  });
  afterEach(async () => Promise.all([a, b].map((s) => s?.destroy())));

  const heldCopies = async () =>
    Number(
      (
        await a.engine.database.db
          .selectFrom('outbox')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('kind', '=', 'core:share')
          .executeTakeFirstOrThrow()
      ).n,
    );
  const storedState = async (id: string) =>
    (await a.engine.database.db.selectFrom('shares_out').select('state').where('id', '=', id).executeTakeFirst())
      ?.state;
  const share = () =>
    a.api(alice, 'POST', '/api/v1/shares', { resourceType: 'note', resourceId: noteId, shareWith: `bob@${b.host}` });

  it('answers 201 pending; then the held copy is gone and pending is stored, and the owner’s sessions hear of it', async () => {
    const announced: string[] = [];
    a.engine.events.on('share:outgoing-updated', (e) => {
      announced.push(`${e.share.id} ${e.share.state}`);
    });
    const created = await share();
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.state, 'pending');
    assert.equal(created.body.recipientDisplayName, 'Bob Receiver');
    await a.engine.shares.commits.settled();
    assert.equal(await storedState(created.body.id), 'pending');
    assert.equal(await heldCopies(), 0);
    assert.deepEqual(announced, [`${created.body.id} pending`]);
    const listed = (await a.api(alice, 'GET', '/api/v1/shares/outgoing')).body;
    assert.equal(listed[0].state, 'pending');
    assert.equal(listed[0].updatedAt, created.body.updatedAt, 'the answer and the stored row agree');
  });

  it('when that commit fails, the held copy is sent again once due and the share ends pending, received once', async () => {
    // A real failure of the bookkeeping commit: the database refuses to delete the held copy.
    await sql`CREATE TRIGGER keep_held BEFORE DELETE ON outbox BEGIN SELECT RAISE(ABORT, 'kept for the test'); END`.execute(
      a.engine.database.db,
    );
    const created = await share();
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.state, 'pending');
    await a.engine.shares.commits.settled();
    // Nothing of the failed commit stuck: still `sending`, with its held copy, as before the attempt.
    assert.equal(await storedState(created.body.id), 'sending');
    assert.equal(await heldCopies(), 1);

    await sql`DROP TRIGGER keep_held`.execute(a.engine.database.db);
    // The hold (a minute) is over: the outbox sends the copy; the receiver already has the share and says 201.
    await a.engine.database.db.updateTable('outbox').set({ next_attempt_at: Date.now() }).execute();
    await eventually(async () => (await storedState(created.body.id)) === 'pending', 10_000, 'the resend to land');
    assert.equal(await heldCopies(), 0);
    const inbox = (await b.api(bob, 'GET', '/api/v1/shares/incoming')).body;
    assert.equal(inbox.length, 1, 'the receiver keeps one share');
  });
});
