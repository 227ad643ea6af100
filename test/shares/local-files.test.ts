import assert from 'node:assert/strict';
import { filesPlugin } from '../../plugins/files/index.ts';
import { basicFor, davClient } from '../harness/dav-test-client.ts';
import { startTestServer, type TestServer } from '../harness/test-server.ts';
import { ocmRequests, outboxRows } from './share-test-kit.ts';

const SHARED = '/dav/files/bob/Shared%20with%20me';

describe('files shared between two users of the same server', function () {
  this.timeout(30_000);
  let s: TestServer;
  let alice: string;
  let bob: string;
  let aliceDav: ReturnType<typeof davClient>;
  let bobDav: ReturnType<typeof davClient>;
  let ocm: ReturnType<typeof ocmRequests>;

  before(async () => {
    // The strict outbound policy stays on: reaching the owner's share endpoint on this server needs no exception.
    s = await startTestServer({ env: { MESHWORK_ALLOW_INSECURE_PEERS: '0' }, plugins: [filesPlugin()] });
    alice = await s.user('alice', 'Alice');
    bob = await s.user('bob', 'Bob');
    aliceDav = davClient(s.origin, basicFor('alice'));
    bobDav = davClient(s.origin, basicFor('bob'));
    for (const dir of ['Team', 'Handbook'])
      assert.equal((await aliceDav.send('MKCOL', `/dav/files/alice/${dir}`)).status, 201);
    assert.equal((await aliceDav.send('PUT', '/dav/files/alice/Team/plan.txt', { body: 'the plan' })).status, 201);
    assert.equal((await aliceDav.send('PUT', '/dav/files/alice/Handbook/rules.txt', { body: 'rule 1' })).status, 201);
    ocm = ocmRequests(s);
  });
  after(async () => s?.destroy());

  async function shareFolder(folder: string, permissions: string[]): Promise<{ outgoingId: string }> {
    const created = await s.api(alice, 'POST', '/api/v1/shares', {
      resourceType: 'folder',
      resourceId: `/${folder}`,
      shareWith: `bob@${s.host}`,
      permissions,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const incoming = (await s.api(bob, 'GET', '/api/v1/shares/incoming')).body.find(
      (x: any) => x.providerId === created.body.providerId,
    );
    assert.equal(incoming.state, 'pending');
    assert.equal(
      (await bobDav.list(`${SHARED}/`)).hrefs.includes(`${SHARED}/${folder}/`),
      false,
      'not in the tree before accepting',
    );
    assert.equal((await s.api(bob, 'POST', `/api/v1/shares/incoming/${incoming.id}/accept`)).status, 200);
    return { outgoingId: created.body.id };
  }

  it('a read-write folder appears under Shared with me; reads and writes reach the owner', async () => {
    const { outgoingId } = await shareFolder('Team', ['read', 'write']);
    const listing = await bobDav.list(`${SHARED}/`);
    assert.equal(listing.status, 207);
    assert.ok(listing.hrefs.includes(`${SHARED}/Team/`), listing.text);
    assert.deepEqual((await bobDav.list(`${SHARED}/Team/`)).hrefs, [`${SHARED}/Team/`, `${SHARED}/Team/plan.txt`]);
    assert.equal((await bobDav.send('GET', `${SHARED}/Team/plan.txt`)).text, 'the plan');
    assert.equal((await bobDav.send('PUT', `${SHARED}/Team/notes.txt`, { body: 'from bob' })).status, 201);
    assert.equal((await aliceDav.send('GET', '/dav/files/alice/Team/notes.txt')).text, 'from bob');

    await s.api(alice, 'DELETE', `/api/v1/shares/outgoing/${outgoingId}`);
    assert.equal((await bobDav.list(`${SHARED}/`)).hrefs.includes(`${SHARED}/Team/`), false);
    assert.equal((await bobDav.send('GET', `${SHARED}/Team/plan.txt`)).status, 404);
    assert.deepEqual(ocm.paths, []);
    assert.equal(await outboxRows(s), 0);
  });

  it('a read-only folder answers writes with 403 and leaves the owner untouched', async () => {
    await shareFolder('Handbook', ['read']);
    assert.equal((await bobDav.send('GET', `${SHARED}/Handbook/rules.txt`)).text, 'rule 1');
    assert.equal((await bobDav.send('PUT', `${SHARED}/Handbook/rules.txt`, { body: 'changed' })).status, 403);
    assert.equal((await bobDav.send('DELETE', `${SHARED}/Handbook/rules.txt`)).status, 403);
    assert.equal((await aliceDav.send('GET', '/dav/files/alice/Handbook/rules.txt')).text, 'rule 1');
    // Deleting the entry in Shared with me leaves the share, as for a remote one; the owner's files stay.
    assert.equal((await bobDav.send('DELETE', `${SHARED}/Handbook`)).status, 204);
    const outgoing = (await s.api(alice, 'GET', '/api/v1/shares/outgoing')).body.find(
      (x: any) => x.resourceId === '/Handbook',
    );
    assert.equal(outgoing.state, 'unshared');
    assert.equal((await aliceDav.send('GET', '/dav/files/alice/Handbook/rules.txt')).status, 200);
    assert.deepEqual(ocm.paths, []);
    assert.equal(await outboxRows(s), 0);
  });
});
