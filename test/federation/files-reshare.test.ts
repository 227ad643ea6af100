import assert from 'node:assert/strict';
import { filesPlugin } from '../../plugins/files/index.ts';
import { basicFor, davClient } from '../harness/dav-test-client.ts';
import { eventually, startTestServer, type TestServer } from '../harness/test-server.ts';

describe('federation: resharing files through the owner, and strict receivers', function () {
  this.timeout(60_000);
  let a: TestServer;
  let b: TestServer;
  let c: TestServer;
  let strict: TestServer;
  let alice: string;
  let bob: string;
  let carol: string;
  let dave: string;

  before(async () => {
    [a, b, c, strict] = await Promise.all([
      startTestServer({ plugins: [filesPlugin()] }),
      startTestServer({ plugins: [filesPlugin()] }),
      startTestServer({ plugins: [filesPlugin()] }),
      startTestServer({ plugins: [filesPlugin()], env: { MESHWORK_CRITERIA: 'must-exchange-token' } }),
    ]);
    [alice, bob, carol, dave] = await Promise.all([
      a.user('alice'),
      b.user('bob'),
      c.user('carol'),
      strict.user('dave'),
    ]);
    const dav = davClient(a.origin, basicFor('alice'));
    assert.equal((await dav.send('MKCOL', '/dav/files/alice/Team')).status, 201);
    assert.equal((await dav.send('PUT', '/dav/files/alice/Team/plan.md', { body: '# plan' })).status, 201);
  });
  after(async () => Promise.all([a, b, c, strict].map((s) => s?.destroy())));

  async function shareTo(
    server: TestServer,
    token: string,
    user: string,
    permissions: string[],
  ): Promise<{ providerId: string; incomingId: string; strict: boolean }> {
    const created = await a.api(alice, 'POST', '/api/v1/shares', {
      resourceType: 'folder',
      resourceId: '/Team',
      shareWith: `${user}@${server.host}`,
      permissions,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const incoming = (await server.api(token, 'GET', '/api/v1/shares/incoming')).body.find(
      (s: any) => s.providerId === created.body.providerId,
    );
    assert.equal((await server.api(token, 'POST', `/api/v1/shares/incoming/${incoming.id}/accept`)).status, 200);
    return { providerId: created.body.providerId, incomingId: incoming.id, strict: created.body.strict };
  }

  it("a reshare goes directly from the owner's server to the third server", async () => {
    const { incomingId } = await shareTo(b, bob, 'bob', ['read', 'share']);
    const tooMuch = await b.api(bob, 'POST', '/api/v1/files/reshare', {
      incomingShareId: incomingId,
      shareWith: `carol@${c.host}`,
      permissions: ['read', 'write'],
    });
    assert.equal(tooMuch.status, 403);
    assert.equal(tooMuch.body.code, 'RESHARE_PERMISSIONS_EXCEEDED');
    const asked = await b.api(bob, 'POST', '/api/v1/files/reshare', {
      incomingShareId: incomingId,
      shareWith: `carol@${c.host}`,
      permissions: ['read'],
    });
    assert.equal(asked.status, 202, JSON.stringify(asked.body));

    const forCarol = await eventually(
      async () => (await c.api(carol, 'GET', '/api/v1/shares/incoming')).body.find((s: any) => s.name === 'Team'),
      10_000,
      'the reshare to reach carol',
    );
    assert.equal(forCarol.owner, `alice@${a.host}`, 'the owner is alice');
    assert.equal(forCarol.senderHost, a.host, "sent by the owner's server, not bob's");
    const outgoing = (await a.api(alice, 'GET', '/api/v1/shares/outgoing')).body.find(
      (s: any) => s.shareWith === `carol@${c.host}`,
    );
    assert.ok(outgoing, 'alice sees the reshare among her own shares (and can revoke it)');
    assert.deepEqual(outgoing.permissions, ['read']);

    await c.api(carol, 'POST', `/api/v1/shares/incoming/${forCarol.id}/accept`);
    const carolDav = davClient(c.origin, basicFor('carol'));
    assert.equal((await carolDav.send('GET', '/dav/files/carol/Shared%20with%20me/Team/plan.md')).text, '# plan');
    assert.equal(
      (await carolDav.send('PUT', '/dav/files/carol/Shared%20with%20me/Team/plan.md', { body: 'x' })).status,
      403,
    );
  });

  it('refuses a reshare without the share permission', async () => {
    const { incomingId } = await shareTo(b, bob, 'bob', ['read', 'write']);
    const res = await b.api(bob, 'POST', '/api/v1/files/reshare', {
      incomingShareId: incomingId,
      shareWith: `carol@${c.host}`,
      permissions: ['read'],
    });
    assert.equal(res.status, 403);
    assert.equal(res.body.code, 'RESHARE_NOT_ALLOWED');
    const bad = await b.api(bob, 'POST', '/api/v1/files/reshare', {
      incomingShareId: 'nope',
      shareWith: `carol@${c.host}`,
    });
    assert.equal(bad.status, 404);
  });

  it('a strict receiver (must-exchange-token) reads with an exchanged token only', async () => {
    const { providerId, strict: isStrict } = await shareTo(strict, dave, 'dave', ['read', 'write']);
    assert.equal(isStrict, true);
    const incoming = (await strict.engine.shares.listIncoming('dave')).find((s) => s.providerId === providerId);
    assert.deepEqual(incoming?.protocol.protocols.webdav?.requirements, ['must-exchange-token']);
    const daveDav = davClient(strict.origin, basicFor('dave'));
    assert.equal((await daveDav.send('GET', '/dav/files/dave/Shared%20with%20me/Team/plan.md')).text, '# plan');
    assert.equal(
      (await daveDav.send('PUT', '/dav/files/dave/Shared%20with%20me/Team/dave.txt', { body: 'hi' })).status,
      201,
    );
    // The owner forgets every issued token (as after a reset): the receiver retries once with a freshly exchanged one.
    await a.engine.database.db.deleteFrom('access_tokens').execute();
    assert.equal((await daveDav.send('GET', '/dav/files/dave/Shared%20with%20me/Team/dave.txt')).text, 'hi');
    const raw = davClient(a.origin, `Bearer ${String(incoming?.protocol.protocols.webdav?.sharedSecret)}`);
    assert.equal(
      (await raw.send('PROPFIND', `/dav/ocm/${providerId}/`, { headers: { depth: '0' } })).status,
      401,
      'the raw secret is refused',
    );
  });
});
