import assert from 'node:assert/strict';
import { notePlugin } from '../fixtures/note-plugin.ts';
import { freshPostgresUrl, postgresAvailable } from '../harness/databases.ts';
import { eventually, freePort, startTestServer, type TestServer } from '../harness/test-server.ts';
import { ocmRequests, outboxRows, outgoingRows } from './share-test-kit.ts';

describe('sharing on PostgreSQL: same-server shares, refusals and queued shares', function () {
  this.timeout(40_000);
  let a: TestServer;
  let alice: string;
  let bob: string;
  const drops: Array<() => Promise<void>> = [];
  const servers: TestServer[] = [];

  before(async function () {
    if (!(await postgresAvailable())) {
      console.log('    (PostgreSQL not reachable on loopback; skipping outside CI)');
      return this.skip();
    }
    const db = await freshPostgresUrl();
    drops.push(db.drop);
    a = await startTestServer({ plugins: [notePlugin()], env: { MESHWORK_DATABASE_URL: db.url } });
    alice = await a.user('alice', 'Alice');
    bob = await a.user('bob', 'Bob');
  });
  after(async () => {
    await Promise.all([a, ...servers].map((s) => s?.destroy()));
    for (const d of drops) await d().catch(() => {});
  });

  const note = async (title: string) =>
    (await a.api(alice, 'POST', '/api/v1/note/notes', { title, body: 'x' })).body.id as string;

  it('a same-server share is accepted and unshared in-process, with nothing queued', async () => {
    const ocm = ocmRequests(a);
    const created = await a.api(alice, 'POST', '/api/v1/shares', {
      resourceType: 'note',
      resourceId: await note('Local'),
      shareWith: `bob@${a.host}`,
    });
    assert.equal(created.status, 201);
    const [incoming] = (await a.api(bob, 'GET', '/api/v1/shares/incoming')).body;
    await a.api(bob, 'POST', `/api/v1/shares/incoming/${incoming.id}/accept`);
    assert.equal((await a.api(bob, 'GET', `/api/v1/note/shared/${incoming.id}`)).body.body, 'x');
    await a.api(alice, 'DELETE', `/api/v1/shares/outgoing/${created.body.id}`);
    assert.deepEqual((await a.api(bob, 'GET', '/api/v1/shares/incoming')).body, []);
    assert.deepEqual(ocm.paths, []);
    assert.equal(await outboxRows(a), 0);
  });

  it('a refusal keeps no row; a share to a server that is down is stored with its queued copy and delivered', async () => {
    const rows = await outgoingRows(a);
    const refused = await a.api(alice, 'POST', '/api/v1/shares', {
      resourceType: 'note',
      resourceId: await note('Nowhere'),
      shareWith: 'bob@cloud.invalid',
    });
    assert.equal(refused.body.code, 'SHARE_PEER_NOT_FOUND');
    assert.equal(await outgoingRows(a), rows);

    const port = await freePort();
    const queued = await a.api(alice, 'POST', '/api/v1/shares', {
      resourceType: 'note',
      resourceId: await note('Later'),
      shareWith: `bob@127.0.0.1:${port}`,
    });
    assert.equal(queued.status, 202);
    assert.equal(await a.engine.outbox.pending(`127.0.0.1:${port}`), 1);
    const b = await startTestServer({ port, plugins: [notePlugin()] });
    servers.push(b);
    const remoteBob = await b.user('bob');
    await eventually(
      async () => (await b.api(remoteBob, 'GET', '/api/v1/shares/incoming')).body.length === 1,
      15_000,
      'delivery',
    );
  });
});
