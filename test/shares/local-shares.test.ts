import assert from 'node:assert/strict';
import { notePlugin } from '../fixtures/note-plugin.ts';
import { hookRecorderPlugin, type HookCall } from '../fixtures/hook-recorder-plugin.ts';
import { eventually, startTestServer, type TestServer } from '../harness/test-server.ts';
import { ocmRequests, outboxRows, received, shareSocket, type ShareSocket } from './share-test-kit.ts';

// Strict outbound policy (no private or loopback peers, https only): a same-server share must not need any exception.
const STRICT = { MESHWORK_ALLOW_INSECURE_PEERS: '0' };

describe('shares between two users of the same server', function () {
  this.timeout(30_000);
  let s: TestServer;
  let alice: string;
  let bob: string;
  let bobSocket: ShareSocket;
  let aliceSocket: ShareSocket;
  let ocm: ReturnType<typeof ocmRequests>;
  const recorder = hookRecorderPlugin();

  before(async () => {
    s = await startTestServer({ env: STRICT, plugins: [notePlugin(), recorder.plugin] });
    alice = await s.user('alice', 'Alice Owner');
    bob = await s.user('bob', 'Bob Colleague');
    [aliceSocket, bobSocket] = await Promise.all([shareSocket(s, alice), shareSocket(s, bob)]);
    ocm = ocmRequests(s);
  });
  after(async () => {
    aliceSocket?.close();
    bobSocket?.close();
    await s?.destroy();
  });
  afterEach(async () => {
    assert.deepEqual(ocm.paths, [], 'no OCM request reached the server');
    assert.equal(await outboxRows(s), 0, 'nothing was queued for delivery');
  });

  async function note(title: string): Promise<string> {
    const res = await s.api(alice, 'POST', '/api/v1/note/notes', { title, body: `body of ${title}` });
    assert.equal(res.status, 201);
    return res.body.id;
  }
  async function shareNote(title: string): Promise<{ outgoing: any; incoming: any }> {
    const created = await s.api(alice, 'POST', '/api/v1/shares', {
      resourceType: 'note',
      resourceId: await note(title),
      shareWith: `bob@${s.host}`,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const incoming = (await s.api(bob, 'GET', '/api/v1/shares/incoming')).body.find(
      (x: any) => x.providerId === created.body.providerId,
    );
    assert.ok(incoming, 'the share is in the recipient inbox');
    return { outgoing: created.body, incoming };
  }
  const outgoingState = async (id: string) =>
    (await s.api(alice, 'GET', '/api/v1/shares/outgoing')).body.find((x: any) => x.id === id)?.state;

  it('shares, waits in the inbox, is accepted, read, notified and unshared, all at once and in-process', async () => {
    const { outgoing, incoming } = await shareNote('Plan');
    assert.equal(outgoing.state, 'pending');
    assert.equal(outgoing.shareWith, `bob@${s.host}`);
    assert.equal(outgoing.recipientDisplayName, 'Bob Colleague');
    assert.equal(incoming.state, 'pending');
    assert.equal(incoming.owner, `alice@${s.host}`);
    assert.equal(incoming.ownerDisplayName, 'Alice Owner');
    assert.equal(JSON.stringify(incoming).includes('sharedSecret'), false);
    await received(bobSocket, 'share:received:pending:Plan');

    const accepted = await s.api(bob, 'POST', `/api/v1/shares/incoming/${incoming.id}/accept`);
    assert.equal(accepted.status, 200);
    assert.equal(accepted.body.state, 'accepted');
    // No queue in between: the owner's side changed before the recipient's request was answered.
    assert.equal(await outgoingState(outgoing.id), 'accepted');
    await received(aliceSocket, 'share:outgoing-updated:accepted:Plan');
    await received(bobSocket, 'share:incoming-updated:accepted:Plan');

    const read = await s.api(bob, 'GET', `/api/v1/note/shared/${incoming.id}`);
    assert.equal(read.status, 200, JSON.stringify(read.body));
    assert.equal(read.body.body, 'body of Plan');
    assert.equal(read.body.via, 'token', 'the code flow ran in-process, as with a peer that offers it');

    const touched = await s.api(alice, 'POST', `/api/v1/note/notes/${outgoing.resourceId}/touch`, { title: 'Plan v2' });
    assert.equal(touched.body.notified, 1);
    const events = (await s.api(bob, 'GET', '/api/v1/note/events')).body;
    assert.deepEqual(
      events.map((e: any) => e.title),
      ['Plan v2'],
      "the plugin's own notification arrived before the owner's request returned",
    );

    const unshared = await s.api(alice, 'DELETE', `/api/v1/shares/outgoing/${outgoing.id}`);
    assert.equal(unshared.body.state, 'unshared');
    assert.deepEqual((await s.api(bob, 'GET', '/api/v1/shares/incoming')).body, []);
    await received(bobSocket, 'share:incoming-removed:removed:Plan');
    assert.equal((await s.api(bob, 'GET', `/api/v1/note/shared/${incoming.id}`)).status, 404);
  });

  it('declining tells the owner at once and ends access', async () => {
    const { outgoing, incoming } = await shareNote('Declined');
    const declined = await s.api(bob, 'POST', `/api/v1/shares/incoming/${incoming.id}/decline`);
    assert.equal(declined.body.state, 'declined');
    assert.equal(await outgoingState(outgoing.id), 'declined');
    await received(aliceSocket, 'share:outgoing-updated:declined:Declined');
    await received(bobSocket, 'share:incoming-removed:declined:Declined');
    assert.equal((await s.api(bob, 'GET', `/api/v1/note/shared/${incoming.id}`)).status, 404);
  });

  it('leaving an accepted share tells the owner at once; leaving a pending one declines it', async () => {
    const first = await shareNote('Left');
    await s.api(bob, 'POST', `/api/v1/shares/incoming/${first.incoming.id}/accept`);
    const left = await s.api(bob, 'DELETE', `/api/v1/shares/incoming/${first.incoming.id}`);
    assert.equal(left.body.state, 'removed');
    assert.equal(await outgoingState(first.outgoing.id), 'unshared');
    await received(aliceSocket, 'share:outgoing-updated:unshared:Left');

    const second = await shareNote('Left unanswered');
    await s.api(bob, 'DELETE', `/api/v1/shares/incoming/${second.incoming.id}`);
    assert.equal(await outgoingState(second.outgoing.id), 'declined');
  });

  it('refuses sharing with yourself and with an unknown user of this server, in plain words, keeping nothing', async () => {
    const id = await note('Nobody');
    const before = (await s.api(alice, 'GET', '/api/v1/shares/outgoing')).body.length;
    const self = await s.api(alice, 'POST', '/api/v1/shares', {
      resourceType: 'note',
      resourceId: id,
      shareWith: `alice@${s.host}`,
    });
    assert.equal(self.status, 400);
    assert.equal(self.body.code, 'SHARE_WITH_SELF');
    assert.equal(self.body.message, 'You cannot share with yourself');
    const nobody = await s.api(alice, 'POST', '/api/v1/shares', {
      resourceType: 'note',
      resourceId: id,
      shareWith: `nobody@${s.host}`,
    });
    assert.equal(nobody.status, 400);
    assert.equal(nobody.body.code, 'RECIPIENT_NOT_FOUND');
    assert.equal(nobody.body.message, `nobody is not a user on ${s.host}`);
    assert.equal((await s.api(alice, 'GET', '/api/v1/shares/outgoing')).body.length, before);
  });

  it('runs the same plugin hooks, in the same order, as a share between two servers', async () => {
    const flows = async (
      server: TestServer,
      owner: string,
      rec: { calls: HookCall[] },
      recipient: () => Promise<{ server: TestServer; token: string; host: string }>,
    ) => {
      const r = await recipient();
      const seen: string[][] = [];
      for (const [i, end] of (['accept-unshare', 'decline', 'accept-leave'] as const).entries()) {
        const created = await server.api(owner, 'POST', '/api/v1/shares', {
          resourceType: 'memo',
          resourceId: `m${i}`,
          shareWith: `bob@${r.host}`,
        });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        const pid = created.body.providerId;
        const inc = await eventually(
          async () =>
            (await r.server.api(r.token, 'GET', '/api/v1/shares/incoming')).body.find((x: any) => x.providerId === pid),
          5000,
          'the memo share',
        );
        const calls = () => rec.calls.filter((c) => c.providerId === pid).map((c) => c.hook);
        const settle = async (n: number) => eventually(async () => calls().length >= n, 5000, `${n} hook calls`);
        await settle(3);
        if (end === 'decline') await r.server.api(r.token, 'POST', `/api/v1/shares/incoming/${inc.id}/decline`);
        else await r.server.api(r.token, 'POST', `/api/v1/shares/incoming/${inc.id}/accept`);
        await settle(5);
        if (end === 'accept-unshare') await server.api(owner, 'DELETE', `/api/v1/shares/outgoing/${created.body.id}`);
        if (end === 'accept-leave') await r.server.api(r.token, 'DELETE', `/api/v1/shares/incoming/${inc.id}`);
        if (end !== 'decline') await settle(7);
        seen.push(calls());
      }
      return seen;
    };
    const local = await flows(s, alice, recorder, async () => ({ server: s, token: bob, host: s.host }));

    const [ra, rb] = [hookRecorderPlugin(), hookRecorderPlugin()];
    const both = { calls: [] as HookCall[] };
    const [a, b] = await Promise.all([
      startTestServer({ plugins: [ra.plugin] }),
      startTestServer({ plugins: [rb.plugin] }),
    ]);
    try {
      // One log across the two servers, in the order the calls happened.
      for (const r of [ra, rb]) {
        const push = r.calls.push.bind(r.calls);
        r.calls.push = (...items: HookCall[]) => (both.calls.push(...items), push(...items));
      }
      const federated = await flows(a, await a.user('alice'), both, async () => ({
        server: b,
        token: await b.user('bob'),
        host: b.host,
      }));
      assert.deepEqual(local, federated);
    } finally {
      await Promise.all([a.destroy(), b.destroy()]);
    }
    assert.deepEqual(local, [
      [
        'prepareOutgoingShare',
        'validateIncomingShare',
        'onShareReceived',
        'onIncomingAccepted',
        'onOutgoingAccepted',
        'onOutgoingRemoved',
        'onIncomingRemoved',
      ],
      ['prepareOutgoingShare', 'validateIncomingShare', 'onShareReceived', 'onIncomingRemoved', 'onOutgoingDeclined'],
      [
        'prepareOutgoingShare',
        'validateIncomingShare',
        'onShareReceived',
        'onIncomingAccepted',
        'onOutgoingAccepted',
        'onIncomingRemoved',
        'onOutgoingRemoved',
      ],
    ]);
  });
});

describe('same-server shares under strict criteria', function () {
  this.timeout(20_000);
  let s: TestServer;
  before(async () => {
    s = await startTestServer({
      env: { ...STRICT, MESHWORK_CRITERIA: 'must-exchange-token,must-invite' },
      plugins: [notePlugin()],
    });
  });
  after(async () => s?.destroy());

  it('needs no invite between colleagues, and reads with an exchanged token only (the raw secret is refused)', async () => {
    const alice = await s.user('alice');
    const bob = await s.user('bob');
    const noteId = (await s.api(alice, 'POST', '/api/v1/note/notes', { title: 'Strict', body: 'kept safe' })).body.id;
    const created = await s.api(alice, 'POST', '/api/v1/shares', {
      resourceType: 'note',
      resourceId: noteId,
      shareWith: `bob@${s.host}`,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.strict, true, 'our own must-exchange-token applies, as a peer would demand it');
    const [incoming] = (await s.api(bob, 'GET', '/api/v1/shares/incoming')).body;
    await s.api(bob, 'POST', `/api/v1/shares/incoming/${incoming.id}/accept`);
    const read = await s.api(bob, 'GET', `/api/v1/note/shared/${incoming.id}`);
    assert.equal(read.status, 200, JSON.stringify(read.body));
    assert.equal(read.body.via, 'token');
    const secret = (await s.engine.shares.getIncoming(incoming.id))?.protocol.protocols.note?.sharedSecret;
    const raw = await fetch(`${s.origin}/plugins/note/content/${noteId}`, {
      headers: { authorization: `Bearer ${secret}` },
    });
    assert.equal(raw.status, 401);
  });
});
